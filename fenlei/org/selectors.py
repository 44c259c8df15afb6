"""Reads of the structure, scoped: summaries of an area's subtree and its children, breadcrumbs.

Every figure counts rows the user may see, so a number on a page equals the row count of the list
it links to. Each function runs a fixed number of queries, however many children an area has.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr

from fenlei.core.roles import Action
from fenlei.core.scoping import can, for_user, placeable_areas, subtree_q
from fenlei.org.choices import PATH_SEGMENT, AreaLevel
from fenlei.org.models import Area, Authority, Hauler, Site


@dataclass
class Crumb:
    label: str
    url: str | None


def breadcrumbs(user, obj) -> list[Crumb]:
    """The way down the area tree to `obj` (an Area or anything with `area_path`); links only where
    the user may look."""
    path = obj.path if isinstance(obj, Area) else obj.area_path
    parts = path.split(".")[:-1]
    paths = [".".join(parts[:i]) + "." for i in range(1, len(parts) + 1)]
    if isinstance(obj, Area):
        paths = paths[:-1]
    ancestors = list(Area.objects.filter(path__in=paths).order_by("depth"))
    visible = set(
        for_user(user, Action.VIEW, Area.objects.filter(path__in=paths)).values_list("pk", flat=True)
    )
    crumbs = [Crumb(a.name, a.get_absolute_url() if a.pk in visible else None) for a in ancestors]
    crumbs.append(Crumb(str(obj), None))
    return crumbs


def _child_prefix_len(area: Area) -> int:
    return len(area.path) + PATH_SEGMENT + 1


@dataclass
class ChildRow:
    area: Area
    communities: int = 0
    sites: int = 0
    households: int = 0
    population: int = 0


def children_summary(user, area: Area, *, include_closed: bool = False) -> list[ChildRow]:
    """The child areas of `area` the user may see, each with its subtree's counts (3 queries)."""
    children = for_user(user, Action.VIEW, Area.objects.filter(parent=area))
    if not include_closed:
        children = children.filter(closed_on__isnull=True)
    rows = {c.path: ChildRow(c) for c in children.order_by("path")}
    if not rows:
        return []
    n = _child_prefix_len(area)
    sites = (
        for_user(
            user, Action.VIEW, Site.objects.filter(subtree_q("area_path", area.path), closed_on__isnull=True)
        )
        .annotate(prefix=Substr("area_path", 1, n))
        .values("prefix")
        .annotate(n=Count("id"), hh=Sum("households"), pop=Sum("population"))
        .order_by()
    )
    for r in sites:
        row = rows.get(r["prefix"])
        if row:
            row.sites, row.households, row.population = r["n"], r["hh"] or 0, r["pop"] or 0
    if area.level < AreaLevel.STREET:
        communities = (
            for_user(
                user,
                Action.VIEW,
                Area.objects.filter(
                    subtree_q("path", area.path),
                    depth=area.depth + (AreaLevel.COMMUNITY - area.level),
                    closed_on__isnull=True,
                ),
            )
            .annotate(prefix=Substr("path", 1, n))
            .values("prefix")
            .annotate(n=Count("id"))
            .order_by()
        )
        for r in communities:
            row = rows.get(r["prefix"])
            if row:
                row.communities = r["n"]
    return list(rows.values())


@dataclass
class AreaSummary:
    streets: int
    communities: int
    sites: int
    households: int
    population: int
    by_kind: list[tuple[str, int]]


def area_summary(user, area: Area) -> AreaSummary:
    """Counts over the open part of an area's subtree, as the user may see it (3 queries)."""
    areas = for_user(
        user, Action.VIEW, Area.objects.filter(subtree_q("path", area.path), closed_on__isnull=True)
    )
    level_counts = dict(areas.exclude(pk=area.pk).values_list("depth").annotate(n=Count("id")).order_by())
    street_depth = area.depth + (AreaLevel.STREET - area.level)
    community_depth = area.depth + (AreaLevel.COMMUNITY - area.level)
    sites = for_user(
        user, Action.VIEW, Site.objects.filter(subtree_q("area_path", area.path), closed_on__isnull=True)
    )
    totals = sites.aggregate(n=Count("id"), hh=Sum("households"), pop=Sum("population"))
    by_kind = list(
        sites.values_list("kind__name", "kind__name_en").annotate(n=Count("id")).order_by("kind__position")
    )
    from django.utils.translation import get_language

    en = (get_language() or "").startswith("en")
    return AreaSummary(
        streets=level_counts.get(street_depth, 0) if area.level < AreaLevel.STREET else 0,
        communities=level_counts.get(community_depth, 0) if area.level < AreaLevel.COMMUNITY else 0,
        sites=totals["n"] or 0,
        households=totals["hh"] or 0,
        population=totals["pop"] or 0,
        by_kind=[((name_en if en and name_en else name), n) for name, name_en, n in by_kind],
    )


def community_sites(user, community: Area, *, include_closed: bool = False):
    """The sites of one community the user may see, with what the table shows (1 query)."""
    qs = for_user(user, Action.VIEW, Site.objects.filter(community=community)).select_related(
        "kind", "authority"
    )
    if not include_closed:
        qs = qs.filter(closed_on__isnull=True)
    return qs.order_by("name")


def search(user, q: str, limit: int = 50):
    """Areas and sites whose name (or code) matches, within the user's scope."""
    q = q.strip()
    if not q:
        return [], []
    areas = for_user(user, Action.VIEW, Area.objects.filter(Q(name__icontains=q) | Q(code__iexact=q)))
    sites = for_user(
        user,
        Action.VIEW,
        Site.objects.filter(Q(name__icontains=q) | Q(code__iexact=q) | Q(address__icontains=q)),
    ).select_related("kind", "community")
    return list(areas.order_by("path")[:limit]), list(sites.order_by("area_path", "name")[:limit])


def can_close_area(user, area: Area) -> bool:
    """Closing (or moving) an area is decided one level up: the user needs the close action on its parent."""
    if area.parent_id is None:
        return bool(user.is_superuser)
    return can(user, Action.CLOSE, area.parent)


#: The fields a role held over the record itself (a hauler over its own company, a site manager over its
#: site) may change; a role held over the record's area may change every field.
SELF_SERVICE_FIELDS: dict[type, frozenset[str]] = {
    Hauler: frozenset({"contact_person", "phone", "address"}),
    Site: frozenset(
        {
            "name",
            "code",
            "address",
            "households",
            "population",
            "responsible_person",
            "responsible_phone",
            "property_company",
            "authority",
            "latitude",
            "longitude",
            "kind",
        }
    ),
}

#: The field that places each record in the area tree.
PLACEMENT = {Area: "parent", Site: "community", Authority: "district", Hauler: "district"}


def editable_fields(user, obj) -> frozenset[str] | None:
    """Which fields of `obj` the user may change: None for all of them (a role over its area), the
    self-service set for a role held over the record itself. Assumes the user may change `obj`."""
    model = type(obj)
    placement = PLACEMENT.get(model)
    if placement is None or obj.pk is None:
        return None
    area_id = getattr(obj, f"{placement}_id")
    if (
        area_id is not None
        and placeable_areas(user, Action.CHANGE, model, Area.objects.filter(pk=area_id)).exists()
    ):
        return None
    return SELF_SERVICE_FIELDS.get(model, frozenset())
