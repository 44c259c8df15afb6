"""The records pages: the scoped list and its filters, one record, manual entry (once per form, however
often it is sent), correction, voiding and follow-up — through the services, with the totals
following and the messages on the fields."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from fenlei.collection import services
from fenlei.collection.choices import EntryFace
from fenlei.collection.models import AreaDay, Record, Submission
from fenlei.collection.tests.conftest import row
from fenlei.core.models import AuditEntry

D = datetime.date(2026, 6, 15)
LIST = reverse("collection:record-list")
ADD = reverse("collection:record-add")


def send(fleet, rows):
    result = services.ingest(
        rows, face=EntryFace.DEVICE, device=fleet.device, within=[fleet.device.area_path]
    )
    assert not result.rejected, result.rejected
    return result


@pytest.fixture
def records(world, fleet):
    """One record at each of four sites and one at the village of 乙街道 (an area-level point); the
    records at 甲一花园 and 乙一花园 come on 绿洁环卫's wet truck."""
    s = world.sites
    send(
        fleet,
        [
            row(s["a1_estate"], "wet", 100, client_id="a1", vehicle="浙A10001"),
            row(s["a1_school"], "dry", 20, client_id="a1s", when="2026-06-14T08:00:00+08:00"),
            row(s["a2_open"], "wet", 40, client_id="a2"),
            row(s["b1_estate"], "wet", 60, client_id="b1", vehicle="浙A10001"),
            row({"area": world.village_b2.pk}, "recyclable", 12, client_id="b2"),
        ],
    )
    return {r.client_id: r for r in Record.objects.all()}


def en(client):
    client.cookies["fenlei_language"] = "en"
    return client


def listed(response) -> set[str]:
    return {r.client_id for r in response.context["object_list"]}


def total(area, stream="wet", day=D):
    r = AreaDay.objects.filter(area=area, day=day, stream=stream).first()
    return (r.grams, r.records) if r else (0, 0)


# --- the list -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("alice", {"a1", "a1s", "a2", "b1", "b2"}),
        ("leo", {"a1", "a1s", "a2", "b1", "b2"}),
        ("sam", {"a1", "a1s", "a2"}),
        ("cora", {"a1", "a1s"}),
        ("olly", {"b1", "b2"}),
        ("hal", {"a1", "a1s", "a2", "b1", "b2"}),  # the device is 绿洁环卫's: every record is his
        ("mia", {"a1"}),
        ("ada", set()),
        ("nina", set()),
    ],
)
def test_the_list_shows_what_each_persona_may_see(world, records, client_for, persona, expected):
    response = client_for(persona).get(LIST)
    assert response.status_code == 200
    assert listed(response) == expected


def test_the_list_asks_to_sign_in(world, client_for):
    response = client_for(None).get(LIST)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"stream": "wet"}, {"a1", "a2", "b1"}),
        ({"since": "2026-06-15"}, {"a1", "a2", "b1", "b2"}),
        ({"until": "2026-06-14"}, {"a1s"}),
        ({"period": "2026-06-14"}, {"a1s"}),
        ({"period": "2026W25"}, {"a1", "a2", "b1", "b2"}),  # Monday 15 June to Sunday 21 June
        ({"period": "2026-06"}, {"a1", "a1s", "a2", "b1", "b2"}),
        ({"period": "2026-05"}, set()),
        ({"street": "street_a"}, {"a1", "a1s", "a2"}),
        ({"community": "community_a1"}, {"a1", "a1s"}),
        ({"area": "street_b"}, {"b1", "b2"}),
        ({"area": "village_b2"}, {"b2"}),
        ({"site": "a2_open"}, {"a2"}),
        ({"vehicle": "浙a 10001"}, {"a1", "b1"}),  # written as people write it
        ({"hauler": "hauler"}, {"a1", "a1s", "a2", "b1", "b2"}),
        ({"hauler": "other_hauler"}, set()),
        ({"face": "device"}, {"a1", "a1s", "a2", "b1", "b2"}),
        ({"face": "form"}, set()),
        ({"follow_up": "true"}, set()),
    ],
)
def test_filters(world, records, client_for, query, expected):
    values = {}
    for key, value in query.items():
        if key in ("street", "community", "area"):
            value = getattr(world, value).pk
        elif key == "site":
            value = world.sites[value].pk
        elif key == "hauler":
            value = getattr(world, value).pk
        values[key] = value
    response = client_for("alice").get(LIST, values)
    assert response.status_code == 200
    assert listed(response) == expected


