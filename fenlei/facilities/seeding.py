"""Demo data for the facility ledgers.

Drop-off points and containers at the residential sites: most sites are equipped as the capacity
check asks; about one in eight is short of bins or points, so the check has something to find.
Every fixed-time point has its supervisor (the people seeder lists them in the supervisors' ledger).
Bin rooms at the estates and village groups; per street a perishable-waste transfer point, a
renovation/bulky-waste storage point, a recyclable and a hazardous-waste collection point (and such
points in some communities); a sorting centre and a handful of treatment plants per district;
the hauliers' vehicles (counted per household from Shanghai's 2024 fleet, see DOMAIN.md); planned
purchases of the district, its streets and some communities. Deterministic for a given random
generator and day.
"""

from __future__ import annotations

import datetime
import math
import random
from decimal import Decimal

from django.utils import timezone

from fenlei.facilities import capacity
from fenlei.facilities.choices import (
    DropOffKind,
    FacilityStatus,
    IntermediateKind,
    PurchaseItem,
    PurchaseStatus,
    TerminalKind,
)
from fenlei.facilities.models import (
    CollectionStation,
    Container,
    DropOffPoint,
    IntermediateFacility,
    PurchasePlan,
    TerminalFacility,
    Vehicle,
)
from fenlei.org.choices import AreaKind
from fenlei.org.models import Hauler
from fenlei.org.seeding import PersonNames, Places, near, places, short_name
from fenlei.taxonomy import naming
from fenlei.taxonomy.choices import MajorCode
from fenlei.taxonomy.models import Category

_BATCH = 2000


def seed_ledgers(*, sites, rng: random.Random, write) -> int:
    """Create the facilities of `sites` (saved Site objects); `write(model, objs)` saves and audits them.
    Returns how many rows were written."""
    categories = {c.code: c for c in Category.objects.filter(kind="major")}
    streams = naming.streams()
    where = places(sites)
    today = timezone.localdate()
    written = _points_and_containers(sites, rng, write, categories, streams)
    written += write(CollectionStation, _stations(where, sites, rng))
    written += write(IntermediateFacility, _intermediate(where, rng))
    written += write(TerminalFacility, _terminals(where, rng))
    written += write(Vehicle, _vehicles(where, rng, streams))
    written += write(PurchasePlan, _purchases(where, rng, categories, today))
    return written


def _points_and_containers(sites, rng: random.Random, write, categories, streams) -> int:
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
    _supervise(points, rng)
    written = write(DropOffPoint, points)
    written += write(Container, containers)  # the points have their pks now
    return written


def _supervise(points: list[DropOffPoint], rng: random.Random) -> None:
    """A supervisor for every fixed-time point, now and then one person for two points of a site
    (the people seeder enters them in the supervisors' ledger)."""
    names = PersonNames(rng)
    taken: dict[int, set[str]] = {}
    previous = None
    for point in points:
        if point.kind != DropOffKind.SCHEDULED:
            continue
        if previous is not None and previous.site_id == point.site_id and rng.random() < 0.1:
            point.supervisor, point.supervisor_phone = previous.supervisor, previous.supervisor_phone
        else:
            point.supervisor = names.unique(taken.setdefault(point.area_id, set()))
            point.supervisor_phone = names.phone()
        previous = point


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


def _stations(where: Places, sites, rng: random.Random) -> list[CollectionStation]:
    """Bin rooms at most estates (one per ~1,500 households) and a collection point in village groups."""
    stations = []
    for site in sites:
        if site.households <= 0:
            continue
        code = site.kind.code
        if code == "village-group":
            if rng.random() < 0.6:
                stations.append(
                    _station(where, site, f"{site.name}垃圾收集点", rng, area_m2=(6, 15), water=0.3, hours="")
                )
            continue
        if rng.random() < (0.3 if code == "open-estate" else 0.15):
            continue  # the bins stand in the open
        for i in range(1, max(1, round(site.households / 1500)) + 1):
            kind = "垃圾房" if rng.random() < 0.8 else "垃圾收集站"
            stations.append(
                _station(
                    where,
                    site,
                    f"{site.name}{i}号{kind}",
                    rng,
                    area_m2=(10, 45) if kind == "垃圾房" else (30, 120),
                    water=0.8,
                    hours="06:30-09:30, 17:30-20:30",
                )
            )
    return stations


