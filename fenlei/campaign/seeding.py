"""Demo data for the campaign: the demo district in the middle of its full-coverage campaign.

This year's campaign (`services.create_campaign`, the default checklist) is placed around today so
that today is its 8-10: in the implementation phase, about seven weeks before the coverage deadline
(9-30), the half-year assessment (6-30) behind it. Last year's campaign, shifted the same way a year
earlier, is finished, with the snapshots of its two assessments. A city's campaign is the city's;
only its first district has the ledgers (as in the people and publicity seeders), so only it moves.

Coverage is never written: the rules judge the records, and the seeder gives the records their
history. Every street goes at its own pace (`PACES`, drawn per street; the demo street is in the
middle): a street ahead has nearly every community covered and the last ones lately (on track), a
street behind a third of them and little lately (at risk). A community covered on day D has its
records in place by then and one of them lands on D itself — its leading group set up
(`LeadingGroup.established_on`), its plan verified (the evidence), or the supervisors of its last
drop-off point taking up duty —; its points and containers were entered before, and no 30-day
stretch since lacks a publicity activity (one is added where the publicity seeder left a gap). A
community not covered keeps a gap the whole time: its plan not verified (none, awaiting verification
or returned), or a drop-off point whose supervisor left and was not replaced — besides the
communities the other seeders left behind (no publicity at all). The days the rules read where a
row names none of its own — when a drop-off point, a container or a supervisor was entered
(`created_at`) — are put back to their day like the inspections seeder's `received_at`: a seeding
artefact, not audited (and the facilities seeder's own test counts one audit entry per point and
container). Changed fields (a group's `established_on`, a supervisor's `closed_on`) are audited as
updates and new rows as created, in bulk.

Evidence is in every state, written in bulk with its dates (submitted by the community's
administrator where there is one, decided by the street's; a street's plan by the district office),
with a scanned page on some. Streets without an administrator get one (an account without a
password, like the inspections seeder's inspectors). Demonstration sites are in every state, in
several streets: the application and the street's steps are rows written in bulk except in the demo
street, where the demo street administrator takes them through `services.demo_step`; the district's
steps (acceptance with a scoring sheet — a real inspection through `inspections.services.submit` —,
naming, re-checks, revocation) are the demo district administrator's, through `services.demo_step`,
each on its day. The demo community administrator is left a returned plan to submit again and a
site to apply for; the demo street administrator evidence to verify and an application to review;
the district office applications to accept, a site to name, re-checks due and a street's plan to
verify.

Then the units are judged (`services.refresh`), the burn-up kept (`services.backfill`: the first
day, every `DISTRICT_EVERY` days back from today and every week of the forecast's window; judging a
past day costs about 0.1–0.2 s for a district, so every day since the start would add 20–40 s to
the seed) and the assessment snapshots that have come taken. A city's day costs seconds: its burn-up has
the first day and the forecast window's, and last year's campaign only its last day, no snapshots.
Nothing is printed. Deterministic for a given random generator and day.
"""

from __future__ import annotations

import datetime
import io
import math
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fenlei.campaign import notices, services
from fenlei.campaign.choices import (
    DEMO_TRANSITIONS,
    Capacity,
    DemoState,
    DemoStep,
    EvidenceState,
    Level,
    Method,
    demo_kind_of,
)
from fenlei.campaign.models import Campaign, DemoEvent, DemoSite, Evidence, Item, Requirement
from fenlei.core import attachments, audit, notify
from fenlei.core.models import AuditAction, AuditEntry, Notification
from fenlei.core.roles import Role
from fenlei.facilities.choices import DropOffKind
from fenlei.facilities.models import Container, DropOffPoint
from fenlei.org.choices import PATH_SEGMENT, AreaKind, AreaLevel
from fenlei.org.models import Area
from fenlei.org.seeding import DEMO_USERNAMES, demo_account, first_district, lagging, places, short_name
from fenlei.people.models import LeadingGroup, Supervisor
from fenlei.publicity.choices import ActivityKind, Target
from fenlei.publicity.models import Activity

#: Today is this day of the campaign's year (the campaign is shifted around today).
TODAY_IS = (8, 10)
#: How each kind of street goes: the share of its communities covered today.
PACES = {"ahead": 0.9, "middle": 0.65, "behind": 0.35}
#: The burn-up is kept every DISTRICT_EVERY days back from today and every week of the forecast's
#: window (a city: the window's first day only); last year's every LAST_YEAR_EVERY days. Judging a
#: past day costs about 0.1–0.2 s for a district and 3–4 s for a city: every day since the start
#: would add 20–40 s to a district's seed.
DISTRICT_EVERY = 7
LAST_YEAR_EVERY = 91
#: Publicity counts for this many days (the default checklist's window).
PUBLICITY_DAYS = 30

RETURN_NOTES = (
    "方案未加盖公章，请补充盖章扫描件后重新提交",
    "方案缺少投放点位清单和督导员安排，请补充",
    "方案内容与本社区实际不符（户数、点位数有误），请核实后重新提交",
)
PLAN_NOTES = (
    "《{name}生活垃圾分类工作实施方案》（盖章扫描件）",
    "{name}垃圾分类全覆盖实施方案及点位、督导员安排表",
    "{name}生活垃圾分类实施方案（经居民代表会议讨论通过）",
)
DEMO_NOTES = (
    "小区实行定时定点投放，桶边督导全覆盖，分类准确率稳定在九成以上，申报示范点。",
    "楼道撤桶、集中投放点改造完成，志愿者每日值守，居民参与率高，申报示范点。",
    "单位建立分类管理制度，各楼层设分类收集容器，专人负责，申报示范点。",
)
DEMO_RETURN_NOTES = (
    "申报材料缺少近三个月的分类台账，请补充后重新申报",
    "现场照片不能反映投放点现状，请补拍后重新申报",
)
REVOKE_NOTES = ("复查发现混投严重、督导员长期不在岗，撤销示范点称号",)


def seed_ledgers(*, sites, rng: random.Random, write) -> int:
    """The demo district's campaigns (a city's: the city's, moved by its first district); returns the
    audit entries written."""
    sites = first_district(sites)
    if not sites:
        return 0
    before = AuditEntry.objects.count()
    seed_campaigns(sites, rng=rng, write=write, now=timezone.now())
    return AuditEntry.objects.count() - before


# --- who acts ----------------------------------------------------------------------------------------