def test_a_bad_filter_value_is_left_out_and_said(world, records, client_for):
    response = en(client_for("alice")).get(LIST, {"period": "June", "stream": "wet"})
    assert response.status_code == 200
    assert listed(response) == {"a1", "a2", "b1"}
    assert "is not a period code" in response.content.decode()


def test_voided_records_leave_the_list_unless_asked_for(world, records, client_for):
    services.void(records["a2"], by=world.alice, reason="重复录入")
    client = client_for("sam")
    assert listed(client.get(LIST)) == {"a1", "a1s"}
    assert listed(client.get(LIST, {"voided": "void"})) == {"a2"}
    assert listed(client.get(LIST, {"voided": "all"})) == {"a1", "a1s", "a2"}


def test_a_street_filter_outside_the_scope_is_not_offered(world, records, client_for):
    """sam cannot pick 乙街道: the choice is refused and the list stays his."""
    response = client_for("sam").get(LIST, {"street": world.street_b.pk})
    assert listed(response) == {"a1", "a1s", "a2"}
    assert "street" in response.context["filterset"].form.errors


def test_pages_without_a_total_count(world, fleet, client_for, settings):
    settings.FENLEI_PAGE_SIZE = 10
    site = world.sites["a1_estate"]
    send(
        fleet,
        [
            row(site, "wet", 10 + i, client_id=f"p{i}", when=f"2026-06-15T0{i // 6}:{i % 6}0:00+08:00")
            for i in range(25)
        ],
    )
    client = client_for("cora")
    first = client.get(LIST).context
    assert [r.weight_kg for r in first["object_list"]][:2] == [
        Decimal("34.00"),
        Decimal("33.00"),
    ]  # newest first
    assert first["page"]["has_next"] and not first["page"]["has_previous"]
    third = client.get(LIST, {"page": 3}).context
    assert len(third["object_list"]) == 5 and not third["page"]["has_next"]
    assert client.get(LIST, {"page": "x"}).context["page"]["number"] == 1


