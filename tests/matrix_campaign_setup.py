"""Permission-matrix cases of the campaign set-up pages: campaigns, their settings, the checklist, the
checklist in Excel and snapshots (`fenlei/campaign/views_setup.py`), on the campaign world
(`tests.campaign_world`).

From the rules (`fenlei.core.roles`, `fenlei.core.scoping`):
- a campaign and its snapshots live at the district (东湖区) and are *viewable* from the areas below it
  (Scope.visible_from_below): alice, leo, sam, cora, ian and olly see them; ada, hal and mia hold no
  area role and nina none at all: 404. The list of campaigns opens for every signed-in user (it shows
  what the scope holds, nothing for those without an area role);
- only the district office changes a campaign (campaign.campaign is read-only for the streets and
  communities, leo reads, ian views): settings, the checklist's lines and new snapshots are alice's;
  the others who see the campaign get 403. Starting a campaign needs the add action at a district:
  alice only, 403 for everyone else (nina included: the page is not about a place she cannot see);
- the Excel export of the checklist takes the export action on the campaign's units: alice and leo
  (the district), sam and olly (their streets), cora (her community); ian views but may not export
  (403). An area asked for is read through the scoping function: 甲街道 is seen by alice, leo, sam and
  ian, 404 for the others;
- a snapshot's page reads like its campaign; with ?area=甲街道 like that street.
"""

from __future__ import annotations

from fenlei.campaign.tests.bodies import edit_body, requirement_body, today
from tests.campaign_world import campaign_world
from tests.matrix import Case, row

#: Seen by the roles over the district and by the area roles below it.
SEEN = row(404, alice=200, leo=200, sam=200, cora=200, ian=200, olly=200)
#: Changed only by the district office; 403 for the others who see it.
OFFICE = row(404, alice=200, leo=403, sam=403, cora=403, ian=403, olly=403)
OFFICE_SAVES = row(404, alice=302, leo=403, sam=403, cora=403, ian=403, olly=403)
#: 甲街道, asked for by ?area=.
STREET_A = row(404, alice=200, leo=200, sam=200, ian=200)


def _requirement(w, code: str = "publicity") -> list:
    return [w.campaign.requirements.get(code=code).pk]


def _spare_requirement(w) -> None:
    """The campaign world, and a line added after its snapshot (so that it may be removed)."""
    from fenlei.campaign import services
    from fenlei.campaign.models import Requirement

    campaign_world(w)
    w.spare = services.save_requirement(
        Requirement(
            campaign=w.campaign,
            code="spare",
            name="备用要求",
            level=3,
            method="evidence",
            due_on=today(),
            responsible="社区书记",
            in_coverage=False,
        ),
        by=w.alice,
    )


def _street_a(w) -> dict:
    return {"area": w.street_a.pk}


def _campaign(w) -> list:
    return [w.campaign.pk]


CASES = [
    Case("campaign:list", row(200), setup=campaign_world),
    Case("campaign:add", row(403, alice=200), setup=campaign_world),
    Case(
        "campaign:add",
        row(403, alice=302),
        "next year",
        method="post",
        data=lambda w: {"district": w.district.pk, "year": str(today().year + 1), "name": ""},
        setup=campaign_world,
    ),
    Case("campaign:edit", OFFICE, args=_campaign, setup=campaign_world),
    Case(
        "campaign:edit",
        OFFICE_SAVES,
        "pass mark 85",
        _campaign,
        method="post",
        data=lambda w: edit_body(w.campaign, demo_pass_mark="85"),
        setup=campaign_world,
    ),
    Case("campaign:requirements", SEEN, args=_campaign, setup=campaign_world),
    Case("campaign:requirement-add", OFFICE, args=_campaign, setup=campaign_world),
    Case(
        "campaign:requirement-add",
        OFFICE_SAVES,
        "publicity in 14 days",
        _campaign,
        method="post",
        data=lambda w: requirement_body(),
        setup=campaign_world,
    ),
    Case("campaign:requirement-edit", OFFICE, args=_requirement, setup=campaign_world),
    Case(
        "campaign:requirement-edit",
        OFFICE_SAVES,
        "publicity: 45 days",
        _requirement,
        method="post",
        data=lambda w: requirement_body(code="publicity", name="近45天开展宣传活动", days="45", count="1"),
        setup=campaign_world,
    ),
    Case(
        "campaign:requirement-edit",
        OFFICE_SAVES,
        "remove a line no snapshot holds",
        lambda w: [w.spare.pk],
        method="post",
        data=lambda w: {"delete": "1"},
        setup=_spare_requirement,
    ),
    Case(
        "campaign:export",
        row(404, alice=200, leo=200, sam=200, cora=200, ian=403, olly=200),
        args=_campaign,
        setup=campaign_world,
    ),
    Case(
        "campaign:export",
        row(404, alice=200, leo=200, sam=200, ian=403),
        "甲街道",
        _campaign,
        query=_street_a,
        setup=campaign_world,
    ),
    Case("campaign:snapshots", SEEN, args=_campaign, setup=campaign_world),
    Case(
        "campaign:snapshots",
        OFFICE_SAVES,
        "today",
        _campaign,
        method="post",
        data=lambda w: {"name": "矩阵快照", "on": today().isoformat()},
        setup=campaign_world,
    ),
    Case("campaign:snapshot", SEEN, args=lambda w: [w.snapshot.pk], setup=campaign_world),
    Case(
        "campaign:snapshot",
        STREET_A,
        "甲街道",
        lambda w: [w.snapshot.pk],
        query=_street_a,
        setup=campaign_world,
    ),
]
