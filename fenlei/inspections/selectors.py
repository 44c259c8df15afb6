"""Reads of inspection and rectification: the measures of an area over a period, their breakdown by
child area, the coverage of the inspection quotas, and one target's history.

Every function takes the user and reads through `fenlei.core.scoping.for_user`; an area is the
subtree under it (`area_path` prefix), a period is a `fenlei.core.periods.Period` (local days).

Each function makes a constant number of queries whatever the size of the area: the figures are
aggregated in the database, grouped by the child area (the `area_path` prefix one level down), so
the totals are the sums of the children's rows. The filters follow the indexes of `models.py`:
inspections by (area_path, day), orders by (area_path, issued_at) and (area_path, state, deadline),
plan entries by (area_path, day). See docs/inspections-measures.md for the definitions.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, DurationField, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from fenlei.core.periods import Period
from fenlei.core.roles import ROLE_TARGET, Action, TargetKind
from fenlei.core.scoping import _assignments, for_user, subtree_q
from fenlei.inspections.choices import Concern, OrderState, TargetType
from fenlei.inspections.models import Inspection, InspectionQuota, PlanEntry, RectificationOrder
from fenlei.org.choices import PATH_SEGMENT, PATH_SEP
from fenlei.org.models import Area

# --- helpers ------------------------------------------------------------------------------------


def local_bounds(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    """The first moment of the period and the first moment after it, in the district's time zone."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.datetime.combine(period.start, datetime.time.min), tz)
    end = timezone.make_aware(
        datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min), tz
    )
    return start, end


def ratio(part: int, whole: int) -> Decimal | None:
    """part ÷ whole as a percentage with one decimal, None when there is nothing to divide."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _unit(area: Area):
    """The expression naming the child of `area` a row lies in (its own path for rows placed at it)."""
    return Substr("area_path", 1, len(area.path) + PATH_SEGMENT + len(PATH_SEP))


def default_area(user) -> Area | None:
    """The widest open area over which the user holds an area role (None: no area role)."""
    if user.is_superuser:
        return Area.objects.filter(parent__isnull=True, closed_on__isnull=True).order_by("path").first()
    areas = [
        a.area
        for a in _assignments(user)
        if ROLE_TARGET[a.role] == TargetKind.AREA and a.area is not None and a.area.closed_on is None
    ]
    return min(areas, key=lambda a: (a.depth, a.path)) if areas else None


# --- measures -----------------------------------------------------------------------------------


@dataclass
class Figures:
    """The measures of one unit (an area, or one of its children) over one period."""

    planned: int = 0
    planned_done: int = 0
    inspections: int = 0
    with_problems: int = 0
    issued: int = 0
    repeats: int = 0
    due: int = 0
    on_time: int = 0
    closed: int = 0
    close_time: datetime.timedelta = field(default_factory=datetime.timedelta)

    def add(self, other: Figures) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def plan_rate(self) -> Decimal | None:
        """Planned visits done, % of planned."""
        return ratio(self.planned_done, self.planned)

    @property
    def problem_rate(self) -> Decimal | None:
        return ratio(self.with_problems, self.inspections)

    @property
    def on_time_rate(self) -> Decimal | None:
        return ratio(self.on_time, self.due)

    @property
    def repeat_rate(self) -> Decimal | None:
        return ratio(self.repeats, self.issued)

    @property
    def days_to_close(self) -> Decimal | None:
        """The average days from issue to closing of the orders closed in the period."""
        if not self.closed:
            return None
        days = Decimal(self.close_time.total_seconds()) / Decimal(86400) / Decimal(self.closed)
        return days.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Row:
    """One child area's figures (`area` None: the rows placed at the area itself)."""

    area: Area | None
    figures: Figures


@dataclass
class Measures:
    area: Area
    period: Period
    total: Figures
    children: list[Row]
    #: [(concern value, label, orders issued in the period)], the largest first; every concern listed.
    by_concern: list[tuple[str, str, int]]

    @property
    def concern_max(self) -> int:
        return max((n for _v, _l, n in self.by_concern), default=0)