def test_the_list_keeps_its_query_count_as_rows_grow(world, fleet, client_for, django_assert_max_num_queries):
    client = client_for("sam")
    site = world.sites["a1_estate"]
    send(fleet, [row(site, "wet", 5, client_id=f"x{i}", vehicle="浙A10001") for i in range(3)])
    with django_assert_max_num_queries(40) as few:
        client.get(LIST)
    send(fleet, [row(site, "wet", 5, client_id=f"y{i}", vehicle="浙A10001") for i in range(45)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert len(response.context["object_list"]) == 48


def test_a_site_narrows_the_list_and_the_add_button_follows(world, records, client_for):
    site = world.sites["a1_estate"]
    response = client_for("cora").get(LIST, {"site": site.pk})
    assert listed(response) == {"a1"}
    assert response.context["narrowed_site"] == site
    assert f"{ADD}?site={site.pk}" in response.content.decode()


# --- one record -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "key", "status"),
    [
        ("alice", "b1", 200),
        ("sam", "a1", 200),
        ("sam", "b1", 404),
        ("cora", "a1s", 200),
        ("cora", "a2", 404),
        ("olly", "a1", 404),
        ("olly", "b2", 200),
        ("hal", "a2", 200),
        ("mia", "a1", 200),
        ("mia", "a1s", 404),
        ("nina", "a1", 404),
    ],
)
def test_detail_scope(world, records, client_for, persona, key, status):
    assert client_for(persona).get(records[key].get_absolute_url()).status_code == status


def test_detail_shows_the_record_its_links_and_buttons_by_permission(world, records, client_for):
    record = records["a1"]
    page = en(client_for("sam")).get(record.get_absolute_url())
    html = page.content.decode()
    assert "甲一花园" in html and "Wet waste" in html and "100.00" in html and "浙A10001" in html
    assert "Device" in html or "device" in html
    assert page.context["can_correct"] and page.context["can_void"] and page.context["can_follow_up"]
    assert page.context["submission"] == record.submission
    # hal reads his own records: no buttons
    hal = client_for("hal").get(record.get_absolute_url()).context
    assert not (hal["can_correct"] or hal["can_void"] or hal["can_follow_up"])
    # sam may not see the district's vehicles: the plate is shown, not linked
    assert page.context["vehicle_link"] is None
    assert client_for("alice").get(record.get_absolute_url()).context["vehicle_link"] == record.vehicle


# --- manual entry ---------------------------------------------------------------------------------


def entry(world, **changes):
    data = {
        "occurred_at": "2026-06-15T08:30",
        "source": f"site:{world.sites['a1_estate'].pk}",
        "stream": "wet",
        "weight_kg": "85.5",
        "bins": "",
        "bin_volume_l": "",
        "vehicle": "",
        "grade": "fair",
        "client_id": "form-test-1",
    }
    data.update(changes)
    return data


def test_the_entry_form_offers_the_users_sources_only(world, now, client_for):
    form = client_for("cora").get(ADD).context["form"]
    offered = {v for _label, options in form.fields["source"].widget.choices[1:] for v, _n in options}
    s = world.sites
    assert offered == {
        f"area:{world.community_a1.pk}",
        f"site:{s['a1_estate'].pk}",
        f"site:{s['a1_school'].pk}",
    }
    assert form.sources_complete
    # a street admin's includes the street itself and both communities
    form = client_for("sam").get(ADD).context["form"]
    offered = {v for _label, options in form.fields["source"].widget.choices[1:] for v, _n in options}
    assert f"area:{world.street_a.pk}" in offered and f"site:{s['a2_restaurant'].pk}" in offered
    assert f"site:{s['b1_estate'].pk}" not in offered


def test_the_entry_form_starts_at_now_with_a_fresh_client_id(world, now, client_for):
    client = client_for("cora")
    first, second = client.get(ADD).context["form"], client.get(ADD).context["form"]
    assert first["occurred_at"].value().strftime("%Y-%m-%dT%H:%M") == "2026-06-15T10:00"
    assert first["client_id"].value() != second["client_id"].value()


def test_entering_a_record_keeps_it_audited_and_the_totals_follow(world, now, client_for):
    client = client_for("cora")
    response = client.post(ADD, entry(world))
    record = Record.objects.get()
    assert response.status_code == 302 and response["Location"] == record.get_absolute_url()
    assert (record.face, record.weight_kg, record.grade, record.origin) == (
        EntryFace.FORM,
        Decimal("85.50"),
        "fair",
        f"user:{world.cora.pk}",
    )
    assert total(world.community_a1) == (85_500, 1) and total(world.district) == (85_500, 1)
    entry_log = AuditEntry.objects.get(content_type__model="submission")
    assert entry_log.user == world.cora and entry_log.face == "web"
    assert Submission.objects.get().face == EntryFace.FORM


def test_a_form_sent_twice_is_counted_once(world, now, client_for):
    client = client_for("cora")
    data = entry(world, client_id="form-double-tap")
    first = client.post(ADD, data)
    second = client.post(ADD, data, follow=True)
    assert Record.objects.count() == 1
    record = Record.objects.get()
    assert first["Location"] == record.get_absolute_url()
    assert second.redirect_chain[-1][0] == record.get_absolute_url()
    assert total(world.community_a1) == (85_500, 1)
    assert Submission.objects.get(pk=record.submission_id).accepted == 1
    assert Submission.objects.order_by("-pk").first().duplicates == 1


def test_a_form_sent_again_with_other_values_says_so_and_offers_a_new_one(world, now, client_for):
    client = en(client_for("cora"))
    client.post(ADD, entry(world, client_id="form-x"))
    response = client.post(ADD, entry(world, client_id="form-x", weight_kg="90"))
    assert response.status_code == 400
    assert "already saved as record" in response.content.decode()
    form = response.context["form"]
    assert form["client_id"].value() != "form-x"
    # sending the corrected form now makes a second record, on purpose
    again = client.post(ADD, {**entry(world, weight_kg="90"), "client_id": form["client_id"].value()})
    assert again.status_code == 302 and Record.objects.count() == 2


def test_bins_times_volume_make_an_estimated_record(world, now, client_for):
    client_for("cora").post(ADD, entry(world, weight_kg="", bins="3", bin_volume_l="240"))
    record = Record.objects.get()
    assert record.estimated and record.weight_kg == Decimal("264.24")


def test_an_area_level_point(world, now, client_for):
    client_for("cora").post(ADD, entry(world, source=f"area:{world.community_a1.pk}"))
    record = Record.objects.get()
    assert record.site_id is None and record.area == world.community_a1


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"weight_kg": "-5"}, "weight_kg", "more than 0 kg"),
        ({"weight_kg": ""}, "weight_kg", "or the number of bins"),
        ({"weight_kg": "99999"}, "weight_kg", "more than one load can weigh"),
        ({"weight_kg": "abc"}, "weight_kg", "Enter a number"),
        ({"occurred_at": "2026-06-16T09:00"}, "occurred_at", "in the future"),
        ({"occurred_at": "yesterday"}, "occurred_at", "Enter a valid date/time"),
        ({"occurred_at": ""}, "occurred_at", "required"),
        ({"vehicle": "浙Z99999"}, "vehicle", "No vehicle with the plate"),
        ({"stream": "plutonium"}, "stream", "Select a valid choice"),
        ({"source": ""}, "source", "required"),
        ({"source": "street:1"}, "source", "Choose the site"),
        ({"source": "site:999999"}, "source", "no site number"),
        ({"source": "b1_estate"}, "source", "outside the places you may report for"),
        ({"bins": "3", "bin_volume_l": "0", "weight_kg": ""}, "bin_volume_l", "between 1 and 10000"),
    ],
)
def test_bad_entries_answer_400_with_the_message_on_the_field(world, now, client_for, changes, field, words):
    if changes.get("source") == "b1_estate":
        changes["source"] = f"site:{world.sites['b1_estate'].pk}"
    response = en(client_for("cora")).post(ADD, entry(world, **changes))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    assert any(words in e for e in errors[field]), errors[field]
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Record.objects.exists()
    assert "乙一花园" not in response.content.decode()  # a place outside her scope is never named


