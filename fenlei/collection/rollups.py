"""The collection totals kept on write, and their rebuild from the records.

Every write of records (ingest, correction, voiding) turns the records it adds or removes into
`Fact`s and calls `apply(facts)` in its own transaction. `rebuild()` recomputes every total from the
records (`fenlei rebuild_rollups`); a test proves both give the same tables.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

from django.db import transaction
from django.db.models import Case, Count, IntegerField, Q, Sum, When
from django.db.models.functions import Cast, Round, TruncMonth

from fenlei.collection.choices import Grade
from fenlei.collection.models import AreaDay, AreaMonth, HaulerDay, Record, SiteDay
from fenlei.core.rollups import Deltas
from fenlei.org.models import Area


class Fact(NamedTuple):
    """What one record contributes to the totals."""

    day: datetime.date
    site_id: int | None
    area_path: str
    stream: str
    grams: int
    hauler_id: int | None
    grade: str
    late: bool


def grams(weight_kg) -> int:
    return int((Decimal(weight_kg) * 1000).to_integral_value())


def fact(record: Record) -> Fact:
    return Fact(
        record.day,
        record.site_id,
        record.area_path,
        record.stream,
        grams(record.weight_kg),
        record.hauler_id,
        record.grade,
        record.late,
    )


def _ancestor_paths(path: str) -> list[str]:
    parts = path.split(".")[:-1]
    return [".".join(parts[:i]) + "." for i in range(1, len(parts) + 1)]


def area_ids(paths: Iterable[str]) -> dict[str, int]:
    """path → id of every area on the way from the root to each of `paths` (one query)."""
    wanted = set()
    for p in set(paths):
        wanted.update(_ancestor_paths(p))
    return dict(Area.objects.filter(path__in=wanted).values_list("path", "id")) if wanted else {}


def deltas(facts: Iterable[tuple[Fact, int]]) -> list[Deltas]:
    """The changes to every total for `facts`, each with its sign (+1 added, -1 removed)."""
    facts = list(facts)
    ids = area_ids(f.area_path for f, _ in facts)
    area_day = Deltas(AreaDay, ("area", "day", "stream"), ("grams", "records"))
    area_month = Deltas(AreaMonth, ("area", "month", "stream"), ("grams", "records"))
    site_day = Deltas(
        SiteDay,
        ("site", "day", "stream"),
        ("grams", "records", "poor", "graded", "late"),
        attrs=("area_path",),
    )
    hauler_day = Deltas(HaulerDay, ("hauler", "day", "stream"), ("grams", "records"))
    # one pass over the facts, in plain dicts (it runs for every record a device sends); the areas'
    # totals are then spread up the tree once per (area, day, stream) rather than once per record
    by_place: dict[tuple, list[int]] = {}
    sites: dict[tuple, list[int]] = {}
    site_paths: dict[tuple, tuple] = {}
    hauliers: dict[tuple, list[int]] = {}
    poor = Grade.POOR
    for (day, site_id, path, stream, g, hauler_id, grade, late), sign in facts:
        sg = sign * g
        t = by_place.get(key := (path, day, stream))
        if t is None:
            by_place[key] = [sg, sign]
        else:
            t[0] += sg
            t[1] += sign
        if site_id is not None:
            t = sites.get(key := (site_id, day, stream))
            if t is None:
                sites[key] = [sg, sign, sign * (grade == poor), sign * (grade != ""), sign * late]
            else:
                t[0] += sg
                t[1] += sign
                t[2] += sign * (grade == poor)
                t[3] += sign * (grade != "")
                t[4] += sign * late
            site_paths[key] = (path,)
        if hauler_id is not None:
            t = hauliers.get(key := (hauler_id, day, stream))
            if t is None:
                hauliers[key] = [sg, sign]
            else:
                t[0] += sg
                t[1] += sign
    site_day.merge(sites, site_paths)
    hauler_day.merge(hauliers)
    chains: dict[str, list[int]] = {}
    for (path, day, stream), (g, n) in by_place.items():
        chain = chains.get(path)
        if chain is None:
            chain = chains[path] = [ids[p] for p in _ancestor_paths(path) if p in ids]
        month = day.replace(day=1)
        for area_id in chain:
            area_day.add((area_id, day, stream), (g, n))
            area_month.add((area_id, month, stream), (g, n))
    return [area_day, area_month, site_day, hauler_day]


def apply(facts: Iterable[tuple[Fact, int]]) -> int:
    """Write the changes for `facts` in the caller's transaction."""
    return sum(d.write() for d in deltas(facts))