def _station(where: Places, site, name, rng, *, area_m2, water, hours) -> CollectionStation:
    lat, lng = near(where.community(site), rng)
    has_water = rng.random() < water
    return CollectionStation(
        name=name,
        area_id=site.community_id,
        site=site,
        area_path=site.area_path,
        status=FacilityStatus.IN_USE if rng.random() < 0.95 else FacilityStatus.BUILDING,
        address=site.address,
        latitude=lat,
        longitude=lng,
        in_use_since=datetime.date(rng.randint(2017, 2024), rng.randint(1, 12), 1),
        floor_area_m2=Decimal(f"{rng.uniform(*area_m2):.1f}"),
        has_water=has_water,
        has_light=rng.random() < 0.9,
        has_washing=has_water and rng.random() < 0.6,
        opening_hours=hours,
    )


#: Per street: (kind, name suffix, capacity range t/day).
_STREET_FACILITIES = (
    (IntermediateKind.PERISHABLE_TRANSFER, "易腐垃圾中转站", (15, 60)),
    (IntermediateKind.BULKY_STORAGE, "装修垃圾和大件垃圾临时堆放点", (5, 30)),
    (IntermediateKind.RECYCLABLE_POINT, "再生资源回收站", (2, 10)),
    (IntermediateKind.HAZARDOUS_POINT, "有害垃圾暂存点", (0.05, 0.5)),
)


def _intermediate(where: Places, rng: random.Random) -> list[IntermediateFacility]:
    """Transfer, storage and collection points of every street, some communities' own points, and a
    sorting centre in one street of each district."""
    rows = []
    operators = {
        IntermediateKind.PERISHABLE_TRANSFER: ("环卫所", "环境卫生服务中心"),
        IntermediateKind.BULKY_STORAGE: ("城管中队", "环卫所"),
        IntermediateKind.RECYCLABLE_POINT: ("再生资源回收有限公司", "供销社再生资源公司"),
        IntermediateKind.HAZARDOUS_POINT: ("环卫所", "环境卫生服务中心"),
        IntermediateKind.SORTING_CENTRE: ("再生资源分拣有限公司", "绿色循环科技有限公司"),
    }

    def facility(area, kind, name, capacity_range, operator):
        lat, lng = near(area, rng, 0.01)
        low, high = capacity_range
        return IntermediateFacility(
            name=name,
            kind=kind,
            area_id=area.pk,
            area_path=area.path,
            status=FacilityStatus.IN_USE if rng.random() < 0.93 else FacilityStatus.BUILDING,
            address=f"{area.name}{rng.randint(1, 399)}号",
            latitude=lat,
            longitude=lng,
            in_use_since=datetime.date(rng.randint(2016, 2024), rng.randint(1, 12), 1),
            daily_capacity_t=Decimal(f"{rng.uniform(low, high):.2f}"),
            operator=operator,
        )

    for district in where.districts:
        streets = [s for s in where.streets if s.parent is district]
        host = rng.choice(streets)
        rows.append(
            facility(
                host,
                IntermediateKind.SORTING_CENTRE,
                f"{short_name(district)}可回收物分拣中心",
                (40, 150),
                short_name(district) + rng.choice(operators[IntermediateKind.SORTING_CENTRE]),
            )
        )
    for street in where.streets:
        for kind, suffix, capacity_range in _STREET_FACILITIES:
            if kind == IntermediateKind.BULKY_STORAGE and rng.random() < 0.1:
                continue  # a street that shares its neighbour's
            rows.append(
                facility(
                    street,
                    kind,
                    f"{short_name(street)}{suffix}",
                    capacity_range,
                    short_name(street) + rng.choice(operators[kind]),
                )
            )
    for community in where.communities:
        if rng.random() < 0.35:
            rows.append(
                facility(
                    community,
                    IntermediateKind.RECYCLABLE_POINT,
                    f"{short_name(community)}再生资源回收点",
                    (0.3, 2),
                    short_name(community.parent) + rng.choice(operators[IntermediateKind.RECYCLABLE_POINT]),
                )
            )
        if rng.random() < 0.2:
            rows.append(
                facility(
                    community,
                    IntermediateKind.HAZARDOUS_POINT,
                    f"{short_name(community)}有害垃圾收集点",
                    (0.01, 0.1),
                    f"{community.name}居委会" if not community.rural else f"{community.name}村委会",
                )
            )
    return rows


