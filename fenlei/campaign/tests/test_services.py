"""The campaign's core under frozen time (2026-08-03): units and items, rules flipping with the
ledgers, coverage and the forecast against hand-worked numbers, evidence, demonstration sites and
snapshots."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fenlei.campaign import selectors, services
from fenlei.campaign.choices import DemoState, DemoStep, EvidenceState, ItemState, Level
from fenlei.campaign.models import CoverageDay, DemoEvent, Item, Unit
from fenlei.campaign.tests.conftest import activity, group, two_rule_campaign
from fenlei.core.models import AuditEntry
from fenlei.core.services import close
from fenlei.inspections import services as inspections
from fenlei.inspections.choices import TargetType
from fenlei.inspections.tests.conftest import answers_for

D = datetime.date

pytestmark = pytest.mark.django_db


def item(campaign, area, code) -> Item:
    return Item.objects.get(unit__campaign=campaign, unit__area=area, requirement__code=code)


def test_a_campaign_has_a_unit_per_street_and_community_and_an_item_per_requirement(world, campaign):
    units = Unit.objects.filter(campaign=campaign)
    assert units.filter(level=Level.STREET).count() == 2
    assert units.filter(level=Level.COMMUNITY).count() == 4
    street_reqs = campaign.requirements.filter(level=Level.STREET).count()
    community_reqs = campaign.requirements.filter(level=Level.COMMUNITY).count()
    assert Item.objects.filter(unit__campaign=campaign).count() == 2 * street_reqs + 4 * community_reqs
    assert [p.code for p in campaign.phases.all()] == ["mobilise", "implement", "assess"]
    assert campaign.coverage_deadline == D(2026, 9, 30)
    assert services.ensure_units(campaign) == 0  # again: nothing new


def test_the_leading_group_rule_flips_with_the_ledger(world, campaign):
    alice, a1 = world.users["alice"], world.community_a1
    services.refresh(campaign)
    it = item(campaign, a1, "group")
    assert (it.met, it.reason) == (False, "no_group")
    g = group(a1, alice)
    assert Unit.objects.get(campaign=campaign, area=a1).dirty  # the ledger write marked it
    assert services.refresh_stale(campaign) >= 1
    it.refresh_from_db()
    assert it.met and it.state == ItemState.MET and it.met_since == D(2026, 8, 3)
    assert "垃圾分类工作领导小组" in it.explanation and it.links[0][1] == g.get_absolute_url()
    close(g, by=alice)
    services.refresh_stale(campaign)
    it.refresh_from_db()
    assert (it.met, it.met_since) == (False, None)


def test_coverage_counts_communities_and_households(world, now):
    """a1: group + activity → covered; a2: group only; b1: both; b2: nothing.
    District: 2 of 4 communities (50%), 2,000 of 4,000 households; each street 1 of 2."""
    c = two_rule_campaign(world)
    alice = world.users["alice"]
    for area in (world.community_a1, world.community_a2, world.community_b1):
        group(area, alice)
    activity(world.community_a1, alice, on=D(2026, 7, 20))
    activity(world.community_b1, alice, on=D(2026, 7, 5))  # 30 days back from 8-03 reach 7-05
    services.refresh(c)
    ov = selectors.overview(c, world.district)
    assert (ov.coverage.communities, ov.coverage.covered, ov.coverage.pct) == (4, 2, 50.0)
    assert (ov.coverage.households, ov.coverage.covered_households, ov.coverage.households_pct) == (
        4000,
        2000,
        50.0,
    )
    assert [(ch.area.name, ch.coverage.covered, ch.coverage.communities) for ch in ov.children] == [
        ("甲街道", 1, 2),
        ("乙街道", 1, 2),
    ]
    # the demo-site item does not count for coverage, but a2 and b2 lack their demonstration sites
    assert Unit.objects.get(campaign=c, area=world.community_a1).covered
    assert ov.missing_demo_count == 4


def test_coverage_as_of_a_past_day_is_judged_from_the_records_then(world, now):
    """On 7-10 the 30-day window (6-11 … 7-10) holds b1's activity of 7-05 but not a1's of 7-20."""
    c = two_rule_campaign(world)
    alice = world.users["alice"]
    group(world.community_a1, alice)
    group(world.community_b1, alice, on=D(2026, 7, 15))  # set up after 7-10
    activity(world.community_a1, alice, on=D(2026, 7, 20))
    activity(world.community_b1, alice, on=D(2026, 7, 5))
    then = services.coverage_on(c, D(2026, 7, 10))
    assert then[world.district.path][:2] == [4, 0]
    then = services.coverage_on(c, D(2026, 7, 20))
    assert then[world.district.path][:2] == [4, 2]
    assert then[world.street_a.path][:2] == [2, 1]
    services.refresh(c)
    services.backfill(c, D(2026, 7, 6), D(2026, 8, 3), every=7)
    days = list(
        CoverageDay.objects.filter(campaign=c, area=world.district)
        .order_by("day")
        .values_list("day", "covered")
    )
    assert days == [
        (D(2026, 7, 6), 0),
        (D(2026, 7, 13), 0),
        (D(2026, 7, 20), 2),
        (D(2026, 7, 27), 2),
        (D(2026, 8, 3), 2),
    ]


def test_forecast_worked_by_hand():
    today, deadline = D(2026, 8, 3), D(2026, 9, 30)
    series = [(D(2026, 7, 6), 0), (D(2026, 7, 20), 1), (D(2026, 8, 3), 2)]
    # window 28: from 7-06 (0) to today (2): 2/28 a day; 2 left → 28 days → 8-31, on track
    f = services.forecast(series, 4, today=today, deadline=deadline, window=28)
    assert f.pace == pytest.approx(2 / 28) and f.date == D(2026, 8, 31) and f.on_track
    assert f.needed == pytest.approx(2 / 58)
    # window 14: from 7-20 (1): 1/14 a day; 2 left → 28 days → 8-31
    assert services.forecast(series, 4, today=today, deadline=deadline, window=14).date == D(2026, 8, 31)
    # 10 communities: 8 left at 2/28 a day → 112 days → 11-23, 54 days late
    f = services.forecast(series, 10, today=today, deadline=deadline, window=28)
    assert f.date == D(2026, 11, 23) and not f.on_track and f.late_by == 54
    # no progress: no date
    f = services.forecast([(D(2026, 7, 6), 2), (today, 2)], 4, today=today, deadline=deadline, window=28)
    assert f.pace == 0 and f.date is None and not f.on_track
    # done
    assert services.forecast([(today, 4)], 4, today=today, deadline=deadline, window=28).done


def test_units_at_risk_are_the_uncovered_in_a_street_that_will_miss_the_deadline(world, now):
    """Street A gained nothing in the window (a1 covered before it): it misses; street B gained b1."""
    c = two_rule_campaign(world)
    alice = world.users["alice"]
    CoverageDay.objects.bulk_create(
        [
            CoverageDay(
                campaign=c,
                area=world.district,
                area_path=world.district.path,
                day=D(2026, 7, 6),
                communities=4,
                covered=1,
            ),
            CoverageDay(
                campaign=c,
                area=world.street_a,
                area_path=world.street_a.path,
                day=D(2026, 7, 6),
                communities=2,
                covered=1,
            ),
            CoverageDay(
                campaign=c,
                area=world.street_b,
                area_path=world.street_b.path,
                day=D(2026, 7, 6),
                communities=2,
                covered=0,
            ),
        ]
    )
    for area in (world.community_a1, world.community_b1):
        group(area, alice)
        activity(area, alice, on=D(2026, 7, 30))
    services.refresh(c)
    ov = selectors.overview(c, world.district)
    a, b = ov.children
    assert a.at_risk and a.forecast.pace == 0
    assert not b.at_risk and b.forecast.date == D(2026, 8, 31)  # 1 in 28 days, 1 left
    # nothing is past its target date (9-30), so only street A's uncovered community is at risk
    assert [u.area.name for u in ov.at_risk] == ["甲二社区"]
    assert ov.behind_count == 2
    assert ov.forecast.pace == pytest.approx(1 / 28) and ov.forecast.date == D(2026, 9, 28)


def test_evidence_goes_to_the_level_above_and_back(world, campaign):
    cora, sam, olly = world.users["cora"], world.users["sam"], world.users["olly"]
    it = item(campaign, world.community_a1, "plan")
    with pytest.raises(ValidationError):
        services.submit_evidence(it, by=cora, note="", files=[])
    with pytest.raises(PermissionDenied):
        services.submit_evidence(it, by=sam, note="方案", files=[])  # the street does not submit for a1
    ev = services.submit_evidence(it, by=cora, note="甲一社区实施方案（2026年3月）", files=[])
    it.refresh_from_db()
    assert it.state == ItemState.SUBMITTED and not it.met
    with pytest.raises(ValidationError):
        services.submit_evidence(it, by=cora, note="again", files=[])
    with pytest.raises(PermissionDenied):
        services.decide_evidence(ev, by=cora, verify=True)
    with pytest.raises(PermissionDenied):
        services.decide_evidence(ev, by=olly, verify=True)
    with pytest.raises(ValidationError):
        services.decide_evidence(ev, by=sam, verify=False, note="")
    services.decide_evidence(ev, by=sam, verify=False, note="缺少盖章")
    it.refresh_from_db()
    assert it.state == ItemState.RETURNED and "缺少盖章" in it.explanation
    ev2 = services.submit_evidence(it, by=cora, note="盖章版", files=[])
    ev2 = services.decide_evidence(ev2, by=sam, verify=True)
    it.refresh_from_db()
    assert it.met and it.state == ItemState.MET and ev2.state == EvidenceState.VERIFIED
    actions = list(
        AuditEntry.objects.filter(content_type__model="evidence")
        .order_by("id")
        .values_list("action", "user__username")
    )
    assert actions == [("create", "cora"), ("update", "sam"), ("create", "cora"), ("update", "sam")]


def test_a_demonstration_site_from_application_to_revocation(world, campaign, now):
    cora, sam, alice = world.users["cora"], world.users["sam"], world.users["alice"]
    estate = world.sites["a1_estate"]
    demo = services.apply_demo(campaign=campaign, site=estate, by=cora, note="垃圾分类工作扎实")
    assert demo.kind == "managed" and demo.state == DemoState.APPLIED
    with pytest.raises(ValidationError):
        services.apply_demo(campaign=campaign, site=estate, by=cora, note="again")
    with pytest.raises(PermissionDenied):
        services.demo_step(demo, DemoStep.REVIEW, by=cora)
    demo = services.demo_step(demo, DemoStep.REVIEW, by=sam, note="初审通过")
    assert demo.state == DemoState.REVIEWED
    version = inspections.template_for(TargetType.SITE, estate)
    sheet = services.Sheet(answers=answers_for(version), photos=[])
    demo = services.demo_step(demo, DemoStep.ACCEPT, by=alice, sheet=sheet)
    assert demo.state == DemoState.ACCEPTED and demo.score >= campaign.demo_pass_mark and demo.inspection_id
    with pytest.raises(ValidationError):
        services.demo_step(demo, DemoStep.NAME, by=alice)  # no plaque number
    demo = services.demo_step(demo, DemoStep.NAME, by=alice, plaque="DH-2026-001")
    assert demo.state == DemoState.NAMED and demo.recheck_due == D(2027, 2, 3)
    services.refresh_stale(campaign)
    it = item(campaign, world.community_a1, "demo")
    assert it.met, it.explanation  # a1 has a managed estate and a school: only a managed estate is needed
    veto = (
        next(i.code for i in version.items.all() if i.veto)
        if version.items.filter(veto=True).exists()
        else None
    )
    fail = [veto] if veto else [i.code for i in version.items.all() if not i.purity]
    from fenlei.inspections.tests.conftest import timed_photo

    photos = [timed_photo(f"{c}.jpg", code=c) for c in fail]
    demo = services.demo_step(
        demo,
        DemoStep.RECHECK,
        by=alice,
        sheet=services.Sheet(answers=answers_for(version, fail=fail), photos=photos),
    )
    assert demo.state == DemoState.REVOKED and demo.revoked_on == D(2026, 8, 3)
    services.refresh_stale(campaign)
    it.refresh_from_db()
    assert not it.met
    steps = list(DemoEvent.objects.filter(demo=demo).values_list("step", "to_state"))
    assert steps == [
        ("apply", "applied"),
        ("review", "reviewed"),
        ("accept", "accepted"),
        ("name", "named"),
        ("recheck", "revoked"),
    ]


def test_a_snapshot_freezes_the_day_and_compares_with_today(world, now):
    c = two_rule_campaign(world)
    alice = world.users["alice"]
    group(world.community_a1, alice, on=D(2026, 7, 1))
    activity(world.community_a1, alice, on=D(2026, 7, 20))
    snap = services.take_snapshot(c, on=D(2026, 6, 30), name="半年度考核", by=alice)
    assert snap.units.filter(covered=True).count() == 0
    with pytest.raises(ValidationError):
        services.take_snapshot(c, on=D(2026, 6, 30), name="again", by=alice)
    services.refresh(c)
    cmp = selectors.compare(snap, world.district)
    assert (cmp.then.covered, cmp.now.covered) == (0, 1)
    assert {(a.name, r.code) for a, r, before, after in cmp.changed} == {
        ("甲一社区", "group"),
        ("甲一社区", "publicity"),
    }


def test_a_few_units_and_many_are_judged_alike(world, campaign, monkeypatch):
    """A rule reads a few units' own rows, and many through their shared subtree: the same answers."""
    from fenlei.campaign import rules
    from fenlei.campaign.tests.conftest import containers, point, supervisor

    alice = world.users["alice"]
    group(world.community_a1, alice)
    group(world.street_b, alice)
    containers(world.community_a2, alice)
    supervisor(point(world.community_b1, alice), alice)
    point(world.community_b1, alice, name="2号投放点")
    activity(world.village_b2, alice, on=D(2026, 7, 30))
    refs = [rules.UnitRef(u.area_id, u.area_path, u.level) for u in Unit.objects.filter(campaign=campaign)]
    few = services.evaluate(campaign, refs, D(2026, 8, 3))
    monkeypatch.setattr(rules, "FEW", 0)
    many = services.evaluate(campaign, refs, D(2026, 8, 3))
    assert {k: (r.met, r.reason, r.params) for k, r in few.items()} == {
        k: (r.met, r.reason, r.params) for k, r in many.items()
    }
    assert sum(r.met for r in few.values()) >= 4