def test_every_problem_shows_at_once(world, now, client_for):
    """A form with a missing source still has its weight and vehicle judged by the checker."""
    response = en(client_for("cora")).post(
        ADD, entry(world, source="", stream="", weight_kg="-3", vehicle="浙Z99999")
    )
    errors = response.context["form"].errors
    assert response.status_code == 400
    assert "required" in str(errors["source"]) and "required" in str(errors["stream"])
    assert "more than 0 kg" in str(errors["weight_kg"])
    assert "No vehicle with the plate" in str(errors["vehicle"])
    assert not Record.objects.exists()
    # bins without a stream cannot be weighed yet: no message about the weight then
    response = en(client_for("cora")).post(
        ADD, entry(world, stream="", weight_kg="", bins="2", bin_volume_l="240")
    )
    assert "weight_kg" not in response.context["form"].errors


def test_a_district_is_no_area_level_point(world, now, client_for):
    response = en(client_for("alice")).post(ADD, entry(world, source=f"area:{world.district.pk}"))
    assert response.status_code == 400
    assert "An area-level point is a community or a street" in str(response.context["form"].errors["source"])


def test_entry_messages_are_chinese_by_default(world, now, client_for):
    response = client_for("cora").post(ADD, entry(world, weight_kg="-5"))
    with translation.override("zh-hans"):
        expected = translation.gettext("The weight must be more than 0 kg (given: {value}).").format(
            value="-5"
        )
    assert expected in response.context["form"].errors["weight_kg"]
    assert expected != "The weight must be more than 0 kg (given: -5)."


@pytest.mark.parametrize(
    ("persona", "status"), [("hal", 403), ("mia", 403), ("leo", 403), ("ian", 403), ("nina", 403)]
)
def test_who_may_not_enter(world, now, client_for, persona, status):
    client = client_for(persona)
    assert client.get(ADD).status_code == status
    assert client.post(ADD, entry(world)).status_code == status
    assert not Record.objects.exists()


