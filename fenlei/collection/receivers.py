"""Totals follow the structure: when an area moves or a site changes community, the areas it left
lose what it carried and the areas it joined gain it, in the same transaction."""

from __future__ import annotations

from django.dispatch import receiver

from fenlei.collection.models import AreaDay, AreaMonth, SiteDay
from fenlei.collection.rollups import _ancestor_paths, area_ids
from fenlei.core.rollups import Deltas
from fenlei.org.signals import area_moved, site_moved


def _shift(rows, old_chain: list[int], new_chain: list[int]) -> None:
    """Move `rows` ((day, month, stream, grams, records)) from the areas of `old_chain` to `new_chain`;
    areas on both stay as they are."""
    leave = [a for a in old_chain if a not in new_chain]
    join = [a for a in new_chain if a not in old_chain]
    if not leave and not join:
        return
    day = Deltas(AreaDay, ("area", "day", "stream"), ("grams", "records"))
    month = Deltas(AreaMonth, ("area", "month", "stream"), ("grams", "records"))
    for d, stream, grams, records in rows:
        for area_id, sign in [(a, -1) for a in leave] + [(a, 1) for a in join]:
            day.add((area_id, d, stream), (grams, records), sign=sign)
            month.add((area_id, d.replace(day=1), stream), (grams, records), sign=sign)
    day.write()
    month.write()


def _chain(path: str, ids: dict[str, int]) -> list[int]:
    return [ids[p] for p in _ancestor_paths(path) if p in ids] if path else []


@receiver(area_moved)
def area_moved_totals(sender, area, old_parent_path: str, new_parent_path: str, **kwargs) -> None:
    ids = area_ids([p for p in (old_parent_path, new_parent_path) if p])
    rows = AreaDay.objects.filter(area_id=area.pk).values_list("day", "stream", "grams", "records")
    _shift(rows.iterator(), _chain(old_parent_path, ids), _chain(new_parent_path, ids))


@receiver(site_moved)
def site_moved_totals(sender, site, old_path: str, new_path: str, **kwargs) -> None:
    ids = area_ids([old_path, new_path])
    rows = SiteDay.objects.filter(site_id=site.pk).values_list("day", "stream", "grams", "records")
    _shift(rows.iterator(), _chain(old_path, ids), _chain(new_path, ids))
