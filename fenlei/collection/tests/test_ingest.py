"""Ingest through the one service every face uses: per-row checks, idempotency by client id, totals
kept on write (and equal to a rebuild), corrections and voiding."""

import datetime
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from fenlei.collection import rollups, services
from fenlei.collection.choices import AlarmKind, EntryFace
from fenlei.collection.models import Alarm, AreaDay, AreaMonth, HaulerDay, Record, SiteDay, Submission, Trip
from fenlei.collection.tests.conftest import row
from fenlei.core.models import AuditEntry
from fenlei.org import services as org

D = datetime.date(2026, 6, 15)


def send(fleet, rows, device=True):
    with translation.override("en"):
        return services.ingest(
            rows,
            face=EntryFace.DEVICE,
            device=fleet.device if device else None,
            within=[fleet.device.area_path],
        )


def total(area, stream, day=D):
    r = AreaDay.objects.filter(area=area, day=day, stream=stream).first()
    return (r.grams, r.records) if r else (0, 0)


def test_valid_rows_are_kept_and_totals_follow_at_every_level(world, fleet):
    estate, open_estate = world.sites["a1_estate"], world.sites["a2_open"]
    result = send(
        fleet,
        [
            row(estate, "wet", 100, client_id="r1", vehicle="浙A10001"),
            row(estate, "dry", 250.25, client_id="r2", vehicle="浙A10002"),
            row(open_estate, "wet", 40, client_id="r3"),
            row({"area": world.community_b1.pk}, "recyclable", 12, client_id="r4"),
        ],
    )
    assert (result.accepted, result.duplicates, result.rejected) == (4, [], [])
    assert Record.objects.count() == 4
    assert total(world.community_a1, "wet") == (100_000, 1)
    assert total(world.street_a, "wet") == (140_000, 2)
    assert total(world.district, "wet") == (140_000, 2)
    assert total(world.street_a, "dry") == (250_250, 1)
    assert total(world.street_b, "recyclable") == (12_000, 1)
    assert AreaMonth.objects.get(area=world.district, month=D.replace(day=1), stream="wet").grams == 140_000
    assert SiteDay.objects.get(site=estate, day=D, stream="dry").grams == 250_250
    # the device belongs to 绿洁环卫: every record is the hauler's
    assert HaulerDay.objects.get(hauler=world.hauler, day=D, stream="wet").records == 2
    # one audit entry for the batch, naming its counts
    entry = AuditEntry.objects.get(object_id=str(result.submission.pk), content_type__model="submission")
    assert entry.face == "system" and entry.changes["accepted"] == [None, 4]  # no face set: a direct call


def test_a_retry_is_never_counted_twice(world, fleet):
    rows = [row(world.sites["a1_estate"], "wet", 100, client_id=f"r{i}") for i in range(5)]
    first = send(fleet, rows)
    again = send(fleet, rows)
    assert first.accepted == 5
    assert (again.accepted, again.duplicates, again.rejected) == (0, [0, 1, 2, 3, 4], [])
    assert total(world.community_a1, "wet") == (500_000, 5)
    # within one request too
    twice = send(
        fleet, [row(world.sites["a2_open"], client_id="x"), row(world.sites["a2_open"], client_id="x")]
    )
    assert (twice.accepted, twice.duplicates) == (1, [1])


def test_same_client_id_with_other_content_is_refused_not_overwritten(world, fleet):
    send(fleet, [row(world.sites["a1_estate"], "wet", 100, client_id="r1")])
    result = send(fleet, [row(world.sites["a1_estate"], "wet", 999, client_id="r1")])
    assert result.accepted == 0
    assert result.rejected[0]["index"] == 0
    assert "already stored with other content" in result.rejected[0]["errors"]["client_id"]
    assert Record.objects.get().weight_kg == Decimal("100.00")


def test_client_ids_belong_to_their_origin(world, fleet):
    """Another device (or a person) may use the same client id for its own record."""
    from fenlei.collection.models import Device

    other, _token = services.device_create(
        device=Device(name="清源地磅", kind="weighbridge", area=world.district, hauler=world.other_hauler),
        by=world.alice,
    )
    send(fleet, [row(world.sites["a1_estate"], client_id="r1")])
    result = services.ingest(
        [row(world.sites["a1_estate"], client_id="r1")],
        face=EntryFace.DEVICE,
        device=other,
        within=[other.area_path],
    )
    assert result.accepted == 1 and Record.objects.count() == 2


