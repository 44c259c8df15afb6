"""The campaign's writes: setting a campaign up, keeping each unit's checklist current, coverage day
by day, snapshots, evidence and its verification, and the demonstration sites' steps.

Judging is `evaluate` (a read: every requirement for many units as of a date, through the rules);
`refresh` writes what it finds into `Item` and `Unit` rows. A ledger write marks its units dirty
(`receivers`); `refresh_stale` brings dirty units current before a page reads them; the daily job
(`fenlei campaign daily`) refreshes every unit, records the day's coverage and takes the snapshots
of assessment milestones.
"""

from __future__ import annotations

import datetime
import math
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fenlei.campaign import notices, rules
from fenlei.campaign.choices import (
    DEMO_REASON_REQUIRED,
    DEMO_SCORED,
    DEMO_TRANSITIONS,
    Capacity,
    DemoState,
    DemoStep,
    EvidenceState,
    ItemState,
    Level,
    Method,
    PhaseCode,
    demo_kind_of,
)
from fenlei.campaign.models import (
    Campaign,
    CoverageDay,
    DemoEvent,
    DemoSite,
    Evidence,
    Item,
    Milestone,
    Phase,
    Requirement,
    Snapshot,
    SnapshotItem,
    SnapshotUnit,
    Unit,
)
from fenlei.core import attachments, audit, notify
from fenlei.core.audit import current_face
from fenlei.core.models import AuditAction
from fenlei.core.roles import Role
from fenlei.core.scoping import _assignments
from fenlei.org.choices import KIND_LEVEL, PATH_SEGMENT, AreaLevel
from fenlei.org.models import Area

#: Characters of one path segment ("0001.").
STEP = PATH_SEGMENT + 1
#: Units judged in one pass (the rules' IN lists stay well within every database's limits).
CHUNK = 2000


def today() -> datetime.date:
    return timezone.localdate()


# --- setting a campaign up ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RequirementSpec:
    code: str
    name: str
    level: int
    method: str
    rule: str
    due: tuple[int, int]  # month, day
    responsible: str
    in_coverage: bool = True
    params: dict | None = None
    description: str = ""


#: The seed's checklist: by 6/30 a leading group, a plan, standard facilities and a demonstration site of
#: each kind in every street and community; by 9/30 sorting covers every community; by 11/30 every site
#: is inspected. The office edits it per campaign.
DEFAULT_REQUIREMENTS = (
    RequirementSpec(
        "street-group",
        "街道垃圾分类工作领导小组",
        Level.STREET,
        Method.RULE,
        "leading_group",
        (6, 30),
        "街道办事处主任",
    ),
    RequirementSpec(
        "street-plan",
        "街道垃圾分类实施方案",
        Level.STREET,
        Method.EVIDENCE,
        "",
        (6, 30),
        "街道办事处主任",
        description="上传街道结合实际制定的实施方案（盖章扫描件），由区分类办核验。",
    ),
    RequirementSpec(
        "street-demo",
        "三类示范点各一个",
        Level.STREET,
        Method.RULE,
        "demo_sites",
        (6, 30),
        "街道分管领导",
        in_coverage=False,
    ),
    RequirementSpec(
        "group",
        "社区垃圾分类工作领导小组",
        Level.COMMUNITY,
        Method.RULE,
        "leading_group",
        (6, 30),
        "社区党组织书记",
    ),
    RequirementSpec(
        "plan",
        "社区垃圾分类实施方案",
        Level.COMMUNITY,
        Method.EVIDENCE,
        "",
        (6, 30),
        "社区党组织书记",
        description="上传社区结合实际制定的实施方案，由街道核验。",
    ),
    RequirementSpec(
        "containers",
        "分类容器配置到位（每一类都有）",
        Level.COMMUNITY,
        Method.RULE,
        "containers",
        (6, 30),
        "社区居委会主任",
    ),
    RequirementSpec(
        "supervisors",
        "定时定点投放点督导员全覆盖",
        Level.COMMUNITY,
        Method.RULE,
        "supervisors",
        (9, 30),
        "社区居委会主任",
    ),
    RequirementSpec(
        "publicity",
        "近30天开展宣传活动",
        Level.COMMUNITY,
        Method.RULE,
        "publicity",
        (9, 30),
        "社区宣传委员",
        params={"days": 30, "count": 1},
    ),
    RequirementSpec(
        "collection",
        "近7天各类垃圾均分类收运",
        Level.COMMUNITY,
        Method.RULE,
        "collection",
        (9, 30),
        "社区居委会主任",
        params={"days": 7},
    ),
    RequirementSpec(
        "demo",
        "三类示范点（按社区现有类型）",
        Level.COMMUNITY,
        Method.RULE,
        "demo_sites",
        (6, 30),
        "社区党组织书记",
        in_coverage=False,
    ),
    RequirementSpec(
        "inspected",
        "全部小区、单位检查一遍",
        Level.COMMUNITY,
        Method.RULE,
        "inspected",
        (11, 30),
        "街道督导组",
        in_coverage=False,
    ),
)


def _date(year: int, md: tuple[int, int]) -> datetime.date:
    return datetime.date(year, *md)


