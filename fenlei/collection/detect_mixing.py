"""Mixed-collection alarms that need a trend to see (家里几类、出门一类): a site's wet stream vanishing
while its dry stream rises, a site recorded only as mixed waste, the hauliers' "poor" grades piling up.

Each detector judges the ISO weeks that end inside the days it is given, from the sites' daily totals
(`SiteDay`), and returns one alarm per site and week with the figures that raised it; the key names
the kind, the site and the week, so running it again finds nothing new. Thresholds are settings
(FENLEI_WET_VANISHED_*, FENLEI_ONLY_MIXED_MIN_DAYS, FENLEI_POOR_GRADES_MIN); the alarm goes to the
site's community and street. (A trip or a vehicle carrying the wrong streams is seen when its records
are written: `services._write_time_alarms`.)
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext as _

from fenlei.collection.choices import MIXED, AlarmKind
from fenlei.collection.detect import detector
from fenlei.collection.models import SiteDay
from fenlei.collection.quality import kg, site_alarm, sites_by_id, weeks_ending_in
from fenlei.collection.streams import food_code, residual_code


@detector(AlarmKind.WET_VANISHED)
def detect_wet_vanished(first: datetime.date, last: datetime.date) -> list[dict]:
    """A week in which a site's wet stream falls to at most FENLEI_WET_VANISHED_SHARE of its weekly
    average over the FENLEI_WET_VANISHED_WEEKS weeks before, while its dry side (dry + mixed) rises
    by at least FENLEI_WET_VANISHED_DRY_RISE over its own average; sites whose wet average is under
    FENLEI_WET_VANISHED_MIN_KG a week are left out."""
    weeks = weeks_ending_in(first, last)
    if not weeks:
        return []
    n = settings.FENLEI_WET_VANISHED_WEEKS
    share, rise = settings.FENLEI_WET_VANISHED_SHARE, settings.FENLEI_WET_VANISHED_DRY_RISE
    min_grams = settings.FENLEI_WET_VANISHED_MIN_KG * 1000
    wet, dry = food_code(), residual_code()
    start = weeks[0].start - datetime.timedelta(days=7 * n)
    weekly: dict[int, dict[datetime.date, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for site_id, day, stream, grams in SiteDay.objects.filter(
        day__gte=start, day__lte=weeks[-1].end, stream__in=[wet, dry, MIXED]
    ).values_list("site_id", "day", "stream", "grams"):
        monday = day - datetime.timedelta(days=day.weekday())
        weekly[site_id][monday][0 if stream == wet else 1] += grams
    hits = []
    for site_id, by_week in weekly.items():
        for week in weeks:
            before = [
                by_week.get(week.start - datetime.timedelta(days=7 * i), [0, 0]) for i in range(1, n + 1)
            ]
            wet_base = sum(b[0] for b in before) / n
            dry_base = sum(b[1] for b in before) / n
            wet_now, dry_now = by_week.get(week.start, [0, 0])
            if wet_base < min_grams or wet_now > share * wet_base:
                continue
            if dry_now <= dry_base * (1 + rise) or dry_now == 0:
                continue
            hits.append((site_id, week, wet_now, dry_now, wet_base, dry_base, before))
    sites = sites_by_id(h[0] for h in hits)
    found = []
    for site_id, week, wet_now, dry_now, wet_base, dry_base, before in hits:
        site = sites[site_id]
        found.append(
            site_alarm(
                AlarmKind.WET_VANISHED,
                f"{AlarmKind.WET_VANISHED}:{site_id}:{week.code}",
                site,
                week.start,
                week.end,
                evidence={
                    "week": week.code,
                    "wet_kg": kg(wet_now),
                    "dry_kg": kg(dry_now),
                    "wet_average_kg": kg(wet_base),
                    "dry_average_kg": kg(dry_base),
                    "weeks_before": [
                        {"wet_kg": kg(b[0]), "dry_kg": kg(b[1])} for b in before
                    ],  # the latest week first
                    "wet_share_max": share,
                    "dry_rise_min": rise,
                },
                summary=_(
                    "{site}: wet waste fell to {wet} kg in {week} (about {wet_base} kg a week before) "
                    "while dry waste rose to {dry} kg (about {dry_base} kg)"
                ).format(
                    site=site.name,
                    week=week.label,
                    wet=kg(wet_now),
                    wet_base=round(wet_base / 1000),
                    dry=kg(dry_now),
                    dry_base=round(dry_base / 1000),
                )[:300],
            )
        )
    return found


@detector(AlarmKind.ONLY_MIXED)
def detect_only_mixed(first: datetime.date, last: datetime.date) -> list[dict]:
    """A week in which a site's records are all mixed waste, on at least FENLEI_ONLY_MIXED_MIN_DAYS
    days, and none in any sorted stream."""
    weeks = weeks_ending_in(first, last)
    if not weeks:
        return []
    min_days = settings.FENLEI_ONLY_MIXED_MIN_DAYS
    # site → monday → [mixed days, mixed grams, sorted grams]
    weekly: dict[int, dict[datetime.date, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    for site_id, day, stream, grams in SiteDay.objects.filter(
        day__gte=weeks[0].start, day__lte=weeks[-1].end
    ).values_list("site_id", "day", "stream", "grams"):
        w = weekly[site_id][day - datetime.timedelta(days=day.weekday())]
        if stream == MIXED:
            w[0] += 1
            w[1] += grams
        else:
            w[2] += grams
    hits = [
        (site_id, week, *by_week[week.start])
        for site_id, by_week in weekly.items()
        for week in weeks
        if week.start in by_week and by_week[week.start][0] >= min_days and by_week[week.start][2] == 0
    ]
    sites = sites_by_id(h[0] for h in hits)
    return [
        site_alarm(
            AlarmKind.ONLY_MIXED,
            f"{AlarmKind.ONLY_MIXED}:{site_id}:{week.code}",
            sites[site_id],
            week.start,
            week.end,
            evidence={"week": week.code, "mixed_days": days, "mixed_kg": kg(grams), "sorted_kg": 0},
            summary=_("{site}: only mixed waste recorded in {week} ({days} days, {kg} kg)").format(
                site=sites[site_id].name, week=week.label, days=days, kg=kg(grams)
            )[:300],
        )
        for site_id, week, days, grams, _sorted in hits
    ]


@detector(AlarmKind.POOR_GRADES)
def detect_poor_grades(first: datetime.date, last: datetime.date) -> list[dict]:
    """A week in which the hauliers graded a site's sorting "poor" (差) at least FENLEI_POOR_GRADES_MIN
    times."""
    weeks = weeks_ending_in(first, last)
    if not weeks:
        return []
    minimum = settings.FENLEI_POOR_GRADES_MIN
    rows = (
        SiteDay.objects.filter(day__gte=weeks[0].start, day__lte=weeks[-1].end, graded__gt=0)
        .values("site_id", "day")
        .annotate(poor=Sum("poor"), graded=Sum("graded"))
        .order_by("site_id", "day")
    )
    weekly: dict[tuple[int, str], dict] = {}
    for r in rows:
        week = next(w for w in weeks if r["day"] in w)
        w = weekly.setdefault((r["site_id"], week.code), {"week": week, "poor": 0, "graded": 0, "days": []})
        w["poor"] += r["poor"]
        w["graded"] += r["graded"]
        if r["poor"]:
            w["days"].append({"day": r["day"].isoformat(), "poor": r["poor"]})
    hits = [(k, v) for k, v in sorted(weekly.items()) if v["poor"] >= minimum]
    sites = sites_by_id(key[0] for key, _v in hits)
    found = []
    for (site_id, code), v in hits:
        week, site = v["week"], sites[site_id]
        found.append(
            site_alarm(
                AlarmKind.POOR_GRADES,
                f"{AlarmKind.POOR_GRADES}:{site_id}:{code}",
                site,
                week.start,
                week.end,
                evidence={
                    "week": code,
                    "poor": v["poor"],
                    "graded": v["graded"],
                    "threshold": minimum,
                    "days": v["days"],
                },
                summary=_("{site}: {poor} of {graded} loads graded “poor” in {week}").format(
                    site=site.name, poor=v["poor"], graded=v["graded"], week=week.label
                )[:300],
            )
        )
    return found
