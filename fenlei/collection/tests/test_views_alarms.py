"""The alarms pages: routed to the street responsible and listed for the office, filtered by kind,
state, family, area and days; the evidence shown readably; acknowledging, resolving, dismissing and
reopening through `alarms.set_state`, audited."""

import datetime

import pytest
from django.urls import reverse

from fenlei.collection import services
from fenlei.collection.alarms import raise_alarms
from fenlei.collection.choices import AlarmKind, AlarmState, EntryFace
from fenlei.collection.models import Alarm, Record
from fenlei.collection.tests.conftest import row
from fenlei.core.models import AuditEntry

LIST = reverse("collection:alarm-list")
D = datetime.date(2026, 6, 15)


@pytest.fixture
def alarms(world, fleet):
    """A dry load on 绿洁环卫's wet truck at 甲一花园 (raised at write time), and two findings planted
    the way the detectors write them: poor grades piling up at 乙一花园, an outlier at 甲二小区."""
    result = services.ingest(
        [row(world.sites["a1_estate"], "dry", 80, client_id="d1", vehicle="浙A10001")],
        face=EntryFace.DEVICE,
        device=fleet.device,
        within=[fleet.device.area_path],
    )
    assert result.accepted == 1
    record = Record.objects.get()
    b1, a2 = world.sites["b1_estate"], world.sites["a2_open"]
    raise_alarms(
        [
            {
                "kind": AlarmKind.POOR_GRADES,
                "key": f"poor_grades:{b1.pk}:2026W24",
                "area_id": b1.community_id,
                "area_path": b1.area_path,
                "site_id": b1.pk,
                "hauler_id": world.other_hauler.pk,
                "first_day": D - datetime.timedelta(days=13),
                "last_day": D,
                "evidence": {
                    "poor": 6,
                    "graded": 9,
                    "threshold": 5,
                    "days": ["2026-06-03", "2026-06-10"],
                    "records": [record.pk],
                    "by_week": [{"week": "2026W23", "poor": 2}, {"week": "2026W24", "poor": 4}],
                },
            },
            {
                "kind": AlarmKind.OUTLIER,
                "key": f"outlier:{a2.pk}:2026-06-01",
                "area_id": a2.community_id,
                "area_path": a2.area_path,
                "site_id": a2.pk,
                "first_day": datetime.date(2026, 6, 1),
                "last_day": datetime.date(2026, 6, 1),
                "evidence": {"stream": "wet", "value": 900, "median": 120, "score": 7.5},
            },
        ]
    )
    return {a.kind: a for a in Alarm.objects.all()}


def kinds(response) -> set[str]:
    return {a.kind for a in response.context["object_list"]}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("alice", {"vehicle_stream", "poor_grades", "outlier"}),
        ("leo", {"vehicle_stream", "poor_grades", "outlier"}),
        ("sam", {"vehicle_stream", "outlier"}),
        ("cora", {"vehicle_stream"}),
        ("olly", {"poor_grades"}),
        ("hal", {"vehicle_stream"}),  # his truck's
        ("mia", {"vehicle_stream"}),  # at her site
        ("ada", set()),
        ("nina", set()),
    ],
)
def test_each_sees_what_is_routed_to_it(world, alarms, client_for, persona, expected):
    response = client_for(persona).get(LIST)
    assert response.status_code == 200
    assert kinds(response) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"family": "mixing"}, {"vehicle_stream", "poor_grades"}),
        ({"family": "quality"}, {"outlier"}),
        ({"kind": "outlier"}, {"outlier"}),
        ({"state": "open"}, {"vehicle_stream", "poor_grades", "outlier"}),
        ({"state": "resolved"}, set()),
        ({"area": "street_a"}, {"vehicle_stream", "outlier"}),
        ({"area": "community_b1"}, {"poor_grades"}),
        ({"street": "street_b"}, {"poor_grades"}),
        ({"since": "2026-06-02"}, {"vehicle_stream", "poor_grades"}),
        ({"until": "2026-06-01"}, {"outlier"}),  # the poor grades span 06-02 … 06-15
        ({"until": "2026-06-02"}, {"poor_grades", "outlier"}),
        ({"period": "2026-06-01"}, {"outlier"}),
        ({"period": "2026W25"}, {"vehicle_stream", "poor_grades"}),
    ],
)
def test_filters(world, alarms, client_for, query, expected):
    query = {k: (getattr(world, v).pk if k in ("area", "street") else v) for k, v in query.items()}
    assert kinds(client_for("alice").get(LIST, query)) == expected


