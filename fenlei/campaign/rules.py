"""The rules that judge a requirement from the records, and the messages that say why.

A rule answers for many units at once, as of a date: `evaluate(units, on, params, requirement)` gives
each unit's `Result` — met or not, a message key with its parameters (rendered in the reader's
language by `explain`), and links to the records that decided it. Every rule reads a handful of
grouped queries over the subtree of the units, never one query per unit, so a city's 6,000
communities are judged in the same few queries as one community.

"As of" a date: a ledger row counts from the day it was set up (its own date where it has one, else
the day it was entered) until the day it was closed. The rules and their parameters are documented
in docs/campaign-rules.md; a new rule is a subclass registered in `REGISTRY`.
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fenlei.campaign.choices import DEMO_SITE_KINDS, DemoKind, DemoState, Level

#: How many records a reason names one by one (the rest behind a link to the list).
NAMED = 5


@dataclass(frozen=True)
class UnitRef:
    """What a rule needs of a unit: its area (id, path, level)."""

    area_id: int
    path: str
    level: int


@dataclass
class Result:
    met: bool
    reason: str
    params: dict = field(default_factory=dict)
    links: list = field(default_factory=list)


# --- messages ---------------------------------------------------------------------------------------


def _names(values: Iterable[str]) -> str:
    values = list(values)
    shown = "、".join(values[:NAMED])
    return shown + (_(" and {n} more").format(n=len(values) - NAMED) if len(values) > NAMED else "")


def _streams(codes: Iterable[str]) -> str:
    from fenlei.collection.streams import stream_label

    return "、".join(stream_label(c) for c in codes)


def _categories(codes: Iterable[str]) -> str:
    from fenlei.taxonomy.models import Category
    from fenlei.taxonomy.naming import label

    by_code = {c.code: c for c in Category.objects.filter(code__in=list(codes))}
    return "、".join(label(by_code[c]) if c in by_code else c for c in codes)


def _kinds(codes: Iterable[str]) -> str:
    labels = dict(DemoKind.choices)
    return "、".join(str(labels.get(c, c)) for c in codes)


#: key -> a function of the parameters giving the sentence, in the active language.
MESSAGES: dict[str, Callable[[dict], str]] = {
    "group": lambda p: _("Leading group “{name}”, set up on {date}.").format(**p),
    "no_group": lambda p: _("No leading group is recorded here."),
    "containers": lambda p: _("Containers are configured for every stream ({n} containers).").format(**p),
    "no_containers": lambda p: _("No containers for: {missing}.").format(missing=_categories(p["missing"])),
    "sites_no_containers": lambda p: _("{n} sites lack containers for some stream: {sites}.").format(
        n=p["n"], sites=_names(p["sites"])
    ),
    "no_sites": lambda p: _("There is no site of these kinds here."),
    "supervised": lambda p: _("Every drop-off point ({n}) has a supervisor.").format(**p),
    "unsupervised": lambda p: _("{n} of {total} drop-off points have no supervisor: {points}.").format(
        n=p["n"], total=p["total"], points=_names(p["points"])
    ),
    "no_points": lambda p: _("No drop-off point is recorded here."),
    "publicity": lambda p: _(
        "{n} publicity activities in the last {days} days, the latest on {date}."
    ).format(**p),
    "no_publicity": lambda p: _(
        "No publicity activity in the last {days} days (the last one: {date})."
    ).format(days=p["days"], date=p.get("date") or _("never")),
    "collected": lambda p: _("Every stream was collected separately in the last {days} days.").format(**p),
    "not_collected": lambda p: _("Not collected separately in the last {days} days: {missing}.").format(
        days=p["days"], missing=_streams(p["missing"])
    ),
    "demo_sites": lambda p: _("A demonstration site of each kind: {names}.").format(names=_names(p["sites"])),
    "no_demo_sites": lambda p: _("No demonstration site yet of the kinds: {missing}.").format(
        missing=_kinds(p["missing"])
    ),
    "inspected": lambda p: _("All {n} sites were inspected since {since}.").format(**p),
    "not_inspected": lambda p: _(
        "{n} of {total} sites have not been inspected since {since}: {sites}."
    ).format(n=p["n"], total=p["total"], since=p["since"], sites=_names(p["sites"])),
    "participation": lambda p: _("Households taking part: {pct}%, recorded on {date}.").format(**p),
    "low_participation": lambda p: _(
        "Households taking part: {pct}%, recorded on {date}; {target}% needed."
    ).format(**p),
    "no_participation": lambda p: _("No participation is recorded."),
    # evidence
    "verified": lambda p: _("Evidence verified by {by} on {date}.").format(**p),
    "submitted": lambda p: _(
        "Evidence submitted on {date}, awaiting verification by the level above."
    ).format(**p),
    "returned": lambda p: _("Evidence returned on {date}: {note}").format(**p),
    "missing": lambda p: _("No evidence has been submitted."),
}


def explain(key: str, params: dict) -> str:
    message = MESSAGES.get(key)
    if message is None:
        return ""
    try:
        return message(params or {})
    except (KeyError, IndexError, TypeError):
        return ""


# --- rules --------------------------------------------------------------------------------------------


def _day(value) -> str:
    return value.isoformat() if value else ""


def _open_on(on: datetime.date, start: str | None = None) -> Q:
    """Rows open on `on`: not closed by then, and (when `start` names a date field) begun by then —
    else entered by the end of that day (a range on the time, so no function runs per row)."""
    from django.utils import timezone

    end = timezone.make_aware(datetime.datetime.combine(on + datetime.timedelta(days=1), datetime.time()))
    q = Q(closed_on__isnull=True) | Q(closed_on__gt=on)
    if start:
        q &= Q(**{f"{start}__lte": on}) | Q(**{f"{start}__isnull": True}, created_at__lt=end)
    else:
        q &= Q(created_at__lt=end)
    return q


def _root(units: list[UnitRef]) -> str:
    """The longest path every unit lies under (a subtree filter narrows the scan)."""
    paths = [u.path for u in units]
    prefix = paths[0]
    for path in paths[1:]:
        while not path.startswith(prefix):
            prefix = prefix[: prefix[:-1].rfind(".") + 1]
    return prefix


#: Up to this many units, a rule reads each unit's own rows (through the indexes on the area and the
#: path); more, the subtree they share (a page refreshing a few dirty units of a city never scans it).
FEW = 64


def _subtree(units: list[UnitRef], field: str = "area_path", community_field: str | None = "area_id") -> Q:
    """The rows of `units`: a community's by `community_field` (the community a row is placed in),
    a street's by its path; many units by the subtree they share."""
    from fenlei.core.scoping import subtree_q

    if len(units) > FEW:
        root = _root(units)
        return subtree_q(field, root) if root else Q()
    q = Q(pk__in=[])
    communities = [u.area_id for u in units if u.level == Level.COMMUNITY and community_field]
    if communities:
        q |= Q(**{f"{community_field}__in": communities})
    for u in units:
        if u.level != Level.COMMUNITY or not community_field:
            q |= subtree_q(field, u.path)
    return q


