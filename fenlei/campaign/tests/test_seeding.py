"""The campaign's demo seeder on the fixture world under frozen time (Monday 2026-08-03): a campaign in
its implementation phase and last year's finished, units, items in several states, evidence and
demonstration sites in every state along real steps, a rising burn-up, snapshots, something to do for
each of the district's, a street's and a community's administrators — and the same every time."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

import pytest
from django.db import transaction
from django.utils import timezone

from fenlei.campaign import seeding, services
from fenlei.campaign.choices import (
    DEMO_SCORED,
    DEMO_TRANSITIONS,
    DemoState,
    DemoStep,
    EvidenceState,
    ItemState,
    Level,
)
from fenlei.campaign.models import (
    Campaign,
    CoverageDay,
    DemoEvent,
    DemoSite,
    Evidence,
    Item,
    Snapshot,
    SnapshotUnit,
    Unit,
)
from fenlei.core import audit
from fenlei.core.audit import using_face
from fenlei.core.models import AuditAction, AuditEntry, Face
from fenlei.core.testing.world import _site
from fenlei.facilities.models import Container
from fenlei.org.seeding import ledger_seeders
from fenlei.people.models import LeadingGroup, Supervisor

#: Seeding "now": Monday 2026-08-03, 09:00 — the campaign's own 8-10 is today.
NOW = datetime.datetime(2026, 8, 3, 9, 0)
D = datetime.date


def _write(model, objs):
    if model is not None:
        model.objects.bulk_create(objs)
    return audit.log_bulk(objs, AuditAction.CREATE, by=None)


def _sites(world):
    """The fixture world's sites and a few more, so that every state of a demonstration site has a
    site of a kind that can be one (a live application holds its site)."""
    extra = [
        _site("甲一大厦", "office-building", world.community_a1, households=0, population=0),
        _site("甲二公寓", "managed-estate", world.community_a2),
        _site("甲二大厦", "office-building", world.community_a2, households=0, population=0),
        _site("乙一新村", "open-estate", world.community_b1),
        _site("乙一大厦", "office-building", world.community_b1, households=0, population=0),
        _site("乙二村第二村民小组", "village-group", world.village_b2),
    ]
    return sorted([*world.sites.values(), *extra], key=lambda s: (s.area_path, s.name))


def _seed(sites, seed: int = 7) -> int:
    """The ledgers the campaign reads (the other apps' seeders), then the campaign's; the id of the
    first audit entry the seeding wrote. The inspections seeder is left out: it needs a larger world
    (on this one an order repeats another of the same day before that one is saved)."""
    first = (AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    with using_face(Face.CLI):
        for label, _name, seed_ledgers in ledger_seeders():
            if label not in ("campaign", "inspections"):
                seed_ledgers(sites=sites, rng=random.Random(f"{seed}-{label}"), write=_write)
        before = AuditEntry.objects.count()
        written = seeding.seed_ledgers(sites=sites, rng=random.Random(f"{seed}-campaign"), write=_write)
    assert written == AuditEntry.objects.count() - before
    return first


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(timezone.make_aware(NOW), tick=False)


@pytest.fixture
def seeded(world, frozen):
    first = _seed(_sites(world))
    this = Campaign.objects.get(year=2026)
    last = Campaign.objects.get(year=2025)
    # everything the seeding wrote is audited as the command line's (the world's own rows are the system's)
    assert set(AuditEntry.objects.filter(pk__gte=first).values_list("face", flat=True)) == {Face.CLI}
    return this, last


@pytest.mark.django_db
def test_a_campaign_mid_way_and_last_years_finished(world, seeded):
    this, last = seeded
    today = D(2026, 8, 3)
    assert this.area == world.district and this.name.endswith("（演示）")
    # today is the campaign's 8-10: in the implementation phase, 7 weeks and a day before the deadline
    assert (this.coverage_deadline - today).days == 51
    implement = this.phases.get(code="implement")
    assert implement.starts_on <= today <= implement.ends_on
    assert last.ends_on < today and last.coverage_deadline == this.coverage_deadline.replace(year=2025)
    # the collection line is the default one: the streams collected at the communities, in 7 days
    collection = this.requirements.get(code="collection")
    assert collection.params == {"days": 7, "central": False}
    # a unit per street and community, an item per requirement
    units = Unit.objects.filter(campaign=this)
    assert units.filter(level=Level.STREET).count() == 2 and units.filter(level=Level.COMMUNITY).count() == 4
    assert not units.filter(evaluated_at__isnull=True).exists()
    # the assessments that have come: this year's half-year, last year's two
    half_year = today - datetime.timedelta(days=41)  # the campaign's 6-30
    assert list(Snapshot.objects.filter(campaign=this).values_list("on", flat=True)) == [half_year]
    assert sorted(Snapshot.objects.filter(campaign=last).values_list("on", flat=True)) == [
        last.milestones.get(is_assessment=True, due_on__month=6).due_on,
        last.ends_on,
    ]
    for snap in Snapshot.objects.all():
        assert SnapshotUnit.objects.filter(snapshot=snap).count() == 6


@pytest.mark.django_db
def test_items_and_evidence_in_every_state(world, seeded):
    this, last = seeded
    states = set(Item.objects.filter(unit__campaign=this).values_list("state", flat=True))
    assert states == set(ItemState.values)
    assert set(Evidence.objects.filter(item__unit__campaign=this).values_list("state", flat=True)) == set(
        EvidenceState.values
    )
    for ev in Evidence.objects.select_related("item__unit", "decided_by"):
        assert ev.submitted_at <= timezone.now()
        assert ev.area_path == ev.item.area_path
        if ev.state == EvidenceState.SUBMITTED:
            assert ev.decided_at is None
        else:
            assert ev.decided_at > ev.submitted_at and ev.decided_by is not None
            # the level above decides: a street for a community, the office for a street
            assert services.may_verify_evidence(ev.decided_by, ev.item)
        if ev.state == EvidenceState.RETURNED:
            assert ev.decision_note
    # audited as the services audit them: created, then decided
    evidence = Evidence.objects.all()
    created = AuditEntry.objects.filter(content_type__model="evidence", action=AuditAction.CREATE)
    decided = AuditEntry.objects.filter(content_type__model="evidence", action=AuditAction.UPDATE)
    assert created.count() == evidence.count()
    assert decided.count() == evidence.exclude(state=EvidenceState.SUBMITTED).count()
    # the community's plan returned: cora sees why, and is told
    cora_item = Item.objects.get(unit__campaign=this, unit__area=world.community_a1, requirement__code="plan")
    assert cora_item.state == ItemState.RETURNED and cora_item.explanation
    assert world.users["cora"].notifications.filter(kind="campaign.evidence_decided").exists()


@pytest.mark.django_db
def test_demonstration_sites_in_every_state_along_real_steps(world, seeded):
    this, _last = seeded
    demos = list(DemoSite.objects.select_related("campaign", "inspection"))
    assert {d.state for d in demos} == set(DemoState.values)
    assert all(d.campaign == this for d in demos)
    assert len({d.area.parent_id for d in demos}) == 2  # in both streets
    chains = defaultdict(list)
    for e in DemoEvent.objects.order_by("demo_id", "at", "pk"):
        chains[e.demo_id].append(e)
    for demo in demos:
        chain = chains[demo.pk]
        assert chain[0].step == DemoStep.APPLY and chain[0].from_state == ""
        assert chain[0].at.date() <= demo.applied_on + datetime.timedelta(days=1)
        for before, event in zip(chain, chain[1:], strict=False):
            sources, to, _capacity = DEMO_TRANSITIONS[event.step]
            assert event.from_state == before.to_state and event.from_state in sources, (demo, event.step)
            assert to is None or event.to_state == to
            assert event.at > before.at
            if event.step in DEMO_SCORED:  # the scoring sheet is a real inspection of the site
                assert event.inspection.site_id == demo.site_id and event.score == event.inspection.score
                passed = event.score >= this.demo_pass_mark and not event.inspection.vetoed
                assert event.to_state in (
                    (DemoState.ACCEPTED, DemoState.NAMED) if passed else (DemoState.FAILED, DemoState.REVOKED)
                )
        assert chain[-1].to_state == demo.state
        assert chain[-1].at <= timezone.now()
        if demo.state == DemoState.NAMED:
            assert demo.plaque and demo.named_on and demo.recheck_due > demo.named_on
        if demo.state == DemoState.REVOKED:
            assert demo.revoked_on and demo.recheck_due is None
    # every site's creation and every later step is audited
    created = AuditEntry.objects.filter(content_type__model="demosite", action=AuditAction.CREATE)
    assert created.count() == len(demos)
    steps = DemoEvent.objects.exclude(step=DemoStep.APPLY).count()
    assert (
        AuditEntry.objects.filter(content_type__model="demosite", action=AuditAction.UPDATE).count() == steps
    )


@pytest.mark.django_db
def test_a_rising_burn_up_from_the_records(world, seeded):
    this, last = seeded
    days = list(
        CoverageDay.objects.filter(campaign=this, area=world.district)
        .order_by("day")
        .values_list("day", "covered")
    )
    assert len(days) > 1 and days[0][0] == this.starts_on and days[-1][0] == D(2026, 8, 3)
    # nothing covered at the start; never a step back: a community once covered stays so
    assert days[0][1] == 0
    assert all(a[1] <= b[1] for a, b in zip(days, days[1:], strict=False))
    covered = Unit.objects.filter(campaign=this, level=Level.COMMUNITY, covered=True).count()
    assert days[-1][1] == covered and 0 < covered < 4
    # the records behind it: dates spread over the campaign, audited as changes
    assert LeadingGroup.objects.filter(area__kind="community", established_on__gte=D(2025, 10, 1)).exists()
    for model in (Container, Supervisor):  # entered on their days (what the rules read where no day is named)
        assert model.objects.filter(created_at__date__lt=D(2026, 7, 1)).exists()
        assert not model.objects.filter(created_at__gt=timezone.now()).exists()
    assert AuditEntry.objects.filter(content_type__model="leadinggroup", action=AuditAction.UPDATE).exists()
    # last year's campaign keeps its coverage at its end
    assert CoverageDay.objects.filter(campaign=last, area=world.district, day=last.ends_on).exists()


@pytest.mark.django_db
def test_each_administrator_has_something_to_do(world, seeded):
    this, _last = seeded
    cora, sam, alice = world.users["cora"], world.users["sam"], world.users["alice"]
    # cora: a returned plan to submit again, a site of her community to apply for
    plan = Item.objects.get(unit__campaign=this, unit__area=world.community_a1, requirement__code="plan")
    assert services.may_submit_evidence(cora, plan) and plan.state == ItemState.RETURNED
    applied = set(DemoSite.objects.values_list("site_id", flat=True))
    free = [
        s
        for s in world.community_a1.sites.all()
        if s.pk not in applied and s.kind.code in ("managed-estate", "open-estate", "office-building")
    ]
    assert free
    # sam: evidence of a community to verify, an application to review
    waiting = Evidence.objects.filter(
        state=EvidenceState.SUBMITTED, area_path__startswith=world.street_a.path
    )
    assert any(services.may_verify_evidence(sam, e.item) for e in waiting)
    steps = {s for d in DemoSite.objects.all() for s in services.allowed_demo_steps(sam, d)}
    assert DemoStep.REVIEW in steps
    # the office: an acceptance, a naming and a street's plan to verify
    steps = {s for d in DemoSite.objects.all() for s in services.allowed_demo_steps(alice, d)}
    assert {DemoStep.ACCEPT, DemoStep.NAME, DemoStep.RECHECK} <= steps
    assert alice.notifications.filter(kind="campaign.demo_recheck_due", read_at__isnull=True).exists()
    street_plans = Evidence.objects.filter(item__unit__level=Level.STREET, state=EvidenceState.SUBMITTED)
    assert any(services.may_verify_evidence(alice, e.item) for e in street_plans)


def _values() -> dict:
    return {
        "units": sorted(Unit.objects.values_list("campaign__year", "area_path", "covered", "met", "overdue")),
        "items": sorted(Item.objects.values_list("area_path", "requirement__code", "state", "reason")),
        "evidence": sorted(
            Evidence.objects.values_list("area_path", "state", "submitted_at", "decided_at", "decision_note")
        ),
        "demo": sorted(
            DemoSite.objects.values_list("site__name", "state", "applied_on", "score", "named_on", "plaque")
        ),
        "events": sorted(DemoEvent.objects.values_list("demo__site__name", "step", "at", "by_repr", "note")),
        "days": sorted(CoverageDay.objects.values_list("campaign__year", "area_path", "day", "covered")),
        "groups": sorted(LeadingGroup.objects.values_list("area_path", "established_on")),
        "containers": sorted(
            Container.objects.values_list("area_path", "category__code", "status", "in_use_since")
        ),
        "supervisors": sorted(Supervisor.objects.values_list("area_path", "name", "created_at", "closed_on")),
    }


class _Rollback(Exception):
    pass


@pytest.mark.django_db
def test_the_same_every_time(world, frozen):
    sites = _sites(world)
    with pytest.raises(_Rollback), transaction.atomic():
        _seed(sites)
        first = _values()
        raise _Rollback
    assert not Campaign.objects.exists()
    _seed(sites)
    assert _values() == first
    assert all(first.values())
