"""Data quality, DHIS2-style: completeness and timeliness of expected reports, validation rules,
statistical outliers and missing reports — read from the daily totals of sites (`SiteDay`) and areas.

- Completeness = reports received ÷ reports expected; timeliness = reports on time ÷ reports received.
  A report is one due *slot* of an expected report (a day, an ISO week or a month, by its frequency)
  of one site and one stream; it is received when the site has a record of that stream in the slot,
  on time when one of them was not entered late (`SiteDay.late`).
- The detectors (`@detector`) judge the ISO weeks (for a validation rule, a missing report, an
  outlier's days: the days) that *end* inside the days they are given, so a daily run over the last
  28 days finds each problem once: their keys name the subject and the week or day.

The definitions, thresholds and a worked example of each are in docs/collection-measures.md.
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, DateField, F, Func, Q
from django.utils.translation import gettext as _

from fenlei.collection.choices import MIXING_KINDS, AlarmKind, AlarmState, Frequency, RuleKind
from fenlei.collection.detect import detector
from fenlei.collection.models import Alarm, AreaDay, ExpectedReport, Record, SiteDay, ValidationRule
from fenlei.collection.selectors import Subject, Window
from fenlei.collection.streams import food_code, stream_label
from fenlei.core.periods import Period
from fenlei.core.scoping import for_user, subtree_q
from fenlei.org.choices import PATH_SEGMENT, PATH_SEP
from fenlei.org.models import Area, Site

DAY = datetime.timedelta(days=1)

# --- shared by the detectors -----------------------------------------------------------------------


def weeks_ending_in(first: datetime.date, last: datetime.date) -> list[Period]:
    """The ISO weeks whose Sunday lies between `first` and `last`."""
    sunday = first + datetime.timedelta(days=(6 - first.weekday()) % 7)
    weeks = []
    while sunday <= last:
        weeks.append(Period.week(sunday))
        sunday += datetime.timedelta(days=7)
    return weeks


def sites_by_id(ids) -> dict[int, Site]:
    return {
        s.pk: s for s in Site.objects.filter(pk__in=set(ids)).only("id", "name", "community_id", "area_path")
    }


def site_alarm(kind: str, key: str, site: Site, first: datetime.date, last: datetime.date, **fields) -> dict:
    """An alarm about a site, routed to the site's community (and so to its street)."""
    return {
        "kind": kind,
        "key": key[:120],
        "area_id": site.community_id,
        "area_path": site.area_path,
        "site_id": site.pk,
        "first_day": first,
        "last_day": last,
        **fields,
    }


def kg(grams: int) -> float:
    return round(grams / 1000, 2)


# --- expected reports: completeness and timeliness -------------------------------------------------


def applicable_reports(area: Area) -> list[ExpectedReport]:
    """The expected reports in force that reach sites under `area`: those placed at `area`, above it
    or below it. They are read for the area the user may see, whoever placed them."""
    q = Q(area_path__in=[*area.ancestor_paths(), area.path]) | subtree_q("area_path", area.path)
    return list(ExpectedReport.objects.filter(q, active=True).select_related("area"))


def expectations(sites: list[Site], reports: list[ExpectedReport]) -> dict[tuple[int, str], str]:
    """(site id, stream) → the most frequent frequency due, for every site an expected report reaches."""
    order = {Frequency.DAILY: 0, Frequency.WEEKLY: 1, Frequency.MONTHLY: 2}
    due: dict[tuple[int, str], str] = {}
    for r in reports:
        for s in sites:
            if not s.area_path.startswith(r.area.path):
                continue
            if r.site_kind_id is not None and r.site_kind_id != s.kind_id:
                continue
            key = (s.pk, r.stream)
            if key not in due or order[r.frequency] < order[due[key]]:
                due[key] = r.frequency
    return due


def slots(frequency: str, window: Window) -> int:
    """How many slots of `frequency` lie (wholly or partly) in `window`."""
    if frequency == Frequency.DAILY:
        return window.days
    if frequency == Frequency.WEEKLY:
        first = window.start - datetime.timedelta(days=window.start.weekday())
        last = window.end - datetime.timedelta(days=window.end.weekday())
        return (last - first).days // 7 + 1
    return (window.end.year - window.start.year) * 12 + window.end.month - window.start.month + 1