def test_the_source_search(world, now, client_for):
    url = reverse("collection:record-sources")
    html = client_for("sam").get(url, {"q": "花园"}).content.decode()
    assert f'value="site:{world.sites["a1_estate"].pk}"' in html
    assert "乙一花园" not in html  # 乙街道's
    assert client_for("hal").get(url, {"q": "花园"}).status_code == 403


def test_a_large_area_asks_for_a_search(world, now, client_for, monkeypatch):
    from fenlei.collection import forms

    monkeypatch.setattr(forms, "SOURCE_LIMIT", 2)
    form = client_for("sam").get(ADD + f"?site={world.sites['a2_open'].pk}").context["form"]
    assert not form.sources_complete
    offered = [v for _label, options in form.fields["source"].widget.choices[1:] for v, _n in options]
    assert f"site:{world.sites['a2_open'].pk}" in offered  # the chosen one is always there
    html = client_for("sam").get(ADD).content.decode()
    assert 'name="q"' in html and reverse("collection:record-sources") in html


# --- correction, voiding, follow-up ---------------------------------------------------------------


def correction(record, **changes):
    from fenlei.collection.forms import RecordCorrectForm

    data = {k: ("" if v is None else v) for k, v in RecordCorrectForm.initial_for(record).items()}
    data["occurred_at"] = data["occurred_at"].strftime("%Y-%m-%dT%H:%M")
    data.update(changes)
    return data


def test_a_street_admin_corrects_a_record_and_the_totals_follow(world, records, client_for):
    record = records["a1"]
    url = reverse("collection:record-correct", args=[record.pk])
    client = client_for("sam")
    assert client.get(url).status_code == 200
    response = client.post(url, correction(record, weight_kg="90", note="地磅读数有误"))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.weight_kg == Decimal("90.00")
    assert record.occurred_at.second == 0 and record.vehicle.plate == "浙A10001"
    assert total(world.community_a1) == (90_000, 1)
    assert total(world.street_a) == (130_000, 2)
    entry = AuditEntry.objects.filter(object_id=str(record.pk), content_type__model="record").get()
    assert entry.note == "地磅读数有误" and entry.changes["weight_kg"] == ["100.00", "90.00"]


def test_a_correction_needs_a_reason_and_stays_in_scope(world, records, client_for):
    record = records["a1"]
    url = reverse("collection:record-correct", args=[record.pk])
    client = en(client_for("sam"))
    response = client.post(url, correction(record, weight_kg="90", note=""))
    assert response.status_code == 400 and "note" in response.context["form"].errors
    response = client.post(
        url, correction(record, source=f"site:{world.sites['b1_estate'].pk}", note="搬到乙街道")
    )
    assert response.status_code == 400
    assert "outside the places you may report for" in str(response.context["form"].errors["source"])
    record.refresh_from_db()
    assert record.weight_kg == Decimal("100.00") and record.site == world.sites["a1_estate"]


def test_moving_a_record_to_another_site_moves_its_totals(world, records, client_for):
    record = records["a1"]
    url = reverse("collection:record-correct", args=[record.pk])
    client_for("sam").post(
        url, correction(record, source=f"site:{world.sites['a2_open'].pk}", note="记错小区")
    )
    assert total(world.community_a1) == (0, 0)
    assert total(world.community_a2) == (140_000, 2)


@pytest.mark.parametrize(
    ("persona", "key", "status"),
    [("hal", "a1", 403), ("mia", "a1", 403), ("leo", "a1", 403), ("olly", "a1", 404), ("cora", "a2", 404)],
)
def test_who_may_not_change_a_record(world, records, client_for, persona, key, status):
    record = records[key]
    client = client_for(persona)
    for name, body in (
        ("record-correct", correction(record, weight_kg="1", note="x")),
        ("record-void", {"reason": "x"}),
        ("record-follow-up", {"on": "1", "note": "x"}),
    ):
        url = reverse(f"collection:{name}", args=[record.pk])
        assert client.get(url).status_code == status, name
        assert client.post(url, body).status_code == status, name
    record.refresh_from_db()
    assert (record.weight_kg, record.voided_at, record.follow_up) == (
        Decimal("100.00") if key == "a1" else Decimal("40.00"),
        None,
        False,
    )