# --- rebuild -------------------------------------------------------------------------------------


def _grams_sum():
    return Sum(Cast(Round(Cast("weight_kg", output_field=_decimal()) * 1000), IntegerField()))


def _decimal():
    from django.db.models import DecimalField

    return DecimalField(max_digits=12, decimal_places=2)


@transaction.atomic
def rebuild() -> dict[str, int]:
    """Recompute every total from the records that are not voided. Returns the rows written per table."""
    live = Record.objects.filter(voided_at__isnull=True)
    for model in (AreaDay, AreaMonth, SiteDay, HaulerDay):
        model.objects.all().delete()
    written = {}
    grams_sum = _grams_sum()

    site_rows = (
        live.filter(site__isnull=False)
        .values("site_id", "area_path", "day", "stream")
        .annotate(
            g=grams_sum,
            n=Count("id"),
            poor=Sum(Case(When(grade=Grade.POOR, then=1), default=0, output_field=IntegerField())),
            graded=Sum(Case(When(~Q(grade=""), then=1), default=0, output_field=IntegerField())),
            lt=Sum(Case(When(late=True, then=1), default=0, output_field=IntegerField())),
        )
        .order_by()
    )
    written["site_day"] = _bulk(
        SiteDay,
        (
            SiteDay(
                site_id=r["site_id"],
                area_path=r["area_path"],
                day=r["day"],
                stream=r["stream"],
                grams=r["g"],
                records=r["n"],
                poor=r["poor"],
                graded=r["graded"],
                late=r["lt"],
            )
            for r in site_rows.iterator(chunk_size=5000)
        ),
    )
    hauler_rows = (
        live.filter(hauler__isnull=False)
        .values("hauler_id", "day", "stream")
        .annotate(g=grams_sum, n=Count("id"))
        .order_by()
    )
    written["hauler_day"] = _bulk(
        HaulerDay,
        (
            HaulerDay(
                hauler_id=r["hauler_id"], day=r["day"], stream=r["stream"], grams=r["g"], records=r["n"]
            )
            for r in hauler_rows.iterator(chunk_size=5000)
        ),
    )
    # areas: the records' own area, then every area above it
    base = live.values("area_path", "day", "stream").annotate(g=grams_sum, n=Count("id")).order_by()
    totals: dict[tuple, list[int]] = {}
    rows = list(base.iterator(chunk_size=5000))
    ids = area_ids(r["area_path"] for r in rows)
    for r in rows:
        for p in _ancestor_paths(r["area_path"]):
            if p not in ids:
                continue
            t = totals.setdefault((ids[p], r["day"], r["stream"]), [0, 0])
            t[0] += r["g"]
            t[1] += r["n"]
    written["area_day"] = _bulk(
        AreaDay,
        (AreaDay(area_id=a, day=d, stream=s, grams=g, records=n) for (a, d, s), (g, n) in totals.items()),
    )
    months = (
        AreaDay.objects.annotate(m=TruncMonth("day"))
        .values("area_id", "m", "stream")
        .annotate(g=Sum("grams"), n=Sum("records"))
        .order_by()
    )
    written["area_month"] = _bulk(
        AreaMonth,
        (
            AreaMonth(
                area_id=r["area_id"], month=_as_date(r["m"]), stream=r["stream"], grams=r["g"], records=r["n"]
            )
            for r in months.iterator(chunk_size=5000)
        ),
    )
    return written


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def _bulk(model, objs, batch: int = 5000) -> int:
    count = 0
    chunk = []
    for obj in objs:
        chunk.append(obj)
        if len(chunk) >= batch:
            model.objects.bulk_create(chunk)
            count += len(chunk)
            chunk = []
    if chunk:
        model.objects.bulk_create(chunk)
        count += len(chunk)
    return count


def snapshot() -> dict[str, set[tuple]]:
    """Every total as a set of tuples (for comparing a rebuild with the totals kept on write)."""
    return {
        "area_day": set(AreaDay.objects.values_list("area_id", "day", "stream", "grams", "records")),
        "area_month": set(AreaMonth.objects.values_list("area_id", "month", "stream", "grams", "records")),
        "site_day": set(
            SiteDay.objects.values_list(
                "site_id", "area_path", "day", "stream", "grams", "records", "poor", "graded", "late"
            )
        ),
        "hauler_day": set(HaulerDay.objects.values_list("hauler_id", "day", "stream", "grams", "records")),
    }
