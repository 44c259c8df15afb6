"""Permission-matrix cases of the campaign page, a unit's checklist, items and their evidence
(`fenlei.campaign.views`), on the campaign world (`tests.campaign_world`).

From the rules:
- the entry (`campaign:index`) opens for every signed-in user: an area role is sent on to its campaign
  page or its own checklist (302); a user whose roles reach no area (ada, hal, mia, nina) reads a
  page saying there is no campaign for them (200);
- a campaign is placed at the district and read from below (`Scope.visible_from_below`): every area
  role in 东湖区 reads its page (alice, leo, sam, cora, ian, olly); the others find nothing (404). An
  area asked for (`?area=`) is read through the scoping function like any area: 甲街道 by alice, leo,
  sam and ian; cora sees the campaign but not the street (404);
- units and items lie at their street or community: read by the roles over that subtree (甲一社区:
  alice, leo, sam, ian, cora; 甲街道 itself: alice, leo, sam, ian; 乙一社区: alice, leo, olly);
- an item's responsible person and target date are changed with the change action on the item:
  the district, street and community administrators over it; leo (a leader) and ian (an inspector)
  read only (403);
- evidence is submitted by the unit's own administrators (`services.may_submit_evidence`: cora for
  甲一社区, sam for 甲街道) and decided by the level above (`services.may_verify_evidence`: sam and
  alice for 甲一社区, alice for 甲街道); the others who see the item are refused (403). The two
  POST-only routes answer 405 to a GET.
"""

from __future__ import annotations

from tests.campaign_world import campaign_world
from tests.matrix import Case, row

CAMPAIGN = row(404, alice=200, leo=200, sam=200, cora=200, ian=200, olly=200)
AREA_A1 = row(404, alice=200, leo=200, sam=200, cora=200, ian=200)
STREET_A = row(404, alice=200, leo=200, sam=200, ian=200)
AREA_B1 = row(404, alice=200, leo=200, olly=200)
#: The change action on an item of 甲一社区: its community, its street and the district.
KEEP_A1 = row(404, alice=200, leo=403, sam=200, cora=200, ian=403)


def _campaign(w):
    return [w.campaign.pk]


def _unit(area):
    return lambda w: [w.campaign.pk, getattr(w, area).pk]


def _pk(name):
    return lambda w: [getattr(w, name).pk]


def _street_evidence(w) -> None:
    """sam's evidence for 甲街道's own plan, with a scanned PDF (awaiting alice)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fenlei.campaign import services
    from fenlei.core.testing import files

    campaign_world(w)
    pdf = SimpleUploadedFile("街道方案.pdf", files.pdf_bytes(), content_type="application/pdf")
    photo = SimpleUploadedFile("会议.jpg", files.image_bytes(gps=False), content_type="image/jpeg")
    w.evidence_a = services.submit_evidence(
        w.item_a_plan, by=w.sam, note="甲街道实施方案", files=[pdf, photo]
    )
    w.evidence_a_file, w.evidence_a_photo = _files_of(w.evidence_a)


def _files_of(evidence) -> list[int]:
    from fenlei.core import attachments

    return [a.pk for a in attachments.of_row(evidence, "evidence").order_by("pk")]


def _returned_a1(w) -> None:
    """cora's evidence for 甲一社区 returned by sam: cora may submit again."""
    from fenlei.campaign import services

    campaign_world(w)
    services.decide_evidence(w.evidence_a1, by=w.sam, verify=False, note="缺少盖章")


def _item_body(w):
    return {"responsible": "矩阵负责人", "due_on": f"{w.campaign.year}-09-15"}


CASES = [
    Case("campaign:index", row(302, ada=200, hal=200, mia=200, nina=200), setup=campaign_world),
    Case("campaign:detail", CAMPAIGN, args=_campaign, setup=campaign_world),
    Case(
        "campaign:detail",
        STREET_A,
        "甲街道",
        _campaign,
        query=lambda w: {"area": w.street_a.pk},
        setup=campaign_world,
    ),
    Case(
        "campaign:detail",
        row(404, alice=400, leo=400, sam=400, cora=400, ian=400, olly=400),
        "area not a number",
        _campaign,
        query=lambda w: {"area": "abc"},
        setup=campaign_world,
    ),
    Case("campaign:unit", AREA_A1, "甲一社区", _unit("community_a1"), setup=campaign_world),
    Case("campaign:unit", STREET_A, "甲街道", _unit("street_a"), setup=campaign_world),
    Case("campaign:unit", AREA_B1, "乙一社区", _unit("community_b1"), setup=campaign_world),
    Case("campaign:item", AREA_A1, "甲一社区 plan", _pk("item_a1_plan"), setup=campaign_world),
    Case("campaign:item", AREA_B1, "乙一社区 plan", _pk("item_b1_plan"), setup=campaign_world),
    Case("campaign:item", STREET_A, "甲街道 plan", _pk("item_a_plan"), setup=campaign_world),
    Case(
        "campaign:evidence-file",
        STREET_A,
        "甲街道 plan: a file of its evidence",
        lambda w: [w.evidence_a.pk, w.evidence_a_file],
        setup=_street_evidence,
    ),
    Case(
        "campaign:evidence-thumbnail",
        STREET_A,
        "甲街道 plan: a photo of its evidence",
        lambda w: [w.evidence_a.pk, w.evidence_a_photo],
        setup=_street_evidence,
    ),
    Case("campaign:item-edit", KEEP_A1, "甲一社区 plan", _pk("item_a1_plan"), setup=campaign_world),
    Case(
        "campaign:item-edit",
        row(404, alice=200, leo=403, olly=200),
        "乙一社区 plan",
        _pk("item_b1_plan"),
        setup=campaign_world,
    ),
    Case(
        "campaign:item-edit",
        row(404, alice=302, leo=403, sam=302, cora=302, ian=403),
        "甲一社区 plan",
        _pk("item_a1_plan"),
        method="post",
        data=_item_body,
        setup=campaign_world,
    ),
    Case("campaign:evidence-submit", row(405), args=_pk("item_a1_plan"), setup=campaign_world),
    Case(
        "campaign:evidence-submit",
        row(404, alice=403, leo=403, sam=302, ian=403),
        "甲街道 plan",
        _pk("item_a_plan"),
        method="post",
        data=lambda w: {"note": "矩阵：街道实施方案"},
        setup=campaign_world,
    ),
    Case(
        "campaign:evidence-submit",
        row(404, alice=403, leo=403, sam=403, cora=302, ian=403),
        "甲一社区 plan, returned",
        _pk("item_a1_plan"),
        method="post",
        data=lambda w: {"note": "矩阵：盖章版"},
        setup=_returned_a1,
    ),
    Case("campaign:evidence-decide", row(405), args=_pk("evidence_a1"), setup=campaign_world),
    Case(
        "campaign:evidence-decide",
        row(404, alice=302, leo=403, sam=302, cora=403, ian=403),
        "甲一社区's, verify",
        _pk("evidence_a1"),
        method="post",
        data=lambda w: {"decision": "verify", "note": ""},
        setup=campaign_world,
    ),
    Case(
        "campaign:evidence-decide",
        row(404, alice=302, leo=403, sam=403, ian=403),
        "甲街道's, return",
        _pk("evidence_a"),
        method="post",
        data=lambda w: {"decision": "return", "note": "矩阵：缺少盖章"},
        setup=_street_evidence,
    ),
]
