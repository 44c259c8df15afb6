"""Permission-matrix cases of the demonstration-site pages (示范点), on the campaign world
(`tests.campaign_world`: w.demo_a1 is cora's application for 甲一花园, awaiting 甲街道's review;
w.demo_b1 is 乙一花园, reviewed, awaiting the district's acceptance).

From the rules:
- the list reads the campaign through the scoping function: a district campaign is seen from the
  areas below it (Scope.visible_from_below), by the roles held over an area — alice, leo, sam, cora,
  ian and olly; ada (an authority), hal (a hauler), mia (a site) and nina reach no campaign: 404.
  An area asked for (`?area=`) is read like any area: 乙街道 by alice, leo and olly only;
- a demonstration site is read through its community and its site (Scope(area, site)): 甲一花园's by
  alice, leo, sam, cora, ian and mia (the site's manager); 乙一花园's by alice, leo and olly; its
  files are read through it;
- each step needs a capacity (choices.DEMO_TRANSITIONS, services.demo_capacities), held by an
  administrator over the site's place at that level: the community (cora over 甲一社区) applies and
  resubmits, the street (sam over 甲街道, olly over 乙街道) reviews and returns, the district office
  (alice) accepts, names, re-checks and revokes. Whoever sees the site without the capacity gets
  403 (leo and ian read but hold no office; mia manages a site; alice is not the street);
- a step with the capacity but not allowed in the site's state is refused with 400 (naming a site
  not yet accepted; resubmitting one awaiting review), as is a form the step refuses (a return
  without its reason);
- applying needs the community capacity somewhere in the campaign: only cora; the others who see
  the campaign get 403.
"""

from __future__ import annotations

import uuid

from tests.campaign_world import campaign_world
from tests.matrix import Case, row

CAMPAIGN = row(404, alice=200, leo=200, sam=200, cora=200, ian=200, olly=200)
DEMO_A1 = row(404, alice=200, leo=200, sam=200, cora=200, ian=200, mia=200)
DEMO_B1 = row(404, alice=200, leo=200, olly=200)
#: 甲一花园's steps: seen by DEMO_A1's personas; only the capacity's holder may take one.
A1_SEEN = row(404, alice=403, leo=403, sam=403, cora=403, ian=403, mia=403)
#: 乙一花园's steps.
B1_SEEN = row(404, alice=403, leo=403, olly=403)
APPLY = row(404, alice=403, leo=403, sam=403, cora=403, ian=403, olly=403)


def allow(base: dict, **personas) -> dict:
    return {**base, **personas}


def _campaign(w):
    return [w.campaign.pk]


def _a1(w):
    return [w.demo_a1.pk]


def _b1(w):
    return [w.demo_b1.pk]


def _with_tower(w) -> None:
    """The campaign world and an office building in 甲一社区, free to apply."""
    from fenlei.org import services as org
    from fenlei.org.models import Site, SiteKind

    campaign_world(w)
    kind = SiteKind.objects.get(code="office-building")
    w.tower = org.site_create(site=Site(name="甲一大厦", kind=kind, community=w.community_a1), by=None)


def _with_file(w) -> None:
    """The campaign world with a scan attached to cora's application."""
    from fenlei.core import attachments
    from fenlei.core.testing import files

    campaign_world(w)
    scan = files.upload("申报材料.pdf", files.pdf_bytes(), "application/pdf")
    photo = files.upload("现场.jpg", files.image_bytes(gps=False), "image/jpeg")
    w.demo_file, w.demo_photo = attachments.attach(
        row=w.demo_a1, slot="evidence", files=[scan, photo], by=w.cora
    )


def _apply_body(w) -> dict:
    from fenlei.core.testing import files

    return {
        "site": w.tower.pk,
        "note": "写字楼垃圾分类工作扎实",
        "files": [files.upload("申报材料.pdf", files.pdf_bytes(), "application/pdf")],
    }