@pytest.mark.parametrize(
    ("bad", "field", "words"),
    [
        ({"weight_kg": -5}, "weight_kg", "more than 0 kg"),
        ({"weight_kg": 0}, "weight_kg", "more than 0 kg"),
        ({"weight_kg": 1_000_000}, "weight_kg", "more than one load can weigh"),
        ({"weight_kg": "abc"}, "weight_kg", "not a number"),
        ({"weight_kg": "NaN"}, "weight_kg", "not a number"),
        ({"occurred_at": "2026-06-16T09:00:00+08:00"}, "occurred_at", "in the future"),
        ({"occurred_at": "2024-01-01T09:00:00+08:00"}, "occurred_at", "days ago"),
        ({"occurred_at": "yesterday"}, "occurred_at", "not a time"),
        ({"vehicle": "浙Z99999"}, "vehicle", "No vehicle with the plate"),
        ({"vehicle": "浙B20001"}, "vehicle", "belongs to another hauler"),
        ({"stream": "plutonium"}, "stream", "not one of the streams"),
        ({"grade": "superb"}, "grade", "not a grade"),
        ({"site": 999999}, "site", "no site number"),
        ({"wieght_kg": 3}, "record", "Unknown field"),
        ({"client_id": ""}, "client_id", "client record id"),
    ],
)
def test_bad_rows_are_refused_with_their_index_field_and_reason(world, fleet, bad, field, words):
    rows = [
        row(world.sites["a1_estate"], client_id="ok"),
        {**row(world.sites["a1_estate"], client_id="bad"), **bad},
    ]
    result = send(fleet, rows)
    assert result.accepted == 1
    [rejected] = result.rejected
    assert rejected["index"] == 1
    assert words in rejected["errors"][field]


def test_a_site_outside_the_tokens_area_is_refused(world, fleet):
    from fenlei.collection.models import Device

    street_device, _ = services.device_create(
        device=Device(name="甲街道地磅", kind="weighbridge", area=world.street_a), by=world.alice
    )
    with translation.override("en"):
        result = services.ingest(
            [row(world.sites["b1_estate"], client_id="b"), row(world.sites["a1_estate"], client_id="a")],
            face=EntryFace.DEVICE,
            device=street_device,
            within=[street_device.area_path],
        )
    assert result.accepted == 1
    assert "outside the places you may report for" in result.rejected[0]["errors"]["site"]


def test_not_a_record_at_all(world, fleet):
    result = send(fleet, ["nonsense", 42, None])
    assert result.accepted == 0 and [r["index"] for r in result.rejected] == [0, 1, 2]
    assert Submission.objects.get().rejected == 3


def test_bins_convert_to_an_estimated_weight(world, fleet):
    send(fleet, [row(world.sites["a1_estate"], "wet", None, bins=3, bin_volume_l=240, client_id="b")])
    record = Record.objects.get()
    assert record.estimated and record.weight_kg == Decimal("264.24")  # 3 × 240 L × 0.367 kg/L


def test_trips_sum_their_pickups_and_alarm_when_streams_mix(world, fleet):
    a1, a2 = world.sites["a1_estate"], world.sites["a2_open"]
    send(
        fleet,
        [
            row(a1, "wet", 100, client_id="p1", vehicle="浙A10001", trip="T1", seq=1),
            row(a2, "wet", 50, client_id="p2", vehicle="浙A10001", trip="T1", seq=2),
        ],
    )
    trip = Trip.objects.get()
    assert (trip.pickups_kg, trip.pickups, trip.streams) == (Decimal("150.00"), 2, "wet")
    assert not Alarm.objects.exists()
    send(fleet, [row(a2, "dry", 80, client_id="p3", vehicle="浙A10001", trip="T1", seq=3)])
    trip.refresh_from_db()
    assert trip.streams == "dry,wet"
    kinds = set(Alarm.objects.values_list("kind", flat=True))
    # a dry load on the wet truck: both the vehicle and the trip raise their alarm, once each
    assert kinds == {AlarmKind.TRIP_MIXED, AlarmKind.VEHICLE_STREAM}
    send(fleet, [row(a1, "dry", 10, client_id="p4", vehicle="浙A10001", trip="T1", seq=4)])
    assert Alarm.objects.filter(kind=AlarmKind.TRIP_MIXED).count() == 1
    services.unload(trip, by=world.alice, weighbridge_kg=Decimal("245"), plant=fleet.plant)
    trip.refresh_from_db()
    assert trip.difference_kg == Decimal("5.00")


def test_correction_and_voiding_move_the_totals_and_are_audited(world, fleet):
    send(fleet, [row(world.sites["a1_estate"], "wet", 100, client_id="r1")])
    record = Record.objects.get()
    with pytest.raises(ValidationError):
        services.correct(record, by=world.alice, data={"weight_kg": 90})  # no reason given
    services.correct(
        record, by=world.alice, data={"weight_kg": 90, "site": world.sites["b1_estate"].pk}, note="称重有误"
    )
    assert total(world.community_a1, "wet") == (0, 0)
    assert total(world.community_b1, "wet") == (90_000, 1)
    assert total(world.district, "wet") == (90_000, 1)
    entry = AuditEntry.objects.filter(object_id=str(record.pk), content_type__model="record").get()
    assert entry.changes["weight_kg"] == ["100.00", "90.00"] and entry.note == "称重有误"
    services.void(record, by=world.alice, reason="重复录入")
    assert not AreaDay.objects.exists() and not SiteDay.objects.exists() and not AreaMonth.objects.exists()
    # a void record keeps its client id: the device's retry stays a retry
    again = send(fleet, [row(world.sites["a1_estate"], "wet", 100, client_id="r1")])
    assert again.accepted == 0