def _owner(units: list[UnitRef]) -> Callable[[str], int | None]:
    """A function from a row's area path to the unit (area id) it counts for."""
    by_path = {u.path: u.area_id for u in units}
    lengths = sorted({len(p) for p in by_path}, reverse=True)

    def find(path: str) -> int | None:
        for n in lengths:
            hit = by_path.get(path[:n])
            if hit is not None:
                return hit
        return None

    return find


@functools.lru_cache(maxsize=64)
def _list_url(name: str, prefix: str) -> str:
    return reverse(name)


def _list_link(name: str, unit: UnitRef, label: str) -> list[str]:
    from django.urls import get_script_prefix

    param = "street" if unit.level == Level.STREET else "community"
    return [label, f"{_list_url(name, get_script_prefix())}?{param}={unit.area_id}"]


class Rule:
    code: str = ""
    label = ""
    description = ""
    levels: tuple[int, ...] = (Level.COMMUNITY,)
    defaults: dict = {}
    #: Whether the requirement's site kinds narrow what the rule looks at.
    uses_site_kinds = False

    def check_params(self, params: dict) -> dict:
        unknown = set(params) - set(self.defaults)
        if unknown:
            raise ValueError(_("Unknown parameters: {names}.").format(names=", ".join(sorted(unknown))))
        merged = {**self.defaults, **params}
        for key, default in self.defaults.items():
            if isinstance(default, int) and not isinstance(default, bool):
                try:
                    merged[key] = int(merged[key])
                except (TypeError, ValueError):
                    raise ValueError(_("“{name}” must be a whole number.").format(name=key)) from None
                if merged[key] < 0:
                    raise ValueError(_("“{name}” cannot be negative.").format(name=key))
        return merged

    def evaluate(
        self, units: list[UnitRef], on: datetime.date, params: dict, requirement
    ) -> dict[int, Result]:
        raise NotImplementedError

    # helpers
    @staticmethod
    def site_kind_ids(requirement) -> list[int]:
        if requirement is None or requirement.pk is None:
            return []
        return [k.pk for k in requirement.site_kinds.all()]


