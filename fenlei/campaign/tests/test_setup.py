"""The campaign set-up pages under frozen time (2026-08-03): the campaigns over the years, starting one,
its settings (phases, milestones), the checklist's definition and its lines, snapshots set beside
today. Bad input answers 400 with the field named; outside the scope 404, a missing right 403."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from fenlei.campaign import services
from fenlei.campaign.choices import Level, Method
from fenlei.campaign.models import Campaign, CoverageDay, Item, Milestone, Requirement, Snapshot, Unit
from fenlei.campaign.services import DEFAULT_REQUIREMENTS, RequirementSpec
from fenlei.campaign.tests.bodies import edit_body, requirement_body
from fenlei.campaign.tests.conftest import activity, group
from fenlei.core.models import AuditEntry
from fenlei.org.models import SiteKind

D = datetime.date

pytestmark = pytest.mark.django_db


@pytest.fixture
def en(client_for):
    """client_for in English."""

    def make(name):
        c = client_for(name)
        c.cookies["fenlei_language"] = "en"
        return c

    return make


def errors(response, field: str) -> list[str]:
    return [str(e) for e in response.context["form"].errors.get(field, [])]


# --- the campaigns ---------------------------------------------------------------------------------------


def test_the_list_shows_every_year_with_its_coverage_and_snapshots(world, campaign, en):
    old = services.create_campaign(area=world.district, year=2025, by=world.alice)
    CoverageDay.objects.create(
        campaign=old,
        area=world.district,
        area_path=world.district.path,
        day=D(2025, 11, 30),
        communities=4,
        covered=4,
    )
    for area, covered, day in ((world.district, 3, D(2026, 8, 2)), (world.district, 1, D(2026, 7, 1))):
        CoverageDay.objects.create(
            campaign=campaign,
            area=area,
            area_path=area.path,
            day=day,
            communities=4,
            covered=covered,
            households=4000,
            covered_households=covered * 1000,
        )
    CoverageDay.objects.create(
        campaign=campaign,
        area=world.street_a,
        area_path=world.street_a.path,
        day=D(2026, 8, 2),
        communities=2,
        covered=1,
        households=2000,
        covered_households=1000,
    )
    services.take_snapshot(campaign, on=D(2026, 6, 30), name="半年度考核", by=world.alice)

    response = en("alice").get(reverse("campaign:list"))
    assert response.status_code == 200
    assert [c.year for c in response.context["campaigns"]] == [2026, 2025]
    new, past = response.context["campaigns"]
    assert new.running and not past.running
    assert (new.coverage.covered, new.coverage.communities, new.coverage.pct) == (3, 4, 75.0)
    assert new.coverage_day.day == D(2026, 8, 2) and new.coverage_day.area == world.district
    assert (past.coverage.covered, past.coverage.pct) == (4, 100.0)
    assert [s.name for s in new.snapshot_list] == ["半年度考核"] and past.snapshot_list == []
    assert new.edit_url == reverse("campaign:edit", args=[campaign.pk])
    html = response.content.decode()
    assert "东湖区: 3 of 4 communities (75.0 %)" in html and "as of 2026-08-02" in html
    assert 'id="add-campaign"' in html

    # a street reads its own coverage (the district's days are not its to read) and changes nothing
    response = en("sam").get(reverse("campaign:list"))
    new = response.context["campaigns"][0]
    assert new.coverage_day.area == world.street_a and (new.coverage.covered, new.coverage.communities) == (
        1,
        2,
    )
    assert new.edit_url is None and 'id="add-campaign"' not in response.content.decode()
    assert new.export_url  # a street exports its own checklist
    # an inspector reads the campaign, exports nothing; cora's community keeps no day of its own
    assert en("ian").get(reverse("campaign:list")).context["campaigns"][0].export_url is None
    assert en("cora").get(reverse("campaign:list")).context["campaigns"][0].coverage is None
    # no area role: nothing to show
    response = en("mia").get(reverse("campaign:list"))
    assert response.status_code == 200 and response.context["campaigns"] == []


def test_the_office_starts_a_campaign_with_the_default_checklist(world, campaign, en):
    alice = en("alice")
    response = alice.post(
        reverse("campaign:add"), {"district": world.district.pk, "year": "2027", "name": ""}
    )
    new = Campaign.objects.get(year=2027)
    assert response.status_code == 302 and response["Location"] == reverse("campaign:edit", args=[new.pk])
    assert new.area == world.district and "2027" in new.name
    assert new.phases.count() == 3 and new.milestones.count() == 3
    assert new.requirements.count() == len(DEFAULT_REQUIREMENTS)
    assert Unit.objects.filter(campaign=new).count() == 6
    assert AuditEntry.objects.filter(
        content_type__model="campaign", object_id=str(new.pk), user=world.alice
    ).exists()


def test_a_second_campaign_for_the_same_year_is_refused_on_the_year(world, campaign, en):
    response = en("alice").post(reverse("campaign:add"), {"district": world.district.pk, "year": "2026"})
    assert response.status_code == 400
    assert errors(response, "year") == ["东湖区 already has a campaign for 2026."]
    assert Campaign.objects.count() == 1


def test_starting_a_campaign_checks_year_and_district(world, en):
    alice = en("alice")
    response = alice.post(reverse("campaign:add"), {"district": world.district.pk, "year": "1999"})
    assert response.status_code == 400 and errors(response, "year")
    # a street is no district: not offered
    response = alice.post(reverse("campaign:add"), {"district": world.street_a.pk, "year": "2026"})
    assert response.status_code == 400
    assert errors(response, "district") == [
        "Choose one of the districts offered: you may not add a campaign there."
    ]
    assert not Campaign.objects.exists()


def test_only_the_district_office_starts_a_campaign(world, en):
    for name in ("leo", "sam", "cora", "nina"):
        assert en(name).get(reverse("campaign:add")).status_code == 403, name
    response = en("sam").post(reverse("campaign:add"), {"district": world.district.pk, "year": "2026"})
    assert response.status_code == 403 and not Campaign.objects.exists()


# --- a campaign's settings ------------------------------------------------------------------------------------


def test_settings_phases_and_milestones_change_in_one_audited_save(world, campaign, en):
    milestones = list(campaign.milestones.all())
    implement = campaign.phases.get(code="implement")
    index = list(campaign.phases.all()).index(implement)
    body = edit_body(
        campaign,
        demo_pass_mark="85",
        coverage_deadline="2026-09-25",
        **{
            f"phases-{index}-ends_on": "2026-09-25",
            "milestones-0-name": "半年度专项考核",
            "milestones-1-DELETE": "on",
            "milestones-3-name": "七月评估",
            "milestones-3-due_on": "2026-07-31",
            "milestones-3-is_assessment": "on",
        },
    )
    response = en("alice").post(reverse("campaign:edit", args=[campaign.pk]), body)
    assert response.status_code == 302, response.context and response.context["form"].errors
    campaign.refresh_from_db()
    assert (campaign.demo_pass_mark, campaign.coverage_deadline) == (85, D(2026, 9, 25))
    implement.refresh_from_db()
    assert implement.ends_on == D(2026, 9, 25)
    assert [(m.name, m.due_on, m.is_assessment) for m in campaign.milestones.all()] == [
        ("半年度专项考核", D(2026, 6, 30), True),
        ("七月评估", D(2026, 7, 31), True),
        ("全面检查、考核", D(2026, 11, 30), True),
    ]
    assert not Milestone.objects.filter(pk=milestones[1].pk).exists()
    entries = AuditEntry.objects.filter(user=world.alice, action__in=["update", "create", "delete"])
    changed = entries.get(content_type__model="campaign", action="update")
    assert changed.changes["demo_pass_mark"] == [90, 85]
    assert entries.filter(content_type__model="phase", action="update").count() == 1
    assert {e.action for e in entries.filter(content_type__model="milestone")} == {
        "update",
        "delete",
        "create",
    }
    # the new assessment milestone has the daily job take a snapshot on its date
    services.run_daily(on=D(2026, 8, 3))
    assert Snapshot.objects.filter(campaign=campaign, on=D(2026, 7, 31), name="七月评估").exists()


def test_settings_name_the_field_that_is_wrong_and_save_nothing(world, campaign, en):
    alice = en("alice")
    url = reverse("campaign:edit", args=[campaign.pk])
    response = alice.post(url, edit_body(campaign, coverage_deadline="2026-12-31", demo_pass_mark="80"))
    assert response.status_code == 400
    assert errors(response, "coverage_deadline") == ["The deadline must fall within the campaign."]
    # a phase ending before it starts, a milestone after the campaign: each on its own row
    response = alice.post(
        url,
        edit_body(
            campaign,
            demo_pass_mark="80",
            **{
                "phases-0-ends_on": "2025-12-01",
                "milestones-3-name": "年后",
                "milestones-3-due_on": "2027-01-15",
            },
        ),
    )
    assert response.status_code == 400
    phase_errors = response.context["phases"].forms[0].errors
    assert "The phase cannot end before it starts." in phase_errors["ends_on"]
    assert (
        "2027-01-15 lies outside the campaign (2026-01-01 – 2026-11-30)."
        in (response.context["milestones"].forms[3].errors["due_on"])
    )
    html = response.content.decode()
    assert "Deadline: The phase cannot end before it starts." in html
    campaign.refresh_from_db()
    assert campaign.demo_pass_mark == 90 and campaign.milestones.count() == 3


def test_a_street_reads_but_does_not_change_the_settings(world, campaign, en):
    url = reverse("campaign:edit", args=[campaign.pk])
    assert en("sam").get(url).status_code == 403
    assert en("sam").post(url, edit_body(campaign, demo_pass_mark="10")).status_code == 403
    assert en("mia").get(url).status_code == 404
    campaign.refresh_from_db()
    assert campaign.demo_pass_mark == 90


# --- the checklist --------------------------------------------------------------------------------------------


def test_the_checklist_groups_lines_by_level_with_the_definition_and_today_s_counts(world, campaign, en):
    group(world.community_a1, world.alice)
    group(world.community_b1, world.alice)
    response = en("alice").get(reverse("campaign:requirements", args=[campaign.pk]))
    assert response.status_code == 200
    street, community = response.context["levels"]
    assert [r.code for r in street["lines"]] == ["street-group", "street-plan", "street-demo"]
    assert [r.code for r in community["definition"]] == [
        "group",
        "plan",
        "containers",
        "supervisors",
        "publicity",
        "collection",
    ]
    lines = {r.code: r for r in community["lines"]}
    assert (lines["group"].units_met, lines["group"].units_total) == (2, 4)  # judged before the page read
    assert lines["publicity"].params_text == "at least 1 in the last 30 days"
    assert lines["collection"].params_text == "in the last 7 days"
    assert lines["supervisors"].params_text == "drop-off points: Fixed time and place"
    assert lines["containers"].params_text == "sites: every kind"
    assert lines["plan"].params_text == "" and lines["plan"].rule_label == ""
    assert lines["group"].edit_url
    html = response.content.decode()
    assert "Definition of coverage (Community / village)" in html and 'id="add-requirement"' in html
    # a street counts its own communities and edits nothing
    response = en("sam").get(reverse("campaign:requirements", args=[campaign.pk]))
    lines = {r.code: r for r in response.context["levels"][1]["lines"]}
    assert (lines["group"].units_met, lines["group"].units_total) == (1, 2)
    assert lines["group"].edit_url is None and 'id="add-requirement"' not in response.content.decode()


def test_a_past_campaign_keeps_the_standing_its_last_day_left(world, campaign, en):
    old = services.create_campaign(area=world.district, year=2025, by=world.alice)
    services.refresh(old)
    unit = Unit.objects.get(campaign=old, area=world.community_a1)
    Unit.objects.filter(pk=unit.pk).update(dirty=True)
    group(world.community_a1, world.alice)  # a 2026 record must not reach the 2025 checklist
    en("alice").get(reverse("campaign:requirements", args=[old.pk]))
    unit.refresh_from_db()
    assert unit.dirty
    assert not Item.objects.get(unit=unit, requirement__code="group").met


def test_the_office_adds_a_line_with_its_rule_s_parameters(world, campaign, en):
    response = en("alice").post(reverse("campaign:requirement-add", args=[campaign.pk]), requirement_body())
    assert response.status_code == 302
    assert response["Location"] == reverse("campaign:requirements", args=[campaign.pk])
    req = campaign.requirements.get(code="publicity-14")
    assert (req.method, req.rule, req.params, req.level) == ("rule", "publicity", {"days": 14, "count": 2}, 3)
    assert Item.objects.filter(requirement=req).count() == 4  # one per community
    assert AuditEntry.objects.filter(
        content_type__model="requirement", action="create", user=world.alice
    ).exists()


def test_site_kinds_are_kept_only_for_rules_about_sites(world, campaign, en):
    alice = en("alice")
    estates = SiteKind.objects.get(code="managed-estate")
    url = reverse("campaign:requirement-add", args=[campaign.pk])
    body = requirement_body(code="estate-bins", rule="containers", site_kinds=[str(estates.pk)])
    assert alice.post(url, body).status_code == 302
    assert list(campaign.requirements.get(code="estate-bins").site_kinds.all()) == [estates]
    body = requirement_body(code="other", site_kinds=[str(estates.pk)])
    assert alice.post(url, body).status_code == 302
    assert not campaign.requirements.get(code="other").site_kinds.exists()
    # an evidence line keeps no rule and no parameters
    body = requirement_body(code="ledger", method="evidence", rule="publicity", days="3")
    assert alice.post(url, body).status_code == 302
    req = campaign.requirements.get(code="ledger")
    assert (req.method, req.rule, req.params) == (Method.EVIDENCE, "", {})


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"rule": ""}, "rule", "Choose the rule that judges this line from the records."),
        (
            {"level": "2", "rule": "participation"},
            "level",
            "The rule “Households take part” does not apply at this level.",
        ),
        (
            {"rule": "leading_group", "params": "{days: 3}"},
            "params",
            'Not valid JSON: write an object, e.g. {"days": 30}.',
        ),
        ({"rule": "leading_group", "params": '{"days": 3}'}, "params", "Unknown parameters: days."),
        (
            {"rule": "leading_group", "params": "[1, 2]"},
            "params",
            'Write the parameters as a JSON object, e.g. {"days": 30}.',
        ),
        ({"code": "group"}, "code", "The checklist already has a line with the code “group”."),
        ({"days": "0"}, "days", "Ensure this value is greater than or equal to 1."),
        ({"due_on": ""}, "due_on", "This field is required."),
    ],
)
def test_a_bad_line_is_refused_on_its_field(world, campaign, en, overrides, field, message):
    before = Requirement.objects.count()
    response = en("alice").post(
        reverse("campaign:requirement-add", args=[campaign.pk]), requirement_body(**overrides)
    )
    assert response.status_code == 400
    assert errors(response, field) == [message]
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not response.context["form"].non_field_errors()
    assert Requirement.objects.count() == before


def test_editing_a_line_shows_and_changes_its_parameters(world, campaign, en):
    alice = en("alice")
    req = campaign.requirements.get(code="publicity")
    url = reverse("campaign:requirement-edit", args=[req.pk])
    form = alice.get(url).context["form"]
    assert (form["days"].value(), form["count"].value(), form["params"].value()) == (30, 1, "")
    # a street level asked for is ignored: the line keeps its level (its items are the communities')
    body = requirement_body(code="publicity", name=req.name, days="45", count="1", level="2")
    response = alice.post(url, body)
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.params == {"days": 45, "count": 1} and req.level == Level.COMMUNITY
    entry = AuditEntry.objects.get(content_type__model="requirement", object_id=str(req.pk), action="update")
    assert entry.changes["params"] == [{"days": 30, "count": 1}, {"days": 45, "count": 1}]
    assert Unit.objects.filter(campaign=campaign, level=Level.COMMUNITY, dirty=True).count() == 4


def test_a_line_a_snapshot_holds_is_not_removed(world, campaign, en):
    services.take_snapshot(campaign, on=D(2026, 6, 30), name="半年度考核", by=world.alice)
    req = campaign.requirements.get(code="publicity")
    response = en("alice").post(reverse("campaign:requirement-edit", args=[req.pk]), {"delete": "1"})
    assert response.status_code == 400
    assert "is part of a snapshot: it cannot be removed" in response.content.decode()
    assert Requirement.objects.filter(pk=req.pk).exists()


def test_the_office_removes_a_line(world, campaign, en):
    req = campaign.requirements.get(code="inspected")
    response = en("alice").post(reverse("campaign:requirement-edit", args=[req.pk]), {"delete": "1"})
    assert response.status_code == 302
    assert (
        not Requirement.objects.filter(pk=req.pk).exists()
        and not Item.objects.filter(requirement_id=req.pk).exists()
    )
    assert AuditEntry.objects.filter(content_type__model="requirement", action="delete").exists()


def test_lines_are_the_office_s(world, campaign, en):
    req = campaign.requirements.get(code="publicity")
    for name in ("sam", "leo", "ian"):
        assert en(name).get(reverse("campaign:requirement-edit", args=[req.pk])).status_code == 403
        assert (
            en(name).post(reverse("campaign:requirement-edit", args=[req.pk]), {"delete": "1"}).status_code
            == 403
        )
    assert en("hal").get(reverse("campaign:requirement-add", args=[campaign.pk])).status_code == 404
    assert en("alice").get(reverse("campaign:requirement-edit", args=[999999])).status_code == 404
    assert Requirement.objects.filter(pk=req.pk).exists()


# --- snapshots ---------------------------------------------------------------------------------------------------


@pytest.fixture
def small(world, now):
    """A campaign whose coverage is a leading group and publicity within 30 days: 甲一社区 is covered
    since 7-20, 乙一社区 since 7-30; nothing was at the half-year snapshot of 6-30."""
    reqs = (
        RequirementSpec("group", "领导小组", Level.COMMUNITY, Method.RULE, "leading_group", (9, 30), "书记"),
        RequirementSpec(
            "publicity",
            "宣传",
            Level.COMMUNITY,
            Method.RULE,
            "publicity",
            (9, 30),
            "宣传委员",
            params={"days": 30},
        ),
    )
    c = services.create_campaign(area=world.district, year=2026, by=world.alice, requirements=reqs)
    group(world.community_a1, world.alice, on=D(2026, 7, 1))
    group(world.community_b1, world.alice, on=D(2026, 3, 1))
    activity(world.community_a1, world.alice, on=D(2026, 7, 20))
    activity(world.community_b1, world.alice, on=D(2026, 7, 30))
    c.half_year = services.take_snapshot(c, on=D(2026, 6, 30), name="半年度考核", by=world.alice)
    return c


def test_the_snapshots_list_the_coverage_each_froze(world, small, en):
    services.take_snapshot(small, on=D(2026, 7, 25), name="七月", by=world.alice)
    response = en("alice").get(reverse("campaign:snapshots", args=[small.pk]))
    assert response.status_code == 200
    rows = [(s.name, s.coverage.covered, s.coverage.communities) for s in response.context["snapshots"]]
    assert rows == [("七月", 1, 4), ("半年度考核", 0, 4)]
    assert response.context["form"] is not None
    # a street counts its own communities and takes none
    response = en("sam").get(reverse("campaign:snapshots", args=[small.pk]))
    assert [(s.coverage.covered, s.coverage.communities) for s in response.context["snapshots"]] == [
        (1, 2),
        (0, 2),
    ]
    assert response.context["form"] is None and 'id="snapshot-form"' not in response.content.decode()


def test_the_office_takes_a_snapshot(world, small, en):
    alice = en("alice")
    url = reverse("campaign:snapshots", args=[small.pk])
    response = alice.post(url, {"name": "八月初", "on": "2026-08-01"})
    snap = Snapshot.objects.get(campaign=small, on=D(2026, 8, 1))
    assert response.status_code == 302 and response["Location"] == snap.get_absolute_url()
    assert snap.name == "八月初" and snap.taken_by == world.alice
    # a day to come, the same day again, no name: refused on the field
    response = alice.post(url, {"name": "明天", "on": "2026-08-04"})
    assert response.status_code == 400
    assert errors(response, "on") == ["A snapshot cannot be taken of a day still to come."]
    response = alice.post(url, {"name": "again", "on": "2026-08-01"})
    assert response.status_code == 400 and errors(response, "on") == [
        "There is already a snapshot of 2026-08-01."
    ]
    response = alice.post(url, {"name": "", "on": "2026-07-02"})
    assert response.status_code == 400 and errors(response, "name") == ["This field is required."]
    assert en("sam").post(url, {"name": "街道", "on": "2026-08-02"}).status_code == 403
    assert Snapshot.objects.filter(campaign=small).count() == 2


def test_a_snapshot_beside_today_by_area_with_what_changed(world, small, en):
    alice = en("alice")
    url = reverse("campaign:snapshot", args=[small.half_year.pk])
    response = alice.get(url)
    assert response.status_code == 200
    cmp = response.context["cmp"]
    assert (cmp.then.covered, cmp.now.covered, cmp.now.communities) == (0, 2, 4)  # judged before the read
    children = [
        (c["area"].name, c["then"].covered, c["now"].covered, c["now"].communities)
        for c in response.context["children"]
    ]
    assert children == [("甲街道", 0, 1, 2), ("乙街道", 0, 1, 2)]
    assert {(c["area"].name, c["requirement"].code) for c in response.context["became_met"]} == {
        ("甲一社区", "group"),
        ("甲一社区", "publicity"),
        ("乙一社区", "publicity"),
    }
    assert response.context["became_unmet"] == [] and not response.context["capped"]
    html = response.content.decode()
    assert "3 items changed since the snapshot" in html and 'id="covered-now">2 / 4<' in html
    # one street: its communities
    response = alice.get(url, {"area": world.street_a.pk})
    assert [(c["area"].name, c["now"].covered) for c in response.context["children"]] == [
        ("甲一社区", 1),
        ("甲二社区", 0),
    ]
    assert [a["label"] for a in response.context["area_trail"]] == ["东湖区", "甲街道"]
    # sam sees his street by default; the other street is not his
    response = en("sam").get(url)
    assert response.context["area"] == world.street_a and response.context["cmp"].now.communities == 2
    assert en("sam").get(url, {"area": world.street_b.pk}).status_code == 404


def test_a_snapshot_s_area_must_be_an_area(world, small, en):
    url = reverse("campaign:snapshot", args=[small.half_year.pk])
    response = en("alice").get(url, {"area": "甲街道"})
    assert response.status_code == 400 and "“area” must be the number of an area" in response.content.decode()
    from fenlei.org import services as org
    from fenlei.org.models import Area

    other = org.area_create(area=Area(name="西山区", kind="district"), by=None)
    assert en("alice").get(url, {"area": other.pk}).status_code == 404  # not alice's to see
    root = en("alice")
    root_user = world.alice
    root_user.is_superuser = True
    root_user.save()
    assert root.get(url, {"area": other.pk}).status_code == 404  # seen, but outside the campaign
