"""Permission-matrix cases of the facility ledgers added after drop-off points and containers.

Collection stations, transfer/collection facilities and planned purchases placed in 甲一社区 follow
the rules of a plain placed ledger (`ledger_cases`). What differs is written by hand from the role
rules (tests/matrix.py explains a row):

- a row placed at a street (甲街道) is seen by the district (alice, leo), the street's admin (sam)
  and its inspector (ian), not by the communities below it (cora) nor by a site's manager (mia);
  it is kept by alice and sam;
- a row placed at the district (东湖区) is seen by alice and leo and kept by alice only;
- a vehicle is placed in its hauler's district: alice keeps it, leo reads it, and the hauler's own
  account (hal, 绿洁环卫) reads its own vehicles (a hauler role has only the view action outside
  org.hauler) but not another hauler's; no street or community role reaches a vehicle. Street and
  community admins hold the add action, so the add page opens for them, but no hauler is offered
  (a form post answers 400, the API 403: they may not place a vehicle in the district).
"""

from __future__ import annotations

from tests.matrix import API_ANON, Case, row
from tests.matrix_ledgers import ADDERS, EXPORTERS, SIGNED_IN, file_cases, ledger_cases

#: A row placed at 甲街道.
VIEW_A = row(404, alice=200, leo=200, sam=200, ian=200)
KEEP_A = row(404, alice=200, leo=403, sam=200, ian=403)
#: A row placed at 东湖区 (the district).
VIEW_D = row(404, alice=200, leo=200)
KEEP_D = row(404, alice=200, leo=403)
#: A vehicle of 绿洁环卫 (hal's hauler) and of 清源运输.
VIEW_OWN = row(404, alice=200, leo=200, hal=200)
KEEP_OWN = row(404, alice=200, leo=403, hal=403)
VIEW_OTHER = VIEW_D


def _with(expect: dict, allowed: int | str) -> dict:
    return {k: (allowed if v == 200 else v) for k, v in expect.items()}


def _api(expect: dict) -> dict:
    return {**expect, "anon": API_ANON}


def _save(obj):
    obj.full_clean()
    obj.save()
    return obj


# --- collection stations, transfer and collection facilities, purchases (community rows) ---------


def _station(w, area, site):
    from fenlei.facilities.models import CollectionStation

    return _save(CollectionStation(name="一号垃圾房", area=area, site=site, has_water=True))


def _station_body(w):
    return {"name": "矩阵垃圾房", "area": w.community_a1.pk, "status": "in_use", "floor_area_m2": "12.5"}


def _intermediate(w, area, site):
    from fenlei.facilities.models import IntermediateFacility

    return _save(IntermediateFacility(name="一号中转点", kind="perishable_transfer", area=area, site=site))


def _intermediate_body(w):
    return {
        "name": "矩阵暂存点",
        "kind": "bulky_storage",
        "area": w.community_a1.pk,
        "status": "in_use",
        "daily_capacity_t": "2.5",
    }


def _purchase(w, area, site):
    import datetime

    from fenlei.facilities.models import PurchasePlan

    return _save(
        PurchasePlan(
            area=area,
            site=site,
            item="other",
            description="分类宣传栏",
            quantity=2,
            planned_on=datetime.date(2026, 3, 1),
        )
    )


def _purchase_body(w):
    return {
        "area": w.community_a1.pk,
        "item": "other",
        "description": "分类宣传栏",
        "quantity": "3",
        "planned_on": "2026-03-01",
        "status": "planned",
    }


COMMUNITY_CASES = [
    *ledger_cases(
        ns="facilities",
        name="station",
        api_ns="facilities-api",
        api_name="station",
        make=_station,
        body=_station_body,
        api_body=_station_body,
        slot="photo",
    ),
    *ledger_cases(
        ns="facilities",
        name="intermediate",
        api_ns="facilities-api",
        api_name="intermediate",
        make=_intermediate,
        body=_intermediate_body,
        api_body=_intermediate_body,
        slot="photo",
    ),
    *ledger_cases(
        ns="facilities",
        name="purchase",
        api_ns="facilities-api",
        api_name="purchase",
        make=_purchase,
        body=_purchase_body,
        api_body=_purchase_body,
        slot="photo",
    ),
]


# --- rows at a street and at the district -----------------------------------------------------------


def _street_rows(w):
    w.intermediate_a = _intermediate(w, w.street_a, None)
    w.purchase_d = _purchase(w, w.district, None)


