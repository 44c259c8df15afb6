"""Daily plans: the most behind first, no target twice a day, idempotent, audited in bulk."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from fenlei.core.models import AuditEntry
from fenlei.core.roles import Role
from fenlei.inspections.models import PlanEntry
from fenlei.inspections.plan import make_plan
from fenlei.inspections.tests.conftest import inspect
from fenlei.inspections.tests.test_measures import place

pytestmark = pytest.mark.django_db

TUESDAY = datetime.date(2026, 6, 16)


@pytest.fixture
def ivy(world):
    """A second inspector, over 甲一社区 only."""
    from fenlei.accounts import services as accounts
    from fenlei.accounts.models import User

    user = User.objects.create_user(username="ivy", password="x-Fenlei-2026")
    accounts.assign(user=user, role=Role.INSPECTOR, target=world.community_a1, by=None)
    return user


def keys(user, day=TUESDAY):
    return [e.target_key for e in PlanEntry.objects.filter(inspector=user, day=day).order_by("pk")]


def test_most_behind_first_then_least_recent(world, now):
    """Quota 2 a month. On Monday ian inspected 甲一花园 (behind 1) and 甲二小区 (behind 1);
    甲一小学 and 甲二饭店 were never inspected (behind 2). With 3 a day, Tuesday's list is the two
    never inspected, then the behind-1 pair ordered by last visit (a tie: by place), one of them."""
    place(world)
    s = world.sites
    inspect(world.ian, s["a1_estate"])
    inspect(world.ian, s["a2_open"])
    run = make_plan(day=TUESDAY, area=world.district, by=world.alice, per_day=3)
    assert run.created == 3 and run.per_inspector == {"ian": 3}
    got = keys(world.ian)
    assert set(got[:2]) == {f"site:{s['a1_school'].pk}", f"site:{s['a2_restaurant'].pk}"}
    assert got[2] == f"site:{s['a1_estate'].pk}"


def test_no_target_twice_and_idempotent(world, now, ivy):
    """ian (甲街道) and ivy (甲一社区) share 甲一社区's two sites; 甲街道 has four. Round robin:
    ivy takes one of 甲一社区's, ian the best left… every site once; a second run adds nothing."""
    place(world)
    before = AuditEntry.objects.count()
    run = make_plan(day=TUESDAY, area=world.street_a, by=world.sam)
    assert run.inspectors == 2
    ian, ivy_keys = keys(world.ian), keys(ivy)
    assert not set(ian) & set(ivy_keys)
    assert len(ian) + len(ivy_keys) == 4
    assert all(k in {f"site:{world.sites[x].pk}" for x in ("a1_estate", "a1_school")} for k in ivy_keys)
    assert AuditEntry.objects.count() - before == run.created == 4
    again = make_plan(day=TUESDAY, area=world.street_a, by=world.sam)
    assert again.created == 0
    assert PlanEntry.objects.filter(day=TUESDAY).count() == 4


def test_submit_links_the_plan_entry(world, now):
    place(world)
    make_plan(day=now.date(), area=world.street_a, by=None)
    inspection, _ = inspect(world.ian, world.sites["a1_estate"])
    assert inspection.plan_entry is not None and inspection.plan_entry.inspector == world.ian


def test_command(world, now, capsys):
    call_command("inspection_plan", "--day", "2026-06-16", "--area", str(world.street_a.pk))
    assert "ian" in capsys.readouterr().out
    assert PlanEntry.objects.filter(day=TUESDAY, inspector=world.ian).count() == 4
