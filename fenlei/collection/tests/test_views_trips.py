"""The trips pages: a vehicle's runs (its hauler sees its own), one run's pick-ups in order against
the weighbridge, the difference pointed at beyond the tolerance, and the unloading form."""

from decimal import Decimal

import pytest
from django.urls import reverse

from fenlei.collection import services
from fenlei.collection.choices import EntryFace
from fenlei.collection.models import Device, Trip
from fenlei.collection.tests.conftest import row
from fenlei.core.models import AuditEntry

LIST = reverse("collection:trip-list")


def send(device, rows):
    result = services.ingest(rows, face=EntryFace.DEVICE, device=device, within=[device.area_path])
    assert not result.rejected, result.rejected
    return result


@pytest.fixture
def trips(world, fleet):
    """绿洁环卫's wet truck: three pick-ups (the second entered before the first, out of order);
    清源运输's truck: one."""
    a1, a2, b1 = world.sites["a1_estate"], world.sites["a2_open"], world.sites["b1_estate"]
    send(
        fleet.device,
        [
            row(
                a2,
                "wet",
                50,
                client_id="p2",
                vehicle="浙A10001",
                trip="T1",
                seq=2,
                when="2026-06-15T07:40:00+08:00",
            ),
            row(
                a1,
                "wet",
                100,
                client_id="p1",
                vehicle="浙A10001",
                trip="T1",
                seq=1,
                when="2026-06-15T07:10:00+08:00",
            ),
            row(
                b1,
                "wet",
                50,
                client_id="p3",
                vehicle="浙A10001",
                trip="T1",
                seq=3,
                when="2026-06-15T08:05:00+08:00",
            ),
        ],
    )
    other, _token = services.device_create(
        device=Device(name="清源车载秤", kind="weighbridge", area=world.district, hauler=world.other_hauler),
        by=world.alice,
    )
    send(other, [row(b1, "wet", 30, client_id="q1", vehicle="浙B20001", trip="Q1", seq=1)])
    return {t.client_id: t for t in Trip.objects.all()}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("alice", {"T1", "Q1"}),
        ("leo", {"T1", "Q1"}),
        ("hal", {"T1"}),
        ("sam", set()),
        ("olly", set()),
        ("nina", set()),
    ],
)
def test_the_list_by_persona(world, trips, client_for, persona, expected):
    """Trips are placed where their vehicle is (the district): streets do not list them."""
    response = client_for(persona).get(LIST)
    assert response.status_code == 200
    assert {t.client_id for t in response.context["object_list"]} == expected


@pytest.mark.parametrize(
    ("persona", "key", "status"),
    [
        ("alice", "Q1", 200),
        ("hal", "T1", 200),
        ("hal", "Q1", 404),
        ("sam", "T1", 404),
        ("olly", "T1", 404),
        ("mia", "T1", 404),
    ],
)
def test_detail_scope(world, trips, client_for, persona, key, status):
    assert client_for(persona).get(trips[key].get_absolute_url()).status_code == status


def test_the_pickups_in_order_and_the_difference(world, fleet, trips, client_for):
    trip = trips["T1"]
    client = client_for("alice")
    ctx = client.get(trip.get_absolute_url()).context
    assert [r.client_id for r in ctx["pickups"]] == ["p1", "p2", "p3"]
    assert ctx["difference"] is None  # not weighed yet
    services.unload(trip, by=world.alice, weighbridge_kg=Decimal("205"), plant=fleet.plant)
    d = client.get(trip.get_absolute_url()).context["difference"]
    assert (d.kg, d.percent, d.over) == (Decimal("5.00"), Decimal("2.5"), False)
    services.unload(trip, by=world.alice, weighbridge_kg=Decimal("180"))
    response = client.get(trip.get_absolute_url())
    d = response.context["difference"]
    assert (d.kg, d.percent, d.over) == (Decimal("-20.00"), Decimal("-10.0"), True)
    assert 'class="over"' in response.content.decode()
    listed = dict(client.get(LIST).context["rows"])
    assert listed[trip].over