@transaction.atomic
def create_campaign(
    *, area: Area, year: int, by, name: str = "", shift_days: int = 0, requirements=DEFAULT_REQUIREMENTS
) -> Campaign:
    """A campaign with the seed's three phases, its milestones and the default checklist.

    `shift_days` moves every date (the demo places a campaign around today)."""
    if area.level > AreaLevel.DISTRICT:  # a district or the city
        raise ValidationError({"area": _("A campaign belongs to a district (or the city).")})
    shift = datetime.timedelta(days=shift_days)

    def d(month: int, day: int) -> datetime.date:
        return datetime.date(year, month, day) + shift

    campaign = Campaign(
        area=area,
        year=year,
        name=name or _("{year} full-coverage campaign for household waste sorting").format(year=year),
        starts_on=d(1, 1),
        ends_on=d(11, 30),
        coverage_deadline=d(9, 30),
    )
    campaign.full_clean()
    campaign.save()
    audit.log(campaign, AuditAction.CREATE, by=by)
    Phase.objects.bulk_create(
        [
            Phase(campaign=campaign, code=PhaseCode.MOBILISE, starts_on=d(1, 1), ends_on=d(6, 30)),
            Phase(campaign=campaign, code=PhaseCode.IMPLEMENT, starts_on=d(7, 1), ends_on=d(9, 30)),
            Phase(campaign=campaign, code=PhaseCode.ASSESS, starts_on=d(10, 1), ends_on=d(11, 30)),
        ]
    )
    Milestone.objects.bulk_create(
        [
            Milestone(
                campaign=campaign,
                name="各街道、社区成立领导小组、制定方案、规范设施，建成三类示范点各一个；半年度专项考核",
                due_on=d(6, 30),
                is_assessment=True,
            ),
            Milestone(campaign=campaign, name="全区街道、社区生活垃圾分类全面覆盖", due_on=d(9, 30)),
            Milestone(campaign=campaign, name="全面检查、考核", due_on=d(11, 30), is_assessment=True),
        ]
    )
    for position, spec in enumerate(requirements):
        req = Requirement(
            campaign=campaign,
            code=spec.code,
            name=spec.name,
            description=spec.description,
            level=spec.level,
            method=spec.method,
            rule=spec.rule,
            params=dict(spec.params or {}),
            due_on=d(*spec.due),
            responsible=spec.responsible,
            in_coverage=spec.in_coverage,
            position=position,
        )
        req.full_clean()
        req.save()
    ensure_units(campaign)
    return campaign


def current_campaign(area: Area | None = None, on: datetime.date | None = None) -> Campaign | None:
    """The campaign running on `on` (today) over `area` (the nearest one above it), else the latest."""
    on = on or today()
    qs = Campaign.objects.all()
    if area is not None:
        ancestors = [area.path[: i + 1] for i, ch in enumerate(area.path) if ch == "."]
        qs = qs.filter(Q(area_path__in=ancestors) | Q(area_path__startswith=area.path))
    running = qs.filter(starts_on__lte=on, ends_on__gte=on).order_by("-area_path", "-year").first()
    return running or qs.order_by("-year", "-area_path").first()


def ensure_units(campaign: Campaign) -> int:
    """Create the units (open streets and communities under the campaign's area) and their items that
    are missing. Returns how many units were added."""
    kinds = [k for k, level in KIND_LEVEL.items() if level in (AreaLevel.STREET, AreaLevel.COMMUNITY)]
    areas = [
        (pk, path, KIND_LEVEL[kind], parent, households)
        for pk, path, kind, parent, households in Area.objects.filter(
            path__startswith=campaign.area.path, kind__in=kinds, closed_on__isnull=True
        ).values_list("pk", "path", "kind", "parent_id", "households")
    ]
    have = set(Unit.objects.filter(campaign=campaign).values_list("area_id", flat=True))
    new = [
        Unit(
            campaign=campaign,
            area_id=pk,
            area_path=path,
            level=depth,
            street_id=pk if depth == AreaLevel.STREET else parent,
            households=households,
        )
        for pk, path, depth, parent, households in areas
        if pk not in have
    ]
    Unit.objects.bulk_create(new, batch_size=1000)
    ensure_items(campaign)
    return len(new)


def ensure_items(campaign: Campaign) -> int:
    """Create the items missing for every (unit, requirement of the unit's level)."""
    reqs = list(Requirement.objects.filter(campaign=campaign).values_list("pk", "level"))
    units = list(Unit.objects.filter(campaign=campaign).values_list("pk", "level", "area_path"))
    have = set(Item.objects.filter(unit__campaign=campaign).values_list("unit_id", "requirement_id"))
    new = [
        Item(unit_id=u, requirement_id=r, area_path=path, state=ItemState.UNMET)
        for u, ulevel, path in units
        for r, rlevel in reqs
        if rlevel == ulevel and (u, r) not in have
    ]
    Item.objects.bulk_create(new, batch_size=2000)
    if new:
        Unit.objects.filter(pk__in={i.unit_id for i in new}).update(dirty=True)
    return len(new)


# --- judging --------------------------------------------------------------------------------------------