class LeadingGroupRule(Rule):
    code = "leading_group"
    label = gettext_lazy("A leading group exists")
    description = gettext_lazy("An open leading group is recorded at the unit itself (people ledger).")
    levels = (Level.STREET, Level.COMMUNITY)

    def evaluate(self, units, on, params, requirement):
        from fenlei.people.models import LeadingGroup

        ids = [u.area_id for u in units]
        found: dict[int, LeadingGroup] = {}
        rows = (
            LeadingGroup.objects.filter(_subtree(units), _open_on(on, "established_on"), area_id__in=ids)
            .order_by("area_id", "established_on", "pk")
            .only("pk", "area_id", "name", "established_on", "created_at")
        )
        for row in rows:
            found.setdefault(row.area_id, row)
        out = {}
        for u in units:
            g = found.get(u.area_id)
            if g is None:
                out[u.area_id] = Result(
                    False, "no_group", {}, [_list_link("people:group-list", u, _("Leading groups"))]
                )
            else:
                date = g.established_on or g.created_at.date()
                out[u.area_id] = Result(
                    True, "group", {"name": g.name, "date": _day(date)}, [[g.name, g.get_absolute_url()]]
                )
        return out


def _sites(units: list[UnitRef], on: datetime.date, kind_ids: list[int]):
    """The sites open on `on` in the units (of the kinds, if any), as (pk, name, area_path)."""
    from fenlei.org.models import Site

    qs = Site.objects.filter(
        _subtree(units, community_field="community_id"), Q(closed_on__isnull=True) | Q(closed_on__gt=on)
    )
    if kind_ids:
        qs = qs.filter(kind_id__in=kind_ids)
    return list(qs.values_list("pk", "name", "area_path", "kind__code").order_by("area_path", "name", "pk"))


class ContainersRule(Rule):
    code = "containers"
    label = gettext_lazy("Containers for every stream")
    description = gettext_lazy(
        "Containers in use of every stream's category in the unit; with site kinds, at every such site."
    )
    levels = (Level.COMMUNITY,)
    uses_site_kinds = True

    def evaluate(self, units, on, params, requirement):
        from fenlei.facilities.choices import FacilityStatus
        from fenlei.facilities.models import Container
        from fenlei.taxonomy.naming import streams

        wanted = [s.category for s in streams()]
        owner = _owner(units)
        rows = (
            Container.objects.filter(_subtree(units), _open_on(on, "in_use_since"))
            .exclude(status__in=[FacilityStatus.PLANNED, FacilityStatus.BUILDING, FacilityStatus.OUT_OF_USE])
            .values_list("area_path", "site_id", "category__code")
            .order_by()
            .distinct()
        )
        by_unit: dict[int, set[str]] = defaultdict(set)
        by_site: dict[int, set[str]] = defaultdict(set)
        for path, site_id, code in rows:
            unit = owner(path)
            if unit is not None:
                by_unit[unit].add(code)
            if site_id:
                by_site[site_id].add(code)
        kind_ids = self.site_kind_ids(requirement)
        out = {}
        if not kind_ids:
            for u in units:
                missing = [c for c in wanted if c not in by_unit[u.area_id]]
                link = _list_link("facilities:container-list", u, _("Containers"))
                if missing:
                    out[u.area_id] = Result(False, "no_containers", {"missing": missing}, [link])
                else:
                    out[u.area_id] = Result(True, "containers", {"n": len(by_unit[u.area_id])}, [link])
            return out
        sites_by_unit: dict[int, list] = defaultdict(list)
        for pk, name, path, _kind in _sites(units, on, kind_ids):
            unit = owner(path)
            if unit is not None:
                sites_by_unit[unit].append((pk, name))
        for u in units:
            sites = sites_by_unit[u.area_id]
            if not sites:
                out[u.area_id] = Result(True, "no_sites", {})
                continue
            lacking = [(pk, name) for pk, name in sites if any(c not in by_site[pk] for c in wanted)]
            if lacking:
                links = [[name, reverse("org:site-detail", args=[pk])] for pk, name in lacking[:NAMED]]
                out[u.area_id] = Result(
                    False,
                    "sites_no_containers",
                    {"n": len(lacking), "sites": [n for _p, n in lacking]},
                    links,
                )
            else:
                out[u.area_id] = Result(True, "containers", {"n": len(sites)}, [])
        return out