def test_voiding_takes_the_record_out_of_the_totals(world, records, client_for):
    record = records["a1"]
    url = reverse("collection:record-void", args=[record.pk])
    client = en(client_for("cora"))
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and "reason" in response.context["form"].errors
    response = client.post(url, {"reason": "重复录入"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.voided_at is not None and record.void_reason == "重复录入"
    assert total(world.community_a1) == (0, 0)
    page = client.get(record.get_absolute_url())
    assert "Voided on" in page.content.decode()
    assert not (page.context["can_correct"] or page.context["can_void"])
    # a second voiding is refused on the form, and a voided record is not corrected
    again = client.post(url, {"reason": "再来一次"})
    assert again.status_code == 400 and "already void" in str(again.context["form"].errors)
    assert client.get(reverse("collection:record-correct", args=[record.pk])).status_code == 403


def test_follow_up_mark_and_unmark(world, records, client_for):
    record = records["a1s"]
    url = reverse("collection:record-follow-up", args=[record.pk])
    client = client_for("cora")
    assert client.get(url).context["form"].initial["on"] == "1"
    assert client.post(url, {"on": "1", "note": "重量偏低，核实"}).status_code == 302
    record.refresh_from_db()
    assert record.follow_up and record.follow_up_note == "重量偏低，核实"
    assert listed(client.get(LIST, {"follow_up": "true"})) == {"a1s"}
    assert client.post(url, {"on": "0", "note": "已核实"}).status_code == 302
    record.refresh_from_db()
    assert not record.follow_up
    assert client.post(url, {"on": "maybe"}).status_code == 400
    history = client.get(reverse("collection:record-history", args=[record.pk]))
    assert history.status_code == 200 and len(history.context["entries"]) == 2


def test_reading_backwards_changes_the_plan_not_the_rows(world, records):
    """The list's keys come from the table read backwards on SQLite (no sort of a street's year of
    records), and they are the same keys in the same order as the plain query's."""
    from django.db import connection

    from fenlei.collection.views_records import read_backwards
    from fenlei.core.roles import Action
    from fenlei.core.scoping import for_user

    for user, filters in (
        (world.sam, {"voided_at__isnull": True}),
        (world.hal, {"voided_at__isnull": True, "stream": "wet"}),
        (world.alice, {"hauler": world.hauler, "day__gte": D}),
        (world.alice, {"site": world.sites["a1_estate"]}),
    ):
        plain = for_user(user, Action.VIEW, Record.objects.filter(**filters)).order_by("-pk")
        backwards = read_backwards(plain)
        assert list(backwards.values_list("pk", flat=True)) == list(plain.values_list("pk", flat=True))
        assert list(plain.values_list("pk", flat=True))  # each case lists something
        if connection.vendor == "sqlite":
            sql, params = backwards.values_list("pk").query.sql_with_params()
            with connection.cursor() as cursor:
                plan = " / ".join(row[-1] for row in cursor.execute("EXPLAIN QUERY PLAN " + sql, params))
            if "site" in filters:  # a site's few rows keep their index (and are sorted)
                assert "collection_record_site_day" in plan, plan
            else:
                assert "TEMP B-TREE" not in plan, plan


def test_the_main_menu_leads_to_collection_for_who_reads_it(world, client_for):
    def menu(persona):
        return [key for key, _label, _url in client_for(persona).get(LIST).context["nav_items"]]

    for persona in ("alice", "sam", "cora", "hal", "mia"):
        assert "collection" in menu(persona), persona
    assert "collection" not in menu("nina")


@pytest.mark.parametrize(
    ("name", "export", "import_"),
    [("alice", True, True), ("sam", True, True), ("hal", True, False), ("mia", False, False)],
)
def test_the_list_offers_excel_to_those_who_may_use_it(client_for, records, name, export, import_):
    page = client_for(name).get(LIST + "?stream=wet").content.decode()
    assert ('id="export"' in page) is export
    assert ('id="import"' in page) is import_
    if export:
        assert reverse("collection:record-export") + "?stream=wet" in page