def _evidence_results(reqs: list[Requirement], units: list[rules.UnitRef], on: datetime.date) -> dict:
    """(requirement id, area id) -> Result for evidence-based requirements, as of the end of `on`."""
    out: dict[tuple[int, int], rules.Result] = {}
    if not reqs:
        return out
    ids = [u.area_id for u in units]
    rows = (
        Evidence.objects.filter(
            item__requirement__in=reqs, item__unit__area_id__in=ids, submitted_at__date__lte=on
        )
        .values_list(
            "item__requirement_id",
            "item__unit__area_id",
            "state",
            "submitted_at",
            "decided_at",
            "decision_note",
            "decided_by__display_name",
            "decided_by__username",
            "pk",
        )
        .order_by("submitted_at", "pk")
    )
    latest = {}
    for req_id, area_id, state, submitted_at, decided_at, note, first, username, _pk in rows:
        latest[(req_id, area_id)] = (state, submitted_at, decided_at, note, first or username)
    for req in reqs:
        for u in units:
            found = latest.get((req.pk, u.area_id))
            if found is None:
                out[(req.pk, u.area_id)] = rules.Result(False, ItemState.MISSING, {})
                continue
            state, submitted_at, decided_at, note, who = found
            decided = decided_at is not None and timezone.localdate(decided_at) <= on
            if state == EvidenceState.VERIFIED and decided:
                out[(req.pk, u.area_id)] = rules.Result(
                    True, "verified", {"by": who, "date": timezone.localdate(decided_at).isoformat()}
                )
            elif state == EvidenceState.RETURNED and decided:
                out[(req.pk, u.area_id)] = rules.Result(
                    False,
                    ItemState.RETURNED,
                    {"date": timezone.localdate(decided_at).isoformat(), "note": note},
                )
            else:
                out[(req.pk, u.area_id)] = rules.Result(
                    False, ItemState.SUBMITTED, {"date": timezone.localdate(submitted_at).isoformat()}
                )
    return out


def evaluate(
    campaign: Campaign, units: list[rules.UnitRef], on: datetime.date, *, coverage_only: bool = False
) -> dict[tuple[int, int], rules.Result]:
    """Every requirement of the campaign (or only those that count for coverage) for `units`, as of
    `on`: (requirement id, area id) -> Result."""
    reqs = Requirement.objects.filter(campaign=campaign)
    if coverage_only:
        reqs = reqs.filter(in_coverage=True)
    reqs = list(reqs.select_related("campaign").prefetch_related("site_kinds"))
    out: dict[tuple[int, int], rules.Result] = {}
    by_level: dict[int, list[rules.UnitRef]] = defaultdict(list)
    for u in units:
        by_level[u.level].append(u)
    for level, mine in by_level.items():
        level_reqs = [r for r in reqs if r.level == level]
        out.update(_evidence_results([r for r in level_reqs if r.method == Method.EVIDENCE], mine, on))
        for req in level_reqs:
            if req.method != Method.RULE:
                continue
            rule = rules.REGISTRY[req.rule]
            params = rule.check_params(req.params or {})
            for area_id, result in rule.evaluate(mine, on, params, req).items():
                out[(req.pk, area_id)] = result
    return out


def _state(result: rules.Result, method: str) -> str:
    if result.met:
        return ItemState.MET
    if method == Method.EVIDENCE:
        return result.reason if result.reason in ItemState.values else ItemState.MISSING
    return ItemState.UNMET


def refresh(campaign: Campaign, units=None, *, now: datetime.datetime | None = None) -> int:
    """Judge `units` (a Unit queryset; default every unit of the campaign) today — or, for a campaign
    that has ended, as of its last day — and keep the results. Returns how many units were judged."""
    now = now or timezone.now()
    day = min(timezone.localdate(now), campaign.ends_on)
    qs = units if units is not None else Unit.objects.filter(campaign=campaign)
    pks = list(qs.values_list("pk", flat=True))
    reqs = {r.pk: r for r in Requirement.objects.filter(campaign=campaign)}
    for start in range(0, len(pks), CHUNK):
        _refresh_chunk(campaign, pks[start : start + CHUNK], reqs, day, now)
    return len(pks)


def _refresh_chunk(campaign, pks: list[int], reqs: dict, day: datetime.date, now) -> None:
    with transaction.atomic():
        # clean first: a ledger write during the judging marks the unit again, to be judged next time
        Unit.objects.filter(pk__in=pks, dirty=True).update(dirty=False)
        units = list(Unit.objects.filter(pk__in=pks).select_related("area").order_by())
        refs = [rules.UnitRef(u.area_id, u.area_path, u.level) for u in units]
        results = evaluate(campaign, refs, day)
        items = list(Item.objects.filter(unit_id__in=pks).order_by())
        by_unit: dict[int, list[Item]] = defaultdict(list)
        changed = []
        for item in items:
            unit_area = item.unit_id
            by_unit[unit_area].append(item)
        area_of = {u.pk: u.area_id for u in units}
        for item in items:
            req = reqs.get(item.requirement_id)
            result = results.get((item.requirement_id, area_of[item.unit_id]))
            if req is None or result is None:
                continue
            state = _state(result, req.method)
            met_since = item.met_since if (item.met and result.met) else (day if result.met else None)
            new = (state, result.met, met_since, result.reason, result.params, result.links)
            old = (item.state, item.met, item.met_since, item.reason, item.reason_params, item.links)
            if new != old:
                item.state, item.met, item.met_since, item.reason, item.reason_params, item.links = new
                changed.append(item)
        # only what changed is written row by row; the time of judging, in one statement
        Item.objects.bulk_update(
            changed, ["state", "met", "met_since", "reason", "reason_params", "links"], batch_size=1000
        )
        Item.objects.filter(unit_id__in=pks).update(evaluated_at=now)
        moved = []
        for unit in units:
            mine = by_unit[unit.pk]
            counted = [i for i in mine if reqs[i.requirement_id].in_coverage]
            covered = bool(counted) and all(i.met for i in counted)
            before = (unit.met, unit.total, unit.overdue, unit.covered, unit.covered_since, unit.households)
            unit.met = sum(i.met for i in mine)
            unit.total = len(mine)
            unit.overdue = sum(
                1 for i in counted if not i.met and (i.due_on or reqs[i.requirement_id].due_on) < day
            )
            if covered and not unit.covered:
                unit.covered_since = day
            elif not covered:
                unit.covered_since = None
            unit.covered = covered
            unit.households = unit.area.households  # the area's figure may have changed since
            after = (unit.met, unit.total, unit.overdue, unit.covered, unit.covered_since, unit.households)
            if after != before:
                moved.append(unit)
        Unit.objects.bulk_update(
            moved, ["met", "total", "overdue", "covered", "covered_since", "households"], batch_size=1000
        )
        Unit.objects.filter(pk__in=pks).update(evaluated_at=now)


