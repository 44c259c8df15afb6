"""The measures of inspection and rectification, against figures worked out by hand."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from fenlei.core.periods import Period
from fenlei.inspections import selectors
from fenlei.inspections.choices import OrderState, TargetType
from fenlei.inspections.models import InspectionQuota, PlanEntry, RectificationOrder
from fenlei.inspections.tests.conftest import inspect

pytestmark = pytest.mark.django_db

JUNE = Period.parse("2026-06")


def at(day: int, hour: int, month: int = 6) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, month, day, hour, 0))


def plan(user, site, day=datetime.date(2026, 6, 15)):
    return PlanEntry.objects.create(
        day=day,
        inspector=user,
        target_key=f"site:{site.pk}",
        target_type=TargetType.SITE,
        site=site,
        area=site.community,
        area_path=site.area_path,
    )


def place(world):
    for site in world.sites.values():
        site.latitude, site.longitude = Decimal("31.2"), Decimal("121.4")
        site.save(update_fields=["latitude", "longitude"])


@pytest.fixture
def june(world, now):
    """甲街道 in June 2026 (now: Monday 15 June 09:00), inspected by ian:

    plan 15 June: 甲一花园, 甲一小学 (甲一社区), 甲二小区, 甲二饭店 (甲二社区)
    I0  甲二小区, F2 failed   → moved to 20 May with its order O0 (outside June)
    I1  甲一花园, F2 failed   → O1 (facilities)          — plan entry done
    I2  甲二小区, U1 failed   → O2 (supervision)         — plan entry done
    I3  甲二小区, all pass
    I4  甲一花园, F2 and P1   → O3 (facilities, repeat of O1), O4 (publicity)
    and alice's inspection of 乙一花园 (乙街道, F2 failed), outside 甲街道.

    The orders' lives (set directly):
    O1  deadline 18 Jun; answered 17 Jun 10:00, closed 18 Jun 10:00 → on time, 3 d 1 h
    O2  deadline 18 Jun; answered 19 Jun 07:00 (still 18 Jun in UTC), closed 19 Jun 12:00 → late, 4 d 3 h
    O3  deadline 18 Jun; answered 17 Jun, awaiting verification → not on time (not closed)
    O4  deadline 22 Jun; answered 20 Jun 10:00 (the answer accepted after a return), closed 22 Jun
        09:00 → on time, 7 d 0 h
    """
    place(world)
    ian, s = world.ian, world.sites
    for key in ("a1_estate", "a1_school", "a2_open", "a2_restaurant"):
        plan(ian, s[key])
    i0, _ = inspect(ian, s["a2_open"], fail=["F2"])
    o0 = i0.orders.get()
    type(i0).objects.filter(pk=i0.pk).update(day=datetime.date(2026, 5, 20), plan_entry=None)
    i1, _ = inspect(ian, s["a1_estate"], fail=["F2"])
    i2, _ = inspect(ian, s["a2_open"], fail=["U1"])
    inspect(ian, s["a2_open"])
    i4, _ = inspect(ian, s["a1_estate"], fail=["F2", "P1"])
    inspect(world.alice, s["b1_estate"], fail=["F2"])
    RectificationOrder.objects.filter(pk=o0.pk).update(
        issued_at=at(20, 10, month=5), deadline=datetime.date(2026, 5, 27)
    )
    o1 = i1.orders.get()
    o2 = i2.orders.get()
    o3 = i4.orders.get(item__code="F2")
    o4 = i4.orders.get(item__code="P1")
    closed = OrderState.CLOSED
    RectificationOrder.objects.filter(pk=o1.pk).update(
        deadline=datetime.date(2026, 6, 18), state=closed, answered_at=at(17, 10), closed_at=at(18, 10)
    )
    RectificationOrder.objects.filter(pk=o2.pk).update(
        deadline=datetime.date(2026, 6, 18), state=closed, answered_at=at(19, 7), closed_at=at(19, 12)
    )
    RectificationOrder.objects.filter(pk=o3.pk).update(
        deadline=datetime.date(2026, 6, 18), state=OrderState.SUBMITTED, answered_at=at(17, 10)
    )
    RectificationOrder.objects.filter(pk=o4.pk).update(
        deadline=datetime.date(2026, 6, 22), state=closed, answered_at=at(20, 10), closed_at=at(22, 9)
    )
    return {"o0": o0, "o1": o1, "o3": o3}


def test_the_repeat_is_found_by_the_service(june):
    assert june["o3"].repeat_of_id == june["o1"].pk


def test_measures_of_a_street(world, june, django_assert_max_num_queries):
    """Worked by hand (see `june`):
    planned 4, done 2 (I1, I2; I3 visits 甲二小区 again, its entry is taken)   → 50.0 %
    inspections in June 4 (I1–I4; I0 is in May), with problems 3 (I1, I2, I4)  → 75.0 %
    orders issued in June 4 (O1–O4), repeats 1 (O3)                            → 25.0 %
    due in June 4 (O1–O4), on time 2 (O1, O4)                                  → 50.0 %
    closed in June 3: 3 d 1 h + 4 d 3 h + 7 d 0 h = 14 d 4 h = 14.167 d ÷ 3    → 4.7 days
    by concern: facilities 2, publicity 1, supervision 1, the others 0.
    """
    with django_assert_max_num_queries(8):
        m = selectors.measures(world.sam, world.street_a, JUNE)
    t = m.total
    assert (t.planned, t.planned_done, t.plan_rate) == (4, 2, Decimal("50.0"))
    assert (t.inspections, t.with_problems, t.problem_rate) == (4, 3, Decimal("75.0"))
    assert (t.issued, t.repeats, t.repeat_rate) == (4, 1, Decimal("25.0"))
    assert (t.due, t.on_time, t.on_time_rate) == (4, 2, Decimal("50.0"))
    assert (t.closed, t.days_to_close) == (3, Decimal("4.7"))
    assert [(v, n) for v, _label, n in m.by_concern[:3]] == [
        ("facilities", 2),
        ("publicity", 1),
        ("supervision", 1),
    ]
    assert sum(n for _v, _l, n in m.by_concern) == 4


def test_breakdown_by_community(world, june):
    """甲一社区: planned 2 done 1; I1, I4 both with problems (100 %); O1, O3, O4 issued, O3 a repeat;
    due O1, O3, O4, on time O1, O4 (66.7 %); closed O1, O4: (3 d 1 h + 7 d) ÷ 2 = 5.02 → 5.0 days.
    甲二社区: planned 2 done 1; I2, I3, one with problems (50 %); O2 issued, late; 4 d 3 h → 4.1 days."""
    m = selectors.measures(world.sam, world.street_a, JUNE)
    rows = {r.area.name: r.figures for r in m.children}
    a1, a2 = rows["甲一社区"], rows["甲二社区"]
    assert (a1.planned, a1.planned_done, a1.inspections, a1.problem_rate) == (2, 1, 2, Decimal("100.0"))
    assert (a1.issued, a1.repeats, a1.due, a1.on_time_rate, a1.days_to_close) == (
        3,
        1,
        3,
        Decimal("66.7"),
        Decimal("5.0"),
    )
    assert (a2.planned, a2.planned_done, a2.inspections, a2.problem_rate) == (2, 1, 2, Decimal("50.0"))
    assert (a2.issued, a2.due, a2.on_time, a2.days_to_close) == (1, 1, 0, Decimal("4.1"))


def test_the_district_counts_both_streets_and_the_outsider_sees_none(world, june):
    """The district holds 乙街道's inspection too: 5 inspections, 4 with problems, 5 orders."""
    m = selectors.measures(world.leo, world.district, JUNE)
    assert (m.total.inspections, m.total.with_problems, m.total.issued) == (5, 4, 5)
    assert [r.area.name for r in m.children] == ["甲街道", "乙街道"]
    # olly (乙街道) reads 甲街道's rows through the scoping function: none of them
    m = selectors.measures(world.olly, world.street_a, JUNE)
    assert m.total.inspections == 0 and m.total.issued == 0


