"""Permission-matrix cases of the people ledgers (fenlei.people).

Most people ledgers are plain placed ledgers (a row in a community, perhaps at a site), so their
cases come from `ledger_cases`. A group's member and a volunteer's service record are placed where
their group or volunteer is: the same expectations hold, the body names the parent instead of an area
(olly, naming a parent outside his scope, gets the form's 400 and the API's 404 as for an area).

A leading group (and so its members) has no site: 甲一花园's manager (mia) does not reach a group of
甲一社区. Two ledgers differ further and are written here from the role rules:
- a kitchen-waste collection group stands at a street: 甲街道's row is seen by alice, leo, sam and ian
  (cora and mia hold nothing at the street level), kept by alice and sam; cora may add rows somewhere
  (so she gets the add page) but not in a street (her POST is refused as a choice not offered: 400;
  through the API the street lies outside what she sees: 404);
- a leading group may also stand at the district: 东湖区's group is seen by alice and leo only and kept
  by alice only.
"""

from __future__ import annotations

import dataclasses
import datetime

from tests.matrix import Case, row
from tests.matrix_ledgers import ADDERS, EXPORTERS, SIGNED_IN, _api, _with, ledger_cases

# --- makers: a row of each ledger at `area` (and `site`) --------------------------------------------------


def _save(obj):
    obj.full_clean()
    obj.save()
    return obj


def _group(w, area, site, name="分类工作领导小组"):
    from fenlei.people.models import LeadingGroup

    return _save(LeadingGroup(name=name, area=area, plan_document="东湖分办〔2025〕3号"))


def _member(w, area, site):
    from fenlei.people.models import LeadingGroupMember

    return _save(LeadingGroupMember(group=_group(w, area, site), name="张三", post=1, phone="13812341234"))


def _volunteer(w, area, site, name="王芳"):
    from fenlei.people.models import Volunteer

    return _save(Volunteer(name=name, area=area, site=site, phone="13812341234"))


def _service(w, area, site):
    from fenlei.people.models import ServiceRecord

    volunteer = _volunteer(w, area, site)
    return _save(
        ServiceRecord(volunteer=volunteer, served_on=datetime.date(2025, 6, 1), hours=2, content="桶边督导")
    )


def _supervisor(w, area, site):
    from fenlei.people.models import Supervisor

    return _save(Supervisor(name="李四", area=area, site=site, phone="13900001111"))


def _partylink(w, area, site):
    from fenlei.people.models import PartyMemberLink

    return _save(PartyMemberLink(name="赵五", area=area, site=site, building="3幢", households_linked=12))


def _site_of(w, area, site):
    return site or (w.sites["a1_estate"] if area == w.community_a1 else w.sites["b1_estate"])


def _fourparty(w, area, site):
    from fenlei.people.models import FourPartyLinkage

    return _save(FourPartyLinkage(area=area, site=_site_of(w, area, site), party_contact="钱六"))


def _participation(w, area, site):
    from fenlei.people.models import Participation

    return _save(
        Participation(
            area=area,
            site=_site_of(w, area, site),
            recorded_on=datetime.date(2025, 6, 30),
            registered_households=150,
            participating_households=120,
        )
    )


def _kitchengroup(w, area, site=None):
    from fenlei.people.models import KitchenWasteGroup

    return _save(KitchenWasteGroup(name="餐厨收运一组", area=area, leader="孙七", phone="13700002222"))


# --- bodies placing a row in 甲一社区 ----------------------------------------------------------------------


def _group_body(w):
    return {"name": "矩阵领导小组", "area": w.community_a1.pk}


def _member_body(w):
    return {"group": _group(w, w.community_a1, None, name="矩阵领导小组").pk, "name": "矩阵成员", "post": 4}


def _volunteer_body(w):
    return {"name": "矩阵志愿者", "area": w.community_a1.pk, "kind": "volunteer"}


def _service_body(w):
    volunteer = _volunteer(w, w.community_a1, None, name="矩阵志愿者")
    return {"volunteer": volunteer.pk, "served_on": "2025-06-01", "hours": "2", "content": "入户宣传"}


def _supervisor_body(w):
    return {"name": "矩阵督导员", "area": w.community_a1.pk}


def _partylink_body(w):
    return {"name": "矩阵党员", "area": w.community_a1.pk, "households_linked": 10}


def _fourparty_body(w):
    return {"area": w.community_a1.pk, "site": w.sites["a1_estate"].pk, "party_contact": "矩阵"}


def _participation_body(w):
    return {
        "area": w.community_a1.pk,
        "site": w.sites["a1_estate"].pk,
        "recorded_on": "2025-06-01",
        "registered_households": 100,
        "participating_households": 50,
    }


def _plain(name, make, body, *, site=True):
    cases = ledger_cases(
        ns="people", name=name, api_ns="people-api", api_name=name, make=make, body=body, api_body=body
    )
    if site:
        return cases
    # A ledger without sites: 甲一社区's row is not at 甲一花园, so its manager (mia) does not reach it.
    return [
        dataclasses.replace(c, expect={**c.expect, "mia": 404})
        if c.target.endswith("甲一社区") and not c.target.startswith("into")
        else c
        for c in cases
    ]