def test_a_count_linking_here_equals_the_rows(world, alarms, client_for):
    """The overview counts open alarms by family and area and links here with those filters."""
    open_mixing_a = Alarm.objects.filter(
        state=AlarmState.OPEN,
        kind__in=["vehicle_stream", "trip_mixed"],
        area_path__startswith=world.street_a.path,
    ).count()
    response = client_for("sam").get(LIST, {"family": "mixing", "state": "open", "area": world.street_a.pk})
    assert len(response.context["object_list"]) == open_mixing_a == 1


@pytest.mark.parametrize(
    ("persona", "kind", "status"),
    [
        ("sam", "vehicle_stream", 200),
        ("sam", "poor_grades", 404),
        ("olly", "vehicle_stream", 404),
        ("hal", "vehicle_stream", 200),
        ("hal", "outlier", 404),
        ("mia", "outlier", 404),
        ("nina", "outlier", 404),
    ],
)
def test_detail_scope(world, alarms, client_for, persona, kind, status):
    assert client_for(persona).get(alarms[kind].get_absolute_url()).status_code == status


def test_the_evidence_readably(world, alarms, client_for):
    client = client_for("alice")
    client.cookies["fenlei_language"] = "en"
    html = client.get(alarms["vehicle_stream"].get_absolute_url()).content.decode()
    assert "The vehicle collects" in html and "Wet waste" in html and "Dry waste" in html
    assert "A Wet waste vehicle recorded Dry waste." in html
    page = client.get(alarms["poor_grades"].get_absolute_url())
    html = page.content.decode()
    record = Record.objects.get()
    assert f'href="{record.get_absolute_url()}"' in html  # the records as links
    assert "“Poor” grades" in html and "2026W24" in html and "<table" in html  # a table of figures
    assert page.context["links"]["site"] == world.sites["b1_estate"]
    assert f"?site={world.sites['b1_estate'].pk}&amp;since=2026-06-02&amp;until=2026-06-15" in html


def test_handling_an_alarm(world, alarms, client_for):
    alarm = alarms["vehicle_stream"]
    url = reverse("collection:alarm-state", args=[alarm.pk])
    client = client_for("sam")
    client.cookies["fenlei_language"] = "en"
    detail = client.get(alarm.get_absolute_url())
    assert [s for s, _label in detail.context["form"].moves] == ["acknowledged", "resolved", "dismissed"]
    assert client.post(url, {"state": "acknowledged"}).status_code == 302
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.ACKNOWLEDGED
    # resolving needs a note: the page comes back with the message on the note
    response = client.post(url, {"state": "resolved", "note": ""})
    assert response.status_code == 400
    assert "Say what was done" in str(response.context["form"].errors["note"])
    assert 'id="id_note_error"' in response.content.decode()
    assert client.post(url, {"state": "resolved", "note": "已约谈收运单位，整改到位"}).status_code == 302
    alarm.refresh_from_db()
    assert (alarm.state, alarm.note) == (AlarmState.RESOLVED, "已约谈收运单位，整改到位")
    # a resolved alarm may only be reopened
    response = client.post(url, {"state": "dismissed", "note": "x"})
    assert response.status_code == 400 and "cannot become" in response.content.decode()
    assert client.post(url, {"state": "open", "note": "复查又发现"}).status_code == 302
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.OPEN
    entries = AuditEntry.objects.filter(content_type__model="alarm", object_id=str(alarm.pk))
    assert entries.count() == 3 and all(e.user == world.sam for e in entries)
    assert len(client.get(alarm.get_absolute_url()).context["history"]) == 3


def test_a_bad_state_is_refused(world, alarms, client_for):
    alarm = alarms["outlier"]
    response = client_for("alice").post(
        reverse("collection:alarm-state", args=[alarm.pk]), {"state": "exploded"}
    )
    assert response.status_code == 400 and "state" in response.context["form"].errors
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.OPEN


@pytest.mark.parametrize(
    ("persona", "status"), [("hal", 403), ("mia", 403), ("leo", 403), ("olly", 404), ("nina", 404)]
)
def test_who_may_not_handle_an_alarm(world, alarms, client_for, persona, status):
    alarm = alarms["vehicle_stream"]
    response = client_for(persona).post(
        reverse("collection:alarm-state", args=[alarm.pk]), {"state": "acknowledged"}
    )
    assert response.status_code == status
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.OPEN
    if status == 403:  # readers see no buttons
        assert client_for(persona).get(alarm.get_absolute_url()).context["form"] is None