def _office(root: Area) -> dict[tuple[str, int], object]:
    """(role, area id) -> the administrator who acts there: a demo account first, else the first by name."""
    from fenlei.accounts.models import RoleAssignment

    rows = (
        RoleAssignment.objects.filter(
            active=True,
            role__in=[Role.DISTRICT_ADMIN, Role.STREET_ADMIN, Role.COMMUNITY_ADMIN],
            area__path__startswith=root.path,
            area__closed_on__isnull=True,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("pk")
    )
    found = {}
    for a in sorted(rows, key=lambda a: (a.user.username not in DEMO_USERNAMES, a.user.username)):
        found.setdefault((a.role, a.area_id), a.user)
    return found


def _street_admin(street: Area, office: dict):
    """The street's administrator: the one assigned, or a new account without a password."""
    user = office.get((Role.STREET_ADMIN, street.pk))
    if user is None:
        name = f"{short_name(street)}{_street_word(street)}管理员（演示）"  # demo data, in Chinese
        user = demo_account(street, Role.STREET_ADMIN, "street-admin-", name)
    office[(Role.STREET_ADMIN, street.pk)] = user
    return user


def _street_word(street: Area) -> str:
    return {AreaKind.TOWN: "镇", AreaKind.TOWNSHIP: "乡"}.get(street.kind, "街道")


# --- time ----------------------------------------------------------------------------------------------


def _at(day: datetime.date, rng: random.Random, tz, start: int = 9, end: int = 17) -> datetime.datetime:
    minutes = rng.randint(start * 60, end * 60)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(minutes // 60, minutes % 60)), tz)


def _between(rng: random.Random, lo: datetime.date, hi: datetime.date) -> datetime.date:
    if hi <= lo:
        return lo
    return lo + datetime.timedelta(days=rng.randint(0, (hi - lo).days))


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


# --- the plan --------------------------------------------------------------------------------------------


@dataclass
class _Course:
    """One community's course through the campaigns."""

    area: Area
    street: Area
    pace: str
    #: the day it is covered in this year's campaign (None: not by today)
    covered_on: datetime.date | None = None
    #: the day it was covered in last year's campaign (None: not by its end)
    covered_last: datetime.date | None = None
    #: what comes last on `covered_on`: "group", "plan" or "supervisors"
    binding: str = ""
    #: not covered: what keeps it so ("plan", "supervisors"; besides what the other seeders left out)
    gaps: set = field(default_factory=set)
    #: this year's plan: "verified", "submitted", "returned" or "missing"
    plan: str = "verified"
    #: the day its records (group, containers, supervisors) are all in place
    ready_on: datetime.date | None = None


@dataclass
class _Dates:
    today: datetime.date
    start: datetime.date  # this year's campaign
    last_start: datetime.date
    last_end: datetime.date


def _paces(streets: list[Area], demo_street: Area | None, rng: random.Random) -> dict[int, str]:
    """The demo street is in the middle; the others ahead, behind and in the middle in turn, shuffled."""
    others = [s for s in streets if s != demo_street]
    cycle = ("ahead", "behind", "middle")
    kinds = [cycle[i % len(cycle)] for i in range(len(others))]
    rng.shuffle(kinds)
    paces = {s.pk: k for s, k in zip(others, kinds, strict=True)}
    if demo_street is not None:
        paces[demo_street.pk] = "middle"
    return paces


def _spread(rng: random.Random, n: int, lo: datetime.date, hi: datetime.date) -> list[datetime.date]:
    """`n` days spread evenly from `lo` to `hi`, each a little jittered."""
    span = max(0, (hi - lo).days)
    return [lo + _days(int(span * (i + rng.random()) / n)) for i in range(n)]


def _plan(
    streets: list[Area],
    communities: dict[int, list[Area]],
    coverable: set[int],
    scheduled: set[int],
    paces: dict[int, str],
    demo_community: Area | None,
    demo_street: Area | None,
    dates: _Dates,
    rng: random.Random,
) -> list[_Course]:
    """Decide each community's course: covered when (or not, and why), from its street's pace.

    Only a `coverable` community can be covered (its containers, supervised points and collection
    are all there today, and it is not one the other seeders left behind)."""
    today, start = dates.today, dates.start
    courses: list[_Course] = []
    for street in streets:
        pace = paces[street.pk]
        mine = communities.get(street.pk, [])
        n = len(mine)
        candidates = [c for c in mine if c.pk in coverable and c != demo_community]
        k = min(len(candidates), round(PACES[pace] * n))
        chosen = {c.pk for c in rng.sample(candidates, k)}
        remaining = n - k
        if pace == "ahead":  # enough lately to finish in time at this pace
            recent = min(k, math.ceil(0.6 * remaining) + 1)
            older = _spread(rng, k - recent, start + _days(20), today - _days(30))
        elif pace == "middle":
            recent = min(k, rng.choice((1, 2)))
            older = _spread(rng, k - recent, start + _days(50), today - _days(30))
        else:
            recent = min(k, rng.choice((0, 1)))
            older = _spread(rng, k - recent, start + _days(40), today - _days(45))
        days = older + [today - _days(rng.randint(1, 24)) for _ in range(recent)]
        rng.shuffle(days)
        days_iter = iter(days)
        for community in mine:
            course = _Course(community, street, pace)
            if community.pk in chosen:
                course.covered_on = next(days_iter)
                course.binding = rng.choice(("group", "plan", "supervisors"))
                early = (pace == "ahead" and rng.random() < 0.35) or (
                    pace == "middle" and rng.random() < 0.15
                )
                if early:  # its records were in place last year: covered then too, this year once its plan is
                    course.binding = "plan"
                    course.ready_on = dates.last_end - _days(rng.randint(17, 77))
                    course.covered_last = _between(rng, course.ready_on + _days(3), dates.last_end - _days(3))
                elif course.binding == "plan":
                    course.ready_on = course.covered_on - _days(rng.randint(3, 60))
                else:
                    course.ready_on = course.covered_on
            else:
                course.ready_on = today - _days(rng.randint(5, 90))
                has_point = community.pk in scheduled
                if community == demo_community:
                    course.gaps = {"plan"}
                    course.plan = "returned"
                elif pace == "ahead" and not lagging(community):  # a gap not yet overdue where it can
                    course.gaps = {"supervisors"} if has_point else {"plan"}
                elif not lagging(community):
                    options = ["plan"] + (["supervisors"] if has_point else [])
                    course.gaps = set(rng.sample(options, rng.randint(1, len(options))))
                # a community left behind (no publicity ever) needs no gap of its own
                if "plan" in course.gaps and course.plan == "verified":
                    course.plan = rng.choice(("missing", "submitted", "returned"))
            courses.append(course)
    _every_plan_state(courses, demo_street, rng)
    return courses


def _every_plan_state(courses: list[_Course], demo_street: Area | None, rng: random.Random) -> None:
    """Make sure the demo street has a community's plan to verify and the plans are in every state:
    where no community fits (a small world), one that was to be covered is not, its plan the reason."""

    def hold_back(course: _Course, state: str) -> None:
        course.covered_on = course.covered_last = None
        course.binding = ""
        course.gaps.add("plan")
        course.plan = state

    def pick(pool: list[_Course]) -> _Course | None:
        free = [c for c in pool if c.covered_on is None and c.plan == "verified"]
        if free:
            return rng.choice(free)
        covered = [c for c in pool if c.covered_on is not None]
        return max(covered, key=lambda c: c.covered_on) if covered else None  # the latest to be covered

    in_demo = [c for c in courses if c.street == demo_street]
    if demo_street is not None and not any(c.plan == "submitted" for c in in_demo):
        course = pick(in_demo)
        if course is not None:
            hold_back(course, "submitted")
    for state in ("missing", "submitted", "returned"):
        if not any(c.plan == state for c in courses):
            course = pick(courses)
            if course is not None:
                hold_back(course, state)


# --- the records' history ------------------------------------------------------------------------------


def _changes(obj, **values) -> dict:
    """Set `values` on `obj`; the audit changes {field: [old, new]} of those that differ."""
    out = {}
    for name, value in values.items():
        old = getattr(obj, name)
        if old != value:
            out[name] = [audit.serialize_value(old), audit.serialize_value(value)]
            setattr(obj, name, value)
    return out


def _update(model, rows: list, fields: list[str]) -> int:
    """Save `rows` (each carrying `_changes`) in bulk, grouped by their values, and audit each change."""
    rows = [r for r in rows if r._changes]
    groups: dict[tuple, list[int]] = defaultdict(list)
    for r in rows:
        groups[tuple(getattr(r, f) for f in fields)].append(r.pk)
    for values, pks in groups.items():
        for start in range(0, len(pks), 900):
            model.objects.filter(pk__in=pks[start : start + 900]).update(
                **dict(zip(fields, values, strict=True))
            )
    return audit.log_bulk(rows, AuditAction.UPDATE, by=None, changes_for=lambda r: r._changes)


def _backdate(model, days: dict[int, datetime.date], rng: random.Random, tz) -> int:
    """Set the day each row (pk -> day) was entered: `created_at`, which the rules read where a row
    names no day of its own. A seeding artefact, not a change, so not audited (the other seeders'
    rows are all entered at the moment of seeding; the inspections seeder puts back `received_at` so)."""
    by_day: dict[datetime.date, list[int]] = defaultdict(list)
    for pk, day in days.items():
        by_day[day].append(pk)
    for day in sorted(by_day):
        moment = _at(day, rng, tz, 8, 11)
        pks = by_day[day]
        for start in range(0, len(pks), 900):
            model.objects.filter(pk__in=pks[start : start + 900]).update(created_at=moment)
    return len(days)


def _records(courses: list[_Course], dates: _Dates, rng: random.Random, write) -> dict:
    """Give the ledgers the history the courses need. Returns counts for the report."""
    today = dates.today
    by_area = {c.area.pk: c for c in courses}
    report = {}

    # leading groups: a community's set up by its records' day (on it, when that comes last)
    groups = list(
        LeadingGroup.objects.filter(area_id__in=list(by_area), closed_on__isnull=True).order_by(
            "area_path", "pk"
        )
    )
    for g in groups:
        c = by_area[g.area_id]
        day = c.ready_on if c.binding == "group" else c.ready_on - _days(rng.randint(0, 90))
        g._changes = _changes(g, established_on=day)
    streets = {c.street.pk for c in courses}
    for g in LeadingGroup.objects.filter(area_id__in=streets, closed_on__isnull=True).order_by(
        "area_path", "pk"
    ):
        g._changes = _changes(g, established_on=dates.start - _days(rng.randint(-40, 200)))
        groups.append(g)
    report["groups"] = _update(LeadingGroup, groups, ["established_on"])

    # drop-off points and containers: each site's entered on one day before the records' day (the
    # rules read the day a row was entered where it names no day it came into use)
    tz = timezone.get_current_timezone()
    points = list(
        DropOffPoint.objects.filter(area_id__in=list(by_area), in_use_since__isnull=True)
        .order_by("area_path", "site_id", "pk")
        .only("pk", "area_id", "site_id", "kind")
    )
    containers = list(
        Container.objects.filter(area_id__in=list(by_area), in_use_since__isnull=True)
        .order_by("area_path", "site_id", "pk")
        .values_list("pk", "area_id", "site_id")
    )
    site_day: dict[tuple, datetime.date] = {}
    floor: dict[int, datetime.date] = {}
    gap_point: dict[int, DropOffPoint] = {}
    supervisors = list(
        Supervisor.objects.filter(area_id__in=list(by_area), closed_on__isnull=True).order_by(
            "area_path", "pk"
        )
    )
    staffed = defaultdict(list)
    for s in supervisors:
        staffed[s.point_id].append(s)
    for p in points:  # the point whose supervisor left, in communities kept back by it
        c = by_area[p.area_id]
        wanted = "supervisors" in c.gaps and p.kind == DropOffKind.SCHEDULED and staffed.get(p.pk)
        if wanted and p.area_id not in gap_point:
            gap_point[p.area_id] = p
    left: dict[int, tuple] = {}
    entered: dict[int, datetime.date] = {}  # point -> the day it was entered
    for area_id, p in gap_point.items():
        opened = today - _days(rng.randint(150, 250))
        came = opened + _days(rng.randint(1, 5))
        gone = came + _days(rng.randint(10, 40))
        left[p.pk] = (came, gone)
        floor[area_id] = gone  # its containers came after: before that there were none at all
        entered[p.pk] = opened

    def day_of(area_id, site_id) -> datetime.date:
        key = (area_id, site_id)
        if key not in site_day:
            c = by_area[area_id]
            lo = floor.get(area_id, c.ready_on - _days(150))
            hi = max(lo, c.ready_on - _days(5))
            site_day[key] = _between(rng, lo, hi)
        return site_day[key]

    for p in points:
        entered.setdefault(p.pk, day_of(p.area_id, p.site_id))
    boxes: dict[int, datetime.date] = {pk: day_of(area_id, site_id) for pk, area_id, site_id in containers}
    report["points"] = _backdate(DropOffPoint, entered, rng, tz)
    report["containers"] = _backdate(Container, boxes, rng, tz)

    # supervisors: on duty from a day between their point's and the records' day (the last point's on
    # that day, where supervision comes last); one left, not replaced
    last_point: dict[int, int] = {}
    for s in supervisors:
        if s.point_id is not None and by_area[s.area_id].binding == "supervisors":
            last_point.setdefault(s.area_id, s.point_id)
    created: dict[datetime.date, list[int]] = defaultdict(list)
    closing = []
    for s in supervisors:
        c = by_area[s.area_id]
        if s.point_id in left:
            came, gone = left[s.point_id]
            created[came].append(s.pk)
            s._changes = _changes(s, closed_on=gone)
            closing.append(s)
        elif s.point_id is None:  # a roving supervisor: the rule does not look at them
            created[_between(rng, c.ready_on - _days(200), c.ready_on)].append(s.pk)
        elif last_point.get(s.area_id) == s.point_id:
            created[c.ready_on].append(s.pk)
        else:
            hi = c.ready_on - _days(1) if s.area_id in last_point else c.ready_on
            opened = entered.get(s.point_id) or hi
            created[_between(rng, min(opened, hi), hi)].append(s.pk)
    _backdate(Supervisor, {pk: day for day, pks in created.items() for pk in pks}, rng, tz)
    report["supervisors_left"] = _update(Supervisor, closing, ["closed_on"])

    # publicity: no 30-day stretch without an activity from the day a community is first covered
    report["activities"] = _fill_publicity(courses, dates, rng, write)
    return report


def _fill_publicity(courses: list[_Course], dates: _Dates, rng: random.Random, write) -> int:
    """An activity wherever a covered community would otherwise go 30 days without one (from the day
    it is first covered, in either campaign, to today)."""
    covered = [c for c in courses if c.covered_on or c.covered_last]
    if not covered:
        return 0
    have: dict[int, list[datetime.date]] = defaultdict(list)
    keys = set()
    for area_id, day, kind, target, organiser in Activity.objects.filter(
        area_id__in=[c.area.pk for c in covered]
    ).values_list("area_id", "date", "kind", "target", "organiser"):
        have[area_id].append(day)
        keys.add((area_id, day, kind, target, organiser))
    rows = []
    for c in covered:
        first = min(d for d in (c.covered_on, c.covered_last) if d)
        days = sorted(have[c.area.pk])
        latest = None
        i = 0
        day = first
        while day <= dates.today:
            while i < len(days) and days[i] <= day:
                latest = days[i]
                i += 1
            if latest is None or (day - latest).days >= PUBLICITY_DAYS:
                held = day - _days(rng.randint(0, 6))
                if latest is not None and held <= latest:
                    held = day
                village = c.area.kind == AreaKind.VILLAGE
                organiser = f"{c.area.name}{'村民委员会' if village else '居民委员会'}"
                kind, target = rng.choice(
                    (
                        (ActivityKind.DOOR_TO_DOOR, Target.HOUSEHOLDS),
                        (ActivityKind.VOLUNTEERS, Target.VILLAGES if village else Target.COMMUNITIES),
                        (ActivityKind.HANDOUT, Target.VILLAGES if village else Target.COMMUNITIES),
                    )
                )
                if (c.area.pk, held, kind, target, organiser) in keys:
                    kind = ActivityKind.OTHER
                keys.add((c.area.pk, held, kind, target, organiser))
                rows.append(
                    Activity(
                        area_id=c.area.pk,
                        area_path=c.area.path,
                        date=held,
                        organiser=organiser,
                        kind=kind,
                        target=target,
                        events=1,
                        materials=rng.randint(10, 60) * 10 if kind == ActivityKind.HANDOUT else 0,
                        participants=rng.randint(20, 200),
                        description=f"在{c.area.name}开展垃圾分类全覆盖攻坚宣传，讲解定时定点投放要求。",
                    )
                )
                latest = held
            day += _days(1)
    return write(Activity, rows) if rows else 0


# --- evidence ----------------------------------------------------------------------------------------------


def scan_bytes(rng: random.Random) -> bytes:
    """A small JPEG like a phone's photo of a stamped page: lines of text and a red seal (a few KB)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (240, 340), (250, 250, 246))
    draw = ImageDraw.Draw(img)
    draw.rectangle((70, 24, 170, 32), fill=(60, 60, 60))  # the title
    y = 52
    while y < 280:
        width = rng.randint(120, 200) if rng.random() < 0.85 else rng.randint(40, 100)
        indent = 28 if rng.random() < 0.2 else 16
        draw.rectangle((indent, y, indent + width, y + 4), fill=(120, 120, 120))
        y += rng.randint(11, 15)
    x, y = rng.randint(130, 160), rng.randint(250, 275)
    draw.ellipse((x, y, x + 56, y + 56), outline=(200, 30, 30), width=3)
    draw.regular_polygon((x + 28, y + 28, 9), 5, fill=(200, 30, 30))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=60)
    return out.getvalue()


@dataclass
class _Paper:
    """One piece of evidence as it went: submitted, perhaps decided."""

    item: Item
    state: str
    submitted_at: datetime.datetime
    submitted_by: object
    note: str
    decided_at: datetime.datetime | None = None
    decided_by: object = None
    decision_note: str = ""
    scan: bool = False


def _papers_for(item, plan: str, verified_on, by, decider, rng, tz, *, today, earliest, scan) -> list[_Paper]:
    """The evidence of one item that ends `plan` ("verified" on `verified_on`, "submitted", "returned")."""
    name = item.unit.area.name
    note = rng.choice(PLAN_NOTES).format(name=name)
    out = []
    if plan == "verified":
        day = verified_on
        sent = max(earliest, day - _days(rng.randint(1, 8)))
        if rng.random() < 0.2 and (sent - earliest).days > 12:  # returned once first
            first = _between(rng, earliest, sent - _days(10))
            back = first + _days(rng.randint(2, 6))
            out.append(
                _Paper(
                    item,
                    EvidenceState.RETURNED,
                    _at(first, rng, tz),
                    by,
                    note,
                    _at(back, rng, tz),
                    decider,
                    rng.choice(RETURN_NOTES),
                )
            )
        submitted = _at(sent, rng, tz)
        decided = _at(day, rng, tz)
        if decided <= submitted:
            decided = submitted + datetime.timedelta(hours=2)
        out.append(_Paper(item, EvidenceState.VERIFIED, submitted, by, note, decided, decider, "", scan))
    elif plan == "submitted":
        sent = max(earliest, today - _days(rng.randint(1, 12)))
        out.append(_Paper(item, EvidenceState.SUBMITTED, _at(sent, rng, tz), by, note, scan=scan))
    elif plan == "returned":
        sent = max(earliest, today - _days(rng.randint(8, 40)))
        back = min(today - _days(1), sent + _days(rng.randint(2, 6)))
        out.append(
            _Paper(
                item,
                EvidenceState.RETURNED,
                _at(sent, rng, tz),
                by,
                note,
                _at(back, rng, tz),
                decider,
                rng.choice(RETURN_NOTES),
                scan,
            )
        )
    return out


def _evidence(
    campaign: Campaign,
    courses: list[_Course],
    streets: list[Area],
    street_plans: dict[int, str],
    office: dict,
    dates: _Dates,
    rng: random.Random,
    *,
    demo_street: Area | None,
    last: bool,
) -> list[Evidence]:
    """The evidence of `campaign`'s evidence-based items, in bulk, audited as the services audit it."""
    tz = timezone.get_current_timezone()
    today = dates.today
    by_area = {c.area.pk: c for c in courses}
    district_admin = office.get((Role.DISTRICT_ADMIN, campaign.area_id))
    items = list(
        Item.objects.filter(unit__campaign=campaign, requirement__method=Method.EVIDENCE)
        .select_related("unit__area", "requirement")
        .order_by("area_path", "requirement__position")
    )
    begin = campaign.starts_on + _days(7)
    papers: list[_Paper] = []
    for item in items:
        area = item.unit.area
        if item.unit.level == Level.COMMUNITY:
            course = by_area.get(area.pk)
            if course is None:
                continue
            if last:
                if course.covered_last is None:
                    continue
                plan, verified_on = "verified", course.covered_last
            else:
                plan = course.plan
                verified_on = course.covered_on or _between(rng, begin + _days(7), today - _days(1))
                if course.covered_on is not None and course.binding != "plan":
                    verified_on = _between(
                        rng, max(begin + _days(7), course.covered_on - _days(60)), course.covered_on
                    )
            by = office.get((Role.COMMUNITY_ADMIN, area.pk))
            decider = office.get((Role.STREET_ADMIN, area.parent_id))
            scan = course.street == demo_street or rng.random() < 0.15
        else:
            plan = "verified" if last else street_plans.get(area.pk, "verified")
            if plan == "missing":
                continue
            verified_on = _between(rng, begin + _days(7), begin + _days(80))
            by = office.get((Role.STREET_ADMIN, area.pk))
            decider = district_admin
            scan = True
        if plan == "missing":
            continue
        papers += _papers_for(
            item, plan, verified_on, by, decider, rng, tz, today=today, earliest=begin, scan=scan
        )
    rows = [
        Evidence(
            item=p.item,
            state=p.state,
            note=p.note,
            submitted_by=p.submitted_by,
            submitted_at=p.submitted_at,
            decided_by=p.decided_by,
            decided_at=p.decided_at,
            decision_note=p.decision_note,
            area_path=p.item.area_path,
        )
        for p in papers
    ]
    Evidence.objects.bulk_create(rows, batch_size=1000)
    # audited as `submit_evidence` and `decide_evidence` audit: created by the submitter, decided by the level above
    created: dict[object, list] = defaultdict(list)
    decided: dict[tuple, list] = defaultdict(list)
    for p, row in zip(papers, rows, strict=True):
        created[p.submitted_by].append(row)
        if p.decided_at is not None:
            decided[(p.decided_by, p.decision_note)].append(row)

    def as_submitted(row):
        snap = row.audit_snapshot()
        snap.update(state=EvidenceState.SUBMITTED, decided_by=None, decided_at=None, decision_note="")
        return {k: [None, v] for k, v in snap.items() if v not in (None, "")}

    for by, batch in created.items():
        audit.log_bulk(batch, AuditAction.CREATE, by=by, changes_for=as_submitted)
    for (by, note), batch in decided.items():
        audit.log_bulk(
            batch,
            AuditAction.UPDATE,
            by=by,
            changes_for=lambda r: {"state": [EvidenceState.SUBMITTED, r.state]},
            note=note,
        )
    _scans(papers, rows, rng)
    if not last:
        _tell(rows)
    return rows


def _scans(papers: list[_Paper], rows: list[Evidence], rng: random.Random) -> int:
    written: list[str] = []
    stored = 0
    try:
        for p, row in zip(papers, rows, strict=True):
            if not p.scan:
                continue
            files = [SimpleUploadedFile("方案.jpg", scan_bytes(rng), "image/jpeg")]
            prepared = attachments.prepare(Evidence, "evidence", files, [attachments.Capture(p.submitted_at)])
            stored += len(
                attachments.store(
                    row=row, slot="evidence", prepared=prepared, by=p.submitted_by, written=written
                )
            )
    except BaseException:
        attachments.discard(written)
        raise
    return stored


def _tell(rows: list[Evidence]) -> None:
    """The inbox as the services leave it: the level above told of evidence awaiting it, the community
    of its latest evidence returned."""
    latest = {}
    for row in sorted(rows, key=lambda r: r.submitted_at):
        latest[row.item_id] = row
    for row in latest.values():
        item = row.item
        params = {"unit": str(item.unit.area), "requirement": item.requirement.name}
        if row.state == EvidenceState.SUBMITTED:
            users = services._users_over(item.area_path, {item.unit.level - 1})
            notify.send(
                users,
                notices.EVIDENCE_SUBMITTED,
                params=params,
                url=item.get_absolute_url(),
                key=f"{notices.EVIDENCE_SUBMITTED}:{row.pk}",
            )
        elif row.state == EvidenceState.RETURNED and row.submitted_by_id:
            notify.send(
                [row.submitted_by],
                notices.EVIDENCE_DECIDED,
                params={**params, "decision": row.state, "note": row.decision_note},
                url=item.get_absolute_url(),
                key=f"{notices.EVIDENCE_DECIDED}:{row.pk}",
            )


def _street_plans(
    streets: list[Area], paces: dict[int, str], demo_street, rng: random.Random
) -> dict[int, str]:
    """Most streets' plans verified by the office; one awaiting it, one returned, one not yet submitted."""
    others = [s for s in streets if s != demo_street]
    rng.shuffle(others)
    behind_first = sorted(others, key=lambda s: paces.get(s.pk) != "behind")
    states = {}
    for street, state in zip(behind_first, ("submitted", "returned", "missing"), strict=False):
        if state == "missing" and len(streets) < 6:
            break
        states[street.pk] = state
    return states


# --- demonstration sites ------------------------------------------------------------------------------------


@dataclass
class _Step:
    step: str
    at: datetime.datetime
    passed: bool = True  # acceptance and re-check: the scoring sheet's outcome
    note: str = ""


@dataclass
class _Demo:
    site: object
    kind: str
    street: Area
    life: list[_Step]
    row: DemoSite | None = None


def _life(
    state: str, dates: _Dates, rng: random.Random, tz, *, returned_first: bool, due: bool = False
) -> list[_Step]:
    """The steps that lead a new application to `state`, each on its day (all before today); `due`: a
    named site named early enough that its re-check has fallen due, and not yet re-checked."""
    today, start = dates.today, dates.start
    yesterday = _workday_before(today)
    steps: list[_Step] = []
    clock = [None]

    def take(step, day, passed=True, note=""):
        moment = _at(day, rng, tz)
        if clock[0] is not None and moment <= clock[0]:
            moment = clock[0] + datetime.timedelta(hours=rng.randint(1, 5))
        clock[0] = moment
        steps.append(_Step(step, moment, passed, note))
        return moment.date()

    def apply(day):
        day = take(DemoStep.APPLY, day, note=rng.choice(DEMO_NOTES))
        if returned_first:
            day = take(DemoStep.RETURN, day + _days(rng.randint(2, 5)), note=rng.choice(DEMO_RETURN_NOTES))
            day = take(DemoStep.RESUBMIT, day + _days(rng.randint(3, 8)), note="已按要求补充材料，重新申报。")
        return day

    if due:
        day = apply(start + _days(rng.randint(3, 6)))
        day = take(DemoStep.REVIEW, day + _days(rng.randint(2, 4)), note="初审通过")
        day = take(DemoStep.ACCEPT, day + _days(rng.randint(5, 8)))
        take(DemoStep.NAME, day + _days(rng.randint(2, 4)))
    elif state in (DemoState.NAMED, DemoState.REVOKED):
        early = state == DemoState.REVOKED or rng.random() < 0.5
        day = apply(start + _days(rng.randint(8, 30) if early else rng.randint(40, 110)))
        day = take(DemoStep.REVIEW, day + _days(rng.randint(3, 10)), note="初审通过")
        day = take(DemoStep.ACCEPT, day + _days(rng.randint(7, 20)))
        day = take(DemoStep.NAME, day + _days(rng.randint(3, 12)))
        due = services._add_months(day, 6)
        if state == DemoState.REVOKED:
            if rng.random() < 0.5:
                take(DemoStep.RECHECK, yesterday, passed=False)
            else:
                take(DemoStep.REVOKE, today - _days(rng.randint(3, 20)), note=rng.choice(REVOKE_NOTES))
        elif due <= today - _days(3) and rng.random() < 0.6:
            take(DemoStep.RECHECK, _between(rng, max(day + _days(1), due - _days(7)), today - _days(1)))
    elif state == DemoState.ACCEPTED:
        day = apply(today - _days(rng.randint(30, 60)))
        take(DemoStep.REVIEW, day + _days(rng.randint(3, 8)), note="初审通过")
        take(DemoStep.ACCEPT, today - _days(rng.randint(2, 10)))
    elif state == DemoState.FAILED:
        day = apply(today - _days(rng.randint(30, 60)))
        take(DemoStep.REVIEW, day + _days(rng.randint(3, 8)), note="初审通过")
        take(DemoStep.ACCEPT, yesterday, passed=False)
    elif state == DemoState.REVIEWED:
        day = apply(today - _days(rng.randint(12, 30)))
        take(DemoStep.REVIEW, max(day + _days(1), today - _days(rng.randint(1, 6))), note="初审通过")
    elif state == DemoState.RETURNED:
        day = take(DemoStep.APPLY, today - _days(rng.randint(8, 20)), note=rng.choice(DEMO_NOTES))
        take(DemoStep.RETURN, day + _days(rng.randint(2, 5)), note=rng.choice(DEMO_RETURN_NOTES))
    else:
        take(DemoStep.APPLY, today - _days(rng.randint(1, 6)), note=rng.choice(DEMO_NOTES))
    return steps


def _workday_before(day: datetime.date) -> datetime.date:
    from fenlei.core import workdays

    return workdays.add_workdays(day, -1)


#: Where each state is shown first (the demo street, then streets of these paces), and the states each
#: pace of street shows besides (a street ahead also has a named site of each kind its sites have).
_FIRST = {
    DemoState.NAMED: ("ahead", "middle"),
    DemoState.REVIEWED: ("demo", "middle", "ahead"),
    DemoState.APPLIED: ("demo", "behind", "middle"),
    DemoState.RETURNED: ("demo", "middle", "behind"),
    DemoState.ACCEPTED: ("ahead", "middle"),
    DemoState.FAILED: ("behind", "middle"),
    DemoState.REVOKED: ("ahead", "middle"),
}
_MORE = {
    "ahead": (DemoState.REVOKED, DemoState.REVIEWED),
    "middle": (DemoState.NAMED, DemoState.APPLIED),
    "behind": (DemoState.NAMED, DemoState.APPLIED),
}


def _demo_plan(
    courses: list[_Course],
    sites_by_community: dict[int, list],
    paces: dict[int, str],
    demo_community: Area | None,
    demo_street: Area | None,
    dates: _Dates,
    rng: random.Random,
    *,
    street_steps_bulk: set[int],
) -> tuple[list[_Demo], object, object]:
    """Which sites go how far; the site the demo community is left to apply for, and the one it
    applies for today (None where it has too few sites)."""
    tz = timezone.get_current_timezone()
    eligible: dict[int, list] = defaultdict(list)  # street -> [(site, kind, course)]
    for c in courses:
        for site in sites_by_community.get(c.area.pk, []):
            kind = demo_kind_of(site.kind.code)
            if kind and site.closed_on is None:
                eligible[c.street.pk].append((site, kind, c))
    used: set[int] = set()
    reserved = own = None
    if demo_community is not None:
        mine = [s for s, _k, c in eligible.get(demo_street.pk, []) if c.area == demo_community]
        reserved = mine[-1] if mine else None
        own = mine[0] if len(mine) > 1 else None
        used |= {s.pk for s in (reserved, own) if s is not None}
    wanted: list[tuple[object, str, Area, str]] = []

    def take(street, state, kind=None, prefer_covered=False) -> bool:
        pool = [
            (s, k, c)
            for s, k, c in eligible.get(street.pk, [])
            if s.pk not in used and (kind is None or k == kind)
        ]
        if not pool:
            return False
        if prefer_covered:
            pool.sort(key=lambda e: e[2].covered_on is None)
            site, k, _c = pool[0]
        else:
            site, k, _c = rng.choice(pool)
        used.add(site.pk)
        wanted.append((site, k, street, state))
        return True

    streets = sorted({c.street.pk: c.street for c in courses}.values(), key=lambda s: s.path)
    # every state once, where it fits best
    for state, where in _FIRST.items():
        if state == DemoState.APPLIED and own is not None:
            continue  # the demo community applies today
        order = [demo_street] if "demo" in where and demo_street is not None else []
        for pace in where:
            order += [s for s in streets if paces[s.pk] == pace and s not in order]
        order += [s for s in streets if s not in order]
        for street in order:
            if take(street, state, prefer_covered=state in (DemoState.NAMED, DemoState.REVOKED)):
                break
    # then a named site of each kind in the streets ahead, and a few more by pace
    for street in streets:
        pace = paces[street.pk]
        if pace == "ahead":
            have = {w[1] for w in wanted if w[2] == street and w[3] == DemoState.NAMED}
            for kind in sorted({k for _s, k, _c in eligible.get(street.pk, [])} - have):
                take(street, DemoState.NAMED, kind, prefer_covered=True)
        for state in _MORE[pace]:
            if rng.random() < 0.6:
                take(street, state)
    demos = []
    first_named = next((i for i, w in enumerate(wanted) if w[3] == DemoState.NAMED), None)
    for i, (site, kind, street, state) in enumerate(wanted):
        returned_first = (
            street.pk in street_steps_bulk
            and state in (DemoState.NAMED, DemoState.REVIEWED, DemoState.ACCEPTED)
            and rng.random() < 0.2
        )
        life = _life(state, dates, rng, tz, returned_first=returned_first, due=i == first_named)
        demos.append(_Demo(site, kind, street, life))
    return demos, reserved, own


def _sheet(version, rng: random.Random, at: datetime.datetime, site, *, passed: bool):
    """A scoring sheet against the site's checklist: every item passes, or it fails (a veto item, else
    enough items), with a photo of each problem taken on the spot."""
    from fenlei.inspections import services as inspections
    from fenlei.inspections.choices import Responsible, Result
    from fenlei.inspections.seeding import photo_bytes

    items = list(version.items.all())
    threshold = settings.FENLEI_PURITY_THRESHOLD_PCT
    failing: list = []
    if not passed:  # the site's own problems (a hauler's would need the hauler that collects there)
        own = [i for i in items if not i.purity and i.responsible == Responsible.SITE]
        veto = [i for i in own if i.veto]
        if veto:
            failing = [rng.choice(veto)]
        else:
            results = {i.pk: Result.PASS for i in items}
            for item in sorted(own, key=lambda i: (-i.points, i.code)):
                failing.append(item)
                results[item.pk] = Result.FAIL
                if not inspections.score(version, results).passed:
                    break
    codes = {i.code for i in failing}
    answers = []
    for item in items:
        if item.purity:
            answers.append(
                inspections.AnswerIn(
                    code=item.code, purity=[round(rng.uniform(threshold + 2, 99), 1) for _ in range(3)]
                )
            )
        elif item.code in codes:
            answers.append(
                inspections.AnswerIn(code=item.code, result=Result.FAIL, note="复查发现混投，督导员不在岗")
            )
        else:
            answers.append(inspections.AnswerIn(code=item.code, result=Result.PASS))
    photos = []
    for item in failing:
        taken = at  # the sheet is kept as finished at `at`, begun then too (`demo_step` passes no start)
        caption = f"{timezone.localtime(taken):%Y-%m-%d %H:%M}"
        photos.append(
            inspections.PhotoIn(
                file=SimpleUploadedFile(f"{item.code}.jpg", photo_bytes(rng, caption), "image/jpeg"),
                code=item.code,
                taken_at=taken,
                latitude=site.latitude,
                longitude=site.longitude,
            )
        )
    note = "示范点验收" if passed else "示范点验收（复查）未达标"
    return services.Sheet(
        answers=answers, photos=photos, client_id=uuid.UUID(int=rng.getrandbits(128), version=4), note=note
    )


def _play(
    campaign: Campaign,
    demos: list[_Demo],
    office: dict,
    street_steps_bulk: set[int],
    root: Area,
    rng: random.Random,
) -> dict:
    """Write each site's steps up to the first a demo user takes in bulk, then take the rest through
    `services.demo_step` in the order they happened."""
    from fenlei.inspections import services as inspections
    from fenlei.inspections.choices import TargetType

    district_admin = office.get((Role.DISTRICT_ADMIN, campaign.area_id))

    def actor(demo: _Demo, step: str) -> tuple[object, bool]:
        """Who takes `step` and whether it is written in bulk (not through the service)."""
        capacity = DEMO_TRANSITIONS[step][2]
        if capacity == Capacity.COMMUNITY:
            return office.get((Role.COMMUNITY_ADMIN, demo.site.community_id)), True
        if capacity == Capacity.STREET:
            return office.get((Role.STREET_ADMIN, demo.street.pk)), demo.street.pk in street_steps_bulk
        return district_admin, district_admin is None

    # the prefixes, in bulk
    events: list[DemoEvent] = []
    updates: dict[tuple, list] = defaultdict(list)
    rows = []
    later: list[tuple] = []
    for demo in demos:
        state = ""
        prefix = []
        for i, s in enumerate(demo.life):
            by, bulk = actor(demo, s.step)
            if not bulk:
                later += [(x.at, id(demo), demo, x) for x in demo.life[i:]]
                break
            prefix.append((s, by))
        first, applicant = prefix[0]
        row = DemoSite(
            campaign=campaign,
            site=demo.site,
            area_id=demo.site.community_id,
            area_path=demo.site.area_path,
            kind=demo.kind,
            state=DemoState.APPLIED,
            note=first.note,
            applied_on=timezone.localtime(first.at).date(),
        )
        row.applicant = applicant
        row.as_applied = {k: [None, v] for k, v in row.audit_snapshot().items() if v not in (None, "")}
        for s, by in prefix:
            sources, to, _capacity = DEMO_TRANSITIONS[s.step]
            assert s.step == DemoStep.APPLY or state in sources, (s.step, state)
            events.append(
                DemoEvent(
                    demo=row,
                    step=s.step,
                    from_state=state,
                    to_state=to,
                    by=by,
                    by_repr=str(by or "")[:150],
                    at=s.at,
                    face=audit.current_face(),
                    note=s.note[:500],
                )
            )
            if s.step != DemoStep.APPLY:
                changes = {"state": [state, to]}
                if s.step == DemoStep.RESUBMIT:
                    changes["note"] = [row.note, s.note]
                    row.note = s.note
                updates[(by, s.note)].append((row, changes))
            state = to
        row.state = state
        demo.row = row
        rows.append(row)
    DemoSite.objects.bulk_create(rows)
    for event in events:
        event.demo_id = event.demo.pk
    DemoEvent.objects.bulk_create(events, batch_size=1000)
    by_applicant: dict[object, list] = defaultdict(list)
    for row in rows:
        by_applicant[row.applicant].append(row)
    for by, batch in by_applicant.items():
        audit.log_bulk(batch, AuditAction.CREATE, by=by, changes_for=lambda r: r.as_applied)
    for (by, note), entries in updates.items():
        changes = iter([c for _r, c in entries])
        audit.log_bulk(
            [r for r, _c in entries],
            AuditAction.UPDATE,
            by=by,
            changes_for=lambda _r, c=changes: next(c),
            note=note,
        )
    _materials(rows, rng)

    # the rest, through the service, in the order it happened
    versions = {}
    plaques = 0
    keys = []
    for at, _id, demo, s in sorted(later, key=lambda e: (e[0], e[3].step)):
        by, bulk = actor(demo, s.step)
        assert not bulk, (demo.site, s.step)
        sheet = plaque = None
        if s.step in (DemoStep.ACCEPT, DemoStep.RECHECK):
            if demo.site.kind_id not in versions:
                versions[demo.site.kind_id] = inspections.template_for(TargetType.SITE, demo.site)
            sheet = _sheet(versions[demo.site.kind_id], rng, at, demo.site, passed=s.passed)
        if s.step == DemoStep.NAME:
            plaques += 1
            plaque = f"{short_name(root)}示范〔{campaign.year}〕{plaques:03d}号"
        demo.row = services.demo_step(
            demo.row, s.step, by=by, note=s.note, sheet=sheet, plaque=plaque or "", now=at
        )
        keys.append((f"{notices.DEMO_STEP}:{demo.row.pk}:{s.step}:{at.isoformat()}", at))
    _read(keys)
    return {"sites": len(rows), "service_steps": len(later)}


def _materials(rows: list[DemoSite], rng: random.Random) -> int:
    """Application materials (a photo of the site's sorting) on a share of the applications."""
    from fenlei.inspections.seeding import photo_bytes

    written: list[str] = []
    stored = 0
    try:
        for i, row in enumerate(rows):
            if i % 3:
                continue
            files = [
                SimpleUploadedFile("申报材料.jpg", photo_bytes(rng, row.applied_on.isoformat()), "image/jpeg")
            ]
            prepared = attachments.prepare(DemoSite, "evidence", files)
            stored += len(
                attachments.store(
                    row=row, slot="evidence", prepared=prepared, by=row.applicant, written=written
                )
            )
    except BaseException:
        attachments.discard(written)
        raise
    return stored


def _read(keys: list[tuple[str, datetime.datetime]]) -> None:
    """The notifications of steps taken before the last two days: sent when the step was taken, read."""
    recent = timezone.now() - datetime.timedelta(days=2)
    by_moment: dict[datetime.datetime, list[str]] = defaultdict(list)
    for key, at in keys:
        if at < recent:
            by_moment[at].append(key)
    for at, batch in by_moment.items():
        Notification.objects.filter(key__in=batch).update(
            created_at=at, read_at=at + datetime.timedelta(hours=3)
        )


# --- the seeder ----------------------------------------------------------------------------------------------


@dataclass
class CampaignReport:
    campaign: Campaign | None = None
    last: Campaign | None = None
    counts: dict = field(default_factory=dict)
    #: seconds per phase
    timings: dict = field(default_factory=dict)


def _coverable(campaign: Campaign, communities: list[Area], today: datetime.date) -> set[int]:
    """The communities whose containers, supervised points and collection meet the rules today and
    that the other seeders did not leave behind."""
    from fenlei.campaign import rules

    refs = [rules.UnitRef(a.pk, a.path, Level.COMMUNITY) for a in communities]
    ok = {a.pk for a in communities if not lagging(a)}
    reqs = Requirement.objects.filter(
        campaign=campaign, level=Level.COMMUNITY, rule__in=("containers", "supervisors", "collection")
    ).prefetch_related("site_kinds")
    for req in reqs:
        if not refs:
            break
        rule = rules.REGISTRY[req.rule]
        results = rule.evaluate(refs, today, rule.check_params(req.params or {}), req)
        ok &= {area_id for area_id, result in results.items() if result.met}
    return ok


def _burnup(campaign: Campaign, today: datetime.date, *, city: bool) -> int:
    """Keep the burn-up (`services.backfill`): the campaign's first day, every `DISTRICT_EVERY` days
    back from today and every week of the forecast's window; for a city only the first day and the
    window's first day (a city's day costs seconds)."""
    window = campaign.forecast_window_days
    start = max(campaign.starts_on, today - _days(window))
    done = services.backfill(campaign, campaign.starts_on, campaign.starts_on)
    if city:
        return done + services.backfill(campaign, start, today, every=window)
    first = today - _days(DISTRICT_EVERY * ((today - campaign.starts_on).days // DISTRICT_EVERY))
    done += services.backfill(campaign, first, today, every=DISTRICT_EVERY)
    return done + services.backfill(campaign, start, today, every=7)


def _demo_places(office: dict, where, streets: list[Area]) -> tuple[Area | None, Area | None]:
    """The demo community (its administrator's, the demo account's first) and its street (else the
    first street)."""
    admins = sorted(
        (user.username not in DEMO_USERNAMES, where.areas[area_id].path, area_id)
        for (role, area_id), user in office.items()
        if role == Role.COMMUNITY_ADMIN and area_id in where.areas
    )
    in_world = [a for a in admins if where.areas[a[2]].parent_id in {s.pk for s in streets}]
    community = where.areas[in_world[0][2]] if in_world else None
    street = where.areas[community.parent_id] if community else (streets[0] if streets else None)
    return community, street


def seed_campaigns(sites, *, rng: random.Random, write, now: datetime.datetime) -> CampaignReport:
    """This year's campaign over the world's root, mid-way, and last year's, finished (see the module)."""
    import time

    clock = time.monotonic()
    report = CampaignReport()

    def lap(phase: str) -> None:
        nonlocal clock
        moment = time.monotonic()
        report.timings[phase] = round(moment - clock, 2)
        clock = moment

    today = timezone.localtime(now).date()
    where = places(sites)
    root = Area.objects.get(path=sites[0].area_path[: PATH_SEGMENT + 1])
    office = _office(root)
    district_admin = office.get((Role.DISTRICT_ADMIN, root.pk))
    shift = (today - datetime.date(today.year, *TODAY_IS)).days
    this = services.create_campaign(
        area=root,
        year=today.year,
        by=district_admin,
        shift_days=shift,
        name=f"{today.year}年{root.name}生活垃圾分类全覆盖攻坚（演示）",
    )
    last = services.create_campaign(
        area=root,
        year=today.year - 1,
        by=district_admin,
        shift_days=shift,
        name=f"{today.year - 1}年{root.name}生活垃圾分类全覆盖攻坚（演示）",
    )
    report.campaign, report.last = this, last
    dates = _Dates(today, this.starts_on, last.starts_on, last.ends_on)
    lap("campaigns")

    streets = sorted(where.streets, key=lambda a: a.path)
    communities: dict[int, list[Area]] = defaultdict(list)
    for c in sorted(where.communities, key=lambda a: a.path):
        communities[c.parent_id].append(c)
    all_communities = [c for s in streets for c in communities[s.pk]]
    coverable = _coverable(this, all_communities, today)
    scheduled = set(
        Supervisor.objects.filter(
            area_id__in=[c.pk for c in all_communities],
            point__kind=DropOffKind.SCHEDULED,
            closed_on__isnull=True,
        ).values_list("area_id", flat=True)
    )
    demo_community, demo_street = _demo_places(office, where, streets)
    paces = _paces(streets, demo_street, rng)
    courses = _plan(
        streets, communities, coverable, scheduled, paces, demo_community, demo_street, dates, rng
    )
    existing = {s.pk for s in streets if (Role.STREET_ADMIN, s.pk) in office}
    for street in streets:
        _street_admin(street, office)
    street_steps_bulk = {s.pk for s in streets} - existing
    lap("plan")
    report.counts.update(_records(courses, dates, rng, write))
    lap("records")
    street_plans = _street_plans(streets, paces, demo_street, rng)
    report.counts["evidence"] = len(
        _evidence(
            this, courses, streets, street_plans, office, dates, rng, demo_street=demo_street, last=False
        )
    )
    report.counts["evidence_last_year"] = len(
        _evidence(
            last, courses, streets, street_plans, office, dates, rng, demo_street=demo_street, last=True
        )
    )
    lap("evidence")
    if district_admin is not None:
        sites_by_community: dict[int, list] = defaultdict(list)
        for site in sorted(sites, key=lambda s: (s.area_path, s.name)):
            sites_by_community[site.community_id].append(site)
        demos, _reserved, own = _demo_plan(
            courses,
            sites_by_community,
            paces,
            demo_community,
            demo_street,
            dates,
            rng,
            street_steps_bulk=street_steps_bulk,
        )
        report.counts.update(_play(this, demos, office, street_steps_bulk, root, rng))
        applicant = office.get((Role.COMMUNITY_ADMIN, demo_community.pk)) if demo_community else None
        if own is not None and applicant is not None:
            from fenlei.inspections.seeding import photo_bytes

            photo = SimpleUploadedFile("申报材料.jpg", photo_bytes(rng, today.isoformat()), "image/jpeg")
            services.apply_demo(
                campaign=this, site=own, by=applicant, note=rng.choice(DEMO_NOTES), files=[photo]
            )
    lap("demonstration sites")

    services.refresh(this)
    lap("refresh")
    city = root.level < AreaLevel.DISTRICT
    report.counts["days"] = _burnup(this, today, city=city)
    lap("burn-up")
    for campaign in (this,) if city else (this, last):  # a city's snapshot takes seconds
        for milestone in campaign.milestones.filter(is_assessment=True, due_on__lte=today).order_by("due_on"):
            # as the daily job takes them: named after the milestone, by nobody in particular
            services.take_snapshot(campaign, on=milestone.due_on, name=milestone.name[:100], by=None)
    # last year's coverage: at its end (the list of campaigns shows it), and a few days before
    services.backfill(last, last.ends_on if city else last.starts_on, last.ends_on, every=LAST_YEAR_EVERY)
    lap("snapshots and last year")
    report.counts["reminders"] = services.recheck_reminders(today)
    return report
