"""Demo data for inspections: about three months of daily inspections in the demo district, their
rectification orders in every state, today's rounds and the demo users' inbox.

One inspector per street goes round its sites and drop-off points on working days (the demo
inspector takes the first street; the other streets and the district's vehicles get an inspector of
their own, created here without a password); each inspection answers every item of the current
checklist (`services.template_for`) and is scored with `services.score`. Most places pass; each has
one or two weak points that fail more often than the rest, so problems come back (repeats). Every
failed item is a rectification order addressed as `services.submit` addresses it, and its life is
played out step by step against the order's state machine (`choices.TRANSITIONS`) with the daily
deadline run in between: most are rectified and verified, some are returned, some go overdue and
are escalated to the street and then the district. A share of the problems and of the
rectifications carry small generated photos, with the time and place they were taken, stored through
`core.attachments` in the slots the faces read ("photo" of the inspection, part = item code;
"after" of the order, part = the step's id).

Written in bulk, not through `services.submit`/`transition` one by one (too slow for a demo seed):
rows audited through `write`, each step of an order audited as an update, the notifications the
services would have sent written to the inbox, and today's reminders sent through `notify.send`.
The days are those of the collection seed (FENLEI_SEED_COLLECTION_DAYS), at most `DAYS`.
Deterministic for a given random generator and day.
"""

from __future__ import annotations

import datetime
import functools
import io
import random
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from fenlei.core import attachments, audit, notify, workdays
from fenlei.core.models import AuditAction, AuditEntry, Notification
from fenlei.core.roles import Role
from fenlei.facilities.choices import FacilityStatus
from fenlei.facilities.models import DropOffPoint, Vehicle
from fenlei.inspections import notices, services
from fenlei.inspections.choices import (
    OPEN_STATES,
    TRANSITIONS,
    Concern,
    Escalation,
    OrderState,
    Responsible,
    Result,
    Step,
    TargetType,
)
from fenlei.inspections.geo import distance_m
from fenlei.inspections.models import (
    Answer,
    ChecklistVersion,
    Inspection,
    InspectionQuota,
    PlanEntry,
    RectificationEvent,
    RectificationOrder,
)
from fenlei.org.models import Hauler, SiteKind
from fenlei.org.seeding import demo_account, first_district, places, short_name

#: At most this many days of inspections, ending yesterday.
DAYS = 91
#: Targets one street inspector visits on a working day, and vehicles the district's inspector checks.
VISITS_PER_DAY = (2, 3)
VEHICLES_PER_DAY = (1, 2)
#: Share of drop-off points among a street inspector's visits.
DROPOFF_SHARE = 0.3
#: Share of the places with problems inspected again, and after how many days.
REVISIT_SHARE = 0.5
REVISIT_AFTER = (7, 20)
#: Photos: every problem of the last PHOTO_DAYS days has its photo, older ones this share; answers alike.
PHOTO_DAYS = 10
PHOTO_SHARE = 0.04
#: An inspection reaches the server this long after it was finished (unless the phone was offline).
SENT_AFTER = datetime.timedelta(seconds=20)
#: How a place keeps its sorting: (share of places, chance an item fails).
QUALITY = ((0.55, 0.01), (0.33, 0.04), (0.12, 0.12))
#: A weak point fails this many times as often.
WEAK = 4

NOTES = {
    Concern.PUBLICITY: ("宣传栏内容过期", "未见分类宣传海报", "入户宣传无记录"),
    Concern.FACILITIES: (
        "桶满溢",
        "桶盖破损",
        "容器不全，缺少有害垃圾桶",
        "投放点无洗手设施",
        "车厢密闭不严",
    ),
    Concern.SIGNAGE: ("标识褪色不清", "未公示投放时间和责任人", "容器颜色不符合标准"),
    Concern.LEDGERS: ("台账缺三天记录", "联单未填写完整", "无称重记录"),
    Concern.DEMONSTRATION: ("示范标牌与实际不符",),
    Concern.SORTING: ("湿垃圾桶内混有塑料袋", "整桶混投", "其他垃圾中混有大量厨余"),
    Concern.COLLECTION: ("混装混运", "桶满未运", "未按时收运"),
    Concern.SUPERVISION: ("投放时段督导员不在岗", "无专人负责"),
}
ANSWER_NOTES = (
    "已整改，见照片",
    "已清理并更换桶盖",
    "已补齐台账",
    "已重新张贴公示牌",
    "已安排专人值守",
    "已整改完毕",
)
RETURN_NOTES = (
    "照片未拍到整改部位，请在原位置补拍",
    "现场复核仍有混投，请继续整改",
    "整改不彻底，请重新整改",
)


@dataclass
class InspectionReport:
    inspections: int = 0
    answers: int = 0
    orders: int = 0
    events: int = 0
    photos: int = 0
    plan_entries: int = 0
    notifications: int = 0
    states: dict = field(default_factory=dict)
    inspectors: list = field(default_factory=list)
    #: seconds per phase
    timings: dict = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)

    def lap(self, phase: str, since: float | None = None) -> float:
        now = time.monotonic()
        self.timings[phase] = round(now - (since or self.started), 2)
        return now


def seed_ledgers(*, sites, rng: random.Random, write) -> int:
    """The inspections of the demo (a city's first district only); returns the audit entries written."""
    sites = first_district(sites)
    if not sites:
        return 0
    before = AuditEntry.objects.count()
    seed_inspections(sites, rng=rng, write=write, now=timezone.now())
    return AuditEntry.objects.count() - before


# --- the world ------------------------------------------------------------------------------------


