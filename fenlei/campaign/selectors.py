"""The campaign's reads for pages, the API and the reports: a campaign's overview for an area (countdown,
coverage, the burn-up, the forecast, the units behind and at risk, the missing demonstration sites),
a unit's checklist, and a snapshot compared with today.

Every read is scoped by its caller: the area comes through `for_user`, and the rows read here lie in
its subtree. The overview reads the kept `Unit` and `CoverageDay` rows in a constant number of
grouped queries, so a city's 6,000 communities cost what a street's 10 do.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr

from fenlei.campaign import services
from fenlei.campaign.choices import DemoKind, Level
from fenlei.campaign.models import Campaign, CoverageDay, Item, Snapshot, SnapshotItem, SnapshotUnit, Unit
from fenlei.campaign.services import STEP, Forecast, forecast
from fenlei.core.scoping import subtree_q
from fenlei.org.choices import AreaLevel
from fenlei.org.models import Area

#: Rows of a list the overview shows (the rest behind a link).
SHOWN = 20


@dataclass
class Coverage:
    communities: int = 0
    covered: int = 0
    households: int = 0
    covered_households: int = 0

    @property
    def pct(self) -> float | None:
        return round(100 * self.covered / self.communities, 1) if self.communities else None

    @property
    def households_pct(self) -> float | None:
        return round(100 * self.covered_households / self.households, 1) if self.households else None


@dataclass
class Child:
    area: Area
    coverage: Coverage
    forecast: Forecast
    at_risk: bool


@dataclass
class Countdown:
    label: str
    due_on: datetime.date
    days_left: int
    is_phase: bool
    current: bool = False


@dataclass
class Overview:
    campaign: Campaign
    area: Area
    today: datetime.date
    coverage: Coverage
    forecast: Forecast
    countdown: list[Countdown]
    children: list[Child]
    burnup: list[tuple[datetime.date, int]]
    at_risk: list[Unit]
    at_risk_count: int
    behind: list[Unit]
    behind_count: int
    missing_demo: list[Item]
    missing_demo_count: int
    #: The areas (children, or the area itself) whose forecast misses the deadline.
    at_risk_paths: list[str] = field(default_factory=list)
    streets_missing_demo: int = 0
    communities_missing_demo: int = 0
    demo_counts: dict = field(default_factory=dict)


def units_in(campaign: Campaign, area: Area):
    """The units of the campaign in `area`'s subtree (the area itself included)."""
    return Unit.objects.filter(campaign=campaign).filter(subtree_q("area_path", area.path))


def _coverage(rows) -> Coverage:
    c = Coverage()
    for row in rows:
        c.communities += row["n"]
        c.covered += row["covered_n"] or 0
        c.households += row["h"] or 0
        c.covered_households += row["covered_h"] or 0
    return c


TALLY = {
    "n": Count("pk"),
    "covered_n": Count("pk", filter=Q(covered=True)),
    "h": Sum("households"),
    "covered_h": Sum("households", filter=Q(covered=True)),
}


def at_risk(campaign: Campaign, area: Area, paths: list[str]):
    """The communities at risk of missing the coverage deadline: not covered, and behind their target
    dates (a coverage requirement past its date) or in an area whose forecast misses the deadline
    (`paths`, from `overview`)."""
    risk = Q(overdue__gt=0)
    for path in paths:
        risk |= subtree_q("area_path", path)
    return units_in(campaign, area).filter(level=Level.COMMUNITY, covered=False).filter(risk)


def countdown(campaign: Campaign, today: datetime.date) -> list[Countdown]:
    out = [
        Countdown(
            str(p.get_code_display()),
            p.ends_on,
            (p.ends_on - today).days,
            True,
            p.starts_on <= today <= p.ends_on,
        )
        for p in campaign.phases.all()
    ]
    out += [Countdown(m.name, m.due_on, (m.due_on - today).days, False) for m in campaign.milestones.all()]
    return sorted(out, key=lambda c: (c.due_on, not c.is_phase))