# --- the street-level ledger ------------------------------------------------------------------------------

VIEW_STREET_A = row(404, alice=200, leo=200, sam=200, ian=200)
KEEP_STREET_A = row(404, alice=200, leo=403, sam=200, ian=403)
VIEW_STREET_B = row(404, alice=200, leo=200, olly=200)
#: A POST placing a row in 甲街道: cora and olly may add somewhere, but not there.
ADD_STREET_A = {**ADDERS, "cora": 400, "olly": 400}


def _street_cases(name, make, body) -> list[Case]:
    def setup(w):
        w.ledger_sa = make(w, w.street_a)
        w.ledger_sb = make(w, w.street_b)

    def setup_closed(w):
        setup(w)
        from fenlei.core import services

        services.close(w.ledger_sa, by=None)

    sa = lambda w: [w.ledger_sa.pk]  # noqa: E731
    sb = lambda w: [w.ledger_sb.pk]  # noqa: E731
    r = lambda face: f"people:{name}-{face}"  # noqa: E731
    a = lambda face: f"people-api:{name}-{face}"  # noqa: E731
    return [
        Case(r("list"), SIGNED_IN, setup=setup),
        Case(r("add"), ADDERS),
        Case(r("add"), _with(ADD_STREET_A, 302), "into 甲街道", method="post", data=body),
        Case(r("detail"), VIEW_STREET_A, "甲街道", sa, setup=setup),
        Case(r("detail"), VIEW_STREET_B, "乙街道", sb, setup=setup),
        Case(r("history"), VIEW_STREET_A, "甲街道", sa, setup=setup),
        Case(r("edit"), KEEP_STREET_A, "甲街道", sa, setup=setup),
        Case(r("close"), KEEP_STREET_A, "甲街道", sa, setup=setup),
        Case(
            r("close"),
            _with(KEEP_STREET_A, 302),
            "甲街道",
            sa,
            setup=setup,
            method="post",
            data=lambda w: {"note": "matrix"},
        ),
        Case(r("reopen"), KEEP_STREET_A, "closed, 甲街道", sa, setup=setup_closed),
        Case(r("export"), EXPORTERS),
        Case(r("import-template"), ADDERS),
        Case(r("import"), ADDERS),
        Case(a("list"), _api(SIGNED_IN), setup=setup, api=True),
        Case(
            a("list"),
            _api({**_with(ADDERS, 201), "cora": 404, "olly": 404}),
            "into 甲街道",
            method="post",
            data=body,
            api=True,
        ),
        Case(a("detail"), _api(VIEW_STREET_A), "甲街道", sa, setup=setup, api=True),
        Case(a("detail"), _api(VIEW_STREET_B), "乙街道", sb, setup=setup, api=True),
        Case(
            a("detail"),
            _api(KEEP_STREET_A),
            "甲街道",
            sa,
            setup=setup,
            api=True,
            method="patch",
            data=lambda w: {},
        ),
        Case(a("history"), _api(VIEW_STREET_A), "甲街道", sa, setup=setup, api=True),
        Case(
            a("close"),
            _api(KEEP_STREET_A),
            "甲街道",
            sa,
            setup=setup,
            api=True,
            method="post",
            data=lambda w: {},
        ),
        Case(
            a("reopen"),
            _api(KEEP_STREET_A),
            "closed, 甲街道",
            sa,
            setup=setup_closed,
            api=True,
            method="post",
            data=lambda w: {},
        ),
    ]


def _kitchengroup_body(w):
    return {"name": "矩阵收运组", "area": w.street_a.pk, "leader": "周八"}


# --- a district's leading group -----------------------------------------------------------------------------


def _district_group(w):
    w.district_group = _group(w, w.district, None, name="区分类工作领导小组")


VIEW_DISTRICT = row(404, alice=200, leo=200)
KEEP_DISTRICT = row(404, alice=200, leo=403)
_district = lambda w: [w.district_group.pk]  # noqa: E731

CASES: list[Case] = [
    Case("people:index", SIGNED_IN),
    *_plain("group", _group, _group_body, site=False),
    Case("people:group-detail", VIEW_DISTRICT, "东湖区", _district, setup=_district_group),
    Case("people:group-edit", KEEP_DISTRICT, "东湖区", _district, setup=_district_group),
    Case(
        "people-api:group-detail", _api(VIEW_DISTRICT), "东湖区", _district, setup=_district_group, api=True
    ),
    *_plain("member", _member, _member_body, site=False),
    *_plain("volunteer", _volunteer, _volunteer_body),
    *_plain("service", _service, _service_body),
    *_plain("supervisor", _supervisor, _supervisor_body),
    *_plain("partylink", _partylink, _partylink_body),
    *_street_cases("kitchengroup", _kitchengroup, _kitchengroup_body),
    *_plain("fourparty", _fourparty, _fourparty_body),
    *_plain("participation", _participation, _participation_body),
]
