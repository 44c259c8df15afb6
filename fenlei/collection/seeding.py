"""Demo data for collection: a year and a month (FENLEI_SEED_COLLECTION_DAYS) of weighed loads in the
demo district, ending yesterday.

What leaves each site is drawn from its residents (about 1 kg per person a day; the wet stream about
30 %, the dry about 60 %, recyclables collected weekly, hazardous waste monthly), with a weekday and
a seasonal swing. Restaurants' kitchen waste is picked up by their contracted haulier most days and
markets' food waste every day. Each street is served by one haulier; its vehicles run fixed routes,
a vehicle's pick-ups of a day form its trips (a new trip when the load would pass the vehicle's
capacity), and each trip is unloaded at the stream's plant, where the weighbridge reads the sum of
the pick-ups within ±2 %. The hauler grades most sources 好, some 一般, a few 差.

Planted for the alarms and the data-quality pages (all in the last weeks, where `detect` looks):
a site whose wet stream vanishes while its dry stream rises; a site recorded only as mixed waste; a
wet vehicle recording a dry pick-up; a trip carrying wet and dry; a site piling up 差; a restaurant
with a signed commitment and no pick-up for weeks; a restaurant collected by a haulier that is not
its contracted one; sites with missing days; records entered late; records marked for follow-up and
one corrected (a weight typed with a digit too many, set right from the weighbridge slip).

Records are written through `services.ingest` (face SYSTEM), one batch per day of entry, with a
checker whose clock is the morning the batch was entered — so a record is late only where it is
planted late. Trips are kept for the last `TRIP_DAYS` days only: the seeder writes them (audited,
in bulk, with their unloading) before the pick-ups that name them, because unloading tens of
thousands of trips one by one through `services.unload` would take longer than the whole seed.
Deterministic for a given random generator and day.
"""

from __future__ import annotations

import datetime
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from fenlei.collection import detect, services, streams
from fenlei.collection.choices import MIXED, DeviceKind, EntryFace, Frequency, Grade, RuleKind
from fenlei.collection.models import Baseline, Device, ExpectedReport, Record, Trip, ValidationRule
from fenlei.collection.validation import Checker
from fenlei.core.models import AuditEntry
from fenlei.facilities.choices import FacilityStatus, IntermediateKind, TerminalKind
from fenlei.facilities.models import IntermediateFacility, TerminalFacility, Vehicle
from fenlei.org.models import Hauler, SiteKind
from fenlei.org.seeding import first_district, places
from fenlei.taxonomy.choices import MajorCode
from fenlei.taxonomy.naming import streams as scheme_streams
from fenlei.units.models import RestaurantRecord

YEAR = 365
#: The last days whose pick-ups are grouped into trips (with a weighbridge figure at unloading).
TRIP_DAYS = 56
#: The days the alarm detectors look back over after seeding.
DETECT_DAYS = 56
KG_PER_PERSON = 1.0
#: Share of a site's daily generation in each national category's stream.
SHARES = {
    MajorCode.FOOD: 0.30,
    MajorCode.RESIDUAL: 0.60,
    MajorCode.RECYCLABLE: 0.09,
    MajorCode.HAZARDOUS: 0.0005,
}
#: Days between two collections of each category (recyclables weekly, hazardous waste monthly).
EVERY = {MajorCode.FOOD: 1, MajorCode.RESIDUAL: 1, MajorCode.RECYCLABLE: 7, MajorCode.HAZARDOUS: 30}
#: The hour a stream's rounds start.
START_HOUR = {MajorCode.FOOD: 6, MajorCode.RESIDUAL: 7, MajorCode.RECYCLABLE: 13, MajorCode.HAZARDOUS: 10}
PLANT_KIND = {
    MajorCode.FOOD: TerminalKind.BIOCHEMICAL,
    MajorCode.RESIDUAL: TerminalKind.INCINERATION,
    MajorCode.HAZARDOUS: TerminalKind.HAZARDOUS,
}
FAIR_SHARE = 0.16

#: What the seeded rules and baselines say (the rules are the ones the issue names).
WET_SHARE_RANGE = (Decimal("10"), Decimal("60"))
PER_CAPITA_RANGE = (Decimal("0.3"), Decimal("2.5"))
BASELINE_LABEL = "2019年日均"