class _Bucket(Func):
    """The week (its Monday) or the month a day falls in, in the database's own terms: SQLite's
    `date()` and `strftime()` rather than Django's TruncWeek, which SQLite runs as a Python function
    for every row."""

    output_field = DateField()
    sqlite_template = ""
    postgresql_template = ""

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template=self.sqlite_template, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template=self.postgresql_template, **extra)


class _Week(_Bucket):
    template = "django_date_trunc('week', %(expressions)s, NULL, NULL)"
    sqlite_template = "date(%(expressions)s, 'weekday 0', '-6 days')"
    postgresql_template = "date_trunc('week', %(expressions)s)"


class _Month(_Bucket):
    template = "django_date_trunc('month', %(expressions)s, NULL, NULL)"
    sqlite_template = "strftime('%%Y-%%m', %(expressions)s)"
    postgresql_template = "date_trunc('month', %(expressions)s)"


_BUCKET = {Frequency.WEEKLY: _Week, Frequency.MONTHLY: _Month}


def received(
    sites, window: Window, due: dict[tuple[int, str], str]
) -> dict[tuple[int, str], tuple[int, int]]:
    """(site id, stream) → (slots received, slots on time) in `window`: one query per frequency due.

    `sites` is a queryset of the sites concerned: the daily totals are reached through their
    (site, day, stream) key, a few rows per site, rather than through the path of a large subtree.
    A daily slot is a row (one per site, day and stream); weeks and months are counted distinct.
    """
    out: dict[tuple[int, str], tuple[int, int]] = {}
    for frequency in sorted(set(due.values())):
        streams = sorted({s for (_, s), f in due.items() if f == frequency})
        if frequency == Frequency.DAILY:
            got, timely = Count("pk"), Count("pk", filter=Q(records__gt=F("late")))
        else:
            bucket = _BUCKET[frequency]("day")
            got = Count(bucket, distinct=True)
            timely = Count(bucket, distinct=True, filter=Q(records__gt=F("late")))
        rows = (
            SiteDay.objects.filter(
                site_id__in=sites.values("pk"),
                day__gte=window.start,
                day__lte=window.end,
                stream__in=streams,
            )
            .values("site_id", "stream")
            .annotate(got=got, timely=timely)
            .order_by()
        )
        for r in rows:
            key = (r["site_id"], r["stream"])
            if due.get(key) == frequency:
                out[key] = (r["got"], r["timely"])
    return out


@dataclass
class QualityRow:
    """Completeness, timeliness and follow-ups of one unit (a site, a community, a street …)."""

    unit: Area | Site | None
    expected: int = 0
    received: int = 0
    on_time: int = 0
    follow_up: int = 0
    sites: set = field(default_factory=set)

    @property
    def completeness(self) -> float | None:
        return self.received / self.expected if self.expected else None

    @property
    def timeliness(self) -> float | None:
        return self.on_time / self.received if self.received else None

    def add(self, other: QualityRow) -> None:
        self.expected += other.expected
        self.received += other.received
        self.on_time += other.on_time
        self.follow_up += other.follow_up


@dataclass
class Quality:
    total: QualityRow
    rows: list[QualityRow]
    #: Open data-quality findings by kind (rule, outlier, missing).
    findings: dict[str, int]


def _child_path(path: str, parent_path: str) -> str:
    return path[: len(parent_path) + PATH_SEGMENT + len(PATH_SEP)]