def overview(campaign: Campaign, area: Area, *, today: datetime.date | None = None) -> Overview:
    """Everything the campaign page shows for `area` (already read through the scoping function)."""
    today = today or services.today()
    window = campaign.forecast_window_days
    deadline = campaign.coverage_deadline
    communities = units_in(campaign, area).filter(level=Level.COMMUNITY)
    # children: the areas one level below `area` (streets under a district, communities under a street)
    child_len = STEP * (area.depth + 2)
    by_child = {
        row["child"]: row
        for row in communities.annotate(child=Substr("area_path", 1, child_len))
        .values("child")
        .annotate(**TALLY)
    }
    total = _coverage(by_child.values())
    # the burn-up: the kept days of this area, and today's count from the units
    series = list(
        CoverageDay.objects.filter(campaign=campaign, area=area, day__lt=today)
        .order_by("day")
        .values_list("day", "covered")
    )
    series.append((today, total.covered))
    fc = forecast(series, total.communities, today=today, deadline=deadline, window=window)
    # each child's own forecast: its count at the start of the window (or its first kept day)
    children: list[Child] = []
    at_risk_paths: list[str] = []
    if area.level < AreaLevel.STREET:
        areas = {a.path: a for a in Area.objects.filter(path__in=list(by_child))}
        start = today - datetime.timedelta(days=window)
        base: dict[int, tuple[datetime.date, int]] = {}
        kept = CoverageDay.objects.filter(
            campaign=campaign, area__path__in=list(by_child), day__lte=start
        ).order_by("area_id", "-day")
        # the latest day on or before the window's start, per child (one query, newest first)
        for area_id, day, covered in kept.values_list("area_id", "day", "covered"):
            base.setdefault(area_id, (day, covered))
        missing = [a.pk for a in areas.values() if a.pk not in base]
        if missing:
            for area_id, day, covered in (
                CoverageDay.objects.filter(campaign=campaign, area_id__in=missing)
                .order_by("area_id", "day")
                .values_list("area_id", "day", "covered")
            ):
                base.setdefault(area_id, (day, covered))
        for path, row in sorted(by_child.items()):
            child_area = areas.get(path)
            if child_area is None:
                continue
            cov = _coverage([row])
            points = [base[child_area.pk]] if child_area.pk in base else []
            points.append((today, cov.covered))
            cfc = forecast(points, cov.communities, today=today, deadline=deadline, window=window)
            risk = not cfc.done and not cfc.on_track
            if risk:
                at_risk_paths.append(path)
            children.append(Child(child_area, cov, cfc, risk))
    elif not fc.done and not fc.on_track:
        at_risk_paths.append(area.path)
    uncovered = communities.filter(covered=False)
    at_risk_qs = at_risk(campaign, area, at_risk_paths).order_by("-overdue", "met", "area_path")
    behind_qs = uncovered.order_by("-overdue", "met", "area_path")
    # missing demonstration sites
    demo_items = Item.objects.filter(
        unit__campaign=campaign, requirement__rule="demo_sites", met=False
    ).filter(subtree_q("area_path", area.path))
    demo_counts = dict(
        demo_items.values_list("unit__level").annotate(n=Count("pk")).values_list("unit__level", "n")
    )
    return Overview(
        campaign=campaign,
        area=area,
        today=today,
        coverage=total,
        forecast=fc,
        countdown=countdown(campaign, today),
        children=children,
        burnup=series,
        at_risk=list(at_risk_qs.select_related("area", "street")[:SHOWN]),
        at_risk_count=at_risk_qs.count(),
        behind=list(behind_qs.select_related("area", "street")[:SHOWN]),
        behind_count=uncovered.count(),
        missing_demo=list(
            demo_items.select_related("unit__area", "requirement").order_by("unit__level", "area_path")[
                :SHOWN
            ]
        ),
        missing_demo_count=sum(demo_counts.values()),
        at_risk_paths=at_risk_paths,
        streets_missing_demo=demo_counts.get(Level.STREET, 0),
        communities_missing_demo=demo_counts.get(Level.COMMUNITY, 0),
    )


def checklist(unit: Unit):
    """A unit's items in the checklist's order, with their requirements: what to do next first."""
    items = list(
        Item.objects.filter(unit=unit).select_related("requirement").order_by("requirement__position", "pk")
    )
    return items


def next_steps(items: list[Item], today: datetime.date) -> list[Item]:
    """The unmet items, the most urgent first (overdue, then by target date)."""
    return sorted((i for i in items if not i.met), key=lambda i: (i.target_date, i.requirement.position))


def missing_demo_kinds(item: Item) -> list[str]:
    return [str(DemoKind(k).label) for k in (item.reason_params or {}).get("missing", [])]


@dataclass
class Comparison:
    snapshot: Snapshot
    then: Coverage
    now: Coverage
    #: (area, requirement, then met, now met) for items that changed, in order
    changed: list
    changed_count: int


def compare(snapshot: Snapshot, area: Area, *, limit: int = 200) -> Comparison:
    """A snapshot set beside today's standing, for the units in `area`'s subtree."""
    campaign = snapshot.campaign
    then_rows = (
        SnapshotUnit.objects.filter(snapshot=snapshot, level=Level.COMMUNITY)
        .filter(subtree_q("area_path", area.path))
        .aggregate(**TALLY)
    )
    now_rows = units_in(campaign, area).filter(level=Level.COMMUNITY).aggregate(**TALLY)
    then_items = {
        (a, r): met
        for a, r, met in SnapshotItem.objects.filter(snapshot=snapshot)
        .filter(subtree_q("area_path", area.path))
        .values_list("area_id", "requirement_id", "met")
    }
    now_items = (
        Item.objects.filter(unit__campaign=campaign)
        .filter(subtree_q("area_path", area.path))
        .select_related("unit__area", "requirement")
        .order_by("area_path", "requirement__position")
    )
    changed = []
    count = 0
    for item in now_items.iterator(chunk_size=2000):
        before = then_items.get((item.unit.area_id, item.requirement_id))
        if before is None or before == item.met:
            continue
        count += 1
        if len(changed) < limit:
            changed.append((item.unit.area, item.requirement, before, item.met))
    return Comparison(snapshot, _coverage([then_rows]), _coverage([now_rows]), changed, count)


def coverage_of(row: dict | None) -> Coverage:
    """One grouped row of `TALLY` (or none) as a Coverage."""
    return _coverage([row] if row else [])


def compare_children(snapshot: Snapshot, area: Area) -> list[dict]:
    """The coverage then (in the snapshot) and now of each area one level below `area` (two grouped
    queries): [{"area", "then", "now"}], in path order."""
    if area.level >= Level.COMMUNITY:
        return []
    child_len = STEP * (area.depth + 2)

    def tally(qs) -> dict[str, dict]:
        return {
            row["child"]: row
            for row in qs.filter(level=Level.COMMUNITY)
            .filter(subtree_q("area_path", area.path))
            .annotate(child=Substr("area_path", 1, child_len))
            .values("child")
            .annotate(**TALLY)
        }

    then = tally(SnapshotUnit.objects.filter(snapshot=snapshot))
    now = tally(Unit.objects.filter(campaign_id=snapshot.campaign_id))
    areas = {a.path: a for a in Area.objects.filter(path__in=list(set(then) | set(now)))}
    return [
        {"area": areas[path], "then": coverage_of(then.get(path)), "now": coverage_of(now.get(path))}
        for path in sorted(areas)
    ]