@dataclass
class _Target:
    type: str
    obj: object
    fields: dict
    version: ChecklistVersion
    quality: float
    weak: set
    hauler_id: int | None  # who collects there (for items answered by the hauler)

    @property
    def key(self) -> str:
        return f"{self.type}:{self.obj.pk}"


def _inspector(street_or_district, existing: dict):
    """The inspector of an area: one already assigned to it (the demo inspector) or a new account."""
    if street_or_district.pk in existing:
        return existing[street_or_district.pk]
    name = f"{short_name(street_or_district)}督导员（演示）"  # demo data, in Chinese
    return demo_account(street_or_district, Role.INSPECTOR, "inspector-", name)


def _existing_inspectors(areas) -> dict:
    from fenlei.accounts.models import RoleAssignment

    found = {}
    for a in (
        RoleAssignment.objects.filter(role=Role.INSPECTOR, active=True, area__in=areas, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    ):
        found.setdefault(a.area_id, a.user)
    return found


def _haulers(sites, district, streets) -> dict[int, int]:
    """Site pk -> the hauler that collects there (from the collection records, else one per street)."""
    from fenlei.collection.models import Record

    last = {}
    rows = (
        Record.objects.filter(site__in=[s.pk for s in sites], hauler__isnull=False, voided_at__isnull=True)
        .values("site_id", "hauler_id")
        .annotate(last=Max("day"))
        .order_by("site_id", "last", "hauler_id")
    )
    for row in rows:
        last[row["site_id"]] = row["hauler_id"]
    ours = list(Hauler.objects.filter(district=district).order_by("pk").values_list("pk", flat=True))
    if ours:
        street_hauler = {s.pk: ours[i % len(ours)] for i, s in enumerate(streets)}
        for site in sites:
            if site.pk not in last:
                last[site.pk] = street_hauler.get(site.community.parent_id, ours[0])
    return last


def _versions() -> dict:
    """(target type, site kind pk or None) -> the current version, with its items prefetched."""
    found = {}
    for kind in SiteKind.objects.all():
        probe = type("Probe", (), {"kind_id": kind.pk})()
        found[(TargetType.SITE, kind.pk)] = services.template_for(TargetType.SITE, probe)
    for target_type in (TargetType.DROPOFF, TargetType.VEHICLE):
        found[(target_type, None)] = services.template_for(target_type)
    ids = {v.pk for v in found.values() if v is not None}
    loaded = ChecklistVersion.objects.prefetch_related("items").in_bulk(ids)
    return {k: loaded[v.pk] if v is not None else None for k, v in found.items()}


def _quality(rng: random.Random) -> float:
    r = rng.random()
    for share, chance in QUALITY:
        if r < share:
            return chance
        r -= share
    return QUALITY[-1][1]


# --- photos ---------------------------------------------------------------------------------------


@functools.cache
def _font():
    from PIL import ImageFont

    return ImageFont.load_default()


_COLOURS = ((46, 125, 50), (96, 125, 139), (21, 101, 192), (198, 40, 40))


def photo_bytes(rng: random.Random, caption: str) -> bytes:
    """A small JPEG as a phone camera page makes it: bins in front of a wall, the time and place
    stamped at the bottom (a few KB)."""
    from PIL import Image, ImageDraw

    wall = tuple(rng.randint(150, 220) for _ in range(3))
    img = Image.new("RGB", (320, 240), wall)
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 170, 320, 240), fill=(110, 110, 105))
    x = rng.randint(10, 40)
    for colour in rng.sample(_COLOURS, rng.randint(2, 4)):
        w = rng.randint(45, 60)
        draw.rectangle((x, 95, x + w, 185), fill=colour, outline=(30, 30, 30))
        draw.rectangle((x - 3, 88, x + w + 3, 98), fill=tuple(max(0, c - 30) for c in colour))
        x += w + rng.randint(12, 25)
    if rng.random() < 0.5:  # litter
        for _i in range(rng.randint(3, 8)):
            cx, cy = rng.randint(10, 300), rng.randint(190, 230)
            draw.ellipse((cx, cy, cx + 8, cy + 5), fill=(240, 240, 240))
    draw.rectangle((0, 222, 320, 240), fill=(0, 0, 0))
    draw.text((4, 226), caption, fill=(255, 220, 0), font=_font())
    out = io.BytesIO()
    img.save(out, "JPEG", quality=55)
    return out.getvalue()


def _photo(rng, at: datetime.datetime, lat, lng, name: str):
    local = timezone.localtime(at)
    caption = f"{local:%Y-%m-%d %H:%M}"
    if lat is not None:
        caption += f"  N{float(lat):.5f} E{float(lng):.5f}"
    return SimpleUploadedFile(name, photo_bytes(rng, caption), "image/jpeg")


def _near(lat, lng, rng: random.Random, metres: float):
    if lat is None or lng is None:
        return None, None
    d = metres / 111_320
    return (
        Decimal(f"{float(lat) + rng.uniform(-d, d):.6f}"),
        Decimal(f"{float(lng) + rng.uniform(-d, d) * 1.15:.6f}"),
    )


# --- inspections ----------------------------------------------------------------------------------


@dataclass
class _Visit:
    inspection: Inspection
    target: _Target
    results: dict  # item pk -> result
    purity: dict  # item pk -> values
    notes: dict  # item pk -> note
    photos: list  # (code, taken_at, lat, lng)
    first_photo: dict = field(default_factory=dict)  # item code -> the first photo stored
    #: The unit has not acted yet (the demo site manager's latest orders wait for it).
    hold: bool = False