def _passing_sheet(w) -> dict:
    """A scoring sheet of 乙一花园 on which every item passes."""
    from fenlei.inspections import services as inspections

    data = {"client_id": str(uuid.uuid4()), "note": "验收"}
    for item in inspections.template_for("site", w.sites["b1_estate"]).items.all():
        if item.purity:
            data[f"purity_{item.code}"] = "92, 96"
        else:
            data[f"result_{item.code}"] = "pass"
    return data


def _step(demo, step):
    return lambda w: [getattr(w, demo).pk, step]


CASES = [
    # the list
    Case("campaign:demo-list", CAMPAIGN, "campaign", _campaign, setup=campaign_world),
    Case(
        "campaign:demo-list",
        row(404, alice=200, leo=200, olly=200),
        "乙街道",
        _campaign,
        query=lambda w: {"area": w.street_b.pk},
        setup=campaign_world,
    ),
    Case(
        "campaign:demo-list",
        row(405),
        "campaign",
        _campaign,
        method="post",
        data=lambda w: {},
        setup=campaign_world,
    ),
    # the application
    Case("campaign:demo-apply", allow(APPLY, cora=200), "campaign", _campaign, setup=campaign_world),
    Case(
        "campaign:demo-apply",
        allow(APPLY, cora=302),
        "甲一大厦",
        _campaign,
        method="post",
        data=_apply_body,
        setup=_with_tower,
    ),
    Case(
        "campaign:demo-apply",
        allow(APPLY, cora=400),
        "甲一小学 (a school)",
        _campaign,
        method="post",
        data=lambda w: {"site": w.sites["a1_school"].pk, "note": "学校"},
        setup=campaign_world,
    ),
    # one site, and its files
    Case("campaign:demo-detail", DEMO_A1, "甲一花园", _a1, setup=campaign_world),
    Case("campaign:demo-detail", DEMO_B1, "乙一花园", _b1, setup=campaign_world),
    Case(
        "campaign:demo-file",
        DEMO_A1,
        "甲一花园's scan",
        lambda w: [w.demo_a1.pk, w.demo_file.pk],
        setup=_with_file,
    ),
    Case(
        "campaign:demo-thumbnail",
        DEMO_A1,
        "甲一花园's photo",
        lambda w: [w.demo_a1.pk, w.demo_photo.pk],
        setup=_with_file,
    ),
    # the street's review of 甲一花园
    Case(
        "campaign:demo-step",
        allow(A1_SEEN, sam=200),
        "甲一花园 review",
        _step("demo_a1", "review"),
        setup=campaign_world,
    ),
    Case(
        "campaign:demo-step",
        allow(A1_SEEN, sam=302),
        "甲一花园 review",
        _step("demo_a1", "review"),
        method="post",
        data=lambda w: {"note": "初审通过"},
        setup=campaign_world,
    ),
    Case(
        "campaign:demo-step",
        allow(A1_SEEN, sam=400),
        "甲一花园 return without a reason",
        _step("demo_a1", "return"),
        method="post",
        data=lambda w: {"note": ""},
        setup=campaign_world,
    ),
    Case(
        "campaign:demo-step",
        allow(A1_SEEN, cora=400),
        "甲一花园 resubmit (awaiting review)",
        _step("demo_a1", "resubmit"),
        setup=campaign_world,
    ),
    # the district's acceptance of 乙一花园, with the scoring sheet
    Case(
        "campaign:demo-step",
        allow(B1_SEEN, alice=200),
        "乙一花园 accept",
        _step("demo_b1", "accept"),
        setup=campaign_world,
    ),
    Case(
        "campaign:demo-step",
        allow(B1_SEEN, alice=302),
        "乙一花园 accept",
        _step("demo_b1", "accept"),
        method="post",
        data=_passing_sheet,
        setup=campaign_world,
    ),
    Case(
        "campaign:demo-step",
        allow(B1_SEEN, alice=400),
        "乙一花园 name (not yet accepted)",
        _step("demo_b1", "name"),
        setup=campaign_world,
    ),
]