def quality(subject: Subject, window: Window, *, follow_ups: bool = True) -> Quality | None:
    """Completeness, timeliness and (unless `follow_ups` is False) follow-ups of the subject's units
    over `window`: an area's child areas (a community's sites), or one site. A constant number of
    queries (about six).

    The records marked for follow-up are counted from the records themselves (no total keeps them):
    the overview leaves them to the data-quality page."""
    if subject.kind == "hauler":
        return None
    user = subject.user
    if subject.kind == "site":
        site = subject.obj
        area = Area(path=site.area_path, depth=site.area_path.count(PATH_SEP) - 1)
        site_qs = Site.objects.filter(pk=site.pk)
        sites = [site]
    else:
        area = subject.obj
        site_qs = for_user(user, "view", Site.objects.filter(subtree_q("area_path", area.path))).filter(
            Q(closed_on__isnull=True) | Q(closed_on__gte=window.start)
        )
        sites = list(site_qs.only("id", "name", "kind_id", "community_id", "area_path"))
    reports = applicable_reports(area) if subject.kind == "area" else _reports_for_site(subject.obj)
    due = expectations(sites, reports)
    got = received(site_qs, window, due) if due else {}
    # the units: a community's (or one site's) sites, else the child areas
    by_site = {s.pk: s for s in sites}
    per_site: dict[int, QualityRow] = defaultdict(lambda: QualityRow(None))
    for (site_id, stream), frequency in due.items():
        row = per_site[site_id]
        row.expected += slots(frequency, window)
        r, t = got.get((site_id, stream), (0, 0))
        row.received += r
        row.on_time += t
    flagged = (
        for_user(user, "view", Record)
        .filter(subtree_q("area_path", area.path) if subject.kind == "area" else Q(site_id=subject.obj.pk))
        .filter(follow_up=True, voided_at__isnull=True, day__gte=window.start, day__lte=window.end)
        .values("area_path", "site_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    flags = list(flagged) if follow_ups else []
    if subject.kind == "site" or (subject.kind == "area" and area.is_community):
        units = {s.pk: QualityRow(s) for s in sorted(sites, key=lambda s: s.name)}
        for site_id, row in per_site.items():
            units[site_id].add(row)
        for f in flags:
            if f["site_id"] in units:
                units[f["site_id"]].follow_up += f["n"]
    else:
        kids = list(
            for_user(user, "view", Area.objects.filter(parent_id=area.pk, closed_on__isnull=True))
            .order_by("path")
            .only("id", "name", "path", "kind")
        )
        units = {k.path: QualityRow(k) for k in kids}
        for site_id, row in per_site.items():
            unit = units.get(_child_path(by_site[site_id].area_path, area.path))
            if unit is not None:
                unit.add(row)
        for f in flags:
            unit = units.get(_child_path(f["area_path"], area.path))
            if unit is not None:
                unit.follow_up += f["n"]
    total = QualityRow(subject.obj)
    for row in units.values():
        total.add(row)
    if subject.kind == "area":
        total.follow_up = sum(f["n"] for f in flags)
    findings = open_alarms(subject)
    return Quality(total, list(units.values()), {k: n for k, n in findings.items() if k not in MIXING_KINDS})


def _reports_for_site(site: Site) -> list[ExpectedReport]:
    paths = Area(path=site.area_path).ancestor_paths() + [site.area_path]
    return list(ExpectedReport.objects.filter(area_path__in=paths, active=True).select_related("area"))


OPEN_STATES = (AlarmState.OPEN, AlarmState.ACKNOWLEDGED)


def open_alarms(subject: Subject) -> dict[str, int]:
    """Open (or acknowledged) alarms and findings in the subject's scope, by kind (one query)."""
    qs = for_user(subject.user, "view", Alarm).filter(state__in=OPEN_STATES)
    if subject.kind == "area":
        qs = qs.filter(subtree_q("area_path", subject.obj.path))
    elif subject.kind == "site":
        qs = qs.filter(site_id=subject.obj.pk)
    else:
        qs = qs.filter(hauler_id=subject.obj.pk)
    return dict(qs.values_list("kind").annotate(n=Count("id")).order_by())


# --- detectors: missing reports ---------------------------------------------------------------------


@detector(AlarmKind.MISSING)
def detect_missing(first: datetime.date, last: datetime.date) -> list[dict]:
    """A site without a report of an expected stream in a slot: one finding per site, stream and
    ISO week (daily and weekly reports) or month (monthly reports) that ends in the window."""
    reports = list(ExpectedReport.objects.filter(active=True).select_related("area"))
    if not reports:
        return []
    weeks = weeks_ending_in(first, last)
    months = []
    day = first
    while day <= last:
        month = Period.month(day)
        if first <= month.end <= last:
            months.append(month)
        day = month.end + DAY
    start = min([w.start for w in weeks] + [m.start for m in months], default=None)
    if start is None:
        return []
    q = Q()
    for r in reports:
        q |= subtree_q("area_path", r.area.path)
    sites = list(
        Site.objects.filter(q)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=last))
        .only("id", "name", "kind_id", "community_id", "area_path")
    )
    due = expectations(sites, reports)
    if not due:
        return []
    streams = sorted({s for _, s in due})
    days: dict[tuple[int, str], set[datetime.date]] = defaultdict(set)
    for site_id, stream, d in SiteDay.objects.filter(
        day__gte=start, day__lte=last, stream__in=streams, site_id__in=[s.pk for s in sites]
    ).values_list("site_id", "stream", "day"):
        days[(site_id, stream)].add(d)
    by_id = {s.pk: s for s in sites}
    found = []
    for (site_id, stream), frequency in sorted(due.items()):
        site, seen = by_id[site_id], days.get((site_id, stream), set())
        for period in months if frequency == Frequency.MONTHLY else weeks:
            all_days = [period.start + DAY * i for i in range(period.days)]
            if frequency == Frequency.DAILY:
                missing = [d for d in all_days if d not in seen]
                expected = len(all_days)
            else:
                missing = [] if any(d in seen for d in all_days) else [period.start]
                expected = 1
            if not missing:
                continue
            evidence = {
                "stream": stream,
                "frequency": frequency,
                "period": period.code,
                "expected": expected,
                "received": expected - len(missing),
            }
            if frequency == Frequency.DAILY:
                evidence["missing_days"] = [d.isoformat() for d in missing]
            found.append(
                site_alarm(
                    AlarmKind.MISSING,
                    f"missing:{site_id}:{stream}:{period.code}",
                    site,
                    period.start,
                    period.end,
                    evidence=evidence,
                    summary=_("{site}: {stream}, {received} of {expected} reports in {period}").format(
                        site=site.name,
                        stream=stream_label(stream),
                        received=evidence["received"],
                        expected=expected,
                        period=period.label,
                    )[:300],
                )
            )
    return found