def stale(campaign: Campaign, path: str | None = None, *, now=None):
    """The units under `path` that are dirty or were last judged before today."""
    now = now or timezone.now()
    start = timezone.make_aware(datetime.datetime.combine(timezone.localdate(now), datetime.time()))
    qs = Unit.objects.filter(campaign=campaign).filter(
        Q(dirty=True) | Q(evaluated_at__isnull=True) | Q(evaluated_at__lt=start)
    )
    if path:
        qs = qs.filter(area_path__startswith=path)
    return qs


def refresh_stale(campaign: Campaign, path: str | None = None, *, limit: int | None = None, now=None) -> int:
    """Bring the stale units under `path` current (at most `limit` of them: a page never waits for a
    whole city; the daily job judges the rest)."""
    from django.conf import settings

    limit = settings.FENLEI_CAMPAIGN_REFRESH_LIMIT if limit is None else limit
    if timezone.localdate(now) > campaign.ends_on:
        return 0  # a finished campaign keeps the standing of its last day
    pks = list(stale(campaign, path, now=now).order_by("area_path").values_list("pk", flat=True)[:limit])
    # in groups of a few units: the rules then read each unit's own rows, never the whole subtree the
    # scattered units of a city share
    for start in range(0, len(pks), rules.FEW):
        refresh(campaign, Unit.objects.filter(pk__in=pks[start : start + rules.FEW]), now=now)
    return len(pks)


def mark_dirty(area_path: str) -> int:
    """Mark the units of the area at `area_path` and of every area above it to be judged again."""
    ancestors = [area_path[: i + 1] for i, ch in enumerate(area_path) if ch == "."]
    if not ancestors:
        return 0
    return Unit.objects.filter(area_path__in=ancestors, dirty=False).update(dirty=True)


# --- coverage day by day -------------------------------------------------------------------------------------


def _tally(rows, campaign: Campaign) -> dict[str, list[int]]:
    """area path -> [communities, covered, households, covered households], for the campaign's area and
    every area between it and the communities, from (path, covered, households) of each community."""
    root = len(campaign.area.path)
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for path, covered, households in rows:
        for end in range(root, len(path), STEP):
            key = path[:end]
            t = out[key]
            t[0] += 1
            t[2] += households
            if covered:
                t[1] += 1
                t[3] += households
    return out


def coverage_on(campaign: Campaign, on: datetime.date) -> dict[str, list[int]]:
    """Coverage as of `on` for every area from the campaign's down to the streets (see `_tally`): from the
    units' current standing when `on` is today, else judged afresh as of that day."""
    if on == today():
        rows = Unit.objects.filter(campaign=campaign, level=Level.COMMUNITY).values_list(
            "area_path", "covered", "households"
        )
        return _tally(rows, campaign)
    units = list(
        Unit.objects.filter(campaign=campaign, level=Level.COMMUNITY).values_list(
            "area_id", "area_path", "households"
        )
    )
    counted = set(
        Requirement.objects.filter(campaign=campaign, in_coverage=True, level=Level.COMMUNITY).values_list(
            "pk", flat=True
        )
    )
    covered: dict[int, bool] = {}
    for start in range(0, len(units), CHUNK):
        chunk = units[start : start + CHUNK]
        refs = [rules.UnitRef(a, p, Level.COMMUNITY) for a, p, _h in chunk]
        results = evaluate(campaign, refs, on, coverage_only=True)
        for a, _p, _h in chunk:
            covered[a] = bool(counted) and all(results[(r, a)].met for r in counted if (r, a) in results)
    return _tally([(p, covered[a], h) for a, p, h in units], campaign)


def record_day(campaign: Campaign, on: datetime.date | None = None) -> int:
    """Keep the coverage of `on` (default today) in `CoverageDay` rows (replacing that day's)."""
    on = on or today()
    tally = coverage_on(campaign, on)
    areas = dict(Area.objects.filter(path__in=list(tally)).values_list("path", "pk"))
    with transaction.atomic():
        CoverageDay.objects.filter(campaign=campaign, day=on).delete()
        CoverageDay.objects.bulk_create(
            [
                CoverageDay(
                    campaign=campaign,
                    area_id=areas[path],
                    area_path=path,
                    day=on,
                    communities=t[0],
                    covered=t[1],
                    households=t[2],
                    covered_households=t[3],
                )
                for path, t in tally.items()
                if path in areas
            ]
        )
    return len(tally)


def backfill(campaign: Campaign, start: datetime.date, end: datetime.date, *, every: int = 1) -> int:
    """Record coverage for the days from `start` to `end` (every `every` days, and `end`) not yet kept."""
    have = set(
        CoverageDay.objects.filter(campaign=campaign, area=campaign.area).values_list("day", flat=True)
    )
    days = []
    day = start
    while day <= end:
        days.append(day)
        day += datetime.timedelta(days=every)
    if end not in days:
        days.append(end)
    done = 0
    for day in days:
        if day not in have:
            record_day(campaign, day)
            done += 1
    return done