def _answers(target: _Target, rng: random.Random, forced: tuple = ()) -> tuple[dict, dict, dict]:
    results, purity, notes = {}, {}, {}
    threshold = settings.FENLEI_PURITY_THRESHOLD_PCT
    for item in target.version.items.all():
        chance = target.quality * (WEAK if item.code in target.weak else 1) * (0.4 if item.veto else 1)
        failed = item.code in forced or rng.random() < min(chance, 0.7)
        if item.concern == Concern.DEMONSTRATION and rng.random() < 0.6 and not failed:
            results[item.pk] = Result.NA
            continue
        if item.purity:
            bins = [round(rng.uniform(threshold + 1, 99), 1) for _ in range(rng.randint(2, 4))]
            if failed:
                bins[rng.randrange(len(bins))] = round(rng.uniform(threshold - 30, threshold - 3), 1)
            purity[item.pk] = bins
            results[item.pk] = services.purity_result(bins)
        else:
            results[item.pk] = Result.FAIL if failed else Result.PASS
        if results[item.pk] == Result.FAIL:
            notes[item.pk] = rng.choice(NOTES.get(item.concern, ("",)))
    return results, purity, notes


def _visit(target: _Target, inspector, day, slot: int, rng, tz, *, forced=(), photos_all=False) -> _Visit:
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(8, 30)), tz)
    start += datetime.timedelta(minutes=slot * 55 + rng.randint(0, 25))
    finish = start + datetime.timedelta(minutes=rng.randint(12, 35))
    obj = target.obj
    far = rng.random() < 0.02
    lat, lng = _near(obj.latitude, obj.longitude, rng, rng.uniform(600, 900) if far else rng.uniform(5, 60))
    if lat is None:  # a vehicle without a position: where it was stopped
        area = target.fields["area"]
        lat, lng = _near(area.latitude, area.longitude, rng, 2000)
    distance = distance_m(lat, lng, obj.latitude, obj.longitude)
    results, purity, notes = _answers(target, rng, forced)
    scored = services.score(target.version, results)
    inspection = Inspection(
        client_id=uuid.UUID(int=rng.getrandbits(128), version=4),
        inspector=inspector,
        version=target.version,
        hauler_id=obj.hauler_id if target.type == TargetType.VEHICLE else None,
        started_at=start,
        finished_at=finish,
        day=day,
        latitude=lat,
        longitude=lng,
        accuracy_m=rng.randint(5, 30),
        distance_m=distance,
        far=distance is not None and distance > settings.FENLEI_INSPECTION_FAR_METRES,
        score=scored.score,
        vetoed=scored.vetoed,
        passed=scored.passed,
        problems=scored.problems,
        note="" if scored.problems == 0 or rng.random() < 0.7 else "已当场向负责人反馈",
        face=audit.current_face(),
        **target.fields,
    )
    # sent at once, or — out of signal — kept on the phone and sent when back online
    inspection.received_at = finish + (
        SENT_AFTER if rng.random() < 0.93 else datetime.timedelta(seconds=rng.randint(1800, 4 * 3600))
    )
    visit = _Visit(inspection, target, results, purity, notes, [])
    items = {i.pk: i for i in target.version.items.all()}
    for pk, result in results.items():
        if result == Result.FAIL and (photos_all or rng.random() < PHOTO_SHARE):
            at = start + (finish - start) * rng.random()
            plat, plng = _near(lat, lng, rng, 15)
            visit.photos.append((items[pk].code, at, plat, plng))
    if visit.photos and rng.random() < 0.3:  # now and then a photo of a passed item too
        passed = [i.code for pk, i in items.items() if results.get(pk) == Result.PASS]
        if passed:
            at = start + (finish - start) * rng.random()
            visit.photos.append((rng.choice(passed), at, *_near(lat, lng, rng, 15)))
    return visit


# --- an order's life ------------------------------------------------------------------------------


@dataclass
class _Life:
    """What the responsible unit and the verifier will do, and when (played out against the clock)."""

    start: datetime.datetime | None = None
    answers: list = field(default_factory=list)  # datetimes
    verdicts: list = field(default_factory=list)  # (datetime, passed)


def _at(day: datetime.date, rng: random.Random, tz, after: datetime.datetime | None = None):
    moment = timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(8, 0)) + datetime.timedelta(minutes=rng.randint(0, 600)),
        tz,
    )
    if after is not None and moment <= after:
        moment = after + datetime.timedelta(minutes=rng.randint(20, 180))
    return moment


def _life(order: RectificationOrder, rng: random.Random, tz, workdays_given: int) -> _Life:
    """A plausible course: most units fix in time; some late; a few not at all."""
    day = timezone.localtime(order.issued_at).date()
    r = rng.random()
    if r < 0.72:
        k = rng.randint(0, workdays_given)
    elif r < 0.9:
        k = workdays_given + rng.randint(1, 6)
    elif r < 0.97:
        k = workdays_given + rng.randint(7, 30)
    else:
        k = None  # never
    life = _Life()
    if k is None:
        if rng.random() < 0.4:
            life.start = _at(
                workdays.add_workdays(day, rng.randint(0, workdays_given)), rng, tz, order.issued_at
            )
        return life
    answered = _at(workdays.add_workdays(day, k), rng, tz, order.issued_at)
    if rng.random() < 0.5 and k >= 1:
        life.start = _at(
            workdays.add_workdays(day, rng.randint(0, min(k, workdays_given) - 1)), rng, tz, order.issued_at
        )
        if life.start >= answered:
            life.start = None
    life.answers.append(answered)
    verdict = _at(
        workdays.add_workdays(timezone.localtime(answered).date(), rng.randint(0, 2)), rng, tz, answered
    )
    if rng.random() < 0.15:
        life.verdicts.append((verdict, False))
        if rng.random() < 0.9:
            again = _at(
                workdays.add_workdays(timezone.localtime(verdict).date(), rng.randint(1, 4)), rng, tz, verdict
            )
            life.answers.append(again)
            life.verdicts.append(
                (
                    _at(
                        workdays.add_workdays(timezone.localtime(again).date(), rng.randint(0, 2)),
                        rng,
                        tz,
                        again,
                    ),
                    True,
                )
            )
    else:
        life.verdicts.append((verdict, True))
    return life


