"""Reads of the targets a person may inspect: the open sites, drop-off points and vehicles it may see
(the scoping function) in the areas where it may inspect (`services.inspectable_areas`), found by
name, code or plate, or near a position. The phone's pages and the API read them here."""

from __future__ import annotations

from django.db.models import QuerySet

from fenlei.core.roles import Action
from fenlei.core.scoping import for_user
from fenlei.inspections import services
from fenlei.inspections.choices import TargetType
from fenlei.inspections.geo import box, distance_m
from fenlei.org.filtersets import contains_q


def inspectable(user, target_type: str) -> QuerySet:
    """The open targets of one kind that `user` may see and inspect."""
    from fenlei.facilities.models import DropOffPoint, Vehicle
    from fenlei.org.models import Site

    areas = services.inspectable_areas(user)
    if target_type == TargetType.SITE:
        qs = for_user(user, Action.VIEW, Site).filter(community__in=areas).select_related("community", "kind")
    elif target_type == TargetType.DROPOFF:
        qs = for_user(user, Action.VIEW, DropOffPoint).filter(area__in=areas).select_related("area", "site")
    else:
        qs = for_user(user, Action.VIEW, Vehicle).filter(area__in=areas).select_related("area", "hauler")
    return qs.filter(closed_on__isnull=True)


def search(user, q: str, *, kinds=tuple(TargetType.values), limit: int = 20) -> list[tuple[str, object]]:
    """[(kind, target)] whose name or code (a site's), name (a point's) or plate contains `q`; at most
    `limit` of each kind, by name. An empty `q` matches every target."""
    from fenlei.facilities.models import normalise_plate

    q = (q or "").strip()[:50]
    found = []
    for kind in kinds:
        qs = inspectable(user, kind)
        if q and kind == TargetType.SITE:
            qs = qs.filter(contains_q(["name", "code"], q))
        elif q and kind == TargetType.DROPOFF:
            qs = qs.filter(contains_q(["name"], q))
        elif q:
            plate = normalise_plate(q)
            if not plate:
                continue
            qs = qs.filter(contains_q(["plate"], plate))
        order = "plate" if kind == TargetType.VEHICLE else "name"
        found += [(kind, t) for t in qs.order_by(order, "pk")[:limit]]
    return found


def nearby(user, lat: float, lng: float, *, radii=(1_000, 5_000, 25_000), limit: int = 30):
    """[(kind, target, metres)] of the sites and drop-off points with coordinates, nearest first: within
    the first of `radii` that holds `limit` of them (or the last). Each radius reads a square around
    the position (the coordinates' range), then measures the distances."""
    found: list = []
    for radius in radii:
        south, north, west, east = box(lat, lng, radius)
        found = []
        for kind in (TargetType.SITE, TargetType.DROPOFF):
            qs = inspectable(user, kind).filter(latitude__range=(south, north), longitude__range=(west, east))
            for t in qs[: limit * 20]:
                d = distance_m(lat, lng, t.latitude, t.longitude)
                if d is not None and d <= radius:
                    found.append((kind, t, d))
        if len(found) >= limit:
            break
    found.sort(key=lambda f: (f[2], f[0], f[1].pk))
    return found[:limit]