def test_totals_follow_a_site_to_another_community_and_an_area_to_another_street(world, fleet):
    estate = world.sites["a1_estate"]
    send(fleet, [row(estate, "wet", 100, client_id="r1")])
    org.site_update(site=estate, by=world.alice, data={"community": world.community_b1})
    assert total(world.street_a, "wet") == (0, 0)
    assert total(world.street_b, "wet") == (100_000, 1)
    assert Record.objects.get().area_id == world.community_b1.pk
    org.area_move(area=world.community_b1, new_parent=world.street_a, by=world.alice)
    assert total(world.street_a, "wet") == (100_000, 1) and total(world.street_b, "wet") == (0, 0)
    assert total(world.district, "wet") == (100_000, 1)
    before = rollups.snapshot()
    rollups.rebuild()
    assert rollups.snapshot() == before


def test_rebuild_equals_the_totals_kept_on_write(world, fleet):
    """Random inserts, corrections and voidings over two months: the totals kept on write are the
    totals a rebuild computes from the records."""
    rnd = random.Random(4)
    sites = list(world.sites.values())
    areas = [world.community_a1, world.street_b, world.village_b2]
    rows = []
    for i in range(400):
        day = D - datetime.timedelta(days=rnd.randrange(60))
        source = rnd.choice(sites) if rnd.random() < 0.85 else {"area": rnd.choice(areas).pk}
        rows.append(
            row(
                source,
                rnd.choice(["wet", "dry", "recyclable", "hazardous", "mixed"]),
                round(rnd.uniform(0.5, 900), 2),
                when=f"{day.isoformat()}T{rnd.randrange(5, 20):02d}:15:00+08:00",
                client_id=f"c{i}",
                grade=rnd.choice(["", "好", "一般", "差"]),
                **({"vehicle": rnd.choice(["浙A10001", "浙A10002"])} if rnd.random() < 0.5 else {}),
            )
        )
    for start in range(0, 400, 97):
        send(fleet, rows[start : start + 97])
    records = list(Record.objects.order_by("pk"))
    for record in rnd.sample(records, 40):
        services.correct(
            record,
            by=world.alice,
            data={"weight_kg": round(rnd.uniform(1, 50), 2), "stream": rnd.choice(["wet", "dry"])},
            note="更正",
        )
    for record in rnd.sample(records, 30):
        record.refresh_from_db()
        if record.voided_at is None:
            services.void(record, by=world.alice, reason="作废")
    kept = rollups.snapshot()
    assert all(kept.values())
    rollups.rebuild()
    assert rollups.snapshot() == kept


def test_alarm_states_move_only_as_allowed_and_are_audited(world, fleet):
    from fenlei.collection import alarms
    from fenlei.collection.choices import AlarmState

    send(fleet, [row(world.sites["a1_estate"], "dry", 10, client_id="v", vehicle="浙A10001")])
    alarm = Alarm.objects.get(kind=AlarmKind.VEHICLE_STREAM)
    assert alarm.area_path == world.community_a1.path  # routed to the source's street and community
    with pytest.raises(ValidationError):
        alarms.set_state(alarm, state=AlarmState.RESOLVED, by=world.sam)  # no note
    alarms.set_state(alarm, state=AlarmState.ACKNOWLEDGED, by=world.sam)
    alarms.set_state(alarm, state=AlarmState.RESOLVED, by=world.sam, note="已约谈收运企业")
    with pytest.raises(ValidationError):
        alarms.set_state(alarm, state=AlarmState.ACKNOWLEDGED, by=world.sam)
    assert AuditEntry.objects.filter(object_id=str(alarm.pk), content_type__model="alarm").count() == 2


@pytest.mark.parametrize(
    ("kg", "field"),
    [
        (Decimal("0"), "weighbridge_kg"),
        (Decimal("-3"), "weighbridge_kg"),
        (Decimal("999999"), "weighbridge_kg"),
    ],
)
def test_unloading_refuses_absurd_weighbridge_figures(world, fleet, kg, field):
    send(fleet, [row(world.sites["a1_estate"], "wet", 100, client_id="p1", vehicle="浙A10001", trip="T1")])
    trip = Trip.objects.get()
    with pytest.raises(ValidationError) as exc:
        services.unload(trip, by=world.alice, weighbridge_kg=kg, plant=fleet.plant)
    assert field in exc.value.message_dict
    trip.refresh_from_db()
    assert trip.weighbridge_kg is None