# --- the forecast ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Forecast:
    total: int
    covered: int
    #: Communities covered per day over the window (None: not enough history).
    pace: float | None
    #: The day coverage reaches every community at that pace (None: never at this pace, or done).
    date: datetime.date | None
    deadline: datetime.date
    days_left: int
    #: The pace needed to be done by the deadline.
    needed: float | None
    done: bool
    on_track: bool

    @property
    def remaining(self) -> int:
        return self.total - self.covered

    @property
    def late_by(self) -> int | None:
        if self.date is None or self.date <= self.deadline:
            return None
        return (self.date - self.deadline).days


def forecast(
    series: list[tuple[datetime.date, int]],
    total: int,
    *,
    today: datetime.date,
    deadline: datetime.date,
    window: int,
) -> Forecast:
    """The completion date at the current pace.

    `series` is (day, covered) ascending, today's value last. The pace is the coverage gained from
    the latest point on or before `today - window` (else the first point) to today, per day. The
    remaining communities at that pace give the date (rounded up to a whole day)."""
    covered = series[-1][1] if series else 0
    remaining = total - covered
    days_left = (deadline - today).days
    needed = None
    if remaining > 0:
        needed = remaining / days_left if days_left > 0 else None
    if remaining <= 0:
        return Forecast(total, covered, None, None, deadline, days_left, needed, True, True)
    start = today - datetime.timedelta(days=window)
    before = [p for p in series if p[0] <= start]
    base = before[-1] if before else (series[0] if series else None)
    pace = None
    if base is not None and base[0] < today:
        pace = (covered - base[1]) / (today - base[0]).days
    date = None
    if pace is not None and pace > 0:
        date = today + datetime.timedelta(days=math.ceil(remaining / pace - 1e-9))
    on_track = date is not None and date <= deadline
    return Forecast(total, covered, pace, date, deadline, days_left, needed, False, on_track)


# --- snapshots -----------------------------------------------------------------------------------------------


@transaction.atomic
def take_snapshot(campaign: Campaign, *, on: datetime.date, name: str, by) -> Snapshot:
    """Freeze every unit's checklist as it stood at the end of `on`."""
    if on > today():
        raise ValidationError({"on": _("A snapshot cannot be taken of a day still to come.")})
    if Snapshot.objects.filter(campaign=campaign, on=on).exists():
        raise ValidationError({"on": _("There is already a snapshot of {day}.").format(day=on)})
    snap = Snapshot(
        campaign=campaign,
        name=name,
        on=on,
        taken_at=timezone.now(),
        taken_by=by,
        area_path=campaign.area_path,
    )
    snap.save()
    audit.log(snap, AuditAction.CREATE, by=by)
    units = list(
        Unit.objects.filter(campaign=campaign).values_list(
            "area_id", "area_path", "level", "street_id", "households"
        )
    )
    reqs = {r.pk: r for r in Requirement.objects.filter(campaign=campaign)}
    for start in range(0, len(units), CHUNK):
        chunk = units[start : start + CHUNK]
        refs = [rules.UnitRef(a, p, lv) for a, p, lv, _s, _h in chunk]
        results = evaluate(campaign, refs, on)
        by_area: dict[int, list] = defaultdict(list)
        for (rid, aid), res in results.items():
            by_area[aid].append((rid, res))
        s_items, s_units = [], []
        for a, p, lv, street, households in chunk:
            mine = by_area[a]
            counted = [res.met for rid, res in mine if reqs[rid].in_coverage]
            for rid, res in mine:
                s_items.append(
                    SnapshotItem(
                        snapshot=snap,
                        area_id=a,
                        area_path=p,
                        requirement_id=rid,
                        state=_state(res, reqs[rid].method),
                        met=res.met,
                        reason=res.reason,
                        reason_params=res.params,
                    )
                )
            s_units.append(
                SnapshotUnit(
                    snapshot=snap,
                    area_id=a,
                    area_path=p,
                    level=lv,
                    street_id=street,
                    households=households,
                    covered=bool(counted) and all(counted),
                    met=sum(res.met for _r, res in mine),
                    total=len(mine),
                )
            )
        SnapshotItem.objects.bulk_create(s_items, batch_size=2000)
        SnapshotUnit.objects.bulk_create(s_units, batch_size=1000)
    return snap


# --- who may act ------------------------------------------------------------------------------------------------

_AREA_ROLES = {
    Role.DISTRICT_ADMIN: AreaLevel.DISTRICT,
    Role.STREET_ADMIN: AreaLevel.STREET,
    Role.COMMUNITY_ADMIN: AreaLevel.COMMUNITY,
}


def _levels_over(user, path: str) -> set[int]:
    """The depths of the areas over `path` at which `user` holds an office role (district, street or
    community administrator); a superuser holds every level."""
    if user.is_superuser:
        return {AreaLevel.CITY, AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY}
    out = set()
    for a in _assignments(user):
        if (
            a.role in _AREA_ROLES
            and a.area is not None
            and a.area.closed_on is None
            and path.startswith(a.area.path)
        ):
            out.add(a.area.level)
    return out


def may_submit_evidence(user, item: Item) -> bool:
    """The unit itself submits its evidence (its own administrators)."""
    return item.unit.level in _levels_over(user, item.unit.area_path) or user.is_superuser


def may_verify_evidence(user, item: Item) -> bool:
    """The level above the unit verifies it."""
    return any(level < item.unit.level for level in _levels_over(user, item.unit.area_path))


def demo_capacities(user, demo_path: str) -> set[str]:
    """In which capacities `user` acts on a demonstration site placed at `demo_path` (a community)."""
    levels = _levels_over(user, demo_path)
    out = set()
    if AreaLevel.COMMUNITY in levels:
        out.add(Capacity.COMMUNITY)
    if AreaLevel.STREET in levels:
        out.add(Capacity.STREET)
    if levels & {AreaLevel.CITY, AreaLevel.DISTRICT}:
        out.add(Capacity.DISTRICT)
    return out


