"""Permission-matrix cases of the kitchen-waste chain (餐厨): the restaurants' page, the transfer
manifests (联单) and their receipt, a trip's manifests received together, and the API.

The rules, from `fenlei.core.roles` and the scopes of the models:
- a manifest (Scope: area, site, hauler) of a pick-up at 甲二饭店 (甲二社区, 甲街道) by 绿洁环卫 is seen
  by the district (alice, leo), the street (sam, ian) and its haulier (hal); cora keeps 甲一社区 and
  mia manages 甲一花园, so neither reaches it; olly, ada and nina do not either;
- receiving is a change, cancelling a close: alice and sam may; leo, ian and hal only read (403);
- a manifest of 清源运输's pick-up at the same restaurant is not hal's (404);
- a trip (Scope: area, hauler) lies where its vehicle is registered, the district: alice may change
  it; leo and hal see it (403); the streets do not reach it (404);
- the restaurants' page needs a role that reaches restaurant records (RestaurantRecord: area, site,
  hauler): ada (an authority) and nina have none (403); the others see their own (200).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from tests.matrix import API_ANON, LOGIN, Case, row

SIGNED_IN = row(200)
MANIFEST_VIEW = row(404, alice=200, leo=200, sam=200, ian=200, hal=200)
MANIFEST_KEEP = row(404, alice=200, leo=403, sam=200, ian=403, hal=403)
NOT_HALS = {**MANIFEST_VIEW, "hal": 404}
NOT_HALS_KEEP = {**MANIFEST_KEEP, "hal": 404}
TRIP_KEEP = row(404, alice=200, leo=403, hal=403)
RESTAURANTS = row(200, ada=403, nina=403)


def _with(expect: dict, allowed) -> dict:
    return {k: (allowed if v == 200 else v) for k, v in expect.items()}


def _api(expect: dict) -> dict:
    return {**expect, "anon": API_ANON}


def kitchen_chain(w) -> None:
    """甲二饭店 under contract with 绿洁环卫; a trip of 绿洁's wet truck picked up there an hour ago
    and was weighed in at the district's plant; 清源运输 picked up there too (w.manifest, w.foreign,
    w.trip)."""
    from django.utils import timezone

    from fenlei.collection import services
    from fenlei.collection.choices import EntryFace
    from fenlei.collection.models import Manifest, Trip
    from fenlei.facilities.models import TerminalFacility, Vehicle
    from fenlei.units.models import RestaurantRecord

    def save(obj):
        obj.full_clean()
        obj.save()
        return obj

    save(Vehicle(plate="浙A10001", hauler=w.hauler, stream="wet"))
    save(Vehicle(plate="浙B20001", hauler=w.other_hauler, stream="wet"))
    plant = save(
        TerminalFacility(name="东湖湿垃圾处理厂", kind="biochemical", area=w.district, daily_capacity_t=300)
    )
    site = w.sites["a2_restaurant"]
    today = timezone.localdate()
    save(
        RestaurantRecord(
            area=site.community,
            site=site,
            hauler=w.hauler,
            contract_start=today - datetime.timedelta(days=100),
            commitment_signed=True,
            commitment_signed_on=today - datetime.timedelta(days=100),
        )
    )
    when = (timezone.now() - datetime.timedelta(hours=1)).isoformat()
    rows = [
        {"site": site.pk, "stream": "wet", "weight_kg": 40, "occurred_at": when, "vehicle": "浙A10001",
         "trip": "M-1", "seq": 1, "plant": plant.pk, "client_id": "m1"},
        {"site": site.pk, "stream": "wet", "weight_kg": 20, "occurred_at": when, "vehicle": "浙B20001",
         "client_id": "m2"},
    ]  # fmt: skip
    result = services.ingest(rows, face=EntryFace.API, within=[w.district.path])
    assert result.accepted == 2, result.rejected
    w.trip = Trip.objects.get(client_id="M-1")
    services.unload(w.trip, by=None, weighbridge_kg=Decimal("41"), plant=plant)
    w.manifest = Manifest.objects.get(hauler=w.hauler)
    w.foreign = Manifest.objects.get(hauler=w.other_hauler)


def _manifest(w):
    return [w.manifest.pk]


def _foreign(w):
    return [w.foreign.pk]


def _trip(w):
    return [w.trip.pk]


def _receive(w):
    return {"received_kg": "39.5", "note": "matrix"}


def _cancel(w):
    return {"reason": "matrix"}


def _trip_body(w):
    return {"trip": w.trip.pk}


def _case(route, expect, target="", args=lambda w: [], **kwargs) -> Case:
    return Case(route, expect, target, args, setup=kitchen_chain, **kwargs)


CASES: list[Case] = [
    # pages
    _case("collection:kitchen", {**RESTAURANTS, "anon": LOGIN}),
    _case("collection:manifest-list", SIGNED_IN),
    _case("collection:manifest-detail", MANIFEST_VIEW, "绿洁's", _manifest),
    _case("collection:manifest-detail", NOT_HALS, "清源's", _foreign),
    _case("collection:manifest-receive", MANIFEST_KEEP, "绿洁's", _manifest),
    _case(
        "collection:manifest-receive",
        _with(MANIFEST_KEEP, 302),
        "绿洁's",
        _manifest,
        method="post",
        data=_receive,
    ),
    _case("collection:manifest-cancel", MANIFEST_KEEP, "绿洁's", _manifest),
    _case(
        "collection:manifest-cancel",
        _with(NOT_HALS_KEEP, 302),
        "清源's",
        _foreign,
        method="post",
        data=_cancel,
    ),
    _case("collection:kitchen-trip-receive", TRIP_KEEP, "weighed trip", _trip),
    _case(
        "collection:kitchen-trip-receive",
        _with(TRIP_KEEP, 302),
        "weighed trip",
        _trip,
        method="post",
        data=lambda w: {"note": "matrix"},
    ),
    # API
    _case("collection-api:kitchen-summary", _api(RESTAURANTS), api=True),
    _case("collection-api:manifest-list", _api(SIGNED_IN), api=True),
    _case("collection-api:manifest-detail", _api(MANIFEST_VIEW), "绿洁's", _manifest, api=True),
    _case("collection-api:manifest-detail", _api(NOT_HALS), "清源's", _foreign, api=True),
    _case("collection-api:manifest-history", _api(MANIFEST_VIEW), "绿洁's", _manifest, api=True),
    _case(
        "collection-api:manifest-receive",
        _api(MANIFEST_KEEP),
        "绿洁's",
        _manifest,
        api=True,
        method="post",
        data=_receive,
    ),
    _case(
        "collection-api:manifest-cancel",
        _api(NOT_HALS_KEEP),
        "清源's",
        _foreign,
        api=True,
        method="post",
        data=_cancel,
    ),
    _case(
        "collection-api:manifest-receive-trip",
        _api(TRIP_KEEP),
        "weighed trip",
        api=True,
        method="post",
        data=_trip_body,
    ),
]