def test_may_has_only_the_moved_inspection(world, june):
    m = selectors.measures(world.sam, world.street_a, Period.parse("2026-05"))
    assert (m.total.inspections, m.total.issued, m.total.due, m.total.closed) == (1, 1, 1, 0)
    assert m.total.on_time_rate == Decimal("0.0")


def test_coverage(world, june, django_assert_max_num_queries):
    """Quotas: 2 a month by default; 3 for 甲街道's managed estates; 1 for every site of 甲二社区.
    甲一花园 (managed estate, quota 3): 2 in June → short.  甲一小学 (2): 0 → short.
    甲二小区 (甲二社区, 1): 2 (I2, I3; I0 is in May) → meets.  甲二饭店 (1): 0 → short.
    So 甲一社区 0 of 2, 甲二社区 1 of 2, 甲街道 1 of 4 (25.0 %).
    Not inspected in the 1 month ending June: 甲一小学, 甲二饭店 (never)."""
    from fenlei.org.models import SiteKind

    estate = SiteKind.objects.get(code="managed-estate")
    InspectionQuota.objects.create(
        area=world.street_a, area_path=world.street_a.path, site_kind=estate, per_month=3
    )
    InspectionQuota.objects.create(area=world.community_a2, area_path=world.community_a2.path, per_month=1)
    with django_assert_max_num_queries(6):
        c = selectors.coverage(world.sam, world.street_a, JUNE, months=1)
    assert (c.total.targets, c.total.meeting, c.total.share) == (4, 1, Decimal("25.0"))
    rows = {r.area.name: (r.targets, r.meeting) for r in c.rows}
    assert rows == {"甲一社区": (2, 0), "甲二社区": (2, 1)}
    assert {t.name for t in c.neglected} == {"甲一小学", "甲二饭店"}
    assert c.neglected_count == 2