@dataclass
class _Step:
    step: str
    before: str
    after: str
    at: datetime.datetime
    by: object = None
    note: str = ""
    data: dict = field(default_factory=dict)
    photo: tuple | None = None  # (taken_at, lat, lng) of the after photo


def _play(
    order: RectificationOrder, life: _Life, *, now, tz, responsible_by, rng, photo: bool
) -> list[_Step]:
    """Play `life` out day by day up to `now`, the deadline run each morning at 06:00, and set the
    order's fields as the steps leave them. Each step obeys `choices.TRANSITIONS`."""
    steps: list[_Step] = []
    inspector = order.issued_by
    cutoff = settings.FENLEI_ESCALATE_DISTRICT_WORKDAYS

    def take(step, at, by=None, note="", data=None, photo_at=None):
        sources, to, _capacity = TRANSITIONS[step]
        assert order.state in sources, (order.state, step)
        steps.append(_Step(step, order.state, to, at, by, note, data or {}, photo_at))
        order.state = to

    actions = []
    if life.start:
        actions.append((life.start, Step.START))
    actions += [(a, Step.ANSWER) for a in life.answers]
    actions += [(at, Step.VERIFY if ok else Step.RETURN) for at, ok in life.verdicts]
    actions.sort(key=lambda a: a[0])
    day = timezone.localtime(order.issued_at).date()
    last = timezone.localtime(now).date()
    while day <= last:
        morning = timezone.make_aware(datetime.datetime.combine(day, datetime.time(6, 0)), tz)
        if morning <= now and morning > order.issued_at:
            if order.state in TRANSITIONS[Step.OVERDUE][0] and order.deadline < day:
                take(Step.OVERDUE, morning)
                order.went_overdue = True
                if order.escalation == Escalation.NONE:
                    _escalate(order, morning + datetime.timedelta(seconds=1), take)
            elif (
                order.state == OrderState.OVERDUE
                and order.escalation == Escalation.STREET
                and workdays.add_workdays(timezone.localtime(order.escalated_at).date(), cutoff) <= day
            ):
                _escalate(order, morning, take)
        for at, step in [a for a in actions if timezone.localtime(a[0]).date() == day]:
            if at > now or order.state not in TRANSITIONS[step][0]:
                continue
            if step == Step.START:
                take(step, at, responsible_by)
            elif step == Step.ANSWER:
                shot = None
                if photo:
                    taken = at - datetime.timedelta(minutes=rng.randint(5, 90))
                    plat, plng = _near(order.latitude, order.longitude, rng, rng.uniform(2, 25))
                    shot = (max(taken, order.issued_at), plat, plng)
                data = {}
                if shot is not None:
                    moved = distance_m(shot[1], shot[2], order.latitude, order.longitude)
                    if moved is not None:
                        data["distance_m"] = moved
                take(step, at, responsible_by, rng.choice(ANSWER_NOTES), data, shot)
                order.answered_at = at
            elif step == Step.VERIFY:
                take(step, at, inspector)
                order.closed_at = at
            elif step == Step.RETURN:
                take(step, at, inspector, rng.choice(RETURN_NOTES))
                order.answered_at = None
        day += datetime.timedelta(days=1)
    return steps


def _escalate(order, at, take) -> None:
    level = services.escalation_level(order)
    take(Step.ESCALATE, at, data={"level": int(level), "from": int(order.escalation)})
    order.escalation = level
    order.escalated_at = at


# --- the seeder -----------------------------------------------------------------------------------