# --- detectors: validation rules ---------------------------------------------------------------------


def _unit_weeks(rows, weeks: list[Period]) -> dict[tuple, dict[str, int]]:
    """(unit id, week code) → stream → grams, from (unit id, day, stream, grams) rows."""
    out: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for unit, day, stream, grams in rows:
        for w in weeks:
            if day in w:
                out[(unit, w.code)][stream] += grams
                break
    return out


def _check(value: float, rule: ValidationRule) -> bool:
    """Whether `value` lies within the rule's bounds."""
    if rule.minimum is not None and value < float(rule.minimum):
        return False
    return not (rule.maximum is not None and value > float(rule.maximum))


def _rule_value(rule: ValidationRule, grams: dict[str, int], population: int, days: int) -> float | None:
    total = sum(grams.values())
    if not total:
        return None
    if rule.kind == RuleKind.WET_SHARE:
        return grams.get(food_code(), 0) / total * 100
    if rule.kind == RuleKind.PER_CAPITA:
        if not population:
            return None
        g = grams.get(rule.stream, 0) if rule.stream else total
        return g / 1000 / population / days
    return None


def _bounds(rule: ValidationRule) -> str:
    low = "—" if rule.minimum is None else f"{rule.minimum.normalize():f}"
    high = "—" if rule.maximum is None else f"{rule.maximum.normalize():f}"
    return f"{low} … {high}"


