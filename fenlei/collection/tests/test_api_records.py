"""The records, trips, devices and alarms APIs: scoped reads (a haulier sees its own), writes through
the collection services, 400/403/404 as the rules say, filters, and flat query counts."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from fenlei.collection import services
from fenlei.collection.choices import AlarmKind, AlarmState, EntryFace
from fenlei.collection.models import Alarm, AreaDay, Device, Record, Trip
from fenlei.collection.tests.conftest import row
from fenlei.core.models import AuditEntry


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()


def url(name: str, *args) -> str:
    return reverse(f"collection-api:{name}", args=args)


def send(fleet, rows):
    result = services.ingest(
        rows, face=EntryFace.DEVICE, device=fleet.device, within=[fleet.device.area_path]
    )
    assert not result.rejected, result.rejected
    return result


@pytest.fixture
def loads(world, fleet):
    """Five records of 绿洁环卫 (the device's hauler) on one trip of the wet truck, one of 清源运输's
    entered by alice, and one in 乙街道."""
    a1, a2, b1 = world.sites["a1_estate"], world.sites["a2_open"], world.sites["b1_estate"]
    send(
        fleet,
        [
            row(a1, "wet", 100, client_id="p1", vehicle="浙A10001", trip="T1", seq=2),
            row(a2, "wet", 60, client_id="p2", vehicle="浙A10001", trip="T1", seq=1),
            row(a1, "wet", 40, client_id="p3", vehicle="浙A10001", trip="T1", seq=3),
            row(a1, "dry", 30, client_id="p4", when="2026-06-14T08:00:00+08:00"),
            row(b1, "wet", 70, client_id="p5"),
        ],
    )
    services.ingest(
        [row(a2, "wet", 25, client_id="q1", vehicle="浙B20001")], face=EntryFace.API, by=world.alice
    )
    return {r.client_id: r for r in Record.objects.all()}


def ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {r["client_id"] for r in response.json()["results"]}


# --- records: reading -----------------------------------------------------------------------------


def test_each_persona_lists_the_records_of_its_scope(world, loads, api_for):
    assert ids(api_for("alice").get(url("record-list"))) == {"p1", "p2", "p3", "p4", "p5", "q1"}
    assert ids(api_for("sam").get(url("record-list"))) == {"p1", "p2", "p3", "p4", "q1"}
    assert ids(api_for("cora").get(url("record-list"))) == {"p1", "p3", "p4"}
    assert ids(api_for("olly").get(url("record-list"))) == {"p5"}
    assert ids(api_for("hal").get(url("record-list"))) == {"p1", "p2", "p3", "p4", "p5"}
    assert ids(api_for("mia").get(url("record-list"))) == {"p1", "p3", "p4"}
    assert ids(api_for("nina").get(url("record-list"))) == set()
    assert APIClient().get(url("record-list")).status_code == 403  # session auth first: 403, not 401


def test_details_are_404_outside_the_scope(world, loads, api_for):
    foreign = loads["q1"]  # 清源运输's load
    assert api_for("hal").get(url("record-detail", foreign.pk)).status_code == 404
    assert api_for("olly").get(url("record-detail", loads["p1"].pk)).status_code == 404
    body = api_for("hal").get(url("record-detail", loads["p1"].pk)).json()
    assert body["site"]["name"] == "甲一花园" and body["vehicle"]["plate"] == "浙A10001"
    assert body["weight_kg"] == "100.00" and body["trip"]["client_id"] == "T1"
    assert body["face"] == "device" and body["hauler"]["name"] == "绿洁环卫"
    history = api_for("sam").get(url("record-history", loads["p1"].pk))
    assert history.status_code == 200


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"since": "2026-06-15"}, {"p1", "p2", "p3", "p5", "q1"}),
        ({"until": "2026-06-14"}, {"p4"}),
        ({"stream": "dry"}, {"p4"}),
        ({"face": "api"}, {"q1"}),
        ({"trip": "T1"}, None),  # not a number: 400
        ({"follow_up": "true"}, set()),
        ({"voided": "false"}, {"p1", "p2", "p3", "p4", "p5", "q1"}),
    ],
)
def test_record_filters(world, loads, api_for, query, expected):
    response = api_for("alice").get(url("record-list"), query)
    if expected is None:
        assert response.status_code == 400
    else:
        assert ids(response) == expected


def test_record_filters_by_place_vehicle_and_hauler(world, loads, api_for, fleet):
    alice = api_for("alice")
    get = lambda **q: ids(alice.get(url("record-list"), q))  # noqa: E731
    assert get(area=world.street_a.pk) == {"p1", "p2", "p3", "p4", "q1"}
    assert get(area=world.community_a2.pk) == {"p2", "q1"}
    assert get(area=999_999) == set()
    assert get(site=world.sites["a1_estate"].pk) == {"p1", "p3", "p4"}
    assert get(vehicle=fleet.foreign.pk) == {"q1"}
    assert get(hauler=world.other_hauler.pk) == {"q1"}
    assert get(trip=Trip.objects.get().pk) == {"p1", "p2", "p3"}
    # a filter never widens the scope
    assert ids(api_for("olly").get(url("record-list"), {"area": world.street_a.pk})) == set()


def test_record_list_pages_keys_first_in_a_flat_number_of_queries(world, fleet, api_for):
    client = api_for("hal")

    def measure(size):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url("record-list"), {"page_size": size})
        assert response.status_code == 200
        return len(queries), response.json()

    send(
        fleet,
        [
            row(world.sites["a1_estate"], "wet", 1 + i, client_id=f"a{i}", vehicle="浙A10001")
            for i in range(30)
        ],
    )
    measure(5)
    few, page = measure(5)
    many, whole = measure(100)
    assert (len(page["results"]), whole["count"], len(whole["results"])) == (5, 30, 30)
    assert few == many, f"{few} queries for 5 rows, {many} for 30"
    # newest first, the same order as the model's
    expected = list(Record.objects.order_by("-occurred_at", "-pk").values_list("pk", flat=True))
    assert [r["id"] for r in whole["results"]] == expected


# --- records: writing -----------------------------------------------------------------------------


def test_one_record_is_added_through_the_same_checks(world, fleet, api_for):
    cora = api_for("cora")
    body = row(world.sites["a1_estate"], "wet", 12.5, client_id="form-1", grade="差")
    response = cora.post(url("record-list"), body, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["weight_kg"] == "12.50" and created["grade"] == "poor" and created["face"] == "api"
    again = cora.post(url("record-list"), body, format="json")
    assert again.status_code == 200 and again.json()["id"] == created["id"]  # a retry: the same record
    assert Record.objects.count() == 1
    bad = cora.post(
        url("record-list"),
        {**row(world.sites["a2_open"], "wet", -3), "vehicle": "浙Z00000"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 400
    errors = bad.json()
    assert "outside the places you may report for" in errors["site"][0]
    assert "more than 0 kg" in errors["weight_kg"][0] and "浙Z00000" in errors["vehicle"][0]
    for name in ("hal", "mia", "leo", "nina"):
        assert api_for(name).post(url("record-list"), body, format="json").status_code == 403, name
    assert Record.objects.count() == 1


def test_a_correction_needs_a_note_and_moves_the_totals(world, loads, api_for):
    record = loads["p1"]
    sam = api_for("sam")
    target = url("record-detail", record.pk)
    no_note = sam.patch(target, {"weight_kg": 90}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert no_note.status_code == 400 and "note" in no_note.json()
    moved_out = sam.patch(
        target, {"site": world.sites["b1_estate"].pk, "note": "x"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert moved_out.status_code == 400 and "outside the places" in moved_out.json()["site"][0]
    ok = sam.patch(target, {"weight_kg": 90, "note": "地磅读数录错"}, format="json")
    assert ok.status_code == 200 and ok.json()["weight_kg"] == "90.00"
    assert (
        AreaDay.objects.get(area=world.community_a1, day=datetime.date(2026, 6, 15), stream="wet").grams
        == 130_000
    )
    entry = AuditEntry.objects.get(content_type__model="record", object_id=str(record.pk))
    assert entry.note == "地磅读数录错" and entry.changes["weight_kg"] == ["100.00", "90.00"]
    assert api_for("olly").patch(target, {"weight_kg": 1, "note": "x"}, format="json").status_code == 404
    assert api_for("hal").patch(target, {"weight_kg": 1, "note": "x"}, format="json").status_code == 403
    assert api_for("mia").patch(target, {"weight_kg": 1, "note": "x"}, format="json").status_code == 403
    assert sam.put(target, {"weight_kg": 1, "note": "x"}, format="json").status_code == 405


def test_void_and_follow_up(world, loads, api_for):
    record = loads["p4"]
    cora = api_for("cora")
    assert cora.post(url("record-void", record.pk), {}, format="json").status_code == 400
    assert (
        api_for("hal").post(url("record-void", record.pk), {"reason": "x"}, format="json").status_code == 403
    )
    voided = cora.post(url("record-void", record.pk), {"reason": "重复录入"}, format="json")
    assert (
        voided.status_code == 200
        and voided.json()["voided_at"]
        and voided.json()["void_reason"] == "重复录入"
    )
    assert not AreaDay.objects.filter(stream="dry").exclude(grams=0).exists()
    assert cora.post(url("record-void", record.pk), {"reason": "again"}, format="json").status_code == 400
    assert ids(cora.get(url("record-list"), {"voided": "true"})) == {"p4"}
    marked = cora.post(
        url("record-follow-up", loads["p1"].pk), {"on": True, "note": "重量偏高"}, format="json"
    )
    assert marked.status_code == 200 and marked.json()["follow_up"] is True
    assert ids(cora.get(url("record-list"), {"follow_up": "true"})) == {"p1"}
    unmarked = cora.post(url("record-follow-up", loads["p1"].pk), {"on": False}, format="json")
    assert unmarked.json()["follow_up"] is False
    assert (
        api_for("olly").post(url("record-follow-up", loads["p1"].pk), {"on": True}, format="json").status_code
        == 404
    )


# --- trips ----------------------------------------------------------------------------------------


def test_a_trip_shows_its_pickups_in_order_and_the_weighbridge_difference(world, loads, api_for, fleet):
    trip = Trip.objects.get()
    hal = api_for("hal")
    assert [t["id"] for t in hal.get(url("trip-list")).json()["results"]] == [trip.pk]
    assert api_for("olly").get(url("trip-detail", trip.pk)).status_code == 404
    detail = hal.get(url("trip-detail", trip.pk)).json()
    assert [s["seq"] for s in detail["stops"]] == [1, 2, 3]
    assert (
        sum(Decimal(s["weight_kg"]) for s in detail["stops"])
        == Decimal(detail["pickups_kg"])
        == Decimal("200")
    )
    assert detail["streams"] == ["wet"] and detail["difference_kg"] is None
    assert hal.post(url("trip-unload", trip.pk), {"weighbridge_kg": 205}, format="json").status_code == 403
    alice = api_for("alice")
    assert alice.post(url("trip-unload", trip.pk), {"weighbridge_kg": -1}, format="json").status_code == 400
    unloaded = alice.post(
        url("trip-unload", trip.pk),
        {"weighbridge_kg": "196.5", "unloaded_at": "2026-06-15T09:30:00+08:00", "plant": fleet.plant.pk},
        format="json",
    )
    assert unloaded.status_code == 200, unloaded.content
    body = unloaded.json()
    assert body["difference_kg"] == "-3.50" and body["plant"]["name"] == "东湖湿垃圾处理厂"
    # −3.5 kg of 200 kg: −1.8 %, within the 5 % the pages also use
    assert (body["difference_pct"], body["difference_over_tolerance"]) == ("-1.8", False)
    assert len(body["stops"]) == 3
    # voiding a pick-up takes it off the trip
    services.void(loads["p3"], by=world.alice, reason="重复")
    body = hal.get(url("trip-detail", trip.pk)).json()
    assert [s["seq"] for s in body["stops"]] == [1, 2] and body["difference_kg"] == "36.50"
    assert (body["difference_pct"], body["difference_over_tolerance"]) == ("22.8", True)  # 36.5 of 160
    assert ids_of_trips(hal, unloaded="true") == {trip.pk}
    assert ids_of_trips(hal, unloaded="false") == set()


def ids_of_trips(client, **query) -> set[int]:
    return {t["id"] for t in client.get(url("trip-list"), query).json()["results"]}


# --- devices --------------------------------------------------------------------------------------


def test_the_office_registers_a_device_and_its_token_is_shown_once(world, fleet, api_for):
    alice = api_for("alice")
    body = {"name": "甲街道地磅", "kind": "weighbridge", "area": world.street_a.pk, "hauler": world.hauler.pk}
    created = alice.post(url("device-list"), body, format="json")
    assert created.status_code == 201, created.content
    token = created.json()["token"]
    assert token.startswith(services.TOKEN_PREFIX) and created.json()["token_prefix"] == token[:12]
    device = Device.objects.get(pk=created.json()["id"])
    assert device.token_hash == services.hash_token(token) and device.account is not None
    detail = alice.get(url("device-detail", device.pk)).json()
    assert "token" not in detail and detail["token_prefix"] == token[:12]
    # the token works on the bulk endpoint, for its street only
    device_client = APIClient(HTTP_AUTHORIZATION=f"Device {token}")
    sent = device_client.post(
        url("ingest"),
        {
            "records": [
                row(world.sites["a1_estate"], client_id="d1"),
                row(world.sites["b1_estate"], client_id="d2"),
            ]
        },
        format="json",
    )
    assert (sent.json()["accepted"], len(sent.json()["rejected"])) == (1, 1)
    rotated = alice.post(url("device-rotate", device.pk))
    assert rotated.status_code == 200 and rotated.json()["token"] != token
    assert device_client.post(url("ingest"), {"records": []}, format="json").status_code == 401
    closed = alice.post(url("device-close", device.pk), {"note": "换新设备"}, format="json")
    assert closed.status_code == 200 and closed.json()["closed_on"] == "2026-06-15"
    new_client = APIClient(HTTP_AUTHORIZATION=f"Device {rotated.json()['token']}")
    assert new_client.post(url("ingest"), {"records": []}, format="json").status_code == 401


def test_devices_are_the_offices(world, fleet, api_for):
    body = {"name": "乙街道地磅", "kind": "weighbridge", "area": world.street_b.pk}
    assert api_for("olly").post(url("device-list"), body, format="json").status_code == 403
    street, _token = services.device_create(
        device=Device(name="甲街道地磅", kind="weighbridge", area=world.street_a), by=world.alice
    )
    assert api_for("sam").get(url("device-detail", street.pk)).status_code == 200
    assert api_for("sam").post(url("device-rotate", street.pk)).status_code == 403
    assert api_for("olly").post(url("device-rotate", street.pk)).status_code == 404
    assert api_for("sam").get(url("device-detail", fleet.device.pk)).status_code == 404  # the district's
    assert api_for("hal").get(url("device-detail", fleet.device.pk)).status_code == 200  # his hauler's
    assert api_for("hal").post(url("device-close", fleet.device.pk), {}, format="json").status_code == 403
    bad = api_for("alice").post(
        url("device-list"),
        {"name": "社区地磅", "kind": "weighbridge", "area": world.community_a1.pk},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 400 and "district or a street" in str(bad.json())
    names = [d["name"] for d in api_for("alice").get(url("device-list")).json()["results"]]
    assert names == ["绿洁地磅一号", "甲街道地磅"]


# --- alarms ---------------------------------------------------------------------------------------


@pytest.fixture
def alarms(world, fleet):
    """A dry load on the wet truck in 甲一社区 (vehicle and trip alarms) and one in 乙一社区."""
    send(
        fleet,
        [
            row(world.sites["a1_estate"], "wet", 10, client_id="w1", vehicle="浙A10001", trip="T9", seq=1),
            row(world.sites["a1_estate"], "dry", 10, client_id="w2", vehicle="浙A10001", trip="T9", seq=2),
            row(world.sites["b1_estate"], "recyclable", 10, client_id="w3", vehicle="浙A10001"),
        ],
    )
    return Alarm.objects.all()


def test_alarms_are_listed_for_the_street_responsible_and_filtered(world, alarms, api_for):
    def kinds(name, **query):
        response = api_for(name).get(url("alarm-list"), query)
        assert response.status_code == 200
        return sorted((a["kind"], a["area"]["name"]) for a in response.json()["results"])

    every = kinds("alice")
    assert (AlarmKind.VEHICLE_STREAM, "甲一社区") in every and (AlarmKind.VEHICLE_STREAM, "乙一社区") in every
    assert kinds("sam") == [(AlarmKind.TRIP_MIXED, "甲一社区"), (AlarmKind.VEHICLE_STREAM, "甲一社区")]
    assert kinds("olly") == [(AlarmKind.VEHICLE_STREAM, "乙一社区")]
    assert kinds("alice", kind=AlarmKind.TRIP_MIXED) == [(AlarmKind.TRIP_MIXED, "甲一社区")]
    assert kinds("alice", family="quality") == []
    assert len(kinds("alice", family="mixing")) == 3
    assert kinds("alice", area=world.street_b.pk) == [(AlarmKind.VEHICLE_STREAM, "乙一社区")]
    assert kinds("alice", since="2026-06-16") == [] and len(kinds("alice", until="2026-06-15")) == 3
    detail = api_for("sam").get(url("alarm-detail", alarms.get(kind=AlarmKind.TRIP_MIXED).pk)).json()
    assert detail["family"] == "mixing" and detail["evidence"] == {"streams": ["dry", "wet"]}


def test_alarm_states_move_through_the_service(world, alarms, api_for):
    alarm = alarms.get(kind=AlarmKind.TRIP_MIXED)
    sam = api_for("sam")
    target = url("alarm-state", alarm.pk)
    assert api_for("olly").post(target, {"state": "acknowledged"}, format="json").status_code == 404
    assert api_for("ian").post(target, {"state": "acknowledged"}, format="json").status_code == 403
    assert sam.post(target, {"state": "closed"}, format="json").status_code == 400
    no_note = sam.post(target, {"state": "resolved"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert no_note.status_code == 400 and "note" in no_note.json()
    assert (
        sam.post(target, {"state": "acknowledged"}, format="json").json()["state"] == AlarmState.ACKNOWLEDGED
    )
    done = sam.post(target, {"state": "resolved", "note": "已约谈收运企业"}, format="json")
    assert done.status_code == 200 and done.json()["note"] == "已约谈收运企业"
    assert (
        sam.post(target, {"state": "acknowledged"}, format="json").status_code == 400
    )  # resolved → reopen only
    assert [a["state"] for a in sam.get(url("alarm-list"), {"state": "resolved"}).json()["results"]] == [
        "resolved"
    ]
    assert sam.get(url("alarm-history", alarm.pk)).json()["count"] == 2


# --- every list: the same number of queries for 2 rows as for 10 ---------------------------------


def _add_trips(world, fleet, n, start):
    send(
        fleet,
        [
            row(
                world.sites["a1_estate"],
                "wet",
                5,
                client_id=f"t{start + i}",
                vehicle="浙A10001",
                trip=f"T{start + i}",
            )
            for i in range(n)
        ],
    )


def _add_alarms(world, fleet, n, start):
    # a dry load on the wet truck, one day each: one vehicle alarm per day
    send(
        fleet,
        [
            row(
                world.sites["a1_estate"],
                "dry",
                5,
                client_id=f"x{start + i}",
                vehicle="浙A10001",
                when=f"2026-05-{start + i + 1:02d}T08:00:00+08:00",
            )
            for i in range(n)
        ],
    )


def _add_devices(world, fleet, n, start):
    for i in range(n):
        services.device_create(
            device=Device(
                name=f"地磅{start + i}", kind="weighbridge", area=world.district, hauler=world.hauler
            ),
            by=world.alice,
        )


def _add_records(world, fleet, n, start):
    send(
        fleet,
        [
            row(world.sites["a2_open"], "wet", 3, client_id=f"r{start + i}", vehicle="浙A10001")
            for i in range(n)
        ],
    )


@pytest.mark.parametrize(
    ("route", "add"),
    [
        ("record-list", _add_records),
        ("trip-list", _add_trips),
        ("alarm-list", _add_alarms),
        ("device-list", _add_devices),
    ],
)
def test_list_query_counts_do_not_grow_with_the_rows(world, fleet, api_for, route, add):
    client = api_for("hal")  # a role held over a haulier: sees each of these lists' rows

    def measure():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(route))
        assert response.status_code == 200
        return len(queries), response.json()["count"]

    add(world, fleet, 2, 0)
    measure()  # warm the caches (role assignments, content types)
    few, count_few = measure()
    add(world, fleet, 8, 2)
    many, count_many = measure()
    assert count_many > count_few
    assert many == few, f"{route}: {few} queries for {count_few} rows, {many} for {count_many}"