def seed_inspections(sites, *, rng: random.Random, write, now: datetime.datetime, days: int | None = None):
    """Write the inspections, orders, plans and notifications of `sites` (one district's), the days
    before `now`'s."""
    tz = timezone.get_current_timezone()
    today = timezone.localtime(now).date()
    days = min(DAYS, settings.FENLEI_SEED_COLLECTION_DAYS) if days is None else days
    report = InspectionReport()
    where = places(sites)
    district = where.districts[0]
    streets = sorted(where.streets, key=lambda a: a.path)
    for site in sites:
        site.community = where.areas[site.community_id]
    by_site = {s.pk: s for s in sites}
    versions = _versions()
    hauler_of = _haulers(sites, district, streets)

    # Inspectors: the demo inspector where it is assigned, one more for each other street and the district.
    existing = _existing_inspectors([*streets, district])
    inspector_of = {s.pk: _inspector(s, existing) for s in streets}
    district_inspector = _inspector(district, existing)
    report.inspectors = [u.username for u in [*inspector_of.values(), district_inspector]]

    # Targets, per street (sites and drop-off points) and the district's vehicles.
    def target(kind, obj, version_key):
        version = versions.get(version_key)
        if version is None:
            return None
        fields = services.target_fields(kind, obj)
        codes = [i.code for i in version.items.all()]
        weak = set(rng.sample(codes, min(len(codes), rng.randint(1, 2))))
        hauler = hauler_of.get(fields["site"].pk) if fields["site"] is not None else None
        return _Target(kind, obj, fields, version, _quality(rng), weak, hauler)

    by_street: dict[int, list[_Target]] = defaultdict(list)
    points_by_street: dict[int, list[_Target]] = defaultdict(list)
    for site in sites:
        if site.closed_on is None:
            t = target(TargetType.SITE, site, (TargetType.SITE, site.kind_id))
            if t:
                by_street[site.community.parent_id].append(t)
    points = DropOffPoint.objects.filter(
        site__in=list(by_site), status=FacilityStatus.IN_USE, closed_on__isnull=True
    ).order_by("pk")
    for point in points:
        point.site = by_site[point.site_id]
        point.area = where.areas[point.area_id]
        t = target(TargetType.DROPOFF, point, (TargetType.DROPOFF, None))
        if t:
            points_by_street[point.area.parent_id].append(t)
    vehicles = []
    for vehicle in Vehicle.objects.filter(area=district, closed_on__isnull=True).order_by("pk"):
        vehicle.area = district
        t = target(TargetType.VEHICLE, vehicle, (TargetType.VEHICLE, None))
        if t:
            vehicles.append(t)

    # The demo site manager's site: a weak place, inspected in the last days, so orders wait for it.
    demo_site = _demo_site()
    demo_target = next(
        (t for ts in by_street.values() for t in ts if demo_site is not None and t.obj.pk == demo_site.pk),
        None,
    )

    # The visits, day by day.
    first = today - datetime.timedelta(days=days)
    visits: list[_Visit] = []
    queues: dict[tuple, list] = {}

    def next_of(key, pool):
        queue = queues.get(key)
        if not queue:
            queue = list(pool)
            rng.shuffle(queue)
            queues[key] = queue
        return queue.pop()

    revisits: dict[int, list] = defaultdict(list)
    recent_from = workdays.add_workdays(today, -3)
    for offset in range(days):
        day = first + datetime.timedelta(days=offset)
        if not workdays.is_workday(day):
            continue
        photos_all = (today - day).days <= PHOTO_DAYS
        for street in streets:
            pool, point_pool = by_street.get(street.pk, []), points_by_street.get(street.pk, [])
            if not pool and not point_pool:
                continue
            seen = set()
            due = revisits[street.pk]
            for slot in range(rng.randint(*VISITS_PER_DAY)):
                if slot == 0 and due and due[0][0] <= day:  # first, a place that had problems (复查)
                    t = due.pop(0)[1]
                else:
                    use_points = point_pool and (not pool or rng.random() < DROPOFF_SHARE)
                    t = next_of(("p" if use_points else "s", street.pk), point_pool if use_points else pool)
                if t.key in seen:
                    continue
                seen.add(t.key)
                visit = _visit(t, inspector_of[street.pk], day, slot, rng, tz, photos_all=photos_all)
                visits.append(visit)
                if visit.inspection.problems and rng.random() < REVISIT_SHARE:
                    due.append((day + datetime.timedelta(days=rng.randint(*REVISIT_AFTER)), t))
                    due.sort(key=lambda d: (d[0], d[1].key))
            yesterday = workdays.add_workdays(today, -1)
            demo_street = demo_target is not None and street.pk == demo_target.obj.community.parent_id
            if demo_street and day in (recent_from, yesterday):
                codes = [i.code for i in demo_target.version.items.all()]
                forced = sorted(demo_target.weak) + [rng.choice(codes)]
                visit = _visit(
                    demo_target, inspector_of[street.pk], day, 7, rng, tz, forced=forced, photos_all=True
                )
                visit.hold = day == yesterday
                visits.append(visit)
        for slot in range(rng.randint(*VEHICLES_PER_DAY) if vehicles else 0):
            t = next_of(("v", district.pk), vehicles)
            visits.append(_visit(t, district_inspector, day, slot, rng, tz, photos_all=photos_all))

    clock = report.lap("visits drawn")
    _write_visits(visits, write, report)
    clock = report.lap("inspections written", clock)
    orders, steps = _orders(visits, rng, now=now, tz=tz)
    report.orders = len(orders)
    clock = report.lap("orders written", clock)
    report.events = _write_steps(orders, steps, report)
    clock = report.lap("steps written", clock)
    report.plan_entries = _plan(
        today,
        streets,
        by_street,
        points_by_street,
        vehicles,
        inspector_of,
        district_inspector,
        visits,
        rng,
        write,
    )
    write(InspectionQuota, _quotas(district))
    report.notifications = _notify(orders, steps, now=now, today=today, rng=rng)
    report.lap("plans and inbox", clock)
    report.inspections = len(visits)
    report.states = dict(sorted({s: sum(o.state == s for o in orders) for s in OrderState.values}.items()))
    return report


def _demo_site():
    from fenlei.accounts.models import RoleAssignment

    a = (
        RoleAssignment.objects.filter(role=Role.SITE_MANAGER, active=True, user__username="site_manager")
        .select_related("site")
        .first()
    )
    return a.site if a else None


