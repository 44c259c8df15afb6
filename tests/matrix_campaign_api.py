"""Permission-matrix cases of the campaign API (/api/campaign/).

The world is `tests/campaign_world.py`: 东湖区's campaign with every unit judged, cora's evidence for
甲一社区's plan (w.evidence_a1, awaiting verification), cora's application for 甲一花园 (w.demo_a1,
applied) and 乙一花园 reviewed by its street (w.demo_b1), a snapshot of yesterday. From the rules
(`fenlei.core.roles`, `fenlei.core.scoping`, and who acts in which capacity in
`fenlei.campaign.services`):
- campaigns and snapshots are placed at the district and viewable from below (Scope.visible_from_below):
  every area role reads them (alice, leo, sam, cora, ian, olly); ada, hal and mia hold no area role
  and nina no role at all (404). The overview and the unit list of an area follow the area: 404 for
  an area outside the caller's scope;
- units, items and evidence lie at their street or community: seen by the roles over it (甲一社区:
  alice, leo, sam, cora, ian; 甲街道: alice, leo, sam, ian) and by nobody else (404);
- evidence is submitted by the unit's own administrators (cora for 甲一社区, sam for 甲街道) and verified
  or returned by the administrators of a level above (sam and alice for 甲一社区); the others who see
  the item get 403;
- a demonstration site is seen by the roles over its community and by its site's manager (mia for
  甲一花园); the community applies (cora; the others who may add anywhere but are not the site's
  community get 403, olly names a site outside his scope: 400; the roles that add nothing: 403), the
  street reviews (sam), the district accepts (alice); the others who see it get 403.
"""

from __future__ import annotations

import json

from tests.campaign_world import campaign_world
from tests.matrix import API_ANON, Case, row

_api = lambda route, expect, target="", args=lambda w: [], **kw: Case(  # noqa: E731
    f"campaign-api:{route}", expect, target, args, api=True, setup=kw.pop("setup", campaign_world), **kw
)


def arow(default, **personas):
    return row(default, anon=API_ANON, **personas)


#: Every role that reads something somewhere.
SIGNED_IN = arow(200)
#: The campaign and its snapshots (district rows viewable from below): every area role.
AREA_ROLES = arow(404, alice=200, leo=200, sam=200, cora=200, ian=200, olly=200)
#: 甲街道 (and its street-level rows).
STREET_A = arow(404, alice=200, leo=200, sam=200, ian=200)
#: 甲一社区 (and its rows).
COMMUNITY_A1 = arow(404, alice=200, leo=200, sam=200, cora=200, ian=200)
#: 甲一花园's demonstration site: 甲一社区's roles and the site's manager.
DEMO_A1 = arow(404, alice=200, leo=200, sam=200, cora=200, ian=200, mia=200)


def _pdf(name="方案.pdf"):
    from fenlei.core.testing import files

    return files.upload(name, files.pdf_bytes(), "application/pdf")


def returned_a1(w) -> None:
    """The world, with sam's return of cora's evidence: 甲一社区 may submit again."""
    from fenlei.campaign import services

    campaign_world(w)
    services.decide_evidence(w.evidence_a1, by=w.sam, verify=False, note="缺少盖章")


def with_files(w) -> None:
    """The world, with evidence and an application that carry a PDF each (甲一社区, cora)."""
    from fenlei.campaign import services
    from fenlei.core import attachments

    returned_a1(w)
    w.evidence_file = services.submit_evidence(w.item_a1_plan, by=w.cora, note="盖章版", files=[_pdf()])
    new_site(w)
    w.demo_file = services.apply_demo(
        campaign=w.campaign, site=w.new_site, by=w.cora, note="申报", files=[_pdf("申报材料.pdf")]
    )
    w.evidence_file_id = attachments.of_row(w.evidence_file, "evidence").get().pk
    w.demo_file_id = attachments.of_row(w.demo_file, "evidence").get().pk


def new_site(w) -> None:
    """A second managed estate in 甲一社区 (甲一新苑), not yet applied for."""
    from fenlei.org import services as org
    from fenlei.org.models import Site, SiteKind

    if getattr(w, "campaign", None) is None:
        campaign_world(w)
    w.new_site = org.site_create(
        site=Site(
            name="甲一新苑",
            kind=SiteKind.objects.get(code="managed-estate"),
            community=w.community_a1,
            households=100,
            population=250,
        ),
        by=None,
    )


def _application(w) -> dict:
    return {"campaign": w.campaign.pk, "site": w.new_site.pk, "note": "垃圾分类工作扎实", "files": [_pdf()]}


def _acceptance(w) -> dict:
    """alice's acceptance of 乙一花园: every item of its checklist passed."""
    from fenlei.inspections import services
    from fenlei.inspections.choices import TargetType

    version = services.template_for(TargetType.SITE, w.sites["b1_estate"])
    answers = [
        {"code": i.code, "purity": [95]} if i.purity else {"code": i.code, "result": "pass"}
        for i in version.items.all()
    ]
    return {"step": "accept", "note": "验收合格", "answers": answers}


def _campaign(w):
    return [w.campaign.pk]


