"""Permission-matrix cases of the publicity ledger (publicity activities).

An activity is a placed ledger row like any other (`ledger_cases`), but it may also be placed at a
street or at the district. The scoping function reaches a row through its area path, so the rules
give: a street-level activity in 甲街道 is seen by the areas at and above the street (alice, leo,
sam, ian) and kept by alice and sam, not by cora (her community lies below it) nor by mia (it is at
no site); a district-level one is seen by alice and leo and kept by alice alone. Only an area role
places a row, and only in an area it keeps: cora and olly are not offered 甲街道 (400 on the page,
404 in the API, where an area outside the caller's scope is not found), sam is not offered the
district.
"""

from __future__ import annotations

from tests.matrix import API_ANON, Case, row
from tests.matrix_ledgers import ledger_cases


def _activity(w, area, site, organiser="矩阵居委会"):
    import datetime

    from fenlei.core import services
    from fenlei.publicity.models import Activity

    return services.create(
        Activity(
            area=area,
            site=site,
            date=datetime.date(2025, 6, 1),
            organiser=organiser,
            kind="handout",
            target="communities",
            events=1,
            materials=100,
        ),
        by=None,
    )


def _body(area_of):
    def body(w):
        return {
            "area": area_of(w).pk,
            "date": "2025-06-02",
            "organiser": "矩阵宣传队",
            "kind": "door_to_door",
            "target": "households",
            "events": "1",
            "materials": "50",
            "messages": "0",
            "participants": "80",
        }

    return body


def _api_body(area_of):
    def body(w):
        data = _body(area_of)(w)
        return {**data, "events": 1, "materials": 50, "messages": 0, "participants": 80}

    return body


def _placed(w):
    w.activity_street = _activity(w, w.street_a, None, "甲街道办事处")
    w.activity_district = _activity(w, w.district, None, "区分类办")


def _closed(w):
    from fenlei.core import services

    _placed(w)
    services.close(w.activity_street, by=None)


def _street(w):
    return [w.activity_street.pk]


def _district(w):
    return [w.activity_district.pk]


def _api(expect: dict) -> dict:
    return {**expect, "anon": API_ANON}


def _saved(expect: dict, status: int | str) -> dict:
    return {k: (status if v == 200 else v) for k, v in expect.items()}


VIEW_STREET_A = row(404, alice=200, leo=200, sam=200, ian=200)
KEEP_STREET_A = row(404, alice=200, leo=403, sam=200, ian=403)
VIEW_DISTRICT = row(404, alice=200, leo=200)
KEEP_DISTRICT = row(404, alice=200, leo=403)
#: Adding: only area roles that keep somewhere may (403 for the others); where, is the next question.
ADD_AT_STREET_A = row(403, alice=302, sam=302, cora=400, olly=400)
ADD_AT_DISTRICT = row(403, alice=302, sam=400, cora=400, olly=400)

STREET = lambda w: w.street_a  # noqa: E731
DISTRICT = lambda w: w.district  # noqa: E731
P, A = "publicity:activity", "publicity-api:activity"

CASES: list[Case] = [
    *ledger_cases(
        ns="publicity",
        name="activity",
        api_ns="publicity-api",
        api_name="activity",
        make=_activity,
        body=_body(lambda w: w.community_a1),
        api_body=_api_body(lambda w: w.community_a1),
        slot="photo",
    ),
    # pages: a street-level activity
    Case(f"{P}-add", ADD_AT_STREET_A, "into 甲街道", method="post", data=_body(STREET)),
    Case(f"{P}-detail", VIEW_STREET_A, "甲街道", _street, setup=_placed),
    Case(f"{P}-history", VIEW_STREET_A, "甲街道", _street, setup=_placed),
    Case(f"{P}-edit", KEEP_STREET_A, "甲街道", _street, setup=_placed),
    Case(
        f"{P}-edit",
        _saved(KEEP_STREET_A, 302),
        "甲街道",
        _street,
        setup=_placed,
        method="post",
        data=_body(STREET),
    ),
    Case(f"{P}-close", KEEP_STREET_A, "甲街道", _street, setup=_placed),
    Case(
        f"{P}-close",
        _saved(KEEP_STREET_A, 302),
        "甲街道",
        _street,
        setup=_placed,
        method="post",
        data=lambda w: {"note": "matrix"},
    ),
    Case(f"{P}-reopen", KEEP_STREET_A, "closed, 甲街道", _street, setup=_closed),
    # pages: a district-level activity
    Case(f"{P}-add", ADD_AT_DISTRICT, "into 东湖区", method="post", data=_body(DISTRICT)),
    Case(f"{P}-detail", VIEW_DISTRICT, "东湖区", _district, setup=_placed),
    Case(f"{P}-edit", KEEP_DISTRICT, "东湖区", _district, setup=_placed),
    Case(f"{P}-close", KEEP_DISTRICT, "东湖区", _district, setup=_placed),
    # the API
    Case(
        f"{A}-list",
        _api(row(403, alice=201, sam=201, cora=404, olly=404)),
        "into 甲街道",
        method="post",
        data=_api_body(STREET),
        api=True,
    ),
    Case(
        f"{A}-list",
        _api(row(403, alice=201, sam=404, cora=404, olly=404)),
        "into 东湖区",
        method="post",
        data=_api_body(DISTRICT),
        api=True,
    ),
    Case(f"{A}-detail", _api(VIEW_STREET_A), "甲街道", _street, setup=_placed, api=True),
    Case(
        f"{A}-detail",
        _api(KEEP_STREET_A),
        "甲街道",
        _street,
        setup=_placed,
        api=True,
        method="patch",
        data=lambda w: {"participants": 99},
    ),
    Case(f"{A}-detail", _api(VIEW_DISTRICT), "东湖区", _district, setup=_placed, api=True),
    Case(
        f"{A}-detail",
        _api(KEEP_DISTRICT),
        "东湖区",
        _district,
        setup=_placed,
        api=True,
        method="patch",
        data=lambda w: {"participants": 99},
    ),
    Case(
        f"{A}-close",
        _api(KEEP_STREET_A),
        "甲街道",
        _street,
        setup=_placed,
        api=True,
        method="post",
        data=lambda w: {},
    ),
    # The totals answer every signed-in caller, over the rows it may see (none for nina).
    Case(f"{A}-summary", _api(row(200)), setup=_placed, api=True),
]
