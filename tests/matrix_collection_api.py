"""Permission-matrix cases of the collection API (records, trips, devices, alarms, the bulk endpoint).

The world gets a wet truck of 绿洁环卫 (hal's haulier, registered with the district), a device of
绿洁环卫 reporting for the district, and two loads at 甲一花园 on one trip of the truck: a wet one
and a dry one, which raises a mixed-collection alarm routed to 甲一社区. So:
- a record (甲一社区, 甲一花园, 绿洁环卫) is seen by the areas above it, by mia (甲一花园) and by hal
  (his haulier's); it is kept by alice, sam and cora; ada does not reach it;
- the trip and the device sit at the district (their hauler's district): alice and leo see them, and
  hal sees his haulier's; streets and communities do not;
- the alarm is seen like the record, and kept (its state) by alice, sam and cora;
- devices are the office's: only alice adds, rotates and closes them.
The API answers an anonymous caller 403 (session authentication first), except the bulk endpoint,
whose first scheme is the device token: 401.
"""

from __future__ import annotations

import datetime

from tests.matrix import API_ANON, Case, row

_api = lambda route, expect, target="", args=lambda w: [], **kw: Case(  # noqa: E731
    f"collection-api:{route}", expect, target, args, api=True, **kw
)


def arow(default, **personas):
    return row(default, anon=API_ANON, **personas)


def _when(w) -> str:
    from django.utils import timezone

    return (timezone.now() - datetime.timedelta(hours=1)).replace(microsecond=0).isoformat()


def loads(w) -> None:
    from fenlei.collection import services
    from fenlei.collection.choices import EntryFace
    from fenlei.collection.models import Alarm, Device, Record, Trip
    from fenlei.facilities.models import Vehicle

    truck = Vehicle(plate="浙A10001", hauler=w.hauler, stream="wet")
    truck.full_clean()
    truck.save()
    w.device, _token = services.device_create(
        device=Device(name="绿洁地磅", kind="weighbridge", area=w.district, hauler=w.hauler), by=None
    )
    estate = w.sites["a1_estate"].pk
    result = services.ingest(
        [
            {
                "client_id": "m1",
                "occurred_at": _when(w),
                "site": estate,
                "stream": "wet",
                "weight_kg": 80,
                "vehicle": "浙A10001",
                "trip": "T1",
                "seq": 1,
            },
            {
                "client_id": "m2",
                "occurred_at": _when(w),
                "site": estate,
                "stream": "dry",
                "weight_kg": 20,
                "vehicle": "浙A10001",
                "trip": "T1",
                "seq": 2,
            },
        ],
        face=EntryFace.DEVICE,
        device=w.device,
        within=[w.district.path],
    )
    assert result.accepted == 2, result.rejected
    w.record = Record.objects.get(client_id="m1")
    w.trip = Trip.objects.get()
    w.alarm = Alarm.objects.filter(site_id=estate).first()
    assert w.alarm is not None


def _record(w):
    return [w.record.pk]


def _trip(w):
    return [w.trip.pk]


def _device(w):
    return [w.device.pk]


def _alarm(w):
    return [w.alarm.pk]


def _new_record(w) -> dict:
    return {"occurred_at": _when(w), "site": w.sites["a1_estate"].pk, "stream": "wet", "weight_kg": 12.5}


SIGNED_IN = arow(200)
#: The record (and the alarm) at 甲一花园 of 绿洁环卫.
VIEW_RECORD = arow(404, alice=200, leo=200, sam=200, cora=200, ian=200, hal=200, mia=200)
KEEP_RECORD = arow(404, alice=200, leo=403, sam=200, cora=200, ian=403, hal=403, mia=403)
#: The trip and the device, at the district, of 绿洁环卫.
VIEW_DISTRICT = arow(404, alice=200, leo=200, hal=200)
OFFICE = arow(404, alice=200, leo=403, hal=403)

CASES: list[Case] = [
    # the bulk endpoint: people who may add records somewhere (olly's record in 甲一社区 is refused
    # in the answer, not by the status); no one else
    _api(
        "ingest",
        row(403, alice=200, sam=200, cora=200, olly=200, anon=401),
        "a load at 甲一花园",
        method="post",
        data=lambda w: {"records": [_new_record(w)]},
    ),
    # records
    _api("record-list", SIGNED_IN, setup=loads),
    _api(
        "record-list",
        arow(403, alice=201, sam=201, cora=201, olly=400),
        "a load at 甲一花园",
        method="post",
        data=_new_record,
    ),
    _api("record-detail", VIEW_RECORD, "甲一花园", _record, setup=loads),
    _api(
        "record-detail",
        KEEP_RECORD,
        "corrected",
        _record,
        method="patch",
        data=lambda w: {"weight_kg": 79, "note": "matrix"},
        setup=loads,
    ),
    _api("record-history", VIEW_RECORD, "甲一花园", _record, setup=loads),
    _api(
        "record-void",
        KEEP_RECORD,
        "甲一花园",
        _record,
        method="post",
        data=lambda w: {"reason": "matrix"},
        setup=loads,
    ),
    _api(
        "record-follow-up",
        KEEP_RECORD,
        "甲一花园",
        _record,
        method="post",
        data=lambda w: {"on": True, "note": "matrix"},
        setup=loads,
    ),
    # trips
    _api("trip-list", SIGNED_IN, setup=loads),
    _api("trip-detail", VIEW_DISTRICT, "绿洁环卫", _trip, setup=loads),
    _api("trip-history", VIEW_DISTRICT, "绿洁环卫", _trip, setup=loads),
    _api(
        "trip-unload",
        OFFICE,
        "绿洁环卫",
        _trip,
        method="post",
        data=lambda w: {"weighbridge_kg": "101.5"},
        setup=loads,
    ),
    # devices
    _api("device-list", SIGNED_IN, setup=loads),
    _api(
        "device-list",
        arow(403, alice=201),
        "for 甲街道",
        method="post",
        data=lambda w: {"name": "甲街道地磅", "kind": "weighbridge", "area": w.street_a.pk},
    ),
    _api("device-detail", VIEW_DISTRICT, "绿洁环卫", _device, setup=loads),
    _api("device-history", VIEW_DISTRICT, "绿洁环卫", _device, setup=loads),
    _api("device-rotate", OFFICE, "绿洁环卫", _device, method="post", setup=loads),
    _api(
        "device-close",
        OFFICE,
        "绿洁环卫",
        _device,
        method="post",
        data=lambda w: {"note": "matrix"},
        setup=loads,
    ),
    # alarms
    _api("alarm-list", SIGNED_IN, setup=loads),
    _api("alarm-detail", VIEW_RECORD, "甲一花园", _alarm, setup=loads),
    _api("alarm-history", VIEW_RECORD, "甲一花园", _alarm, setup=loads),
    _api(
        "alarm-state",
        KEEP_RECORD,
        "甲一花园",
        _alarm,
        method="post",
        data=lambda w: {"state": "acknowledged"},
        setup=loads,
    ),
]