def _unit_a1(w):
    from fenlei.campaign.models import Unit

    return [Unit.objects.get(campaign=w.campaign, area=w.community_a1).pk]


CASES: list[Case] = [
    # campaigns
    _api("campaign-list", SIGNED_IN),
    _api("campaign-detail", AREA_ROLES, "东湖区 2026", _campaign),
    _api("campaign-history", AREA_ROLES, "东湖区 2026", _campaign),
    _api("campaign-overview", AREA_ROLES, "their widest area", _campaign),
    _api("campaign-overview", STREET_A, "甲街道", _campaign, query=lambda w: {"area": w.street_a.pk}),
    _api("campaign-units", AREA_ROLES, "their widest area", _campaign),
    _api(
        "campaign-units",
        STREET_A,
        "at risk in 甲街道",
        _campaign,
        query=lambda w: {"area": w.street_a.pk, "at_risk": "true"},
    ),
    _api("campaign-snapshots", AREA_ROLES, "东湖区 2026", _campaign),
    _api("snapshot-detail", AREA_ROLES, "yesterday's", lambda w: [w.snapshot.pk]),
    _api(
        "snapshot-detail",
        COMMUNITY_A1,
        "yesterday's for 甲一社区",
        lambda w: [w.snapshot.pk],
        query=lambda w: {"area": w.community_a1.pk},
    ),
    # units and items
    _api("unit-detail", COMMUNITY_A1, "甲一社区", _unit_a1),
    _api("item-detail", COMMUNITY_A1, "甲一社区's plan", lambda w: [w.item_a1_plan.pk]),
    _api("item-history", COMMUNITY_A1, "甲一社区's plan", lambda w: [w.item_a1_plan.pk]),
    _api("item-evidence", COMMUNITY_A1, "甲一社区's plan", lambda w: [w.item_a1_plan.pk]),
    # the unit itself submits: sam for 甲街道; the district (alice) and the read-only roles who see it: 403
    _api(
        "item-evidence",
        arow(404, alice=403, leo=403, sam=201, ian=403),
        "甲街道's plan",
        lambda w: [w.item_a_plan.pk],
        method="post",
        data=lambda w: {"note": "甲街道实施方案", "files": [_pdf()]},
        multipart=True,
    ),
    _api(
        "item-evidence",
        arow(404, alice=403, leo=403, sam=403, cora=201, ian=403),
        "甲一社区's plan, returned",
        lambda w: [w.item_a1_plan.pk],
        method="post",
        data=lambda w: {"note": "盖章版"},
        setup=returned_a1,
    ),
    # evidence
    _api("evidence-detail", COMMUNITY_A1, "甲一社区's", lambda w: [w.evidence_a1.pk]),
    _api("evidence-history", COMMUNITY_A1, "甲一社区's", lambda w: [w.evidence_a1.pk]),
    _api(
        "evidence-file",
        COMMUNITY_A1,
        "甲一社区's PDF",
        lambda w: [w.evidence_file.pk, w.evidence_file_id],
        setup=with_files,
    ),
    # the level above verifies: sam (甲街道) and alice (东湖区)
    _api(
        "evidence-decide",
        arow(404, alice=200, leo=403, sam=200, cora=403, ian=403),
        "甲一社区's",
        lambda w: [w.evidence_a1.pk],
        method="post",
        data=lambda w: {"verify": True},
    ),
    # demonstration sites
    _api("demo-site-list", SIGNED_IN),
    _api(
        "demo-site-list",
        arow(403, cora=201, olly=400),
        "apply for 甲一新苑",
        method="post",
        data=_application,
        multipart=True,
        setup=new_site,
    ),
    _api("demo-site-detail", DEMO_A1, "甲一花园", lambda w: [w.demo_a1.pk]),
    _api("demo-site-history", DEMO_A1, "甲一花园", lambda w: [w.demo_a1.pk]),
    _api("demo-site-steps", DEMO_A1, "甲一花园", lambda w: [w.demo_a1.pk]),
    _api(
        "demo-site-file",
        COMMUNITY_A1,
        "甲一新苑's application",
        lambda w: [w.demo_file.pk, w.demo_file_id],
        setup=with_files,
    ),
    # the street reviews (sam); the district (alice) and the others who see it: 403
    _api(
        "demo-site-steps",
        arow(404, alice=403, leo=403, sam=200, cora=403, ian=403, mia=403),
        "review 甲一花园",
        lambda w: [w.demo_a1.pk],
        method="post",
        data=lambda w: {"step": "review", "note": "初审通过"},
    ),
    # the district accepts (alice) with the scoring sheet; 乙街道 (olly) and leo see it: 403
    _api(
        "demo-site-steps",
        arow(404, alice=200, leo=403, olly=403),
        "accept 乙一花园",
        lambda w: [w.demo_b1.pk],
        method="post",
        data=_acceptance,
    ),
    # the same with the sheet sent as multipart (its `data` part), as a phone sends photos with it
    _api(
        "demo-site-steps",
        arow(404, alice=200, leo=403, olly=403),
        "accept 乙一花园 (multipart)",
        lambda w: [w.demo_b1.pk],
        method="post",
        data=lambda w: {"data": json.dumps(_acceptance(w))},
        multipart=True,
    ),
]