def test_quota_most_specific():
    """A kind's quota beats an any-kind one; then the deepest area wins; else the setting (2)."""
    q = selectors.Quotas.__new__(selectors.Quotas)
    q.rows = [("0001.", None, 4), ("0001.", 7, 5), ("0001.0001.", None, 6)]
    q.default, q._cache = 2, {}
    assert q.for_target("0001.0001.0001.", 7) == 5
    assert q.for_target("0001.0001.0001.", 8) == 6
    assert q.for_target("0001.0002.0001.", 8) == 4
    q.rows = []
    assert q.for_target("0001.", None) == 2


def test_target_history(world, june, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        h = selectors.target_history(world.ian, TargetType.SITE, world.sites["a1_estate"].pk)
    assert len(h.inspections) == 2 and len(h.orders) == 3
    assert h.inspections[0].finished_at >= h.inspections[1].finished_at


def test_the_api_gives_the_pages_figures(world, june):
    """The same street and month through /api/inspections/measures/, /coverage/ and /history/."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(world.sam)
    got = client.get("/api/inspections/measures/", {"area": world.street_a.pk, "period": "2026-06"})
    assert got.status_code == 200, got.content
    t = got.json()["total"]
    assert (t["planned"], t["planned_done"], t["plan_rate"]) == (4, 2, 50.0)
    assert (t["inspections"], t["with_problems"], t["problem_rate"]) == (4, 3, 75.0)
    assert (t["orders_due"], t["on_time"], t["on_time_rate"], t["days_to_close"]) == (4, 2, 50.0, 4.7)
    assert {c["area"]["name"] for c in got.json()["children"]} == {"甲一社区", "甲二社区"}
    cov = client.get(
        "/api/inspections/coverage/", {"area": world.street_a.pk, "period": "2026-06", "months": 1}
    )
    assert cov.status_code == 200 and cov.json()["targets"] == 4
    site = world.sites["a1_estate"]
    hist = client.get(f"/api/inspections/history/site/{site.pk}/")
    assert hist.status_code == 200 and hist.json()["target"]["name"] == site.name
    assert client.get("/api/inspections/measures/", {"area": world.street_b.pk}).status_code == 404
    olly = APIClient()
    olly.force_authenticate(world.olly)
    assert olly.get(f"/api/inspections/history/site/{site.pk}/").status_code == 404
