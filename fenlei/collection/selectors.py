"""Collection measures: tonnage by stream, comparisons, per-capita figures and rates, read from the totals.

A measure never sums records. It reads the totals kept on write (`AreaMonth`, `AreaDay`, `SiteDay`,
`HaulerDay`): for an area, the whole months of a window come from `AreaMonth` and the days at its
edges from `AreaDay`, so any subtree over any period costs the same few queries. The definitions
(and a worked example of each) are in docs/collection-measures.md.

Every measure has a *subject*: an area the user may see (its subtree's totals), a site (a site
manager's own site, or a site under an area the user keeps), or a haulier (a haulier's own totals).
The subject is found through the scoping function: outside the scope is 404.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Case, IntegerField, Q, Sum, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from fenlei.collection.choices import MIXED
from fenlei.collection.models import AreaDay, AreaMonth, Baseline, HaulerDay, SiteDay
from fenlei.collection.streams import food_code, residual_code, stream_label
from fenlei.core.periods import Period
from fenlei.core.roles import ROLE_TARGET, TargetKind
from fenlei.core.scoping import _assignments, for_user, get_for_user, scope_q
from fenlei.org.models import Area, Hauler, Site
from fenlei.taxonomy.naming import streams as scheme_streams

DAY = datetime.timedelta(days=1)

# --- windows ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """A run of days, both ends included."""

    start: datetime.date
    end: datetime.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


def _year_earlier(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class Comparison:
    """The window measured, the one before it and the same one a year earlier.

    A period that is not over yet is measured to date (up to today) and compared with the same number
    of days at the start of the previous period and of the same period a year earlier.
    """

    current: Window
    previous: Window
    last_year: Window
    #: The period as chosen (its end may lie after today).
    chosen: Window
    ongoing: bool

    @classmethod
    def of(
        cls,
        start: datetime.date,
        end: datetime.date,
        *,
        period: Period | None = None,
        today: datetime.date | None = None,
    ) -> Comparison:
        if end < start:
            raise ValueError(_("The end of a period cannot come before its start."))
        today = today or timezone.localdate()
        chosen = Window(start, end)
        if period is not None:
            previous, last_year = period.previous(), period.same_last_year()
            prev = Window(previous.start, previous.end)
            ly = Window(last_year.start, last_year.end)
        else:
            length = (end - start).days + 1
            prev = Window(start - datetime.timedelta(days=length), start - DAY)
            ly = Window(_year_earlier(start), _year_earlier(end))
        ongoing = start <= today < end
        current = Window(start, today) if ongoing else chosen
        if ongoing:
            elapsed = datetime.timedelta(days=current.days - 1)
            prev = Window(prev.start, min(prev.end, prev.start + elapsed))
            ly = Window(ly.start, min(ly.end, ly.start + elapsed))
        return cls(current, prev, ly, chosen, ongoing)

    @property
    def windows(self) -> tuple[Window, Window, Window]:
        return (self.current, self.previous, self.last_year)


def _month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def split(window: Window) -> tuple[list[datetime.date], list[datetime.date]]:
    """The whole months inside `window` (their first days) and the days at its edges outside them."""
    months: list[datetime.date] = []
    edges: list[datetime.date] = []
    day = window.start
    while day <= window.end:
        if day.day == 1 and _month_end(day) <= window.end:
            months.append(day)
            day = _month_end(day) + DAY
        else:
            edges.append(day)
            day += DAY
    return months, edges


# --- reading the totals ----------------------------------------------------------------------------


def runs(days: list[datetime.date], step=lambda d: d + DAY) -> list[tuple[datetime.date, datetime.date]]:
    """Sorted days (or months, with their own `step`) as runs of consecutive ones: [(first, last) …]."""
    out: list[tuple[datetime.date, datetime.date]] = []
    for d in days:
        if out and step(out[-1][1]) == d:
            out[-1] = (out[-1][0], d)
        else:
            out.append((d, d))
    return out


def _next_month(month: datetime.date) -> datetime.date:
    return _month_end(month) + DAY


def _sums_sql(table: str, key: str, column: str, area_ids, keys, per_window) -> tuple[str, list]:
    """SELECT key, stream, SUM(grams in window i) … over the rows whose `column` is one of `keys`.

    Written as SQL rather than through the ORM: a measure is a few milliseconds of database work,
    and compiling conditional aggregates with a list per window cost more than running them.
    """
    adapt = connection.ops.adapt_datefield_value
    q = connection.ops.quote_name
    selects, params = [], []
    for window_runs in per_window:
        if window_runs:
            cond = " OR ".join(f"{q(column)} BETWEEN %s AND %s" for _ in window_runs)
            params += [adapt(x) for r in window_runs for x in r]
        else:
            cond = "1 = 0"
        selects.append(f"SUM(CASE WHEN {cond} THEN {q('grams')} ELSE 0 END)")
    sql = (
        f"SELECT {q(key)}, {q('stream')}, {', '.join(selects)} FROM {q(table)} "
        f"WHERE {q(key)} IN ({', '.join(['%s'] * len(area_ids))}) "
        f"AND {q(column)} IN ({', '.join(['%s'] * len(keys))}) "
        f"GROUP BY {q(key)}, {q('stream')}"
    )
    return sql, [*params, *area_ids, *(adapt(k) for k in keys)]


def area_grams(area_ids: list[int], windows: tuple[Window, ...]) -> dict[int, list[dict[str, int]]]:
    """area id → [stream → grams] per window, for the subtrees of `area_ids` (two queries): the whole
    months of each window from AreaMonth, the days at its edges from AreaDay."""
    out = {a: [{} for _ in windows] for a in area_ids}
    if not area_ids:
        return out
    parts = [split(w) for w in windows]
    months = sorted({m for ms, _ in parts for m in ms})
    edges = sorted({d for _, es in parts for d in es})
    with connection.cursor() as cursor:
        for model, column, keys, per_window in (
            (AreaMonth, "month", months, [runs(ms, _next_month) for ms, _ in parts]),
            (AreaDay, "day", edges, [runs(es) for _, es in parts]),
        ):
            if not keys:
                continue
            sql, params = _sums_sql(model._meta.db_table, "area_id", column, area_ids, keys, per_window)
            cursor.execute(sql, params)
            for row in cursor.fetchall():
                per = out.setdefault(row[0], [{} for _ in windows])
                for i, g in enumerate(row[2:]):
                    if g:
                        per[i][row[1]] = per[i].get(row[1], 0) + int(g)
    return out


def _collect(out: dict, rows, key: str, n: int) -> None:
    for r in rows:
        per_window = out.setdefault(r[key], [{} for _ in range(n)])
        for i in range(n):
            g = r[f"g{i}"] or 0
            if g:
                per_window[i][r["stream"]] = per_window[i].get(r["stream"], 0) + g


def _day_grams(queryset, key: str, ids: list[int], windows: tuple[Window, ...]) -> dict:
    """key → [stream → grams] per window from a daily table (SiteDay, HaulerDay): one query."""
    out = {i: [{} for _ in windows] for i in ids}
    if not ids:
        return out
    q = Q()
    for w in windows:
        q |= Q(day__gte=w.start, day__lte=w.end)
    sums = {
        f"g{i}": Sum(
            Case(When(day__gte=w.start, day__lte=w.end, then="grams"), default=0, output_field=IntegerField())
        )
        for i, w in enumerate(windows)
    }
    rows = queryset.filter(q, **{f"{key}__in": ids}).values(key, "stream").annotate(**sums).order_by()
    _collect(out, rows, key, len(windows))
    return out


# --- subjects --------------------------------------------------------------------------------------


@dataclass
class Subject:
    """What a measure is about: an area's subtree, one site, or one haulier."""

    kind: str  # "area", "site" or "hauler"
    obj: Area | Site | Hauler
    user: object = field(repr=False, default=None)

    @property
    def population(self) -> int:
        return getattr(self.obj, "population", 0) or 0

    @property
    def name(self) -> str:
        return str(self.obj)

    @property
    def area(self) -> Area | None:
        return self.obj if self.kind == "area" else None

    def grams(self, windows: tuple[Window, ...]) -> list[dict[str, int]]:
        if self.kind == "area":
            return area_grams([self.obj.pk], windows)[self.obj.pk]
        if self.kind == "site":
            qs = for_user(self.user, "view", SiteDay)
            return _day_grams(qs, "site_id", [self.obj.pk], windows)[self.obj.pk]
        qs = for_user(self.user, "view", HaulerDay)
        return _day_grams(qs, "hauler_id", [self.obj.pk], windows)[self.obj.pk]


