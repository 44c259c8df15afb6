"""Capacity check (R2): are there enough bins and drop-off points for the people they serve?

Bins needed per stream, for a site of population P (DOMAIN.md; every factor a setting):

    daily tonnes      = P × kg/person/day ÷ 1000 × daily unevenness × population variation
    stream tonnes     = daily tonnes × the stream's share
    one bin's load    = volume (m³) × fill × density (t/m³) ÷ safety      (240 L: 0.24 × 0.8 × 0.55 ÷ 1.2 ≈ 0.088 t)
    bins needed       = ⌈ stream tonnes ÷ one 240 L bin's load × days between collections ⌉

Bins in place are the site's open, in-use containers of the stream's category, counted in 240 L
equivalents (a 660 L bin counts 2.75). Drop-off points needed = ⌈ households ÷ households per point ⌉.
Rolled up per community and street: sums of the sites below (containers and points placed at a
community without a site are not counted against any site). Every figure counts only what the user
may see.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, Q, Sum

from fenlei.core.roles import Action
from fenlei.core.scoping import for_user, subtree_q
from fenlei.facilities.choices import FacilityStatus
from fenlei.facilities.models import Container, DropOffPoint
from fenlei.org.choices import AreaLevel
from fenlei.org.models import Area, Site
from fenlei.taxonomy import naming

REFERENCE_LITRES = 240


def bin_load_t(volume_l: float = REFERENCE_LITRES) -> float:
    """Tonnes one bin of `volume_l` litres holds when full enough to be emptied."""
    return (
        volume_l
        / 1000
        * settings.FENLEI_BIN_FILL
        * settings.FENLEI_BIN_DENSITY_T_PER_M3
        / settings.FENLEI_BIN_SAFETY
    )


def daily_tonnes(population: int) -> float:
    return (
        population
        * settings.FENLEI_GENERATION_KG_PER_PERSON
        / 1000
        * settings.FENLEI_DAILY_UNEVENNESS
        * settings.FENLEI_POPULATION_VARIATION
    )


def bins_needed(population: int, stream_code: str) -> int:
    """240 L bins a population needs for one stream."""
    share = settings.FENLEI_STREAM_SHARES.get(stream_code, 0)
    days = settings.FENLEI_COLLECTION_DAYS.get(stream_code, 1)
    if population <= 0 or share <= 0:
        return 0
    return math.ceil(round(daily_tonnes(population) * share / bin_load_t() * days, 9))


def points_needed(households: int) -> int:
    return math.ceil(households / settings.FENLEI_HOUSEHOLDS_PER_POINT) if households > 0 else 0


@dataclass
class StreamFigure:
    code: str
    label: str
    needed: int = 0
    in_place: float = 0.0

    @property
    def gap(self) -> float:
        """Bins missing (positive) or spare (negative), in 240 L bins."""
        return round(self.needed - self.in_place, 2)


@dataclass
class CapacityRow:
    """One site, community or street with its figures."""

    key: int
    name: str
    path: str
    parent_name: str = ""
    url: str = ""
    population: int = 0
    households: int = 0
    streams: list[StreamFigure] = field(default_factory=list)
    points_needed: int = 0
    points_in_place: int = 0

    @property
    def points_gap(self) -> int:
        return self.points_needed - self.points_in_place

    @property
    def short(self) -> bool:
        return self.points_gap > 0 or any(s.gap > 0 for s in self.streams)

    def add(self, other: CapacityRow) -> None:
        self.population += other.population
        self.households += other.households
        self.points_needed += other.points_needed
        self.points_in_place += other.points_in_place
        for mine, theirs in zip(self.streams, other.streams, strict=True):
            mine.needed += theirs.needed
            mine.in_place += theirs.in_place


def _streams() -> list[StreamFigure]:
    return [StreamFigure(s.code, s.label) for s in naming.streams()]


def _within(queryset, within: Area | None, field: str = "area_path"):
    return queryset.filter(subtree_q(field, within.path)) if within is not None else queryset


def site_rows(user, *, within: Area | None = None) -> list[CapacityRow]:
    """The capacity figures of every open site with people that the user may see (3 queries)."""
    streams = naming.streams()
    category_stream = {s.category: i for i, s in enumerate(streams)}
    sites = _within(
        for_user(user, Action.VIEW, Site.objects.filter(closed_on__isnull=True, population__gt=0)), within
    )
    rows: dict[int, CapacityRow] = {}
    for s in sites.values("pk", "name", "area_path", "population", "households", "community__name").order_by(
        "area_path", "name"
    ):
        row = CapacityRow(
            s["pk"],
            s["name"],
            s["area_path"],
            s["community__name"],
            url=f"/org/sites/{s['pk']}/",
            population=s["population"],
            households=s["households"],
            streams=_streams(),
        )
        for figure in row.streams:
            figure.needed = bins_needed(row.population, figure.code)
        row.points_needed = points_needed(row.households)
        rows[row.key] = row
    in_use = Q(closed_on__isnull=True, status=FacilityStatus.IN_USE, site__isnull=False)
    containers = (
        _within(for_user(user, Action.VIEW, Container.objects.filter(in_use)), within)
        .values("site_id", "category__code")
        .annotate(litres=Sum(F("count") * F("volume_l")))
        .order_by()
    )
    for c in containers:
        row, index = rows.get(c["site_id"]), category_stream.get(c["category__code"])
        if row is not None and index is not None:
            row.streams[index].in_place += c["litres"] / REFERENCE_LITRES
    points = (
        _within(for_user(user, Action.VIEW, DropOffPoint.objects.filter(in_use)), within)
        .values("site_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for p in points:
        row = rows.get(p["site_id"])
        if row is not None:
            row.points_in_place = p["n"]
    return list(rows.values())


def rollup(rows: list[CapacityRow], level: int, *, user, within: Area | None = None) -> list[CapacityRow]:
    """The site rows summed per community (level 3) or street (level 2) the user may see."""
    kinds_at = {
        AreaLevel.STREET: ("street", "town", "township"),
        AreaLevel.COMMUNITY: ("community", "village"),
    }
    areas = (
        _within(
            for_user(
                user, Action.VIEW, Area.objects.filter(kind__in=kinds_at[level], closed_on__isnull=True)
            ),
            within,
            "path",
        )
        .select_related("parent")
        .order_by("path")
    )
    totals: dict[str, CapacityRow] = {}
    for area in areas:
        totals[area.path] = CapacityRow(
            area.pk,
            area.name,
            area.path,
            area.parent.name if area.parent_id else "",
            url=area.get_absolute_url(),
            streams=_streams(),
        )
    width = len(next(iter(totals))) if totals else 0
    by_prefix = defaultdict(list)
    for row in rows:
        by_prefix[row.path[:width]].append(row)
    for prefix, members in by_prefix.items():
        total = totals.get(prefix)
        if total is not None:
            for member in members:
                total.add(member)
    return list(totals.values())