def measures(user, area: Area, period: Period) -> Measures:
    """The measures of `area` (its subtree) over `period`, with one row per child area.

    Seven queries whatever the size: the children, then one grouped aggregate each for the plan,
    the inspections, the orders issued, the orders due, the orders closed, and the concerns.
    """
    unit = _unit(area)
    start, end = local_bounds(period)
    under = subtree_q("area_path", area.path, whole_tree=area.parent_id is None)
    rows: dict[str, Figures] = {}

    def fig(key: str) -> Figures:
        return rows.setdefault(key, Figures())

    plan = (
        for_user(user, Action.VIEW, PlanEntry)
        .filter(under, day__gte=period.start, day__lte=period.end)
        .annotate(unit=unit)
        .values("unit")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(inspection__isnull=False)))
        .order_by()
    )
    for r in plan:
        f = fig(r["unit"])
        f.planned, f.planned_done = r["n"], r["done"]
    visits = (
        for_user(user, Action.VIEW, Inspection)
        .filter(under, day__gte=period.start, day__lte=period.end)
        .annotate(unit=unit)
        .values("unit")
        .annotate(n=Count("pk"), bad=Count("pk", filter=Q(problems__gt=0)))
        .order_by()
    )
    for r in visits:
        f = fig(r["unit"])
        f.inspections, f.with_problems = r["n"], r["bad"]
    orders = for_user(user, Action.VIEW, RectificationOrder).filter(under)
    issued = (
        orders.filter(issued_at__gte=start, issued_at__lt=end)
        .annotate(unit=unit)
        .values("unit")
        .annotate(n=Count("pk"), repeats=Count("pk", filter=Q(repeat_of__isnull=False)))
        .order_by()
    )
    for r in issued:
        f = fig(r["unit"])
        f.issued, f.repeats = r["n"], r["repeats"]
    due = (
        orders.filter(deadline__gte=period.start, deadline__lte=period.end)
        .annotate(unit=unit)
        .values("unit")
        .annotate(
            n=Count("pk"),
            on_time=Count("pk", filter=Q(state=OrderState.CLOSED, answered_at__date__lte=F("deadline"))),
        )
        .order_by()
    )
    for r in due:
        f = fig(r["unit"])
        f.due, f.on_time = r["n"], r["on_time"]
    took = ExpressionWrapper(F("closed_at") - F("issued_at"), output_field=DurationField())
    closed = (
        orders.filter(closed_at__gte=start, closed_at__lt=end)
        .annotate(unit=unit)
        .values("unit")
        .annotate(n=Count("pk"), took=Sum(took))
        .order_by()
    )
    for r in closed:
        f = fig(r["unit"])
        f.closed, f.close_time = r["n"], _duration(r["took"])
    concerns = dict(
        orders.filter(issued_at__gte=start, issued_at__lt=end)
        .values("concern")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("concern", "n")
    )
    by_concern = sorted(
        ((c.value, str(c.label), concerns.get(c.value, 0)) for c in Concern),
        key=lambda t: (-t[2], t[0]),
    )
    total = Figures()
    for f in rows.values():
        total.add(f)
    children = []
    kids = for_user(user, Action.VIEW, Area.objects.filter(parent=area)).order_by("path")
    for kid in kids:
        children.append(Row(kid, rows.pop(kid.path, Figures())))
    own = rows.pop(area.path, None)
    if own is not None:
        children.append(Row(None, own))
    # rows under children the user may not see as areas are in the total only
    return Measures(area, period, total, children, by_concern)


def _duration(value) -> datetime.timedelta:
    if value is None:
        return datetime.timedelta()
    if isinstance(value, datetime.timedelta):
        return value
    return datetime.timedelta(microseconds=int(value))  # a database handing back microseconds


# --- coverage -----------------------------------------------------------------------------------


def _target_models():
    from fenlei.facilities.models import DropOffPoint, Vehicle
    from fenlei.org.models import Site

    return {TargetType.SITE: Site, TargetType.DROPOFF: DropOffPoint, TargetType.VEHICLE: Vehicle}


def targets(user, target_type: str, area: Area):
    """The open targets of one type in `area` that `user` may see."""
    model = _target_models()[target_type]
    return for_user(user, Action.VIEW, model).filter(
        subtree_q("area_path", area.path, whole_tree=area.parent_id is None), closed_on__isnull=True
    )


class Quotas:
    """The monthly quota of a target: the most specific `InspectionQuota` for its area and kind — one
    naming the site's kind before one for any kind, then the deepest area — else the setting."""

    def __init__(self, target_type: str, area: Area):
        paths = area.ancestor_paths() if area.path else []
        rows = InspectionQuota.objects.filter(target_type=target_type).filter(
            Q(area_path__in=[*paths, area.path]) | subtree_q("area_path", area.path)
        )
        self.rows = list(rows.values_list("area_path", "site_kind_id", "per_month"))
        self.default = settings.FENLEI_INSPECTIONS_PER_MONTH
        self._cache: dict[tuple[str, int | None], int] = {}

    def for_target(self, area_path: str, kind_id: int | None) -> int:
        key = (area_path, kind_id)
        if key not in self._cache:
            best = None
            for path, kind, per_month in self.rows:
                if not area_path.startswith(path) or kind not in (None, kind_id):
                    continue
                rank = (kind is not None, len(path))
                if best is None or rank > best[0]:
                    best = (rank, per_month)
            self._cache[key] = best[1] if best else self.default
        return self._cache[key]


