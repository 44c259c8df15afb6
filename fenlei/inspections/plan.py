"""Daily inspection plans: who inspects which targets on a day.

`make_plan(day=, area=, by=)` gives each inspector — a user with an active INSPECTOR role assignment
over part of `area` — up to FENLEI_PLAN_TARGETS_PER_DAY targets (sites, drop-off points, vehicles)
in the part of `area` it covers: the targets most behind their monthly quota first (the quota less
the month's inspections before `day`), then the least recently inspected (never first); only
targets still behind their quota are planned, and no target twice on a day across inspectors.

Running it again for the same day adds only what is missing (the plan's unique constraint on
day/inspector/target_key keeps it once); each run writes the audit entries of its new rows in bulk.
`services.submit` links an inspection to its plan entry.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q

from fenlei.core import audit
from fenlei.core.models import AuditAction
from fenlei.core.periods import Period
from fenlei.core.roles import Role
from fenlei.core.scoping import subtree_q
from fenlei.inspections.choices import TargetType
from fenlei.inspections.models import Inspection, PlanEntry
from fenlei.inspections.selectors import Quotas, _target_models
from fenlei.org.models import Area

#: Inspections older than this are not looked at to rank "least recently inspected" (older is never).
LOOK_BACK_DAYS = 366


def target_key(target_type: str, target_id: int) -> str:
    return f"{target_type}:{target_id}"


@dataclass
class Candidate:
    target_type: str
    pk: int
    area_id: int
    area_path: str
    site_id: int | None
    behind: int
    last: datetime.date | None

    @property
    def key(self) -> str:
        return target_key(self.target_type, self.pk)

    @property
    def rank(self) -> tuple:
        return (-self.behind, self.last or datetime.date.min, self.area_path, self.target_type, self.pk)


@dataclass
class PlanRun:
    day: datetime.date
    area: Area
    created: int = 0
    inspectors: int = 0
    per_inspector: dict = field(default_factory=dict)  # username -> new entries


def inspectors_for(area: Area):
    """[(user, the area it plans in)] for the active inspectors covering part of `area`."""
    from fenlei.accounts.models import RoleAssignment

    rows = (
        RoleAssignment.objects.filter(
            role=Role.INSPECTOR,
            active=True,
            user__is_active=True,
            area__isnull=False,
            area__closed_on__isnull=True,
        )
        .filter(subtree_q("area__path", area.path) | Q(area__path__in=area.ancestor_paths()))
        .select_related("user", "area")
        .order_by("user__username", "area__path")
    )
    out = []
    for ra in rows:
        zone = ra.area if ra.area.path.startswith(area.path) else area
        out.append((ra.user, zone))
    return out


def candidates(day: datetime.date, area: Area) -> list[Candidate]:
    """The open targets of `area` still behind their monthly quota on `day`, best first."""
    month = Period.month(day)
    since = day - datetime.timedelta(days=LOOK_BACK_DAYS)
    under = subtree_q("area_path", area.path, whole_tree=area.parent_id is None)
    out: list[Candidate] = []
    for target_type, model in _target_models().items():
        fk = {TargetType.SITE: "site_id", TargetType.DROPOFF: "dropoff_id", TargetType.VEHICLE: "vehicle_id"}[
            target_type
        ]
        fields = ["pk", "area_path"]
        if target_type == TargetType.SITE:
            fields += ["kind_id", "community_id"]
        else:
            fields.append("area_id")
        if target_type == TargetType.DROPOFF:
            fields.append("site_id")
        rows = list(model._default_manager.filter(under, closed_on__isnull=True).values(*fields))
        if not rows:
            continue
        visits = (
            Inspection.objects.filter(under, target_type=target_type, day__gte=since, day__lt=day)
            .values(fk)
            .annotate(
                n=Count("pk", filter=Q(day__gte=month.start)),
                last=Max("day"),
            )
            .order_by()
        )
        seen = {v[fk]: v for v in visits}
        quotas = Quotas(target_type, area)
        for r in rows:
            v = seen.get(r["pk"], {})
            behind = quotas.for_target(r["area_path"], r.get("kind_id")) - v.get("n", 0)
            if behind <= 0:
                continue
            out.append(
                Candidate(
                    target_type,
                    r["pk"],
                    r.get("community_id") or r["area_id"],
                    r["area_path"],
                    r["pk"] if target_type == TargetType.SITE else r.get("site_id"),
                    behind,
                    v.get("last"),
                )
            )
    out.sort(key=lambda c: c.rank)
    return out


def make_plan(*, day: datetime.date, area: Area, by, per_day: int | None = None) -> PlanRun:
    """Plan `day` for the inspectors over `area` (see the module's docstring); safe to run again."""
    per_day = per_day or settings.FENLEI_PLAN_TARGETS_PER_DAY
    run = PlanRun(day, area)
    crew = inspectors_for(area)
    run.inspectors = len(crew)
    if not crew:
        return run
    pool = candidates(day, area)
    with transaction.atomic():
        existing = list(
            PlanEntry.objects.select_for_update().filter(day=day).values_list("inspector_id", "target_key")
        )
        taken = {key for _i, key in existing}
        have: dict[int, int] = {}
        for inspector_id, _k in existing:
            have[inspector_id] = have.get(inspector_id, 0) + 1
        wants = {user.pk: max(0, per_day - have.get(user.pk, 0)) for user, _z in crew}
        picks: dict[int, list[Candidate]] = {user.pk: [] for user, _z in crew}
        # round robin: each inspector in turn takes its best remaining target
        progress = True
        while progress:
            progress = False
            for user, zone in crew:
                if len(picks[user.pk]) >= wants[user.pk]:
                    continue
                for c in pool:
                    if c.key not in taken and c.area_path.startswith(zone.path):
                        taken.add(c.key)
                        picks[user.pk].append(c)
                        progress = True
                        break
        rows = []
        for user, _zone in crew:
            for c in picks[user.pk]:
                rows.append(
                    PlanEntry(
                        day=day,
                        inspector=user,
                        target_key=c.key,
                        planned_by=by if getattr(by, "is_authenticated", False) else None,
                        target_type=c.target_type,
                        site_id=c.site_id,
                        dropoff_id=c.pk if c.target_type == TargetType.DROPOFF else None,
                        vehicle_id=c.pk if c.target_type == TargetType.VEHICLE else None,
                        area_id=c.area_id,
                        area_path=c.area_path,
                    )
                )
            run.per_inspector[user.username] = len(picks[user.pk])
        if rows:
            created = PlanEntry.objects.bulk_create(rows)
            audit.log_bulk(
                created,
                AuditAction.CREATE,
                by=by if getattr(by, "is_authenticated", False) else None,
                changes_for=lambda e: {"day": [None, e.day.isoformat()], "target": [None, e.target_key]},
                note="inspection plan",
            )
        run.created = len(rows)
    return run


#: The roles that plan inspections: the district office and the streets.
PLANNERS = (Role.DISTRICT_ADMIN, Role.STREET_ADMIN)


def may_plan(user, area: Area) -> bool:
    """Whether `user` may plan the inspections of `area`: the office or a street over it."""
    if user.is_superuser:
        return True
    return any(area.path.startswith(a.area.path) for a in _planner_assignments(user))


def planning_areas(user) -> list[Area]:
    """The areas `user` plans (the office's district, a street), for the plan form."""
    if user.is_superuser:
        return list(Area.objects.filter(parent__isnull=True, closed_on__isnull=True))
    return [a.area for a in _planner_assignments(user)]


def _planner_assignments(user):
    from fenlei.core.scoping import _assignments

    return [
        a
        for a in _assignments(user)
        if a.role in PLANNERS and a.area is not None and a.area.closed_on is None
    ]