#: Treatment plants of a district: (kind, name suffix, capacity range t/day, share of districts with one).
_PLANTS = (
    (TerminalKind.INCINERATION, "生活垃圾焚烧发电厂", (1500, 3000), 1.0),
    (TerminalKind.BIOCHEMICAL, "易腐垃圾生化处理中心", (300, 800), 1.0),
    (TerminalKind.RECYCLING, "再生资源综合利用中心", (100, 400), 1.0),
    (TerminalKind.HAZARDOUS, "有害垃圾集中处置中心", (10, 50), 1.0),
    (TerminalKind.GARDEN, "园林绿化垃圾处理厂", (50, 200), 0.5),
    (TerminalKind.LANDFILL, "生活垃圾应急填埋场", (500, 1500), 0.3),
)


def _terminals(where: Places, rng: random.Random) -> list[TerminalFacility]:
    """Four to six plants per district, most out in a town (where there is one)."""
    rows = []
    for district in where.districts:
        towns = [s for s in where.streets if s.parent is district and s.kind != AreaKind.STREET]
        stem = short_name(district)
        for kind, suffix, (low, high), share in _PLANTS:
            if rng.random() >= share:
                continue
            area = rng.choice(towns) if towns and rng.random() < 0.7 else district
            lat, lng = near(area, rng, 0.02)
            rows.append(
                TerminalFacility(
                    name=f"{stem}{suffix}",
                    kind=kind,
                    area_id=area.pk,
                    area_path=area.path,
                    status=FacilityStatus.IN_USE,
                    address=f"{area.name}{rng.choice(('循环经济产业园', '静脉产业园', '环保产业园'))}",
                    latitude=lat,
                    longitude=lng,
                    in_use_since=datetime.date(rng.randint(2008, 2022), rng.randint(1, 12), 1),
                    daily_capacity_t=Decimal(round(rng.uniform(low, high) / 10) * 10 or low),
                    operator=f"{stem}{rng.choice(('环境能源有限公司', '环保科技有限公司', '城市环境集团有限公司'))}",
                )
            )
    return rows


#: Per national category: households per vehicle (Shanghai's 2024 fleet over its ~10 M households:
#: wet 1,706, dry 3,296, hazardous 116, recyclable 364 vehicles) and the capacities in use (t).
_FLEET = {
    MajorCode.FOOD: (5700, ("2.0", "5.0", "5.0", "8.0")),
    MajorCode.RESIDUAL: (3000, ("5.0", "8.0", "8.0", "10.0", "15.0")),
    MajorCode.RECYCLABLE: (27000, ("3.0", "5.0")),
    MajorCode.HAZARDOUS: (85000, ("1.5", "2.0")),
}
#: Which hauliers take which category, by the trade in their name.
_TRADES = {
    MajorCode.FOOD: ("餐厨", "环卫", "环境卫生", "清运"),
    MajorCode.RESIDUAL: ("环卫", "环境卫生", "清运"),
    MajorCode.RECYCLABLE: ("再生资源",),
    MajorCode.HAZARDOUS: ("环卫", "环境卫生"),
}
_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I, no O


def _plate(rng: random.Random) -> str:
    """A plate of the city (浙A): ordinary, small new-energy (D/F first) or large new-energy (D/F last)."""
    draw = rng.random()
    digits = "0123456789"
    if draw < 0.45:
        tail = "".join(rng.choice(digits + _PLATE_LETTERS) if i < 2 else rng.choice(digits) for i in range(5))
        return f"浙A{tail}"
    if draw < 0.8:
        return f"浙A{rng.choice('DF')}{rng.choice(digits + _PLATE_LETTERS)}{rng.randrange(10**4):04d}"
    return f"浙A{rng.randrange(10**5):05d}{rng.choice('DF')}"