def _write_visits(visits: list[_Visit], write, report: InspectionReport) -> None:
    rows = [v.inspection for v in visits]
    received = [r.received_at for r in rows]
    report.inspections = len(rows)
    write(Inspection, rows)
    # bulk_create stamped the seeding moment (auto_now_add): put back when each reached the server
    pks = [r.pk for r in rows]
    for start in range(0, len(pks), 900):
        Inspection.objects.filter(pk__in=pks[start : start + 900]).update(
            received_at=F("finished_at") + SENT_AFTER
        )
    for row, at in zip(rows, received, strict=True):
        row.received_at = at
        if at - row.finished_at != SENT_AFTER:
            Inspection.objects.filter(pk=row.pk).update(received_at=at)
    answers = []
    for v in visits:
        items = {i.pk: i for i in v.target.version.items.all()}
        scored = services.score(v.target.version, v.results)
        for pk, result in v.results.items():
            answers.append(
                Answer(
                    inspection=v.inspection,
                    item=items[pk],
                    result=result,
                    points=scored.points[pk],
                    purity=v.purity.get(pk, []),
                    note=v.notes.get(pk, ""),
                )
            )
    Answer.objects.bulk_create(answers, batch_size=2000)
    report.answers = len(answers)
    # the photos of the problems (and a few more)
    rng = random.Random(len(rows))
    written: list[str] = []
    try:
        for v in visits:
            if not v.photos:
                continue
            files = [_photo(rng, at, lat, lng, f"{code}.jpg") for code, at, lat, lng in v.photos]
            captures = [attachments.Capture(at, lat, lng, code) for code, at, lat, lng in v.photos]
            prepared = attachments.prepare(Inspection, "photo", files, captures, label="photos")
            stored = attachments.store(
                row=v.inspection, slot="photo", prepared=prepared, by=v.inspection.inspector, written=written
            )
            report.photos += len(stored)
            for att in stored:
                v.first_photo.setdefault(att.part, att)
    except BaseException:
        attachments.discard(written)
        raise


def _orders(visits: list[_Visit], rng, *, now, tz):
    """The orders of the failed items, written day by day (a repeat names an earlier order)."""
    repeat_days = settings.FENLEI_REPEAT_DAYS
    last: dict[tuple, RectificationOrder] = {}
    answers = defaultdict(dict)
    for a in Answer.objects.filter(inspection__in=[v.inspection.pk for v in visits], result=Result.FAIL).only(
        "pk", "inspection_id", "item_id"
    ):
        answers[a.inspection_id][a.item_id] = a
    orders: list[RectificationOrder] = []
    by_day: dict[datetime.date, list] = defaultdict(list)
    for v in sorted(visits, key=lambda v: (v.inspection.finished_at, v.inspection.pk)):
        inspection = v.inspection
        items = {i.pk: i for i in v.target.version.items.all()}
        first_photo = v.first_photo
        for pk, result in v.results.items():
            if result != Result.FAIL:
                continue
            item = items[pk]
            addressee = services.addressee(item, v.target.fields, v.target.obj, v.target.hauler_id)
            key = (v.target.key, item.code)
            earlier = last.get(key)
            if earlier is not None and not (
                inspection.day - datetime.timedelta(days=repeat_days)
                <= earlier.inspection.day
                < inspection.day
            ):
                # too long ago; or the same day, whose orders are written in one batch with this one
                earlier = None
            note = v.notes.get(pk, "")
            photo = first_photo.get(item.code)
            order = RectificationOrder(
                number=services.order_number(inspection, item),
                inspection=inspection,
                answer=answers[inspection.pk][pk],
                item=item,
                concern=item.concern,
                severity=item.severity,
                summary=(f"{item.text}：{note}" if note else item.text)[:300],
                responsible=addressee["responsible"],
                responsible_area=addressee["responsible_area"],
                hauler_id=addressee["hauler_id"],
                authority_id=addressee["authority_id"],
                state=OrderState.PENDING,
                deadline=services.deadline_for(item.severity, inspection.day),
                repeat_of=earlier,
                issued_by=inspection.inspector,
                issued_at=inspection.received_at,
                latitude=photo.latitude if photo else inspection.latitude,
                longitude=photo.longitude if photo else inspection.longitude,
                **v.target.fields,
            )
            last[key] = order
            orders.append(order)
            by_day[inspection.day].append(order)
    names = _unit_names()
    people = _responsible_people(orders)
    held = {v.inspection.pk for v in visits if v.hold}

    def play(order, life):
        for name, value in ISSUED.items():
            setattr(order, name, value)
        responsible = people.get(_unit_key(order))
        recent = (now - order.issued_at).days <= PHOTO_DAYS
        order.seeded_steps = _play(
            order,
            life,
            now=now,
            tz=tz,
            responsible_by=responsible[0] if responsible else names(order),
            rng=rng,
            photo=recent or rng.random() < PHOTO_SHARE,
        )

    for order in orders:
        given = settings.FENLEI_RECTIFY_WORKDAYS.get(order.severity, 3)
        life = _life(order, rng, tz, given)
        if order.inspection_id in held:  # not acted on yet, or only just started
            life = _Life(start=life.start if life.start and life.start < now else None)
        play(order, life)
    _cover(orders, play, now=now, tz=tz, held=held)
    face = audit.current_face()
    for day in sorted(by_day):  # day by day: a repeat names an order written before it
        batch = by_day[day]
        RectificationOrder.objects.bulk_create(batch)
        audit.log_bulk(batch, AuditAction.CREATE, by=None, changes_for=_as_issued, face=face)
    steps = {order.pk: order.seeded_steps for order in orders}
    return orders, steps