def allowed_demo_steps(user, demo: DemoSite) -> list[str]:
    caps = demo_capacities(user, demo.area_path)
    return [
        step
        for step, (sources, _to, capacity) in DEMO_TRANSITIONS.items()
        if step != DemoStep.APPLY and demo.state in sources and capacity in caps
    ]


# --- evidence -----------------------------------------------------------------------------------------------------


def _users_over(path: str, levels: set[int]):
    """Active users holding an office role at one of `levels` over `path`."""
    from django.contrib.auth import get_user_model

    from fenlei.accounts.models import RoleAssignment

    ancestors = [path[: i + 1] for i, ch in enumerate(path) if ch == "."]
    ids = RoleAssignment.objects.filter(
        active=True,
        role__in=list(_AREA_ROLES),
        area__path__in=ancestors,
        area__kind__in=[k for k, level in KIND_LEVEL.items() if level in levels],
        area__closed_on__isnull=True,
    ).values_list("user_id", flat=True)
    return get_user_model().objects.filter(pk__in=ids, is_active=True)


def submit_evidence(item: Item, *, by, note: str, files: list, captures=None) -> Evidence:
    """The unit submits evidence for an evidence-based item; the level above is told."""
    if item.requirement.method != Method.EVIDENCE:
        raise ValidationError(_("This requirement is judged from the records: it takes no evidence."))
    if not may_submit_evidence(by, item):
        raise PermissionDenied(_("Only the unit itself submits its evidence."))
    prepared = attachments.prepare(Evidence, "evidence", files, captures, label="files") if files else []
    if not prepared and not note.strip():
        raise ValidationError({"files": _("Attach the evidence (a file) or describe it.")})
    written: list[str] = []
    try:
        with transaction.atomic():
            locked = Item.objects.select_for_update(of=("self",)).get(pk=item.pk)
            pending = locked.evidence.filter(state=EvidenceState.SUBMITTED).exists()
            if pending:
                raise ValidationError(_("Evidence is already awaiting verification."))
            evidence = Evidence(
                item=locked,
                note=note.strip(),
                submitted_by=by,
                submitted_at=timezone.now(),
                area_path=locked.area_path,
            )
            evidence.save()
            audit.log(evidence, AuditAction.CREATE, by=by)
            if prepared:
                attachments.store(row=evidence, slot="evidence", prepared=prepared, by=by, written=written)
            Unit.objects.filter(pk=locked.unit_id).update(dirty=True)
            _tell_evidence(
                evidence, notices.EVIDENCE_SUBMITTED, _users_over(locked.area_path, {item.unit.level - 1})
            )
    except BaseException:
        attachments.discard(written)
        raise
    refresh(item.unit.campaign, Unit.objects.filter(pk=item.unit_id))
    return evidence


def _tell_evidence(evidence: Evidence, kind: str, users, **extra) -> None:
    item = evidence.item
    params = {"unit": str(item.unit.area), "requirement": item.requirement.name, **extra}
    notify.send(users, kind, params=params, url=item.get_absolute_url(), key=f"{kind}:{evidence.pk}")


def decide_evidence(evidence: Evidence, *, by, verify: bool, note: str = "") -> Evidence:
    """The level above verifies the evidence, or returns it with a reason."""
    item = evidence.item
    if not may_verify_evidence(by, item):
        raise PermissionDenied(_("The level above the unit verifies its evidence."))
    note = (note or "").strip()
    if not verify and not note:
        raise ValidationError({"note": _("Say why the evidence is returned.")})
    with transaction.atomic():
        locked = Evidence.objects.select_for_update(of=("self",)).get(pk=evidence.pk)
        if locked.state != EvidenceState.SUBMITTED:
            raise ValidationError(
                _("This evidence was already decided ({state}).").format(state=locked.get_state_display())
            )
        before = locked.state
        locked.state = EvidenceState.VERIFIED if verify else EvidenceState.RETURNED
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.decision_note = note[:500]
        locked.save(update_fields=["state", "decided_by", "decided_at", "decision_note", "updated_at"])
        audit.log(locked, AuditAction.UPDATE, by=by, changes={"state": [before, locked.state]}, note=note)
        Unit.objects.filter(pk=item.unit_id).update(dirty=True)
        submitter = [locked.submitted_by] if locked.submitted_by_id else []
        _tell_evidence(locked, notices.EVIDENCE_DECIDED, submitter, decision=locked.state, note=note)
    refresh(item.unit.campaign, Unit.objects.filter(pk=item.unit_id))
    return locked


# --- demonstration sites -------------------------------------------------------------------------------------


def _demo_event(
    demo: DemoSite, step: str, from_state: str, *, by, at, note: str = "", score=None, inspection=None
):
    DemoEvent.objects.create(
        demo=demo,
        step=step,
        from_state=from_state,
        to_state=demo.state,
        by=by,
        by_repr=str(by) if by else "",
        at=at,
        face=current_face(),
        note=note[:500],
        score=score,
        inspection=inspection,
    )


def _tell_demo(demo: DemoSite, step: str, at) -> None:
    levels = {AreaLevel.COMMUNITY, AreaLevel.STREET, AreaLevel.DISTRICT}
    notify.send(
        _users_over(demo.area_path, levels),
        notices.DEMO_STEP,
        params={"site": demo.site.name, "step": step, "state": demo.state},
        url=demo.get_absolute_url(),
        key=f"{notices.DEMO_STEP}:{demo.pk}:{step}:{at.isoformat()}",
    )