class SupervisorsRule(Rule):
    code = "supervisors"
    label = gettext_lazy("A supervisor at every drop-off point")
    description = gettext_lazy(
        "Every drop-off point in use (of the kinds named, default fixed-time points) has an open "
        "supervisor row (people ledger)."
    )
    levels = (Level.COMMUNITY,)
    defaults = {"kinds": ["scheduled"]}

    def check_params(self, params):
        from fenlei.facilities.choices import DropOffKind

        merged = {**self.defaults, **params}
        if set(params) - {"kinds"}:
            raise ValueError(
                _("Unknown parameters: {names}.").format(names=", ".join(sorted(set(params) - {"kinds"})))
            )
        kinds = merged["kinds"]
        if not isinstance(kinds, list) or not kinds or set(kinds) - set(DropOffKind.values):
            raise ValueError(
                _("“kinds” must list drop-off point kinds: {kinds}.").format(
                    kinds=", ".join(DropOffKind.values)
                )
            )
        return merged

    def evaluate(self, units, on, params, requirement):
        from fenlei.facilities.choices import FacilityStatus
        from fenlei.facilities.models import DropOffPoint
        from fenlei.people.models import Supervisor

        owner = _owner(units)
        points = list(
            DropOffPoint.objects.filter(
                _subtree(units), _open_on(on, "in_use_since"), kind__in=params["kinds"]
            )
            .exclude(status__in=[FacilityStatus.PLANNED, FacilityStatus.BUILDING, FacilityStatus.OUT_OF_USE])
            .values_list("pk", "name", "area_path")
            .order_by("area_path", "name", "pk")
        )
        staffed = set(
            Supervisor.objects.filter(_subtree(units), _open_on(on), point__isnull=False)
            .values_list("point_id", flat=True)
            .order_by()
            .distinct()
        )
        by_unit: dict[int, list] = defaultdict(list)
        for pk, name, path in points:
            unit = owner(path)
            if unit is not None:
                by_unit[unit].append((pk, name))
        out = {}
        for u in units:
            mine = by_unit[u.area_id]
            if not mine:
                out[u.area_id] = Result(
                    False, "no_points", {}, [_list_link("facilities:dropoff-list", u, _("Drop-off points"))]
                )
                continue
            lacking = [(pk, name) for pk, name in mine if pk not in staffed]
            if lacking:
                links = [
                    [name, reverse("facilities:dropoff-detail", args=[pk])] for pk, name in lacking[:NAMED]
                ]
                links.append(_list_link("people:supervisor-list", u, _("Supervisors")))
                out[u.area_id] = Result(
                    False,
                    "unsupervised",
                    {"n": len(lacking), "total": len(mine), "points": [n for _p, n in lacking]},
                    links,
                )
            else:
                out[u.area_id] = Result(
                    True,
                    "supervised",
                    {"n": len(mine)},
                    [_list_link("people:supervisor-list", u, _("Supervisors"))],
                )
        return out


class PublicityRule(Rule):
    code = "publicity"
    label = gettext_lazy("Publicity held recently")
    description = gettext_lazy("At least `count` publicity activities in the unit in the last `days` days.")
    levels = (Level.STREET, Level.COMMUNITY)
    defaults = {"days": 30, "count": 1}

    def evaluate(self, units, on, params, requirement):
        from django.db.models import Count, Max

        from fenlei.publicity.models import Activity

        owner = _owner(units)
        start = on - datetime.timedelta(days=params["days"] - 1)
        recent: dict[int, list] = defaultdict(lambda: [0, None])
        rows = (
            Activity.objects.filter(
                _subtree(units), Q(closed_on__isnull=True) | Q(closed_on__gt=on), date__lte=on
            )
            .values("area_path")
            .annotate(n=Count("pk", filter=Q(date__gte=start)), last=Max("date"))
        )
        for row in rows:
            unit = owner(row["area_path"])
            if unit is None:
                continue
            entry = recent[unit]
            entry[0] += row["n"]
            if entry[1] is None or row["last"] > entry[1]:
                entry[1] = row["last"]
        out = {}
        for u in units:
            n, last = recent.get(u.area_id, (0, None))
            link = _list_link("publicity:activity-list", u, _("Publicity activities"))
            p = {"n": n, "days": params["days"], "date": _day(last)}
            out[u.area_id] = Result(
                n >= params["count"], "publicity" if n >= params["count"] else "no_publicity", p, [link]
            )
        return out


