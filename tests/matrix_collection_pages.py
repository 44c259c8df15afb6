"""Permission-matrix cases of the collection pages: records, manual entry, trips, devices, alarms.

The world gets (`collection_world`): 绿洁环卫's wet truck and a device of 绿洁环卫 reporting for the
district; through it a wet and a dry load at 甲一花园 on one trip of the truck (the dry load raises a
vehicle-stream alarm at 甲一花园) and a wet load at 乙一花园. Every record is 绿洁环卫's.

Who reaches what, from the rules:
- a record is placed at its site's community and carries its site and hauler: at 甲一花园 it is seen
  by the areas above it, by mia (the site) and by hal (the hauler); kept (change: correct, follow-up;
  close: void) by alice, sam and cora; ada's authority does not reach records;
- a trip is placed where its vehicle is (the district) and carries its hauler: alice, leo and hal
  see it; only alice changes it (unloading); hal reads trips;
- a device of 绿洁环卫 reporting for the district: alice, leo and hal see it; only the district office
  adds, rotates and closes devices (streets and communities only read those in their area);
- an alarm at 甲一花园 is seen like the record; kept (its state) by alice, sam and cora.
Entering a record needs the add action on records somewhere (alice, sam, cora, olly); olly's post for
甲一花园 is refused on the form (400): the site lies outside the places he may report for.
"""

from __future__ import annotations

from tests.matrix import Case, row


def _now_minute() -> str:
    from django.utils import timezone

    return f"{timezone.localtime():%Y-%m-%dT%H:%M}"


SIGNED_IN = row(200)
REC_A1 = row(404, alice=200, leo=200, sam=200, cora=200, ian=200, hal=200, mia=200)
REC_A1_KEEP = row(404, alice=200, leo=403, sam=200, cora=200, ian=403, hal=403, mia=403)
REC_B1 = row(404, alice=200, leo=200, olly=200, hal=200)
ADDERS = row(403, alice=200, sam=200, cora=200, olly=200)
TRIP = row(404, alice=200, leo=200, hal=200)
TRIP_KEEP = row(404, alice=200, leo=403, hal=403)
DEVICE = row(404, alice=200, leo=200, hal=200)
DEVICE_KEEP = row(404, alice=200, leo=403, hal=403)
OFFICE = row(403, alice=200)


def _with(expect: dict, allowed) -> dict:
    return {k: (allowed if v == 200 else v) for k, v in expect.items()}


def collection_world(w) -> None:
    import datetime

    from django.utils import timezone

    from fenlei.collection import services
    from fenlei.collection.choices import EntryFace
    from fenlei.collection.models import Alarm, Device, Record, Trip
    from fenlei.facilities.models import Vehicle

    truck = Vehicle(plate="浙A10001", hauler=w.hauler, stream="wet")
    truck.full_clean()
    truck.save()
    device, _token = services.device_create(
        device=Device(name="矩阵地磅", kind="weighbridge", area=w.district, hauler=w.hauler), by=None
    )
    when = timezone.localtime() - datetime.timedelta(hours=1)
    a1, b1 = w.sites["a1_estate"], w.sites["b1_estate"]
    base = {"occurred_at": when.isoformat(), "weight_kg": 50}
    result = services.ingest(
        [
            {
                **base,
                "client_id": "m1",
                "site": a1.pk,
                "stream": "wet",
                "vehicle": truck.plate,
                "trip": "T",
                "seq": 1,
            },
            {
                **base,
                "client_id": "m2",
                "site": a1.pk,
                "stream": "dry",
                "vehicle": truck.plate,
                "trip": "T",
                "seq": 2,
            },
            {**base, "client_id": "m3", "site": b1.pk, "stream": "wet"},
        ],
        face=EntryFace.DEVICE,
        device=device,
        within=[device.area_path],
    )
    assert result.accepted == 3, result.rejected
    w.device = device
    w.record_a1 = Record.objects.get(client_id="m1")
    w.record_b1 = Record.objects.get(client_id="m3")
    w.trip = Trip.objects.get(client_id="T")
    w.alarm = Alarm.objects.get(kind="vehicle_stream")


def _pk(name):
    return lambda w: [getattr(w, name).pk]


def _entry(w) -> dict:
    from django.utils import timezone

    from fenlei.collection.forms import new_client_id

    return {
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "source": f"site:{w.sites['a1_estate'].pk}",
        "stream": "wet",
        "weight_kg": "12.5",
        "client_id": new_client_id(),
    }


def _correction(w) -> dict:
    from fenlei.collection.forms import RecordCorrectForm

    data = {k: ("" if v is None else v) for k, v in RecordCorrectForm.initial_for(w.record_a1).items()}
    data["occurred_at"] = data["occurred_at"].strftime("%Y-%m-%dT%H:%M")
    return {**data, "weight_kg": "45", "note": "矩阵更正"}