def apply_demo(
    *, campaign: Campaign, site, kind: str | None = None, by, note: str, files: list = ()
) -> DemoSite:
    """The community applies for `site` to become a demonstration site, with its evidence."""
    from fenlei.core.scoping import for_user

    if not for_user(by, "view", type(site)).filter(pk=site.pk).exists():
        raise ValidationError({"site": _("This site is not yours to apply for.")})
    if Capacity.COMMUNITY not in demo_capacities(by, site.area_path):
        raise PermissionDenied(_("The community applies for its demonstration sites."))
    if not site.area_path.startswith(campaign.area.path):
        raise ValidationError({"site": _("The site lies outside the campaign's area.")})
    if site.closed_on is not None:
        raise ValidationError({"site": _("“{site}” is closed.").format(site=site)})
    fitting = demo_kind_of(site.kind.code)
    kind = kind or fitting
    if kind is None or kind != fitting:
        raise ValidationError(
            {"kind": _("A {kind} cannot be a demonstration site of this kind.").format(kind=site.kind.name)}
        )
    if not note.strip() and not files:
        raise ValidationError(
            {"note": _("Describe the site's sorting work or attach the application materials.")}
        )
    prepared = attachments.prepare(DemoSite, "evidence", list(files), label="files") if files else []
    written: list[str] = []
    now = timezone.now()
    try:
        with transaction.atomic():
            if DemoSite.objects.filter(
                site=site,
                state__in=[s for s in DemoState.values if s not in (DemoState.FAILED, DemoState.REVOKED)],
            ).exists():
                raise ValidationError(
                    {"site": _("“{site}” already has an application or a title.").format(site=site)}
                )
            demo = DemoSite(
                campaign=campaign,
                site=site,
                area_id=site.community_id,
                area_path=site.area_path,
                kind=kind,
                state=DemoState.APPLIED,
                note=note.strip(),
                applied_on=timezone.localdate(now),
            )
            demo.save()
            audit.log(demo, AuditAction.CREATE, by=by)
            _demo_event(demo, DemoStep.APPLY, "", by=by, at=now, note=note)
            if prepared:
                attachments.store(row=demo, slot="evidence", prepared=prepared, by=by, written=written)
            mark_dirty(demo.area_path)
            _tell_demo(demo, DemoStep.APPLY, now)
    except BaseException:
        attachments.discard(written)
        raise
    return demo


@dataclass
class Sheet:
    """A scoring sheet: the answers of an inspection of the site against its checklist (the version
    the sheet was filled against, so a checklist revised meanwhile does not change it)."""

    answers: list
    photos: list
    client_id: object = None
    note: str = ""
    version_id: int | None = None
    #: When the sheet was begun (default: when it is kept).
    started_at: datetime.datetime | None = None


def demo_step(
    demo: DemoSite,
    step: str,
    *,
    by,
    note: str = "",
    sheet: Sheet | None = None,
    plaque: str = "",
    files: list = (),
    now=None,
) -> DemoSite:
    """Take one step of a demonstration site's way (the one service every face calls).

    The acceptance and the re-check carry a scoring sheet, kept as an inspection of the site
    (`inspections.services.submit`, whose failed items become rectification orders like any
    inspection's): it passes with at least the campaign's pass mark and no veto. A failed re-check
    revokes the title. A resubmission may bring more materials (`files`). The site is locked first and
    the step, its inspection and its files are kept whole or not at all."""
    from fenlei.inspections import services as inspections

    now = now or timezone.now()
    if step not in DEMO_TRANSITIONS or step == DemoStep.APPLY:
        raise ValidationError(
            {"step": _("“{step}” is not a step of a demonstration site.").format(step=step)}
        )
    _sources, to_state, capacity = DEMO_TRANSITIONS[step]
    if capacity not in demo_capacities(by, demo.area_path):
        raise PermissionDenied(_("This step is for {capacity}.").format(capacity=Capacity(capacity).label))
    note = (note or "").strip()
    if step in DEMO_REASON_REQUIRED and not note:
        raise ValidationError({"note": _("Give the reason.")})
    if step == DemoStep.NAME and not plaque.strip():
        raise ValidationError({"plaque": _("Give the plaque number.")})
    if step in DEMO_SCORED and sheet is None:
        raise ValidationError(_("Fill in the scoring sheet."))
    prepared = (
        attachments.prepare(DemoSite, "evidence", list(files), label="files")
        if files and step == DemoStep.RESUBMIT
        else []
    )
    written: list[str] = []
    try:
        with transaction.atomic():
            locked = (
                DemoSite.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=demo.pk)
            )
            if locked.state not in DEMO_TRANSITIONS[step][0]:
                raise ValidationError(
                    _("“{step}” cannot be taken while the site is “{state}”.").format(
                        step=DemoStep(step).label, state=locked.get_state_display()
                    )
                )
            inspection = None
            score = None
            if step in DEMO_SCORED:
                inspection, _new = inspections.submit(
                    by=by,
                    target_type="site",
                    target_id=locked.site_id,
                    client_id=sheet.client_id or uuid.uuid4(),
                    answers=sheet.answers,
                    photos=sheet.photos,
                    version_id=sheet.version_id,
                    started_at=sheet.started_at,
                    note=sheet.note,
                    now=now,
                )
                score = inspection.score
                passed = score >= locked.campaign.demo_pass_mark and not inspection.vetoed
                if step == DemoStep.ACCEPT:
                    to_state = DemoState.ACCEPTED if passed else DemoState.FAILED
                else:
                    to_state = DemoState.NAMED if passed else DemoState.REVOKED
            before = locked.audit_snapshot()
            from_state = locked.state
            locked.state = to_state
            day = timezone.localdate(now)
            if score is not None:
                locked.score = score
                locked.inspection = inspection
            if step == DemoStep.NAME:
                locked.named_on = day
                locked.plaque = plaque.strip()[:40]
                locked.recheck_due = _add_months(day, locked.campaign.recheck_months)
            elif step == DemoStep.RECHECK and to_state == DemoState.NAMED:
                locked.recheck_due = _add_months(day, locked.campaign.recheck_months)
            if to_state == DemoState.REVOKED:
                locked.revoked_on = day
                locked.recheck_due = None
            if step == DemoStep.RESUBMIT and note:
                locked.note = note
            locked.save()
            audit.log(
                locked,
                AuditAction.UPDATE,
                by=by,
                changes=audit.diff(before, locked.audit_snapshot()),
                note=note,
            )
            if prepared:
                attachments.store(row=locked, slot="evidence", prepared=prepared, by=by, written=written)
            _demo_event(
                locked, step, from_state, by=by, at=now, note=note, score=score, inspection=inspection
            )
            mark_dirty(locked.area_path)
            _tell_demo(locked, step, now)
    except BaseException:
        attachments.discard(written)
        raise
    return locked