@detector(AlarmKind.RULE)
def detect_rules(first: datetime.date, last: datetime.date) -> list[dict]:
    """Each validation rule in force, for every site and every area under its area: the wet share
    and the per-capita figure of each ISO week that ends in the window, one day's weight of a stream
    at a site on each day of the window."""
    found = []
    rules = list(ValidationRule.objects.filter(active=True).select_related("area"))
    weeks = weeks_ending_in(first, last)
    for rule in rules:
        if rule.minimum is None and rule.maximum is None:
            continue
        path = rule.area.path
        if rule.kind == RuleKind.DAY_WEIGHT:
            found += _day_weight(rule, first, last)
            continue
        if not weeks:
            continue
        start = weeks[0].start
        site_rows = SiteDay.objects.filter(
            subtree_q("area_path", path), day__gte=start, day__lte=weeks[-1].end
        ).values_list("site_id", "day", "stream", "grams")
        areas = {
            a.pk: a
            for a in Area.objects.filter(subtree_q("path", path)).only(
                "id", "name", "path", "population", "parent_id"
            )
        }
        area_rows = AreaDay.objects.filter(
            area_id__in=list(areas), day__gte=start, day__lte=weeks[-1].end
        ).values_list("area_id", "day", "stream", "grams")
        site_weeks = _unit_weeks(site_rows, weeks)
        sites = {
            s.pk: s
            for s in Site.objects.filter(pk__in={k[0] for k in site_weeks}).only(
                "id", "name", "community_id", "area_path", "population"
            )
        }
        week_of = {w.code: w for w in weeks}
        for (site_id, code), grams in sorted(site_weeks.items()):
            site, week = sites[site_id], week_of[code]
            value = _rule_value(rule, grams, site.population, week.days)
            if value is None or _check(value, rule):
                continue
            found.append(
                site_alarm(
                    AlarmKind.RULE,
                    f"rule:{rule.pk}:site:{site_id}:{code}",
                    site,
                    week.start,
                    week.end,
                    evidence=_rule_evidence(rule, value, grams, code, site.population),
                    summary=_rule_summary(rule, site.name, value, week),
                )
            )
        for (area_id, code), grams in sorted(_unit_weeks(area_rows, weeks).items()):
            area, week = areas[area_id], week_of[code]
            value = _rule_value(rule, grams, area.population, week.days)
            if value is None or _check(value, rule):
                continue
            found.append(
                {
                    "kind": AlarmKind.RULE,
                    "key": f"rule:{rule.pk}:area:{area_id}:{code}",
                    "area_id": area.pk,
                    "area_path": area.path,
                    "first_day": week.start,
                    "last_day": week.end,
                    "evidence": _rule_evidence(rule, value, grams, code, area.population),
                    "summary": _rule_summary(rule, area.name, value, week),
                }
            )
    return found


def _rule_evidence(rule, value, grams, period_code, population) -> dict:
    return {
        "rule": rule.pk,
        "rule_kind": rule.kind,
        "stream": rule.stream,
        "minimum": None if rule.minimum is None else float(rule.minimum),
        "maximum": None if rule.maximum is None else float(rule.maximum),
        "value": round(value, 3),
        "period": period_code,
        "kg": {s: kg(g) for s, g in sorted(grams.items())},
        "population": population,
    }


def _rule_summary(rule, name: str, value: float, period) -> str:
    return _("{unit}: {rule} is {value:.2f} in {period} (allowed {bounds})").format(
        unit=name, rule=rule.get_kind_display(), value=value, period=period.label, bounds=_bounds(rule)
    )[:300]


def _day_weight(rule: ValidationRule, first: datetime.date, last: datetime.date) -> list[dict]:
    q = Q(day__gte=first, day__lte=last)
    low = None if rule.minimum is None else int(rule.minimum * 1000)
    high = None if rule.maximum is None else int(rule.maximum * 1000)
    bound = Q()
    if low is not None:
        bound |= Q(grams__lt=low)
    if high is not None:
        bound |= Q(grams__gt=high)
    qs = SiteDay.objects.filter(subtree_q("area_path", rule.area.path), q, bound)
    if rule.stream:
        qs = qs.filter(stream=rule.stream)
    rows = list(qs.values_list("site_id", "day", "stream", "grams").order_by("site_id", "day", "stream"))
    sites = sites_by_id(r[0] for r in rows)
    found = []
    for site_id, day, stream, grams in rows:
        site = sites[site_id]
        value = grams / 1000
        found.append(
            site_alarm(
                AlarmKind.RULE,
                f"rule:{rule.pk}:site:{site_id}:{day.isoformat()}:{stream}",
                site,
                day,
                day,
                evidence=_rule_evidence(rule, value, {stream: grams}, day.isoformat(), None),
                summary=_rule_summary(rule, f"{site.name} · {stream_label(stream)}", value, Period.day(day)),
            )
        )
    return found