STREET_AND_DISTRICT_CASES = [
    Case(
        "facilities:intermediate-detail",
        VIEW_A,
        "甲街道",
        lambda w: [w.intermediate_a.pk],
        setup=_street_rows,
    ),
    Case(
        "facilities:intermediate-edit",
        KEEP_A,
        "甲街道",
        lambda w: [w.intermediate_a.pk],
        setup=_street_rows,
    ),
    Case(
        "facilities-api:intermediate-detail",
        _api(VIEW_A),
        "甲街道",
        lambda w: [w.intermediate_a.pk],
        setup=_street_rows,
        api=True,
    ),
    Case(
        "facilities:purchase-detail",
        VIEW_D,
        "东湖区",
        lambda w: [w.purchase_d.pk],
        setup=_street_rows,
    ),
    Case(
        "facilities:purchase-edit",
        KEEP_D,
        "东湖区",
        lambda w: [w.purchase_d.pk],
        setup=_street_rows,
    ),
    Case(
        "facilities-api:purchase-detail",
        _api(KEEP_D),
        "东湖区",
        lambda w: [w.purchase_d.pk],
        setup=_street_rows,
        api=True,
        method="patch",
        data=lambda w: {},
    ),
]


# --- terminal facilities: at the district or a street -------------------------------------------------


def _terminal(w, area, name):
    from fenlei.facilities.models import TerminalFacility

    return _save(TerminalFacility(name=name, kind="incineration", area=area, daily_capacity_t=1500))


def _terminals(w):
    w.terminal_a = _terminal(w, w.street_a, "甲街道园林垃圾处理站")
    w.terminal_d = _terminal(w, w.district, "东湖焚烧厂")


def _terminals_closed(w):
    from fenlei.core import services

    _terminals(w)
    services.close(w.terminal_a, by=None)


def _terminal_body(w):
    return {
        "name": "矩阵处理站",
        "kind": "garden",
        "area": w.street_a.pk,
        "status": "in_use",
        "daily_capacity_t": "30",
    }


_ta = lambda w: [w.terminal_a.pk]  # noqa: E731
_td = lambda w: [w.terminal_d.pk]  # noqa: E731
_close = lambda w: {"note": "matrix"}  # noqa: E731
_empty = lambda w: {}  # noqa: E731

TERMINAL_CASES = [
    Case("facilities:terminal-list", SIGNED_IN, setup=_terminals),
    Case("facilities:terminal-add", ADDERS),
    # cora and olly may add terminal facilities, but not at 甲街道: the area is not offered.
    Case(
        "facilities:terminal-add",
        {**_with(ADDERS, 302), "cora": 400, "olly": 400},
        "into 甲街道",
        method="post",
        data=_terminal_body,
    ),
    Case("facilities:terminal-detail", VIEW_A, "甲街道", _ta, setup=_terminals),
    Case("facilities:terminal-detail", VIEW_D, "东湖区", _td, setup=_terminals),
    Case("facilities:terminal-history", VIEW_A, "甲街道", _ta, setup=_terminals),
    Case("facilities:terminal-edit", KEEP_A, "甲街道", _ta, setup=_terminals),
    Case("facilities:terminal-edit", KEEP_D, "东湖区", _td, setup=_terminals),
    Case("facilities:terminal-close", KEEP_A, "甲街道", _ta, setup=_terminals),
    Case(
        "facilities:terminal-close",
        _with(KEEP_A, 302),
        "甲街道",
        _ta,
        setup=_terminals,
        method="post",
        data=_close,
    ),
    Case("facilities:terminal-reopen", KEEP_A, "closed, 甲街道", _ta, setup=_terminals_closed),
    Case("facilities:terminal-export", EXPORTERS),
    Case("facilities:terminal-import-template", ADDERS),
    Case("facilities:terminal-import", ADDERS),
    Case("facilities-api:terminal-list", _api(SIGNED_IN), setup=_terminals, api=True),
    # cora and olly cannot see 甲街道: naming it answers 404, as for any area outside the scope.
    Case(
        "facilities-api:terminal-list",
        _api({**_with(ADDERS, 201), "cora": 404, "olly": 404}),
        "into 甲街道",
        method="post",
        data=_terminal_body,
        api=True,
    ),
    Case("facilities-api:terminal-detail", _api(VIEW_A), "甲街道", _ta, setup=_terminals, api=True),
    Case("facilities-api:terminal-detail", _api(VIEW_D), "东湖区", _td, setup=_terminals, api=True),
    Case(
        "facilities-api:terminal-detail",
        _api(KEEP_A),
        "甲街道",
        _ta,
        setup=_terminals,
        api=True,
        method="patch",
        data=_empty,
    ),
    Case("facilities-api:terminal-history", _api(VIEW_A), "甲街道", _ta, setup=_terminals, api=True),
    Case(
        "facilities-api:terminal-close",
        _api(KEEP_A),
        "甲街道",
        _ta,
        setup=_terminals,
        api=True,
        method="post",
        data=_empty,
    ),
    Case(
        "facilities-api:terminal-reopen",
        _api(KEEP_A),
        "closed, 甲街道",
        _ta,
        setup=_terminals_closed,
        api=True,
        method="post",
        data=_empty,
    ),
]


# --- vehicles: the district keeps them, the hauler reads its own ----------------------------------------


def _vehicle(w, hauler, plate):
    from fenlei.facilities.models import Vehicle

    return _save(Vehicle(plate=plate, hauler=hauler, stream=_stream(), capacity_t=8))