@dataclass
class CoverageRow:
    area: Area | None
    targets: int = 0
    meeting: int = 0

    @property
    def share(self) -> Decimal | None:
        return ratio(self.meeting, self.targets)


@dataclass
class Coverage:
    area: Area
    month: Period
    target_type: str
    total: CoverageRow
    rows: list[CoverageRow]
    #: Targets not inspected since `since` (or never), the longest-neglected first, at most `limit`.
    neglected: list = field(default_factory=list)
    neglected_count: int = 0
    since: datetime.date | None = None


def _inspection_field(target_type: str) -> str:
    return {TargetType.SITE: "site", TargetType.DROPOFF: "dropoff", TargetType.VEHICLE: "vehicle"}[
        target_type
    ]


def coverage(
    user,
    area: Area,
    month: Period,
    *,
    target_type: str = TargetType.SITE,
    months: int = 3,
    limit: int = 100,
) -> Coverage:
    """Per child area: the targets, the targets inspected at least their quota in `month`, the share;
    and the targets not inspected in the `months` months ending with `month` (or never).

    Counted in the database: each target's inspections in the month (a subquery on the target's
    (target, day) index), grouped by (area, kind, count) — a few rows per community — then set
    against the quotas. Five queries whatever the size.
    """
    fk = _inspection_field(target_type)
    seen = for_user(user, Action.VIEW, Inspection).filter(target_type=target_type)
    in_month = (
        seen.filter(**{fk: OuterRef("pk")}, day__gte=month.start, day__lte=month.end)
        .order_by()
        .values(fk)
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = targets(user, target_type, area)
    kind = "kind_id" if target_type == TargetType.SITE else None
    groups = (
        qs.annotate(n=Coalesce(Subquery(in_month), 0), unit=_unit(area))
        .values("unit", "area_path", *([kind] if kind else []), "n")
        .annotate(count=Count("pk"))
        .order_by()
    )
    quotas = Quotas(target_type, area)
    by_unit: dict[str, CoverageRow] = {}
    for g in groups:
        row = by_unit.setdefault(g["unit"], CoverageRow(None))
        row.targets += g["count"]
        if g["n"] >= quotas.for_target(g["area_path"], g.get(kind) if kind else None):
            row.meeting += g["count"]
    total = CoverageRow(area)
    for r in by_unit.values():
        total.targets += r.targets
        total.meeting += r.meeting
    rows = []
    for kid in for_user(user, Action.VIEW, Area.objects.filter(parent=area)).order_by("path"):
        r = by_unit.pop(kid.path, CoverageRow(None))
        r.area = kid
        rows.append(r)
    if area.path in by_unit:
        rows.append(by_unit.pop(area.path))
    since = months_window(month, months)
    last = seen.filter(**{fk: OuterRef("pk")}).order_by("-day").values("day")[:1]
    neglected = (
        qs.annotate(last=Subquery(last))
        .filter(Q(last__isnull=True) | Q(last__lt=since))
        .order_by(F("last").asc(nulls_first=True), "area_path", "pk")
    )
    return Coverage(
        area,
        month,
        target_type,
        total,
        rows,
        neglected=list(neglected[:limit]),
        neglected_count=neglected.count(),
        since=since,
    )


def months_window(month: Period, months: int) -> datetime.date:
    """The first day of the `months` months that end with `month` (3 and June: 1 April)."""
    y, m = month.start.year, month.start.month - max(months, 1) + 1
    while m <= 0:
        y, m = y - 1, m + 12
    return datetime.date(y, m, 1)


# --- one target ---------------------------------------------------------------------------------


@dataclass
class History:
    target_type: str
    target: object
    inspections: list
    orders: list


def target_history(user, target_type: str, target_id: int, *, limit: int = 200) -> History:
    """A target's inspections (score, passed) and orders (state), newest first; 404 outside scope."""
    from django.http import Http404

    from fenlei.core.scoping import get_for_user

    models = _target_models()
    if target_type not in models:
        raise Http404
    target = get_for_user(user, Action.VIEW, models[target_type], pk=target_id)
    fk = _inspection_field(target_type)
    inspections = list(
        for_user(user, Action.VIEW, Inspection)
        .filter(target_type=target_type, **{fk: target})
        .select_related("inspector", "version__template")
        .order_by("-finished_at", "-pk")[:limit]
    )
    orders = list(
        for_user(user, Action.VIEW, RectificationOrder)
        .filter(target_type=target_type, **{fk: target})
        .order_by("-issued_at", "-pk")[:limit]
    )
    return History(target_type, target, inspections, orders)


__all__ = [
    "Coverage",
    "Figures",
    "Measures",
    "Quotas",
    "coverage",
    "default_area",
    "local_bounds",
    "measures",
    "ratio",
    "target_history",
    "targets",
]
