"""Demo data for the facility ledgers: drop-off points and containers at the residential sites.

Most sites are equipped as the capacity check asks; about one in eight is short of bins or points,
so the check has something to find. Deterministic for a given random generator.
"""

from __future__ import annotations

import math
import random

from fenlei.facilities import capacity
from fenlei.facilities.choices import DropOffKind, FacilityStatus
from fenlei.facilities.models import Container, DropOffPoint
from fenlei.taxonomy import naming
from fenlei.taxonomy.models import Category

_BATCH = 2000


def seed_ledgers(*, sites, rng: random.Random, write) -> int:
    """Create the facilities of `sites` (saved Site objects); `write(model, objs)` saves and audits them.
    Returns how many rows were written."""
    categories = {c.code: c for c in Category.objects.filter(kind="major")}
    streams = naming.streams()
    points: list[DropOffPoint] = []
    planned: list[tuple[DropOffPoint, object, bool]] = []
    for site in sites:
        if site.households <= 0:
            continue
        short = rng.random() < 0.125
        n = max(1, capacity.points_needed(site.households) - (1 if short and rng.random() < 0.5 else 0))
        for i in range(n):
            kind = DropOffKind.SCHEDULED if i or rng.random() < 0.85 else DropOffKind.SMART
            point = DropOffPoint(
                name=f"{site.name}{i + 1}号点",  # demo data, in Chinese like the rest of the demo district
                area_id=site.community_id,
                site=site,
                area_path=site.area_path,
                kind=kind,
                status=FacilityStatus.IN_USE,
                opening_hours="07:00-09:00, 18:00-20:00" if kind == DropOffKind.SCHEDULED else "",
                households_served=math.ceil(site.households / n),
                address=site.address,
                latitude=site.latitude,
                longitude=site.longitude,
            )
            points.append(point)
            planned.append((point, site, short))
    written = write(DropOffPoint, points)
    containers: list[Container] = []
    by_site: dict[int, list[DropOffPoint]] = {}
    for point, site, _short in planned:
        by_site.setdefault(site.pk, []).append(point)
    shortage = {site.pk: short for _p, site, short in planned}
    for site in sites:
        site_points = by_site.get(site.pk)
        if not site_points:
            continue
        for stream in streams:
            needed = capacity.bins_needed(site.population, stream.code)
            if shortage[site.pk] and rng.random() < 0.6:
                needed = max(0, needed - rng.randint(1, 2))
            if stream.centrally_collected:
                volume, count = 240, needed
                if count:
                    containers.append(
                        _container(site, site_points[0], categories[stream.category], volume, count)
                    )
                continue
            per_point = math.ceil(needed / len(site_points))
            for point in site_points:
                if per_point:
                    containers.append(_container(site, point, categories[stream.category], 240, per_point))
    written += write(Container, containers)
    return written


def _container(site, point, category, volume, count) -> Container:
    return Container(
        area_id=site.community_id,
        site=site,
        area_path=site.area_path,
        point=point,
        category=category,
        volume_l=volume,
        count=count,
        status=FacilityStatus.IN_USE,
    )