def _cover(orders, play, *, now, tz, held) -> None:
    """Make sure the demo shows every state and both escalation levels: where chance left one out
    (a small world), give one more order the course that leads there."""
    today = timezone.localtime(now).date()
    cutoff = settings.FENLEI_ESCALATE_DISTRICT_WORKDAYS
    hour = datetime.timedelta(hours=1)
    newest = sorted(
        (o for o in orders if o.inspection_id not in held),
        key=lambda o: (o.issued_at, o.number),
        reverse=True,
    )

    def first_overdue_day(o):
        return o.deadline + datetime.timedelta(days=1)

    def has_street(o):
        return o.responsible != Responsible.STREET and services.street_of(o.area) is not None

    wanted = [
        # (present?, a candidate, its course)
        (
            lambda o: o.state == OrderState.PENDING,
            lambda o: o.deadline >= today,
            lambda o: _Life(),
        ),
        (
            lambda o: o.state == OrderState.IN_PROGRESS,
            lambda o: o.deadline >= today and o.issued_at + hour < now,
            lambda o: _Life(start=o.issued_at + hour),
        ),
        (
            lambda o: o.state == OrderState.SUBMITTED,
            lambda o: o.deadline >= today and o.issued_at + hour < now,
            lambda o: _Life(answers=[o.issued_at + hour]),
        ),
        (
            lambda o: o.state == OrderState.RETURNED,
            lambda o: o.deadline >= today and o.issued_at + 3 * hour < now,
            lambda o: _Life(answers=[o.issued_at + hour], verdicts=[(o.issued_at + 2 * hour, False)]),
        ),
        (
            lambda o: o.state == OrderState.CLOSED,
            lambda o: o.issued_at + 3 * hour < now,
            lambda o: _Life(answers=[o.issued_at + hour], verdicts=[(o.issued_at + 2 * hour, True)]),
        ),
        (
            lambda o: o.state == OrderState.OVERDUE and o.escalation == Escalation.STREET,
            lambda o: (
                has_street(o)
                and first_overdue_day(o) <= today < workdays.add_workdays(first_overdue_day(o), cutoff)
            ),
            lambda o: _Life(),
        ),
        (
            lambda o: o.state == OrderState.OVERDUE and o.escalation == Escalation.DISTRICT,
            lambda o: workdays.add_workdays(first_overdue_day(o), cutoff) < today,
            lambda o: _Life(),
        ),
    ]
    taken = set()
    kinds = Counter((o.state, o.escalation) for o in orders)
    for present, fits, course in wanted:
        if any(present(o) for o in orders):
            continue
        for o in newest:
            if id(o) in taken or kinds[(o.state, o.escalation)] <= 1 or not fits(o):
                continue  # never take the only order of a kind the demo shows
            kinds[(o.state, o.escalation)] -= 1
            play(o, course(o))
            kinds[(o.state, o.escalation)] += 1
            if present(o):
                taken.add(id(o))
                break


#: An order as `services.submit` issues it, before any step.
ISSUED = {
    "state": OrderState.PENDING,
    "escalation": Escalation.NONE,
    "escalated_at": None,
    "went_overdue": False,
    "answered_at": None,
    "closed_at": None,
}


def _as_issued(order) -> dict:
    """The audit entry of an order's creation: its fields as issued (the steps are audited after)."""
    snapshot = {**order.audit_snapshot(), **{k: audit.serialize_value(v) for k, v in ISSUED.items()}}
    return {k: [None, v] for k, v in snapshot.items() if v not in (None, "")}


def _unit_key(order) -> tuple:
    return (order.responsible, order.site_id, order.responsible_area_id, order.hauler_id, order.authority_id)


def _responsible_people(orders) -> dict:
    """The users who answer for each unit addressed (`services.responsible_users`), once per unit."""
    found = {}
    for order in orders:
        key = _unit_key(order)
        if key not in found:
            found[key] = services.responsible_users(order)
    return found


def _unit_names():
    from fenlei.org.models import Authority

    haulers = dict(Hauler.objects.values_list("pk", "name"))
    authorities = dict(Authority.objects.values_list("pk", "name"))

    def name(order) -> str:
        if order.responsible == Responsible.SITE and order.site_id:
            return str(order.site)
        if order.responsible == Responsible.HAULER:
            return haulers.get(order.hauler_id, "")
        if order.responsible == Responsible.AUTHORITY:
            return authorities.get(order.authority_id, "")
        return str(order.responsible_area or "")

    return name


def _write_steps(orders, steps, report) -> int:
    """The events of every order (the issue first), each step audited as `transition` audits it,
    the after photos, and the orders as the steps left them."""
    events = []
    users = {}
    audits: dict[tuple, list] = defaultdict(list)
    face = audit.current_face()
    system = _("system")
    for order in orders:
        issuer = order.issued_by
        events.append(
            RectificationEvent(
                order=order,
                step=Step.ISSUE,
                from_state="",
                to_state=OrderState.PENDING,
                by=issuer,
                by_repr=str(issuer)[:150],
                at=order.issued_at,
                face=face,
            )
        )
        for s in steps[order.pk]:
            user = s.by if getattr(s.by, "is_authenticated", False) else None
            event = RectificationEvent(
                order=order,
                step=s.step,
                from_state=s.before,
                to_state=s.after,
                by=user,
                by_repr=(str(user) if user else (s.by or system))[:150],
                at=s.at,
                face=face,
                note=s.note[:500],
                data=s.data,
            )
            event.seeded_photo = s.photo
            events.append(event)
            changes = {"state": [s.before, s.after]} if s.before != s.after else {}
            if s.step == Step.ESCALATE:
                changes["escalation"] = [s.data["from"], s.data["level"]]
            if user is not None:
                users[user.pk] = user
            audits[(s.step, user.pk if user else None, s.note or str(Step(s.step).label))].append(
                (order, changes)
            )
    for event in events:
        event.data.pop("from", None)
    RectificationEvent.objects.bulk_create(events, batch_size=2000)
    for (_step, user_pk, note), entries in audits.items():
        changes = iter([c for _o, c in entries])
        audit.log_bulk(
            [o for o, _c in entries],
            AuditAction.UPDATE,
            by=users.get(user_pk),
            changes_for=lambda _o, changes=changes: next(changes),
            note=note,
        )
    # after photos, on the order, part = the answering step
    written: list[str] = []
    prng = random.Random(len(events))
    try:
        for event in events:
            shot = getattr(event, "seeded_photo", None)
            if not shot:
                continue
            taken, lat, lng = shot
            files = [_photo(prng, taken, lat, lng, "after.jpg")]
            prepared = attachments.prepare(
                RectificationOrder, "after", files, [attachments.Capture(taken, lat, lng, str(event.pk))]
            )
            report.photos += len(
                attachments.store(
                    row=event.order, slot="after", prepared=prepared, by=event.by, written=written
                )
            )
    except BaseException:
        attachments.discard(written)
        raise
    return len(events)