# --- detectors: statistical outliers ---------------------------------------------------------------

#: The consistency constant that makes the median absolute deviation estimate a standard deviation.
MAD_SCALE = 0.6745
#: The same for the mean absolute deviation (√(π/2)), used when more than half the history is equal.
MEAN_AD_SCALE = 1.2533


def robust_z(value: float, history: list[float]) -> tuple[float | None, float, float]:
    """The robust z-score of `value` against `history`: 0.6745 × (x − median) ÷ MAD, or, when the MAD
    is zero, (x − median) ÷ (1.2533 × mean absolute deviation). Returns (z, median, spread)."""
    median = statistics.median(history)
    mad = statistics.median(abs(h - median) for h in history)
    if mad > 0:
        return MAD_SCALE * (value - median) / mad, median, mad
    mean_ad = statistics.fmean(abs(h - median) for h in history)
    if mean_ad > 0:
        return (value - median) / (MEAN_AD_SCALE * mean_ad), median, mean_ad
    return None, median, 0.0


@detector(AlarmKind.OUTLIER)
def detect_outliers(first: datetime.date, last: datetime.date) -> list[dict]:
    """A site's day of one stream whose robust z-score against the site's own previous days
    (FENLEI_OUTLIER_HISTORY_DAYS, of which at least FENLEI_OUTLIER_MIN_DAYS have records) is above
    FENLEI_OUTLIER_Z, on either side."""
    history_days = settings.FENLEI_OUTLIER_HISTORY_DAYS
    threshold = settings.FENLEI_OUTLIER_Z
    start = first - datetime.timedelta(days=history_days)
    series: dict[tuple[int, str], dict[datetime.date, int]] = defaultdict(dict)
    for site_id, stream, day, grams in SiteDay.objects.filter(day__gte=start, day__lte=last).values_list(
        "site_id", "stream", "day", "grams"
    ):
        series[(site_id, stream)][day] = grams
    hits = []
    for (site_id, stream), by_day in series.items():
        for day, grams in by_day.items():
            if day < first:
                continue
            since = day - datetime.timedelta(days=history_days)
            history = [g / 1000 for d, g in by_day.items() if since <= d < day]
            if len(history) < settings.FENLEI_OUTLIER_MIN_DAYS:
                continue
            z, median, spread = robust_z(grams / 1000, history)
            if z is not None and abs(z) > threshold:
                hits.append((site_id, stream, day, grams, z, median, spread, len(history)))
    sites = sites_by_id(h[0] for h in hits)
    found = []
    for site_id, stream, day, grams, z, median, spread, n in sorted(hits):
        site = sites[site_id]
        found.append(
            site_alarm(
                AlarmKind.OUTLIER,
                f"outlier:{site_id}:{stream}:{day.isoformat()}",
                site,
                day,
                day,
                evidence={
                    "stream": stream,
                    "day": day.isoformat(),
                    "kg": kg(grams),
                    "median_kg": round(median, 2),
                    "spread_kg": round(spread, 2),
                    "z": round(z, 2),
                    "threshold": threshold,
                    "history_days": n,
                },
                summary=_("{site}: {stream} {kg} kg on {day}, usually about {median} kg (z = {z})").format(
                    site=site.name,
                    stream=stream_label(stream),
                    kg=kg(grams),
                    day=day.isoformat(),
                    median=round(median, 1),
                    z=round(z, 1),
                )[:300],
            )
        )
    return found