def _hauler_reader(user) -> bool:
    """Whether `user` reads haulier totals at all (a haulier's own role, or a superuser)."""
    return scope_q(user, "view", HaulerDay) is not None


def subject_for(user, *, area=None, site=None, hauler=None) -> Subject | None:
    """The subject asked for (404 outside the user's scope), or the user's own place by default:
    the widest area it holds a role over, else its haulier, else its site. None: the user has no
    place from which measures can be read."""
    if area not in (None, ""):
        return Subject("area", get_for_user(user, "view", Area, pk=_pk(area)), user)
    if site not in (None, ""):
        obj = get_for_user(user, "view", Site, pk=_pk(site))
        if scope_q(user, "view", SiteDay) is None:
            raise Http404
        return Subject("site", obj, user)
    if hauler not in (None, ""):
        if not _hauler_reader(user):
            raise Http404
        qs = Hauler.objects.all()
        if not user.is_superuser:
            own = [a.hauler_id for a in _assignments(user) if ROLE_TARGET[a.role] == TargetKind.HAULER]
            qs = qs.filter(pk__in=own)
        return Subject("hauler", get_for_user(user, "view", qs, pk=_pk(hauler)), user)
    return default_subject(user)


def _pk(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def default_subject(user) -> Subject | None:
    mine = _assignments(user)
    areas = [a.area for a in mine if ROLE_TARGET[a.role] == TargetKind.AREA and a.area and a.area.is_open]
    if areas:
        return Subject("area", min(areas, key=lambda a: (a.depth, a.path)), user)
    haulers = [a.hauler for a in mine if ROLE_TARGET[a.role] == TargetKind.HAULER and a.hauler]
    if haulers and _hauler_reader(user):
        return Subject("hauler", haulers[0], user)
    sites = [a.site for a in mine if ROLE_TARGET[a.role] == TargetKind.SITE and a.site]
    if sites:
        return Subject("site", sites[0], user)
    if user.is_superuser:
        root = Area.objects.filter(parent__isnull=True).order_by("path").first()
        return Subject("area", root, user) if root else None
    return None


# --- figures and rates -----------------------------------------------------------------------------


def recycling_streams() -> set[str]:
    """The streams of the recycling rate's numerator (setting FENLEI_RECYCLING_STREAMS)."""
    wanted = set(settings.FENLEI_RECYCLING_STREAMS)
    return {s.code for s in scheme_streams() if s.code in wanted or s.category in wanted}


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def change(now: float | None, before: float | None) -> float | None:
    """The change from `before` to `now` in per cent (None when there is nothing to compare with)."""
    if now is None or not before:
        return None
    return (now - before) / before * 100


@dataclass
class Figures:
    """The totals of one subject over one window, and what is derived from them."""

    grams: dict[str, int]
    window: Window
    population: int

    def kg(self, stream: str | None = None) -> float:
        if stream is None:
            return sum(self.grams.values()) / 1000
        return self.grams.get(stream, 0) / 1000

    @property
    def total_kg(self) -> float:
        return self.kg()

    @property
    def kg_per_day(self) -> float:
        return self.total_kg / self.window.days

    @property
    def per_capita(self) -> float | None:
        """Kilograms per resident per day (all streams)."""
        if not self.population:
            return None
        return self.total_kg / self.population / self.window.days

    @property
    def food_share(self) -> float | None:
        """厨余分出率: food ÷ (food + residual + mixed)."""
        food, residual = self.grams.get(food_code(), 0), self.grams.get(residual_code(), 0)
        return _ratio(food, food + residual + self.grams.get(MIXED, 0))

    @property
    def recycling_rate(self) -> float | None:
        """回收利用率: the streams of FENLEI_RECYCLING_STREAMS ÷ all streams."""
        wanted = recycling_streams()
        return _ratio(sum(g for s, g in self.grams.items() if s in wanted), sum(self.grams.values()))


@dataclass
class StreamRow:
    code: str
    label: str
    kg: float
    previous_kg: float
    last_year_kg: float

    @property
    def change(self) -> float | None:
        return change(self.kg, self.previous_kg)

    @property
    def change_last_year(self) -> float | None:
        return change(self.kg, self.last_year_kg)


@dataclass
class RateRow:
    key: str
    label: str
    value: float | None
    previous: float | None
    last_year: float | None
    unit: str = "%"  # "%" (a share shown in per cent) or "kg" (kilograms per person per day)


@dataclass
class Reduction:
    """减量率 against one baseline: (baseline kg/day − current kg/day) ÷ baseline kg/day."""

    stream: str
    label: str
    baseline_label: str
    baseline_kg_per_day: float
    kg_per_day: float

    @property
    def rate(self) -> float | None:
        return _ratio(self.baseline_kg_per_day - self.kg_per_day, self.baseline_kg_per_day)


@dataclass
class Measures:
    subject: Subject
    comparison: Comparison
    now: Figures
    before: Figures
    year_ago: Figures
    reductions: list[Reduction]

    @property
    def streams(self) -> list[StreamRow]:
        codes = [s.code for s in scheme_streams()]
        seen = set(self.now.grams) | set(self.before.grams) | set(self.year_ago.grams)
        codes += sorted(seen - set(codes))  # mixed waste, and any stream the scheme no longer has
        return [
            StreamRow(c, stream_label(c), self.now.kg(c), self.before.kg(c), self.year_ago.kg(c))
            for c in codes
            if c in seen or c != MIXED
        ]

    @property
    def total(self) -> StreamRow:
        return StreamRow(
            "", _("All streams"), self.now.total_kg, self.before.total_kg, self.year_ago.total_kg
        )

    @property
    def rates(self) -> list[RateRow]:
        f = (self.now, self.before, self.year_ago)
        return [
            RateRow("food_share", _("Food-waste separation rate"), *(x.food_share for x in f)),
            RateRow("recycling_rate", _("Recycling rate"), *(x.recycling_rate for x in f)),
            RateRow("per_capita", _("Generation per resident"), *(x.per_capita for x in f), unit="kg"),
        ]


def measures(subject: Subject, comparison: Comparison) -> Measures:
    """Tonnage by stream with its two comparisons, the rates and the reductions (2–3 queries)."""
    now, before, year_ago = (
        Figures(g, w, subject.population)
        for g, w in zip(subject.grams(comparison.windows), comparison.windows, strict=True)
    )
    reductions = []
    if subject.kind == "area":
        baselines = for_user(subject.user, "view", Baseline).filter(area_id=subject.obj.pk).order_by("stream")
        for b in baselines:
            current = now.kg(b.stream or None) / now.window.days
            reductions.append(
                Reduction(
                    b.stream,
                    stream_label(b.stream) if b.stream else _("All streams"),
                    b.label,
                    float(b.kg_per_day),
                    current,
                )
            )
    return Measures(subject, comparison, now, before, year_ago, reductions)


# --- the breakdown by child units ------------------------------------------------------------------


@dataclass
class ChildRow:
    kind: str  # "area" or "site"
    obj: Area | Site
    now: Figures
    before: Figures

    @property
    def change(self) -> float | None:
        return change(self.now.total_kg, self.before.total_kg)


def children(subject: Subject, comparison: Comparison) -> list[ChildRow]:
    """The subject's child units with their figures for the current and the previous window: a
    district's streets, a street's communities (one query for the areas, two for their totals), a
    community's sites (one for the sites, one for their daily totals)."""
    if subject.kind != "area":
        return []
    area = subject.obj
    windows = (comparison.current, comparison.previous)
    kids = list(
        for_user(subject.user, "view", Area.objects.filter(parent_id=area.pk, closed_on__isnull=True))
        .order_by("path")
        .only("id", "name", "path", "kind", "population", "parent_id", "closed_on", "depth")
    )
    if kids:
        grams = area_grams([k.pk for k in kids], windows)
        return [
            ChildRow(
                "area",
                k,
                Figures(grams[k.pk][0], windows[0], k.population),
                Figures(grams[k.pk][1], windows[1], k.population),
            )
            for k in kids
        ]
    sites = list(
        for_user(subject.user, "view", Site.objects.filter(community_id=area.pk, closed_on__isnull=True))
        .order_by("name", "pk")
        .only("id", "name", "population", "area_path", "community_id", "closed_on")
    )
    if not sites:
        return []
    grams = _day_grams(for_user(subject.user, "view", SiteDay), "site_id", [s.pk for s in sites], windows)
    return [
        ChildRow(
            "site",
            s,
            Figures(grams[s.pk][0], windows[0], s.population),
            Figures(grams[s.pk][1], windows[1], s.population),
        )
        for s in sites
    ]