@dataclass(frozen=True)
class Van:
    pk: int
    plate: str
    hauler_id: int
    stream: str
    capacity_kg: float
    area_path: str


@dataclass
class Pickup:
    """One load as the seeder plans it, before it becomes a row for `services.ingest`."""

    day: datetime.date
    minute: int  # minutes after midnight
    source: dict  # {"site": pk} or {"area": pk}
    stream: str
    kg: float
    van: Van | None = None
    hauler_id: int | None = None
    grade: str = ""
    entered: datetime.date | None = None  # the day it was entered (default: the next morning)
    on_trip: bool = True
    typed_kg: float | None = None  # what was typed, when it differs from the load (the corrected typo)
    trip: str = ""
    seq: int | None = None


@dataclass
class Planted:
    """The planted cases (pks), for the tests and the summary."""

    wet_vanishes: int | None = None
    only_mixed: int | None = None
    poor_grades: int | None = None
    wrong_vehicle: tuple[int, str] | None = None  # (vehicle pk, stream recorded)
    mixed_trip: tuple[int, datetime.date] | None = None  # (vehicle pk, day)
    kitchen_gap: int | None = None  # restaurant site
    no_contract: tuple[int, int] | None = None  # (restaurant site, haulier collecting)
    gaps: list[int] = field(default_factory=list)
    late: list[int] = field(default_factory=list)
    follow_up: list[int] = field(default_factory=list)  # record pks
    corrected: int | None = None  # record pk


@dataclass
class CollectionReport:
    records: int = 0
    trips: int = 0
    submissions: int = 0
    devices: int = 0
    alarms: dict = field(default_factory=dict)
    planted: Planted = field(default_factory=Planted)


def seed_ledgers(*, sites, rng: random.Random, write) -> int:
    """The collection data of the demo (a city's first district only); returns the audit entries written."""
    sites = first_district(sites)
    if not sites:
        return 0
    before = AuditEntry.objects.count()
    seed_collection(sites, rng=rng, write=write, today=timezone.localdate())
    return AuditEntry.objects.count() - before


def seed_collection(
    sites, *, rng: random.Random, write, today: datetime.date, days: int | None = None
) -> CollectionReport:
    """Write `days` (FENLEI_SEED_COLLECTION_DAYS, a year by default) of collection data for `sites` (one
    district's), ending the day before `today`."""
    days = settings.FENLEI_SEED_COLLECTION_DAYS if days is None else days
    world = _World(sites, rng)
    report = CollectionReport()
    report.devices = _devices(world)
    write(Baseline, _baselines(world, rng))
    write(ExpectedReport, _expected(world))
    write(ValidationRule, _rules(world))
    plan = _Plan(world, rng, today, days)
    report.planted = plan.planted
    tz = timezone.get_current_timezone()
    origin = services.origin_of()
    pending: dict[datetime.date, list[Pickup]] = defaultdict(list)
    first = today - datetime.timedelta(days=days)
    for offset in range(days):
        day = first + datetime.timedelta(days=offset)
        pickups = plan.day(day)
        if (today - day).days <= TRIP_DAYS:
            trips = _trips(pickups, day, world, rng, origin, tz)
            write(Trip, trips)
            report.trips += len(trips)
        for p in pickups:
            pending[p.entered or day + datetime.timedelta(days=1)].append(p)
        entered = day + datetime.timedelta(days=1)
        batch = pending.pop(entered, [])
        if batch:
            report.records += _ingest(batch, entered, world, tz)
            report.submissions += 1
    for entered in sorted(pending):  # nothing is planted to be entered after the last day, but be safe
        report.records += _ingest(pending.pop(entered), entered, world, tz)
        report.submissions += 1
    _follow_ups_and_correction(plan, world)
    report.alarms = detect.run(
        today - datetime.timedelta(days=DETECT_DAYS), today - datetime.timedelta(days=1)
    )
    return report


# --- the world the records are drawn over --------------------------------------------------------