def _vehicles(where: Places, rng: random.Random, streams) -> list[Vehicle]:
    """The hauliers' vehicles, as many per stream as the district's households call for."""
    taken = set(Vehicle.objects.values_list("plate", flat=True))
    hauliers = list(Hauler.objects.filter(district__in=[d.pk for d in where.districts]).order_by("pk"))
    rows = []
    for district in where.districts:
        own = [h for h in hauliers if h.district_id == district.pk]
        if not own:
            continue
        households = sum(c.households for c in where.communities if c.parent.parent is district)
        for stream in streams:
            per_vehicle, sizes = _FLEET[stream.category]
            fit = [h for h in own if any(t in h.name for t in _TRADES[stream.category])] or own
            for _i in range(max(1, round(households / per_vehicle))):
                plate = _plate(rng)
                while plate in taken:
                    plate = _plate(rng)
                taken.add(plate)
                hauler = rng.choice(fit)
                rows.append(
                    Vehicle(
                        plate=plate,
                        stream=stream.code,
                        capacity_t=Decimal(rng.choice(sizes)),
                        hauler=hauler,
                        area_id=district.pk,
                        area_path=district.path,
                        status=FacilityStatus.IN_USE if rng.random() < 0.95 else FacilityStatus.OUT_OF_USE,
                        address=hauler.address,
                        in_use_since=datetime.date(rng.randint(2015, 2025), rng.randint(1, 12), 1),
                    )
                )
    return rows


#: Things other than containers that streets and the district buy: (item, description, quantity range).
_OTHER_PURCHASES = (
    (PurchaseItem.VEHICLE, "8吨压缩式垃圾车", (1, 3)),
    (PurchaseItem.VEHICLE, "电动桶装垃圾收集车", (2, 8)),
    (PurchaseItem.OTHER, "智能分类投放设备", (2, 12)),
    (PurchaseItem.OTHER, "垃圾房洗桶设备", (2, 10)),
    (PurchaseItem.OTHER, "分类宣传栏", (10, 60)),
)


def _purchases(where: Places, rng: random.Random, categories, today: datetime.date) -> list[PurchasePlan]:
    """Two to four planned purchases per street, a few per district and one in a quarter of the
    communities, from a year back to half a year ahead; the status follows the date (past plans delivered or deployed, future ones planned)."""
    rows = []

    def plan(area) -> PurchasePlan:
        planned_on = today + datetime.timedelta(days=rng.randint(-360, 180))
        age = (today - planned_on).days
        if age < 0:
            status = PurchaseStatus.PLANNED
        elif age < 60:
            status = rng.choice((PurchaseStatus.PLANNED, PurchaseStatus.ORDERED))
        elif age < 150:
            status = rng.choice((PurchaseStatus.ORDERED, PurchaseStatus.DELIVERED))
        else:
            status = rng.choice((PurchaseStatus.DELIVERED, PurchaseStatus.DEPLOYED, PurchaseStatus.DEPLOYED))
        row = PurchasePlan(area_id=area.pk, area_path=area.path, planned_on=planned_on, status=status)
        if rng.random() < 0.6:
            code, volume = rng.choice(
                (
                    (MajorCode.FOOD, 240),
                    (MajorCode.FOOD, 120),
                    (MajorCode.RESIDUAL, 240),
                    (MajorCode.RESIDUAL, 660),
                    (MajorCode.RECYCLABLE, 240),
                    (MajorCode.HAZARDOUS, 120),
                )
            )
            row.item, row.category, row.volume_l = PurchaseItem.CONTAINER, categories[code], volume
            row.quantity = rng.randint(2, 30) * 10
        else:
            row.item, row.description, (low, high) = rng.choice(_OTHER_PURCHASES)
            row.quantity = rng.randint(low, high)
        return row

    for district in where.districts:
        rows += [plan(district) for _i in range(rng.randint(3, 5))]
    for street in where.streets:
        rows += [plan(street) for _i in range(rng.randint(2, 4))]
    for community in where.communities:
        if rng.random() < 0.25:  # a community that asked for bins or a bin room of its own
            rows.append(plan(community))
    return rows