class CollectionRule(Rule):
    code = "collection"
    label = gettext_lazy("Every stream collected separately")
    description = gettext_lazy(
        "Collection of every stream the district collects at the communities recorded in the unit in the "
        "last `days` days (from the daily totals of the weighing records; mixed loads do not count). "
        "Streams collected centrally (统一收运, e.g. recyclables and hazardous waste under the two-stream "
        "scheme) count only with `central` set."
    )
    levels = (Level.STREET, Level.COMMUNITY)
    defaults = {"days": 7, "central": False}

    def check_params(self, params):
        central = params.get("central", False)
        if not isinstance(central, bool):
            raise ValueError(_("“central” must be true or false."))
        rest = super().check_params({k: v for k, v in params.items() if k != "central"})
        return {**rest, "central": central}

    def evaluate(self, units, on, params, requirement):
        from fenlei.collection.models import AreaDay
        from fenlei.taxonomy.naming import streams

        wanted = [s.code for s in streams() if params.get("central") or not s.centrally_collected]
        start = on - datetime.timedelta(days=params["days"] - 1)
        seen: dict[int, set] = defaultdict(set)
        rows = (
            AreaDay.objects.filter(
                area_id__in=[u.area_id for u in units],
                day__gte=start,
                day__lte=on,
                stream__in=wanted,
                grams__gt=0,
            )
            .values_list("area_id", "stream")
            .order_by()
            .distinct()
        )
        for area_id, stream in rows:
            seen[area_id].add(stream)
        out = {}
        for u in units:
            missing = [c for c in wanted if c not in seen[u.area_id]]
            link = _list_link("collection:record-list", u, _("Collection records"))
            if missing:
                out[u.area_id] = Result(
                    False, "not_collected", {"days": params["days"], "missing": missing}, [link]
                )
            else:
                out[u.area_id] = Result(True, "collected", {"days": params["days"]}, [link])
        return out


class DemoSitesRule(Rule):
    code = "demo_sites"
    label = gettext_lazy("A demonstration site of each kind")
    description = gettext_lazy(
        "A named demonstration site of each of the three kinds in the unit — of the kinds of site it has: "
        "a community without office buildings needs no office demonstration site."
    )
    levels = (Level.STREET, Level.COMMUNITY)

    def evaluate(self, units, on, params, requirement):
        from fenlei.campaign.models import DemoSite

        owner = _owner(units)
        kind_of_site = {code: kind for kind, codes in DEMO_SITE_KINDS.items() for code in codes}
        present: dict[int, set] = defaultdict(set)
        for _pk, _name, path, code in _sites(units, on, []):
            unit = owner(path)
            if unit is not None and code in kind_of_site:
                present[unit].add(kind_of_site[code])
        named: dict[int, dict] = defaultdict(dict)
        rows = (
            DemoSite.objects.filter(
                _subtree(units),
                Q(revoked_on__isnull=True) | Q(revoked_on__gt=on),
                state__in=[DemoState.NAMED, DemoState.REVOKED],
                named_on__lte=on,
            )
            .values_list("pk", "area_path", "kind", "site__name")
            .order_by("named_on", "pk")
        )
        for pk, path, kind, name in rows:
            unit = owner(path)
            if unit is not None:
                named[unit].setdefault(kind, (pk, name))
        out = {}
        order = list(DemoKind.values)
        for u in units:
            needed = [k for k in order if k in present[u.area_id]]
            missing = [k for k in needed if k not in named[u.area_id]]
            have = [named[u.area_id][k] for k in order if k in named[u.area_id]]
            links = [[name, reverse("campaign:demo-detail", args=[pk])] for pk, name in have]
            if not needed:
                out[u.area_id] = Result(True, "no_sites", {})
            elif missing:
                out[u.area_id] = Result(False, "no_demo_sites", {"missing": missing}, links)
            else:
                out[u.area_id] = Result(True, "demo_sites", {"sites": [n for _p, n in have]}, links)
        return out