def _add_months(day: datetime.date, months: int) -> datetime.date:
    import calendar

    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def recheck_reminders(on: datetime.date | None = None) -> int:
    """Tell the district office of named demonstration sites whose re-check falls due (once each)."""
    on = on or today()
    sent = 0
    due = DemoSite.objects.filter(state=DemoState.NAMED, recheck_due__lte=on).select_related("site")
    for demo in due:
        sent += notify.send(
            _users_over(demo.area_path, {AreaLevel.CITY, AreaLevel.DISTRICT}),
            notices.DEMO_RECHECK_DUE,
            params={"site": demo.site.name, "date": demo.recheck_due.isoformat()},
            url=demo.get_absolute_url(),
            key=f"{notices.DEMO_RECHECK_DUE}:{demo.pk}:{demo.recheck_due.isoformat()}",
        )
    return sent


# --- the daily job ---------------------------------------------------------------------------------------------


@dataclass
class DailyRun:
    campaigns: int = 0
    units: int = 0
    snapshots: int = 0
    reminders: int = 0


def run_daily(*, on: datetime.date | None = None, by=None) -> DailyRun:
    """Judge every unit of every running campaign, keep the day's coverage, take the snapshots of
    assessment milestones that have come, remind of re-checks due."""
    on = on or today()
    run = DailyRun()
    with audit.using_face("system"):
        for campaign in Campaign.objects.filter(
            starts_on__lte=on, ends_on__gte=on - datetime.timedelta(days=1)
        ):
            run.campaigns += 1
            ensure_units(campaign)
            run.units += refresh(campaign)
            record_day(campaign, on)
            # the day after an assessment milestone: its day's work is all entered by then
            for milestone in campaign.milestones.filter(is_assessment=True, due_on__lt=on):
                if not Snapshot.objects.filter(campaign=campaign, on=milestone.due_on).exists():
                    take_snapshot(campaign, on=milestone.due_on, name=milestone.name[:100], by=by)
                    run.snapshots += 1
        run.reminders = recheck_reminders(on)
    return run


# --- changing the checklist ---------------------------------------------------------------------------------


@transaction.atomic
def save_requirement(requirement: Requirement, *, by, kinds=None) -> Requirement:
    """Add or change a line of a campaign's checklist (the office's): validated, audited; the units
    get the new items and are judged again. `kinds`: the site kinds it looks at (None: unchanged)."""
    new = requirement.pk is None
    old = None if new else Requirement.objects.get(pk=requirement.pk)
    if old is not None and old.level != requirement.level:
        raise ValidationError(
            {"level": _("A line keeps its level: add a new line for the other level and remove this one.")}
        )
    before = {} if old is None else old.audit_snapshot()
    requirement.full_clean()
    requirement.save()
    if kinds is not None:
        requirement.site_kinds.set(kinds)
    if new:
        audit.log(requirement, AuditAction.CREATE, by=by)
    else:
        changes = audit.diff(before, requirement.audit_snapshot())
        if changes:
            audit.log(requirement, AuditAction.UPDATE, by=by, changes=changes)
    ensure_items(requirement.campaign)
    Unit.objects.filter(campaign=requirement.campaign, level=requirement.level).update(dirty=True)
    return requirement


@transaction.atomic
def remove_requirement(requirement: Requirement, *, by) -> None:
    """Take a line off a campaign's checklist, with its items (snapshots keep what they froze)."""
    if SnapshotItem.objects.filter(requirement=requirement).exists():
        raise ValidationError(
            _(
                "“{name}” is part of a snapshot: it cannot be removed; set it not to count for coverage instead."
            ).format(name=requirement.name)
        )
    audit.log(requirement, AuditAction.DELETE, by=by)
    campaign, level = requirement.campaign, requirement.level
    requirement.delete()
    Unit.objects.filter(campaign=campaign, level=level).update(dirty=True)


@transaction.atomic
def remove_milestone(milestone: Milestone, *, by) -> None:
    """Take a milestone off a campaign (its snapshots, if any, stay)."""
    audit.log(milestone, AuditAction.DELETE, by=by)
    milestone.delete()


def campaign_changed(campaign: Campaign) -> int:
    """After the office changes a campaign's dates: every unit is judged again (the rules read the
    campaign's start)."""
    return Unit.objects.filter(campaign=campaign, dirty=False).update(dirty=True)