# --- today's rounds, quotas, the inbox -------------------------------------------------------------


def _plan(
    today,
    streets,
    by_street,
    points_by_street,
    vehicles,
    inspector_of,
    district_inspector,
    visits,
    rng,
    write,
):
    """Today's list of each inspector: the targets of its street inspected longest ago (never first)."""
    last_seen: dict[str, datetime.date] = {}
    for v in visits:
        last_seen[v.target.key] = max(last_seen.get(v.target.key, v.inspection.day), v.inspection.day)
    per_day = settings.FENLEI_PLAN_TARGETS_PER_DAY
    entries = []

    def pick(pool, n, inspector):
        ranked = sorted(pool, key=lambda t: (last_seen.get(t.key, datetime.date.min), t.key))
        for t in ranked[:n]:
            fields = dict(t.fields)
            entries.append(
                PlanEntry(day=today, inspector=inspector, target_key=t.key, planned_by=None, **fields)
            )

    for street in streets:
        pool = by_street.get(street.pk, []) + points_by_street.get(street.pk, [])
        pick(pool, per_day, inspector_of[street.pk])
    pick(vehicles, max(1, per_day // 4), district_inspector)
    write(PlanEntry, entries)
    return len(entries)


def _quotas(district) -> list[InspectionQuota]:
    """The office asks more of restaurants and markets than the setting's default."""
    rows = []
    for code, per_month in (("restaurant", 4), ("market", 4)):
        kind = SiteKind.objects.filter(code=code).first()
        if kind is not None:
            rows.append(
                InspectionQuota(
                    area=district,
                    area_path=district.path,
                    target_type=TargetType.SITE,
                    site_kind=kind,
                    per_month=per_month,
                )
            )
    rows.append(
        InspectionQuota(area=district, area_path=district.path, target_type=TargetType.DROPOFF, per_month=2)
    )
    return rows


def _notify(orders, steps, *, now, today, rng) -> int:
    """The inbox as the services would have filled it (older messages read), and today's reminders
    of the orders due tomorrow sent through `notify.send`, as the daily deadline run sends them."""
    people = _responsible_people(orders)
    level_users = {}
    rows: dict[tuple, Notification] = {}

    def add(users, kind, params, url, key, at):
        for user in users:
            if user is None or (user.pk, key) in rows:
                continue
            read = at + datetime.timedelta(hours=rng.randint(1, 30))
            rows[(user.pk, key)] = Notification(
                user=user,
                kind=kind,
                params=params,
                url=url,
                key=key[:120],
                created_at=at,
                read_at=read if read < now - datetime.timedelta(days=2) and rng.random() < 0.85 else None,
            )

    for order in orders:
        url = order.get_absolute_url()
        responsible = people.get(_unit_key(order), [])
        params = services.notice_params(order)
        add(responsible, notices.ORDER_NEW, params, url, f"order_new:{order.pk}", order.issued_at)
        count = 1
        for s in steps[order.pk]:
            count += 1
            if s.step == Step.ANSWER:
                add(
                    [order.issued_by],
                    notices.ORDER_ANSWERED,
                    params,
                    url,
                    f"order_answered:{order.pk}:{count}",
                    s.at,
                )
            elif s.step == Step.RETURN:
                add(
                    responsible,
                    notices.ORDER_RETURNED,
                    {**params, "note": s.note[:120]},
                    url,
                    f"order_returned:{order.pk}:{count}",
                    s.at,
                )
            elif s.step == Step.OVERDUE:
                add(
                    [*responsible, order.issued_by],
                    notices.ORDER_OVERDUE,
                    params,
                    url,
                    f"order_overdue:{order.pk}:{order.deadline}",
                    s.at,
                )
            elif s.step == Step.ESCALATE:
                level = s.data["level"]
                street = services.street_of(order.area)
                cache_key = (level, street.pk if street else None, order.area_path[:10])
                if cache_key not in level_users:
                    level_users[cache_key] = services.escalation_recipients(order, level)
                add(
                    level_users[cache_key],
                    notices.ORDER_ESCALATED,
                    {**params, "level": str(Escalation(level).label)},
                    url,
                    f"order_escalated:{order.pk}:{level}",
                    s.at,
                )
    Notification.objects.bulk_create(list(rows.values()), batch_size=2000)
    sent = len(rows)
    tomorrow = today + datetime.timedelta(days=1)
    for order in orders:
        if order.state in OPEN_STATES - {OrderState.OVERDUE} and order.deadline == tomorrow:
            sent += notify.send(
                people.get(_unit_key(order), []),
                notices.ORDER_DUE,
                params=services.notice_params(order),
                url=order.get_absolute_url(),
                key=f"order_due:{order.pk}:{order.deadline}",
            )
    return sent
