"""The campaign part of the permission matrix's world (`campaign_world(w)`), shared by the matrix
modules of the campaign pages and API.

    w.campaign        东湖区's 2026 campaign (the default checklist), every unit judged today
    w.item_a1_plan    甲一社区's evidence item “社区垃圾分类实施方案”, with
    w.evidence_a1     evidence cora submitted (awaiting sam's or alice's verification)
    w.item_b1_plan    乙一社区's item of the same requirement (olly's side)
    w.item_a_plan     甲街道's own evidence item “街道垃圾分类实施方案” (sam submits, alice verifies)
    w.demo_a1         cora's application for 甲一花园 (state applied: sam reviews it)
    w.demo_b1         乙一花园, reviewed by its street (state reviewed: alice's acceptance is next)
    w.snapshot        a snapshot of yesterday
"""

from __future__ import annotations

import datetime


def campaign_world(w) -> None:
    from django.utils import timezone

    from fenlei.campaign import services
    from fenlei.campaign.choices import DemoState
    from fenlei.campaign.models import DemoSite, Item

    today = timezone.localdate()
    w.campaign = services.create_campaign(area=w.district, year=today.year, by=w.alice)
    services.refresh(w.campaign)

    def item(area, code):
        return Item.objects.get(unit__campaign=w.campaign, unit__area=area, requirement__code=code)

    w.item_a1_plan = item(w.community_a1, "plan")
    w.item_b1_plan = item(w.community_b1, "plan")
    w.item_a_plan = item(w.street_a, "street-plan")
    w.evidence_a1 = services.submit_evidence(w.item_a1_plan, by=w.cora, note="甲一社区实施方案", files=[])
    w.demo_a1 = services.apply_demo(
        campaign=w.campaign, site=w.sites["a1_estate"], by=w.cora, note="申报示范点"
    )
    b1 = w.sites["b1_estate"]
    w.demo_b1 = DemoSite.objects.create(
        campaign=w.campaign,
        site=b1,
        area=b1.community,
        area_path=b1.area_path,
        kind="managed",
        state=DemoState.REVIEWED,
        note="申报示范点",
        applied_on=today,
    )
    w.snapshot = services.take_snapshot(
        w.campaign, on=today - datetime.timedelta(days=1), name="昨日快照", by=w.alice
    )