def _device_body(w) -> dict:
    return {"name": "矩阵新地磅", "kind": "weighbridge", "area": w.district.pk}


S = collection_world
CASES: list[Case] = [
    # records
    Case("collection:record-list", SIGNED_IN, setup=S),
    Case(
        "collection:record-list",
        SIGNED_IN,
        "filtered",
        setup=S,
        query=lambda w: {"stream": "wet", "street": w.street_a.pk},
    ),
    Case("collection:record-add", ADDERS),
    Case("collection:record-add", _with(ADDERS, 302) | {"olly": 400}, "甲一花园", method="post", data=_entry),
    Case("collection:record-sources", ADDERS, query=lambda w: {"q": "花园"}),
    Case("collection:record-detail", REC_A1, "甲一花园", _pk("record_a1"), setup=S),
    Case("collection:record-detail", REC_B1, "乙一花园", _pk("record_b1"), setup=S),
    Case("collection:record-history", REC_A1, "甲一花园", _pk("record_a1"), setup=S),
    Case("collection:record-correct", REC_A1_KEEP, "甲一花园", _pk("record_a1"), setup=S),
    Case(
        "collection:record-correct",
        _with(REC_A1_KEEP, 302),
        "甲一花园",
        _pk("record_a1"),
        setup=S,
        method="post",
        data=_correction,
    ),
    Case("collection:record-void", REC_A1_KEEP, "甲一花园", _pk("record_a1"), setup=S),
    Case(
        "collection:record-void",
        _with(REC_A1_KEEP, 302),
        "甲一花园",
        _pk("record_a1"),
        setup=S,
        method="post",
        data=lambda w: {"reason": "矩阵作废"},
    ),
    Case("collection:record-follow-up", REC_A1_KEEP, "甲一花园", _pk("record_a1"), setup=S),
    Case(
        "collection:record-follow-up",
        _with(REC_A1_KEEP, 302),
        "甲一花园",
        _pk("record_a1"),
        setup=S,
        method="post",
        data=lambda w: {"on": "1", "note": "矩阵核实"},
    ),
    # trips
    Case("collection:trip-list", SIGNED_IN, setup=S),
    Case("collection:trip-detail", TRIP, "绿洁环卫's", _pk("trip"), setup=S),
    Case("collection:trip-history", TRIP, "绿洁环卫's", _pk("trip"), setup=S),
    Case("collection:trip-unload", TRIP_KEEP, "绿洁环卫's", _pk("trip"), setup=S),
    Case(
        "collection:trip-unload",
        _with(TRIP_KEEP, 302),
        "绿洁环卫's",
        _pk("trip"),
        setup=S,
        method="post",
        # after the pick-ups (an hour ago) and not in the future
        data=lambda w: {"weighbridge_kg": "101", "unloaded_at": _now_minute()},
    ),
    # devices
    Case("collection:device-list", SIGNED_IN, setup=S),
    Case("collection:device-add", OFFICE),
    Case("collection:device-add", OFFICE, "token page", method="post", data=_device_body),
    Case("collection:device-detail", DEVICE, "绿洁环卫's", _pk("device"), setup=S),
    Case("collection:device-history", DEVICE, "绿洁环卫's", _pk("device"), setup=S),
    Case("collection:device-rotate", DEVICE_KEEP, "绿洁环卫's", _pk("device"), setup=S),
    Case(
        "collection:device-rotate",
        DEVICE_KEEP,
        "绿洁环卫's",
        _pk("device"),
        setup=S,
        method="post",
        data=lambda w: {},
    ),
    Case("collection:device-close", DEVICE_KEEP, "绿洁环卫's", _pk("device"), setup=S),
    Case(
        "collection:device-close",
        _with(DEVICE_KEEP, 302),
        "绿洁环卫's",
        _pk("device"),
        setup=S,
        method="post",
        data=lambda w: {"note": "矩阵"},
    ),
    # alarms
    Case("collection:alarm-list", SIGNED_IN, setup=S),
    Case(
        "collection:alarm-list",
        SIGNED_IN,
        "mixing, open",
        setup=S,
        query=lambda w: {"family": "mixing", "state": "open"},
    ),
    Case("collection:alarm-detail", REC_A1, "甲一花园", _pk("alarm"), setup=S),
    Case("collection:alarm-state", _with(REC_A1_KEEP, 302), "甲一花园", _pk("alarm"), setup=S),
    Case(
        "collection:alarm-state",
        _with(REC_A1_KEEP, 302),
        "甲一花园",
        _pk("alarm"),
        setup=S,
        method="post",
        data=lambda w: {"state": "acknowledged"},
    ),
]