def _stream() -> str:
    from fenlei.taxonomy.naming import streams

    return streams()[0].code


def _vehicles(w):
    w.vehicle_own = _vehicle(w, w.hauler, "浙A10001")
    w.vehicle_other = _vehicle(w, w.other_hauler, "浙A20002")


def _vehicles_closed(w):
    from fenlei.core import services

    _vehicles(w)
    services.close(w.vehicle_own, by=None)


def _vehicle_body(w):
    return {
        "plate": "浙A30003",
        "hauler": w.hauler.pk,
        "stream": _stream(),
        "capacity_t": "5",
        "status": "in_use",
    }


_vo = lambda w: [w.vehicle_own.pk]  # noqa: E731
_vx = lambda w: [w.vehicle_other.pk]  # noqa: E731

VEHICLE_CASES = [
    Case("facilities:vehicle-list", SIGNED_IN, setup=_vehicles),
    Case("facilities:vehicle-add", ADDERS),
    Case(
        "facilities:vehicle-add",
        {**_with(ADDERS, 302), "sam": 400, "cora": 400, "olly": 400},
        "for 绿洁环卫",
        method="post",
        data=_vehicle_body,
    ),
    Case("facilities:vehicle-detail", VIEW_OWN, "绿洁环卫's", _vo, setup=_vehicles),
    Case("facilities:vehicle-detail", VIEW_OTHER, "清源运输's", _vx, setup=_vehicles),
    Case("facilities:vehicle-history", VIEW_OWN, "绿洁环卫's", _vo, setup=_vehicles),
    Case("facilities:vehicle-edit", KEEP_OWN, "绿洁环卫's", _vo, setup=_vehicles),
    Case("facilities:vehicle-close", KEEP_OWN, "绿洁环卫's", _vo, setup=_vehicles),
    Case(
        "facilities:vehicle-close",
        _with(KEEP_OWN, 302),
        "绿洁环卫's",
        _vo,
        setup=_vehicles,
        method="post",
        data=_close,
    ),
    Case("facilities:vehicle-reopen", KEEP_OWN, "closed, 绿洁环卫's", _vo, setup=_vehicles_closed),
    Case("facilities:vehicle-export", EXPORTERS),
    Case("facilities:vehicle-import-template", ADDERS),
    Case("facilities:vehicle-import", ADDERS),
    Case("facilities-api:vehicle-list", _api(SIGNED_IN), setup=_vehicles, api=True),
    Case(
        "facilities-api:vehicle-list",
        _api(row(403, alice=201)),
        "for 绿洁环卫",
        method="post",
        data=_vehicle_body,
        api=True,
    ),
    Case("facilities-api:vehicle-detail", _api(VIEW_OWN), "绿洁环卫's", _vo, setup=_vehicles, api=True),
    Case("facilities-api:vehicle-detail", _api(VIEW_OTHER), "清源运输's", _vx, setup=_vehicles, api=True),
    Case(
        "facilities-api:vehicle-detail",
        _api(KEEP_OWN),
        "绿洁环卫's",
        _vo,
        setup=_vehicles,
        api=True,
        method="patch",
        data=_empty,
    ),
    Case("facilities-api:vehicle-history", _api(VIEW_OWN), "绿洁环卫's", _vo, setup=_vehicles, api=True),
    Case(
        "facilities-api:vehicle-close",
        _api(KEEP_OWN),
        "绿洁环卫's",
        _vo,
        setup=_vehicles,
        api=True,
        method="post",
        data=_empty,
    ),
    Case(
        "facilities-api:vehicle-reopen",
        _api(KEEP_OWN),
        "closed, 绿洁环卫's",
        _vo,
        setup=_vehicles_closed,
        api=True,
        method="post",
        data=_empty,
    ),
]

CASES: list[Case] = [
    # the facilities page lists the ledgers a user may read (none for nina): a page for every signed-in user
    Case("facilities:index", SIGNED_IN, setup=_vehicles),
    *COMMUNITY_CASES,
    *STREET_AND_DISTRICT_CASES,
    *TERMINAL_CASES,
    *VEHICLE_CASES,
    # photos of a street's terminal facility (the district's read too) and of a hauler's vehicle
    *file_cases(
        ns="facilities",
        name="terminal",
        api_ns="facilities-api",
        api_name="terminal",
        setup=_terminals,
        row=lambda w: w.terminal_a,
        view=VIEW_A,
        keep=KEEP_A,
        target="甲街道",
        other=(lambda w: w.terminal_d, VIEW_D, "东湖区"),
    ),
    *file_cases(
        ns="facilities",
        name="vehicle",
        api_ns="facilities-api",
        api_name="vehicle",
        setup=_vehicles,
        row=lambda w: w.vehicle_own,
        view=VIEW_OWN,
        keep=KEEP_OWN,
        target="绿洁环卫's",
        other=(lambda w: w.vehicle_other, VIEW_OTHER, "清源运输's"),
    ),
]