def test_a_voided_pickup_leaves_the_sum(world, trips, client_for):
    from fenlei.collection.models import Record

    services.void(Record.objects.get(client_id="p2"), by=world.alice, reason="重复")
    trip = Trip.objects.get(client_id="T1")
    assert (trip.pickups, trip.pickups_kg) == (2, Decimal("150.00"))
    response = client_for("alice").get(trip.get_absolute_url())
    assert response.context["object"].pickups_kg == Decimal("150.00")


def test_unloading(world, fleet, trips, client_for):
    trip = trips["T1"]
    url = reverse("collection:trip-unload", args=[trip.pk])
    client = client_for("alice")
    form = client.get(url).context["form"]
    assert f"plant:{fleet.plant.pk}" in dict(form.fields["destination"].widget.choices[2][1])
    response = client.post(
        url,
        {
            "weighbridge_kg": "198.5",
            "unloaded_at": "2026-06-15T09:30",
            "destination": f"plant:{fleet.plant.pk}",
        },
    )
    assert response.status_code == 302
    trip.refresh_from_db()
    assert (trip.weighbridge_kg, trip.plant) == (Decimal("198.50"), fleet.plant)
    assert AuditEntry.objects.filter(content_type__model="trip", object_id=str(trip.pk)).exists()
    history = client.get(reverse("collection:trip-history", args=[trip.pk]))
    assert history.status_code == 200 and history.context["entries"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"weighbridge_kg": "-3"}, "weighbridge_kg"),
        ({"weighbridge_kg": ""}, "weighbridge_kg"),
        ({"weighbridge_kg": "100", "unloaded_at": "soon"}, "unloaded_at"),
        ({"weighbridge_kg": "100", "destination": "plant:999999"}, "destination"),
    ],
)
def test_bad_unloading_answers_400(world, trips, client_for, body, field):
    trip = trips["T1"]
    data = {"unloaded_at": "2026-06-15T09:30", "destination": "", **body}
    response = client_for("alice").post(reverse("collection:trip-unload", args=[trip.pk]), data)
    assert response.status_code == 400 and field in response.context["form"].errors
    trip.refresh_from_db()
    assert trip.weighbridge_kg is None


@pytest.mark.parametrize(("persona", "status"), [("hal", 403), ("leo", 403), ("sam", 404), ("olly", 404)])
def test_who_may_not_unload(world, trips, client_for, persona, status):
    trip = trips["T1"]
    url = reverse("collection:trip-unload", args=[trip.pk])
    client = client_for(persona)
    assert client.get(url).status_code == status
    assert client.post(url, {"weighbridge_kg": "1", "unloaded_at": "2026-06-15T09:30"}).status_code == status
    trip.refresh_from_db()
    assert trip.weighbridge_kg is None


def test_a_record_links_to_its_trip_for_who_may_see_it(world, trips, client_for):
    from fenlei.collection.models import Record

    record = Record.objects.get(client_id="p1")
    assert client_for("hal").get(record.get_absolute_url()).context["trip_link"] == trips["T1"]
    assert client_for("sam").get(record.get_absolute_url()).context["trip_link"] is None


def test_the_list_filters(world, trips, client_for):
    client = client_for("alice")
    by = lambda q: {t.client_id for t in client.get(LIST, q).context["object_list"]}  # noqa: E731
    assert by({"hauler": world.other_hauler.pk}) == {"Q1"}
    assert by({"vehicle": "浙a10001"}) == {"T1"}
    assert by({"unloaded": "true"}) == set()
    services.unload(trips["Q1"], by=world.alice, weighbridge_kg=Decimal("30"))
    assert by({"unloaded": "true"}) == {"Q1"}
    assert by({"unloaded": "false"}) == {"T1"}
    assert by({"since": "2026-06-16"}) == set()