class InspectedRule(Rule):
    code = "inspected"
    label = gettext_lazy("Every site inspected")
    description = gettext_lazy(
        "Every open site in the unit (of the kinds named, if any) has been inspected at least once since "
        "the campaign began."
    )
    levels = (Level.STREET, Level.COMMUNITY)
    uses_site_kinds = True

    def evaluate(self, units, on, params, requirement):
        from fenlei.inspections.choices import TargetType
        from fenlei.inspections.models import Inspection

        since = (
            requirement.campaign.starts_on if requirement is not None else on - datetime.timedelta(days=365)
        )
        owner = _owner(units)
        sites = _sites(units, on, self.site_kind_ids(requirement))
        seen = set(
            Inspection.objects.filter(
                _subtree(units, community_field=None),
                target_type=TargetType.SITE,
                day__gte=since,
                day__lte=on,
            )
            .values_list("site_id", flat=True)
            .order_by()
            .distinct()
        )
        by_unit: dict[int, list] = defaultdict(list)
        for pk, name, path, _kind in sites:
            unit = owner(path)
            if unit is not None:
                by_unit[unit].append((pk, name))
        out = {}
        for u in units:
            mine = by_unit[u.area_id]
            lacking = [(pk, name) for pk, name in mine if pk not in seen]
            p = {"n": len(mine), "since": _day(since)}
            if not mine:
                out[u.area_id] = Result(True, "no_sites", {})
            elif lacking:
                links = [
                    [name, reverse("inspections:target-history", args=["site", pk])]
                    for pk, name in lacking[:NAMED]
                ]
                out[u.area_id] = Result(
                    False,
                    "not_inspected",
                    {
                        "n": len(lacking),
                        "total": len(mine),
                        "since": p["since"],
                        "sites": [n for _p, n in lacking],
                    },
                    links,
                )
            else:
                out[u.area_id] = Result(True, "inspected", p, [])
        return out


class ParticipationRule(Rule):
    code = "participation"
    label = gettext_lazy("Households take part")
    description = gettext_lazy(
        "The latest participation records of the unit's places (people ledger): the households taking "
        "part, as a share of the registered households, reach at least `percent`%."
    )
    levels = (Level.COMMUNITY,)
    defaults = {"percent": 80}

    def evaluate(self, units, on, params, requirement):
        from fenlei.people.models import Participation

        owner = _owner(units)
        latest: dict[int, tuple] = {}
        rows = (
            Participation.objects.filter(
                _subtree(units), Q(closed_on__isnull=True) | Q(closed_on__gt=on), recorded_on__lte=on
            )
            .values_list(
                "area_path", "site_id", "recorded_on", "registered_households", "participating_households"
            )
            .order_by("recorded_on", "pk")
        )
        totals: dict[int, dict] = defaultdict(dict)
        for path, site_id, day, registered, taking in rows:
            unit = owner(path)
            if unit is not None:
                totals[unit][(path, site_id)] = (day, registered, taking)  # the latest per place wins
        for unit, places in totals.items():
            registered = sum(v[1] for v in places.values())
            taking = sum(v[2] for v in places.values())
            latest[unit] = (max(v[0] for v in places.values()), registered, taking)
        out = {}
        for u in units:
            link = _list_link("people:participation-list", u, _("Participation"))
            if u.area_id not in latest or not latest[u.area_id][1]:
                out[u.area_id] = Result(False, "no_participation", {}, [link])
                continue
            day, registered, taking = latest[u.area_id]
            pct = round(100 * taking / registered, 1)
            p = {"pct": pct, "date": _day(day), "target": params["percent"]}
            out[u.area_id] = Result(
                pct >= params["percent"],
                "participation" if pct >= params["percent"] else "low_participation",
                p,
                [link],
            )
        return out


REGISTRY: dict[str, Rule] = {
    r.code: r
    for r in (
        LeadingGroupRule(),
        ContainersRule(),
        SupervisorsRule(),
        PublicityRule(),
        CollectionRule(),
        DemoSitesRule(),
        InspectedRule(),
        ParticipationRule(),
    )
}


def choices() -> list[tuple[str, str]]:
    return [(code, str(rule.label)) for code, rule in REGISTRY.items()]
