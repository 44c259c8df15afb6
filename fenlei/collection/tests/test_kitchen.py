"""The kitchen-waste chain's services: manifests issued on pick-up (exactly once per record), their
receipt at the plant with its difference, cancellation, a trip's manifests received together."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from fenlei.collection import kitchen, services
from fenlei.collection.choices import EntryFace, ManifestState
from fenlei.collection.models import Manifest, Record, Trip
from fenlei.collection.tests.conftest import row
from fenlei.collection.tests.kitchen_world import D, at, days_ago, restaurant_record, second_restaurant, send
from fenlei.collection.validation import Checker
from fenlei.core import audit
from fenlei.core.models import AuditEntry, Face


@pytest.fixture
def restaurant(world, fleet):
    restaurant_record(world)
    return world.sites["a2_restaurant"]


def test_a_pickup_at_a_restaurant_issues_one_manifest(world, fleet, restaurant):
    estate = world.sites["a1_estate"]
    result = send(
        fleet,
        [
            row(restaurant, "wet", 35.5, client_id="k1", vehicle="浙A10001", plant=fleet.plant.pk),
            row(restaurant, "dry", 12, client_id="k2"),  # not kitchen waste
            row(estate, "wet", 200, client_id="k3", vehicle="浙A10001"),  # not a restaurant
        ],
    )
    assert result.accepted == 3
    m = Manifest.objects.get()
    record = Record.objects.get(client_id="k1")
    assert m.number == f"LD-20260615-{record.pk:06d}"
    assert (m.record_id, m.site_id, m.hauler_id, m.vehicle_id, m.plant_id) == (
        record.pk,
        restaurant.pk,
        world.hauler.pk,
        fleet.wet.pk,
        fleet.plant.pk,
    )
    assert (m.day, m.weight_kg, m.state, m.area_path) == (
        D,
        Decimal("35.50"),
        ManifestState.ISSUED,
        record.area_path,
    )
    # part of the batch's write: the submission's one audit entry covers it, and the manifest leads
    # to it through its record
    assert record.submission_id == result.submission.pk
    assert AuditEntry.objects.filter(content_type__model="submission").count() == 1
    assert not AuditEntry.objects.filter(content_type__model="manifest").exists()


def test_a_retried_batch_issues_no_second_manifest(world, fleet, restaurant):
    rows = [
        row(restaurant, "wet", 30 + i, client_id=f"k{i}", when=at(days_ago(i)), vehicle="浙A10001")
        for i in range(4)
    ]
    first = send(fleet, rows)
    again = send(fleet, rows)
    partly = send(fleet, [*rows[:2], row(restaurant, "wet", 9, client_id="k9", vehicle="浙A10001")])
    assert (first.accepted, again.accepted, again.duplicates, partly.accepted) == (4, 0, [0, 1, 2, 3], 1)
    assert Manifest.objects.count() == 5
    assert sorted(Manifest.objects.values_list("record_id", flat=True)) == sorted(
        Record.objects.values_list("pk", flat=True)
    )


def test_every_entry_face_issues_manifests(world, fleet, restaurant):
    """A form or an import by a person goes through the same ingest, and the same hook."""
    with audit.using_face(Face.WEB):  # as the pages' requests are
        send(
            fleet,
            [row(restaurant, "wet", 40, vehicle="浙A10001")],
            device=False,
            by=world.sam,
            face=EntryFace.FORM,
        )
    m = Manifest.objects.get()
    assert m.record_id == Record.objects.get().pk
    entry = AuditEntry.objects.get(content_type__model="submission")
    assert (entry.user, entry.face) == (world.sam, "web")


def test_a_pickup_without_a_haulier_gets_no_manifest(world, fleet, restaurant):
    send(fleet, [row(restaurant, "wet", 40)], device=False, by=world.sam, face=EntryFace.FORM)
    assert Record.objects.count() == 1
    assert not Manifest.objects.exists()


def _checked(world, rows):
    checker = Checker(within=[world.district.path])
    checker.load(rows)
    return [checker.check(i, r) for i, r in enumerate(rows)]


def test_the_hook_is_cheap_for_batches_without_restaurants(world, fleet, restaurant):
    estate = world.sites["a1_estate"]
    submission = services.Submission.objects.create(face=EntryFace.DEVICE, area_path=world.district.path)
    no_food = _checked(world, [row(restaurant, "dry", 10, hauler=world.hauler.pk), row(estate, "dry", 10)])
    with CaptureQueriesContext(connection) as queries:
        assert kitchen.issue_manifests(no_food, {}, submission) == 0
    assert len(queries) == 0
    no_restaurant = _checked(world, [row(estate, "wet", 10, hauler=world.hauler.pk) for _ in range(50)])
    with CaptureQueriesContext(connection) as queries:
        assert kitchen.issue_manifests(no_restaurant, {}, submission) == 0
    assert len(queries) == 1


def test_manifest_numbers_are_unique_across_restaurants_and_days(world, fleet, restaurant):
    other = second_restaurant(world)
    send(
        fleet,
        [
            row(site, "wet", 20, client_id=f"{site.pk}-{n}", when=at(days_ago(n)), vehicle="浙A10001")
            for site in (restaurant, other)
            for n in range(3)
        ],
    )
    numbers = list(Manifest.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 6
    assert {n[:11] for n in numbers} == {f"LD-{days_ago(k):%Y%m%d}" for k in range(3)}


# --- receipt ----------------------------------------------------------------------------------------


@pytest.fixture
def manifest(world, fleet, restaurant):
    send(fleet, [row(restaurant, "wet", 200, client_id="k1", vehicle="浙A10001", plant=fleet.plant.pk)])
    return Manifest.objects.get()


def test_receipt_records_the_plants_weight_and_its_difference(world, fleet, manifest):
    got = kitchen.manifest_receive(
        manifest=manifest, by=world.alice, received_kg="188.5", note="地磅单 0615-3"
    )
    assert (got.state, got.received_kg, got.plant_id) == (
        ManifestState.RECEIVED,
        Decimal("188.50"),
        fleet.plant.pk,
    )
    assert got.received_at == timezone.now()
    diff = kitchen.difference(got)
    # 188.5 − 200 = −11.5 kg, −5.75 % → −5.8 %: within the 10 % tolerance
    assert (diff.kg, diff.pct, diff.over) == (Decimal("-11.50"), Decimal("-5.8"), False)
    entry = AuditEntry.objects.filter(content_type__model="manifest", action="update").get()
    assert entry.changes["state"] == ["issued", "received"]
    assert entry.changes["received_kg"] == [None, "188.50"]
    assert entry.user == world.alice and entry.note == "地磅单 0615-3"


def test_a_difference_over_the_tolerance_is_shown(world, fleet, manifest, settings):
    got = kitchen.manifest_receive(manifest=manifest, by=world.alice, received_kg=Decimal("170"))
    diff = kitchen.difference(got)
    assert (diff.kg, diff.pct, diff.over) == (Decimal("-30.00"), Decimal("-15.0"), True)
    settings.FENLEI_MANIFEST_TOLERANCE_PCT = 20
    assert kitchen.difference(got).over is False


@pytest.mark.parametrize(
    ("value", "field", "words"),
    [
        ("-5", "received_kg", "more than 0 kg"),
        ("0", "received_kg", "more than 0 kg"),
        ("abc", "received_kg", "not a number"),
        ("", "received_kg", "Give the weight"),
        ("99999", "received_kg", "more than one load"),
    ],
)
def test_bad_received_weights_are_refused(world, fleet, manifest, value, field, words):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        kitchen.manifest_receive(manifest=manifest, by=world.alice, received_kg=value)
    assert words in exc.value.message_dict[field][0]
    manifest.refresh_from_db()
    assert manifest.state == ManifestState.ISSUED and manifest.received_kg is None


def test_receiving_twice_is_refused(world, fleet, manifest):
    kitchen.manifest_receive(manifest=manifest, by=world.alice, received_kg="200")
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        kitchen.manifest_receive(manifest=manifest, by=world.alice, received_kg="150")
    assert "already received" in exc.value.message_dict["state"][0]
    manifest.refresh_from_db()
    assert manifest.received_kg == Decimal("200.00")


def test_receipt_time_and_plant_are_checked(world, fleet, manifest):
    future = timezone.now() + datetime.timedelta(hours=2)
    before_pickup = timezone.now() - datetime.timedelta(days=3)
    with translation.override("en"):
        with pytest.raises(ValidationError) as exc:
            kitchen.manifest_receive(manifest=manifest, by=world.alice, received_kg="200", at=future)
        assert "future" in exc.value.message_dict["received_at"][0]
        with pytest.raises(ValidationError) as exc:
            kitchen.manifest_receive(manifest=manifest, by=world.alice, received_kg="200", at=before_pickup)
        assert "before it was picked up" in exc.value.message_dict["received_at"][0]
        Manifest.objects.filter(pk=manifest.pk).update(plant=None)
        with pytest.raises(ValidationError) as exc:
            kitchen.manifest_receive(manifest=manifest, by=world.alice, received_kg="200")
        assert "plant" in exc.value.message_dict


def test_cancel_needs_a_reason_and_ends_the_manifest(world, fleet, manifest):
    with translation.override("en"):
        with pytest.raises(ValidationError) as exc:
            kitchen.manifest_cancel(manifest=manifest, by=world.sam, reason="  ")
        assert "why" in exc.value.message_dict["reason"][0]
        got = kitchen.manifest_cancel(manifest=manifest, by=world.sam, reason="误录，同一车次重复")
        assert got.state == ManifestState.CANCELLED
        assert kitchen.cancel_reason(got) == "误录，同一车次重复"
        with pytest.raises(ValidationError) as exc:
            kitchen.manifest_receive(manifest=manifest, by=world.alice, received_kg="200")
        assert "cancelled" in exc.value.message_dict["state"][0]
        with pytest.raises(ValidationError):
            kitchen.manifest_cancel(manifest=manifest, by=world.sam, reason="again")


def test_voiding_a_pickup_cancels_its_waiting_manifest(world, fleet, manifest):
    services.void(Record.objects.get(), by=world.alice, reason="重复")
    manifest.refresh_from_db()
    assert manifest.state == ManifestState.CANCELLED
    assert "重复" in kitchen.cancel_reason(manifest)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        kitchen.manifest_receive(manifest=manifest, by=world.alice, received_kg="200")
    assert "cancelled" in exc.value.message_dict["state"][0]


def test_a_trips_manifests_are_received_together(world, fleet, restaurant):
    other = second_restaurant(world)
    send(
        fleet,
        [
            row(restaurant, "wet", 60, client_id="t1", vehicle="浙A10001", trip="KT-1", seq=1),
            row(other, "wet", 40, client_id="t2", vehicle="浙A10001", trip="KT-1", seq=2),
            row(world.sites["a1_estate"], "wet", 100, client_id="t3", vehicle="浙A10001", trip="KT-1", seq=3),
        ],
    )
    trip = Trip.objects.get()
    assert Manifest.objects.count() == 2
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        kitchen.receive_trip(trip=trip, by=world.alice)
    assert "treatment plant" in exc.value.message_dict["trip"][0]
    services.unload(trip, by=world.alice, weighbridge_kg=Decimal("196"), plant=fleet.plant)
    trip.refresh_from_db()
    got = kitchen.receive_trip(trip=trip, by=world.alice)
    assert len(got) == 2
    for m in Manifest.objects.all():
        # each keeps its own pick-up weight; nothing of the weighbridge figure is shared out
        assert (m.state, m.received_kg, m.received_at, m.plant_id) == (
            ManifestState.RECEIVED,
            None,
            trip.unloaded_at,
            fleet.plant.pk,
        )
    assert kitchen.difference(Manifest.objects.first()) is None
    assert trip.difference_kg == Decimal("-4.00")
    entries = AuditEntry.objects.filter(content_type__model="manifest", action="update")
    assert entries.count() == 2
    assert entries.first().changes == {
        "state": ["issued", "received"],
        "received_at": [None, trip.unloaded_at.isoformat()],
        "plant": [None, fleet.plant.pk],
    }
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        kitchen.receive_trip(trip=trip, by=world.alice)
    assert "waiting" in exc.value.message_dict["trip"][0]


# --- parallel retries -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_retries_issue_one_manifest_per_record():
    """Three copies of one device's batch and two of another's, sent at once: every record is kept
    once and has exactly one manifest."""
    import threading

    from django.db import connections

    from fenlei.collection.models import Device
    from fenlei.collection.tests.conftest import save
    from fenlei.core.testing.world import build_world
    from fenlei.facilities.models import TerminalFacility, Vehicle

    if connection.vendor == "sqlite":
        # The SQLite test database lives in memory with a shared cache, whose table locks fail at
        # once instead of waiting; the file database (WAL, IMMEDIATE transactions) waits its turn.
        pytest.skip("parallel writers need PostgreSQL or a file database")
    world = build_world()
    save(Vehicle(plate="浙A10001", hauler=world.hauler, stream="wet"))
    save(Vehicle(plate="浙B20001", hauler=world.other_hauler, stream="wet"))
    plant = save(
        TerminalFacility(
            name="东湖湿垃圾处理厂", kind="biochemical", area=world.district, daily_capacity_t=300
        )
    )
    restaurant_record(world, contract_start=None, commitment_signed_on=datetime.date(2025, 1, 10))
    other = second_restaurant(world)
    devices = [
        services.device_create(
            device=Device(name=name, kind="system", area=world.district, hauler=hauler), by=None
        )[0]
        for name, hauler in (("绿洁系统", world.hauler), ("清源系统", world.other_hauler))
    ]
    when = timezone.now() - datetime.timedelta(hours=3)

    def rows(plate, tag):
        out = []
        for i in range(60):
            site = (world.sites["a2_restaurant"], other, world.sites["a1_estate"])[i % 3]
            out.append(
                {
                    "site": site.pk,
                    "stream": "wet",
                    "weight_kg": 20 + i,
                    "occurred_at": (when + datetime.timedelta(minutes=i)).isoformat(),
                    "vehicle": plate,
                    "plant": plant.pk,
                    "client_id": f"{tag}-{i}",
                }
            )
        return out

    batches = [(devices[0], rows("浙A10001", "lj"))] * 3 + [(devices[1], rows("浙B20001", "qy"))] * 2
    errors = []
    start = threading.Barrier(len(batches))

    def send_one(device, batch):
        try:
            start.wait()
            services.ingest(batch, face=EntryFace.DEVICE, device=device, within=[device.area_path])
        except Exception as exc:  # reported below: a lost batch is a failure
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send_one, args=b) for b in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert Record.objects.count() == 120
    restaurant_pickups = Record.objects.exclude(site=world.sites["a1_estate"])
    assert restaurant_pickups.count() == 80
    assert Manifest.objects.count() == 80
    assert set(Manifest.objects.values_list("record_id", flat=True)) == set(
        restaurant_pickups.values_list("pk", flat=True)
    )