class _World:
    """The district's places, hauliers, vehicles and plants, read once."""

    def __init__(self, sites, rng: random.Random):
        where = places(sites)
        self.district = where.districts[0]
        self.streets = sorted(where.streets, key=lambda a: a.path)
        self.areas = where.areas
        kinds = {k.pk: k for k in SiteKind.objects.all()}
        ordered = sorted(sites, key=lambda s: (s.area_path, s.pk))
        self.residential = [s for s in ordered if kinds[s.kind_id].residential and s.population > 0]
        self.restaurants = [s for s in ordered if kinds[s.kind_id].restaurant]
        self.markets = [s for s in ordered if kinds[s.kind_id].code == "market"]
        self.contracts = {
            r.site_id: r
            for r in RestaurantRecord.objects.filter(site_id__in=[s.pk for s in self.restaurants])
        }
        self.hauliers = list(
            Hauler.objects.filter(district=self.district, closed_on__isnull=True).order_by("pk")
        )
        self.by_category = {s.category: s.code for s in scheme_streams()}
        self.category = {s.code: s.category for s in scheme_streams()}
        self.food, self.residual = streams.food_code(), streams.residual_code()
        vans = defaultdict(list)
        for v in (
            Vehicle.objects.filter(
                hauler__in=self.hauliers, status=FacilityStatus.IN_USE, closed_on__isnull=True
            )
            .order_by("pk")
            .values_list("pk", "plate", "hauler_id", "stream", "capacity_t", "area_path")
        ):
            vans[(v[2], v[3])].append(Van(v[0], v[1], v[2], v[3], float(v[4] or 5) * 1000, v[5]))
        self.vans: dict[tuple[int, str], list[Van]] = dict(vans)
        plants = {}
        for pk, kind in (
            TerminalFacility.objects.filter(area_path__startswith=self.district.path, closed_on__isnull=True)
            .order_by("pk")
            .values_list("pk", "kind")
        ):
            plants.setdefault(kind, pk)
        centre = (
            IntermediateFacility.objects.filter(
                area_path__startswith=self.district.path,
                kind=IntermediateKind.SORTING_CENTRE,
                closed_on__isnull=True,
            )
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        self.destination: dict[str, dict] = {}
        for code, category in self.category.items():
            if category == MajorCode.RECYCLABLE and centre:
                self.destination[code] = {"transfer": centre}
            elif category == MajorCode.RECYCLABLE and TerminalKind.RECYCLING in plants:
                self.destination[code] = {"plant": plants[TerminalKind.RECYCLING]}
            elif PLANT_KIND.get(category) in plants:
                self.destination[code] = {"plant": plants[PLANT_KIND[category]]}
            else:
                self.destination[code] = {}
        self.destination[MIXED] = self.destination.get(self.residual, {})
        # each street is served by one haulier (one with wet and dry vehicles where there is one)
        full = [
            h for h in self.hauliers if (h.pk, self.food) in self.vans and (h.pk, self.residual) in self.vans
        ]
        pool = full or self.hauliers
        start = rng.randrange(len(pool)) if pool else 0
        self.street_hauler = {
            street.pk: pool[(start + i) % len(pool)].pk if pool else None
            for i, street in enumerate(self.streets)
        }

    def street_of(self, site) -> int:
        return self.areas[site.community_id].parent_id

    def fleet(self, hauler_id: int | None, stream: str) -> list[Van]:
        """The haulier's vehicles of the stream, or (if it has none) every such vehicle of the district."""
        own = self.vans.get((hauler_id, stream))
        if own:
            return own
        return [v for (h, s), vs in sorted(self.vans.items()) if s == stream for v in vs]


# --- the plan: who is collected when, by which vehicle --------------------------------------------


def _season(day: datetime.date) -> float:
    """A gentle seasonal swing: most in summer (fruit and melons), least in winter."""
    doy = day.timetuple().tm_yday
    return 1 + 0.07 * math.cos(2 * math.pi * (doy - 200) / 365)


def _routes(sources: list, vans: list[Van]) -> dict[int, tuple[Van, int]]:
    """Neighbouring sources share a vehicle: contiguous runs of `sources` per vehicle, each source
    with its place on the vehicle's round."""
    if not vans or not sources:
        return {}
    per = math.ceil(len(sources) / len(vans))
    return {s.pk: (vans[i // per], i % per) for i, s in enumerate(sources)}


class _Plan:
    def __init__(self, world: _World, rng: random.Random, today: datetime.date, days: int):
        self.world, self.rng, self.today = world, rng, today
        self.first = today - datetime.timedelta(days=days)
        self.planted = Planted()
        w = world
        # a source's place in path order, not its pk, picks its collection days and times: the same
        # data for the same seed whatever numbers the database hands out
        self.slot = {s.pk: i for i, s in enumerate(w.residential + w.markets + w.restaurants)}
        self.factor = {s.pk: rng.uniform(0.85, 1.15) for s in w.residential}
        self.poor_rate = {s.pk: rng.choice((0.01, 0.02, 0.03, 0.04, 0.06)) for s in w.residential}
        self.market_kg = {s.pk: rng.uniform(300, 1500) for s in w.markets}
        self.skipped: dict[int, datetime.date] = {}  # restaurant → its last day without a pick-up
        # routes per haulier and stream
        self.route: dict[tuple[int, str], Van] = {}
        self.order: dict[tuple[int, str], int] = {}
        self.kitchen_van: dict[int, Van | None] = {}
        for h in w.hauliers:
            wet = w.vans.get((h.pk, w.food), [])
            self.kitchen_van[h.pk] = wet[-1] if wet else None
        served = defaultdict(list)  # haulier → its streets' residential sites (and markets, for wet)
        for s in w.residential + w.markets:
            served[w.street_hauler.get(w.street_of(s))].append(s)
        for hauler_id, sources in served.items():
            homes = [s for s in sources if s.pk in self.factor]
            for stream in w.category:
                fleet = w.fleet(hauler_id, stream)
                if stream == w.food and len(fleet) > 1 and self.kitchen_van.get(hauler_id) in fleet:
                    fleet = [v for v in fleet if v is not self.kitchen_van[hauler_id]]
                group = sources if stream == w.food else homes
                for pk, (van, place) in _routes(group, fleet).items():
                    self.route[(pk, stream)] = van
                    self.order[(pk, stream)] = place
        self._plant()

    def _plant(self) -> None:
        """Choose the planted cases (distinct sites, chosen by the generator)."""
        w, rng, p = self.world, self.rng, self.planted
        homes = [
            s for s in w.residential if (s.pk, w.food) in self.route and (s.pk, w.residual) in self.route
        ]
        pool = homes[:]
        rng.shuffle(pool)
        managed = [s for s in pool if s.households >= 200]

        def take(candidates):
            for s in candidates:
                if s in pool:
                    pool.remove(s)
                    return s
            return pool.pop() if pool else None

        vanish, mixed, poor = take(managed), take(pool[::-1]), take(managed)
        p.wet_vanishes = vanish.pk if vanish else None
        p.only_mixed = mixed.pk if mixed else None
        p.poor_grades = poor.pk if poor else None
        self.gap_days: dict[int, set[datetime.date]] = {}
        window = [self.today - datetime.timedelta(days=d) for d in range(1, DETECT_DAYS + 1)]
        for i in range(3):
            s = take(pool)
            if s is None:
                break
            p.gaps.append(s.pk)
            if i == 0:  # five days in a row with nothing
                start = rng.randint(10, 30)
                missing = {self.today - datetime.timedelta(days=start + d) for d in range(5)}
            else:  # one day in six or seven, here and there
                missing = {d for d in window if rng.random() < 0.15}
            self.gap_days[s.pk] = missing
        self.late_days: dict[int, set[datetime.date]] = {}
        for _i in range(2):
            s = take(pool)
            if s is None:
                break
            p.late.append(s.pk)
            start = rng.randint(6, 20)
            self.late_days[s.pk] = {self.today - datetime.timedelta(days=start + d) for d in range(4)}
        # a wet vehicle records a dry pick-up on two days (no trip), a dry vehicle's trip carries wet
        self.wrong: dict[tuple[int, datetime.date], Van] = {}
        self.mixed_trip: dict[tuple[int, datetime.date], Van] = {}
        s = take(pool)
        if s is not None:
            van = self.route[(s.pk, w.food)]
            for back in (12, 5):
                self.wrong[(s.pk, self.today - datetime.timedelta(days=back))] = van
            p.wrong_vehicle = (van.pk, w.residual)
        s = take(pool)
        if s is not None:
            van, day = self.route[(s.pk, w.residual)], self.today - datetime.timedelta(days=3)
            self.mixed_trip[(s.pk, day)] = van
            p.mixed_trip = (van.pk, day)
        # odd weights for follow-up, and a typo that gets corrected
        self.odd: dict[tuple[int, datetime.date], str] = {}
        for _i in range(4):
            s = take(pool)
            if s is not None:
                self.odd[(s.pk, self.today - datetime.timedelta(days=rng.randint(2, 14)))] = w.food
        s = take(pool)
        self.typo = (s.pk, self.today - datetime.timedelta(days=9)) if s is not None else None
        # the restaurants: one stops handing over its kitchen waste, one is collected by another haulier
        signed = [
            r
            for r in (w.contracts.get(s.pk) for s in w.restaurants)
            if r is not None
            and r.hauler_id
            and r.commitment_signed
            and r.commitment_expires
            and r.commitment_expires > self.today
        ]
        in_force = [
            r for r in signed if r.contract_start and r.contract_end and r.contract_end > self.today
        ] or signed
        rng.shuffle(in_force)
        if in_force:
            p.kitchen_gap = in_force[0].site_id
        if len(in_force) > 1:
            other = [h.pk for h in w.hauliers if h.pk != in_force[1].hauler_id]
            if other:
                p.no_contract = (in_force[1].site_id, rng.choice(other))

    # --- one day -------------------------------------------------------------------------------
    def day(self, day: datetime.date) -> list[Pickup]:
        w, rng, p = self.world, self.rng, self.planted
        back = (self.today - day).days
        weekend = day.weekday() >= 5
        base = KG_PER_PERSON * (1.06 if weekend else 1.0) * _season(day)
        out: list[Pickup] = []
        for s in w.residential:
            gen = s.population * base * self.factor[s.pk]
            if s.pk == p.only_mixed:
                out.append(
                    Pickup(
                        day,
                        8 * 60 + self.slot[s.pk] % 90,
                        {"site": s.pk},
                        MIXED,
                        gen * 0.93 * rng.uniform(0.9, 1.1),
                    )
                )
                continue
            if day in self.gap_days.get(s.pk, ()):
                continue
            late = day in self.late_days.get(s.pk, ())
            for stream, category in w.category.items():
                every = EVERY[category]
                if every == 7 and day.weekday() != self.slot[s.pk] % 7:
                    continue
                if every == 30 and day.day != self.slot[s.pk] % 28 + 1:
                    continue
                share = SHARES[category]
                if s.pk == p.wet_vanishes and back <= 21:
                    if stream == w.food:
                        continue
                    if stream == w.residual:
                        share += SHARES[MajorCode.FOOD] * 0.8
                kg = gen * share * (every if every > 1 else 1) * rng.uniform(0.9, 1.1)
                pick = self._pickup(day, s, stream, kg)
                if stream in (w.food, w.residual):
                    pick.grade = self._grade(s.pk, back)
                if late:
                    pick.entered = day + datetime.timedelta(days=3)
                if (s.pk, day) in self.wrong and stream == w.residual:
                    pick.van, pick.on_trip = self.wrong[(s.pk, day)], False
                if (s.pk, day) in self.mixed_trip and stream == w.food:
                    pick.van = self.mixed_trip[(s.pk, day)]
                    pick.minute = START_HOUR[MajorCode.RESIDUAL] * 60 + 5 * self.order[(s.pk, w.residual)] + 2
                if self.odd.get((s.pk, day)) == stream:
                    pick.kg *= 2.6
                if self.typo == (s.pk, day) and stream == w.residual:
                    pick.typed_kg = round(pick.kg, 2) * 10
                out.append(pick)
        for s in w.markets:
            kg = self.market_kg[s.pk] * (1.1 if weekend else 1.0) * _season(day) * rng.uniform(0.85, 1.15)
            pick = self._pickup(day, s, w.food, kg)
            pick.grade = self._grade(s.pk, back)
            out.append(pick)
        for s in w.restaurants:
            record = w.contracts.get(s.pk)
            if record is None or not record.hauler_id:
                continue
            # open most days; a day without a pick-up is never followed by another
            skip = rng.random() < 0.08 and self.skipped.get(s.pk) != day - datetime.timedelta(days=1)
            if skip:
                self.skipped[s.pk] = day
            if skip or (s.pk == p.kitchen_gap and back <= 24):
                continue
            hauler_id = record.hauler_id
            if p.no_contract and s.pk == p.no_contract[0] and back <= 14:
                hauler_id = p.no_contract[1]
            van = self.kitchen_van.get(hauler_id)
            kg = (record.seats or 40) * 0.3 * (1.2 if weekend else 1.0) * rng.uniform(0.8, 1.2)
            minute = 14 * 60 + (self.slot[s.pk] * 7) % 150
            out.append(
                Pickup(
                    day,
                    minute,
                    {"site": s.pk},
                    w.food,
                    kg,
                    van=van,
                    hauler_id=hauler_id,
                    grade=self._grade(s.pk, back),
                )
            )
        return out

    def _pickup(self, day, site, stream, kg) -> Pickup:
        category = self.world.category[stream]
        van = self.route.get((site.pk, stream))
        order = self.order.get((site.pk, stream), self.slot[site.pk] % 60)
        minute = min(START_HOUR[category] * 60 + 5 * order, 23 * 60 + order % 59)  # the same day, always
        return Pickup(day, minute, {"site": site.pk}, stream, kg, van=van)

    def _grade(self, pk: int, back: int) -> str:
        poor = 0.7 if pk == self.planted.poor_grades and back <= 28 else self.poor_rate.get(pk, 0.03)
        r = self.rng.random()
        if r < poor:
            return Grade.POOR
        return Grade.FAIR if r < poor + FAIR_SHARE else Grade.GOOD


# --- trips, rows, ingest -------------------------------------------------------------------------


def _trips(pickups: list[Pickup], day, world: _World, rng, origin: str, tz) -> list[Trip]:
    """Group each vehicle's pick-ups of the day into trips (a new one when the next load would pass
    its capacity) and return the trips, unloaded, for the seeder to write before the pick-ups."""
    by_van: dict[int, list[Pickup]] = defaultdict(list)
    for p in pickups:
        if p.van is not None and p.on_trip:
            by_van[p.van.pk].append(p)
    trips = []
    for van_pk in sorted(by_van):
        loads = sorted(by_van[van_pk], key=lambda p: (p.minute, p.stream, str(p.source)))
        van = loads[0].van
        runs: list[list[Pickup]] = [[]]
        kg = 0.0
        for p in loads:
            if runs[-1] and kg + p.kg > van.capacity_kg:
                runs.append([])
                kg = 0.0
            runs[-1].append(p)
            kg += p.kg
        for n, run in enumerate(runs, start=1):
            key = f"demo{world.district.pk}-{van.pk}-{day:%Y%m%d}-{n}"
            total = sum(round(p.kg, 2) for p in run)
            for seq, p in enumerate(run, start=1):
                p.trip, p.seq = key, seq
            last = max(p.minute for p in run)
            started = datetime.datetime.combine(day, datetime.time(), tzinfo=tz) + datetime.timedelta(
                minutes=run[0].minute
            )
            goes_to = world.destination.get(van.stream, {})
            trips.append(
                Trip(
                    origin=origin,
                    client_id=key,
                    vehicle_id=van.pk,
                    hauler_id=van.hauler_id,
                    day=day,
                    started_at=started,
                    area_path=van.area_path,
                    transfer_id=goes_to.get("transfer"),
                    plant_id=goes_to.get("plant"),
                    unloaded_at=started + datetime.timedelta(minutes=last - run[0].minute + 50),
                    weighbridge_kg=Decimal(f"{total * rng.uniform(0.98, 1.02):.2f}"),
                )
            )
    return trips


def _row(p: Pickup, world: _World, tz) -> dict:
    row = {
        "occurred_at": datetime.datetime.combine(p.day, datetime.time(), tzinfo=tz)
        + datetime.timedelta(minutes=p.minute),
        **p.source,
        "stream": p.stream,
        "weight_kg": f"{p.typed_kg if p.typed_kg is not None else p.kg:.2f}",
        **world.destination.get(p.stream, {}),
    }
    if p.van is not None:
        row["vehicle"] = p.van.plate
    elif p.hauler_id:
        row["hauler"] = p.hauler_id
    if p.grade:
        row["grade"] = p.grade
    if p.trip:
        row["trip"], row["seq"] = p.trip, p.seq
    return row


def _ingest(batch: list[Pickup], entered: datetime.date, world: _World, tz) -> int:
    """One submission: the loads entered on the morning of `entered`."""
    now = datetime.datetime.combine(entered, datetime.time(6, 0), tzinfo=tz)
    rows = [_row(p, world, tz) for p in batch]
    result = services.ingest(rows, face=EntryFace.SYSTEM, checker=Checker(now=now))
    if result.rejected:  # the seeder's own data: a refusal is a bug here, not bad input
        raise ValueError(f"the demo collection data was refused: {result.rejected[:3]}")
    return result.accepted


def _follow_ups_and_correction(plan: _Plan, world: _World) -> None:
    p = plan.planted
    for (site_id, day), stream in sorted(plan.odd.items()):
        record = Record.objects.filter(site_id=site_id, day=day, stream=stream).order_by("pk").first()
        if record is not None:
            services.mark_follow_up(record, by=None, on=True, note="重量约为平日两倍半，请收运单位核实称重")
            p.follow_up.append(record.pk)
    if plan.typo is not None:
        site_id, day = plan.typo
        record = Record.objects.filter(site_id=site_id, day=day, stream=world.residual).order_by("pk").first()
        if record is not None:
            services.correct(
                record,
                by=None,
                data={"weight_kg": (record.weight_kg / 10).quantize(Decimal("0.01"))},
                note="录入时多输了一位数，按地磅单更正",
            )
            p.corrected = record.pk


# --- devices, baselines, expected reports, rules ---------------------------------------------------


def _devices(world: _World) -> int:
    """A device (the haulier's system) per haulier; the tokens are issued and not kept anywhere."""
    for h in world.hauliers:
        services.device_create(
            device=Device(name=f"{h.name}收运系统", kind=DeviceKind.SYSTEM, area=world.district, hauler=h),
            by=None,
        )
    return len(world.hauliers)


def _baselines(world: _World, rng) -> list[Baseline]:
    """The 2019 daily tonnage (before sorting) the reduction rate is measured against."""
    rows = []
    for area in [world.district, *world.streets]:
        kg = area.population * KG_PER_PERSON * rng.uniform(1.10, 1.22)
        rows.append(
            Baseline(
                area=area, area_path=area.path, stream="", kg_per_day=Decimal(round(kg)), label=BASELINE_LABEL
            )
        )
    district = world.district
    rows.append(
        Baseline(
            area=district,
            area_path=district.path,
            stream=world.residual,
            kg_per_day=Decimal(round(district.population * KG_PER_PERSON * 0.78)),
            label=BASELINE_LABEL,
        )
    )
    return rows


def _expected(world: _World) -> list[ExpectedReport]:
    kinds = SiteKind.objects.filter(residential=True, active=True).order_by("position", "code")
    return [
        ExpectedReport(
            area=world.district,
            area_path=world.district.path,
            site_kind=kind,
            stream=stream,
            frequency=Frequency.DAILY,
        )
        for kind in kinds
        for stream in (world.food, world.residual)
    ]


def _rules(world: _World) -> list[ValidationRule]:
    d = world.district
    return [
        ValidationRule(
            area=d,
            area_path=d.path,
            kind=RuleKind.WET_SHARE,
            minimum=WET_SHARE_RANGE[0],
            maximum=WET_SHARE_RANGE[1],
        ),
        ValidationRule(
            area=d,
            area_path=d.path,
            kind=RuleKind.PER_CAPITA,
            minimum=PER_CAPITA_RANGE[0],
            maximum=PER_CAPITA_RANGE[1],
        ),
    ]
