"""The demo world: a fictional district (or city) drawn from one random seed, written in bulk.

`plan_world()` draws the whole world in memory from a seed — the same seed gives the same names,
paths, codes, numbers and coordinates. `seed_world()` writes it level by level with `bulk_create`,
the materialized paths computed up front exactly as `fenlei.org.services` numbers them (4-digit
segments, "0001.0003.0012."), and audits every row in the same transaction. Then it creates one demo
user per role through the accounts services, and last the ledgers' own seeders run (`ledger_seeders`).

The data satisfies the rules of the models' `clean()` (kinds fit their parents, names unique within
their parent, a site's area path is its community's path, public institutions name an authority that
covers them, population ≥ households) without running `full_clean()` row by row.
"""

from __future__ import annotations

import random
import time
import unicodedata
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from fenlei.core import audit
from fenlei.core.models import AuditAction, AuditEntry
from fenlei.core.roles import Role
from fenlei.org.choices import PATH_SEGMENT, PATH_SEP, AreaKind
from fenlei.org.models import Area, Authority, Hauler, Site, SiteKind

DEFAULT_SEED = 2024
DEMO_PASSWORD = "fenlei-demo-2026"  # passes the configured password validators (see the tests)
CENTRE = (30.25, 120.15)  # a plausible city centre (lat, lng)


@dataclass(frozen=True)
class Scale:
    """How big a world to draw. `districts` = 0: the root is one district; n: a city of n districts."""

    name: str
    districts: int
    streets: int
    communities: int
    sites: int
    rural_share: float  # share of a (suburban) district's streets that are towns 镇 / townships 乡


SCALES: dict[str, Scale] = {
    "district": Scale("district", districts=0, streets=12, communities=150, sites=960, rural_share=0.17),
    "city": Scale("city", districts=16, streets=220, communities=6000, sites=20000, rural_share=0.3),
    # Small enough for tests; not offered in the command's help.
    "tiny": Scale("tiny", districts=0, streets=3, communities=8, sites=48, rural_share=0.34),
}

#: (username, role, Chinese label): one demo user per role.
DEMO_ACCOUNTS: tuple[tuple[str, str], ...] = (
    ("district_admin", Role.DISTRICT_ADMIN),
    ("district_leader", Role.DISTRICT_LEADER),
    ("street_admin", Role.STREET_ADMIN),
    ("community_admin", Role.COMMUNITY_ADMIN),
    ("authority", Role.AUTHORITY),
    ("inspector", Role.INSPECTOR),
    ("hauler", Role.HAULER),
    ("site_manager", Role.SITE_MANAGER),
)
DEMO_USERNAMES = tuple(username for username, _role in DEMO_ACCOUNTS)


def role_zh(role: str) -> str:
    """A role's name as the Chinese UI shows it (from the translation catalogue)."""
    with translation.override("zh-hans"):
        return str(Role(role).label)


# --- name material --------------------------------------------------------------------------------

_STEM_FIRST = (
    "金银玉翠青碧丹云雪霞春秋松竹梅兰桂荷桃柳枫樟华明文德和安康宁丰兴昌福瑞嘉鸿凤龙鹤锦绣晨晓清澄泽"
    "望新永长广盛茂荣旭朝明阳瀚"
)
_STEM_SECOND = "湖江溪泉潭塘山岭峰林园苑桥港湾洲浦坊亭台阳光晖源川岸滨庄堤坪苗星月"
_SURNAMES = (
    "王王王李李李张张张刘刘陈陈杨杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴"
)
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚英华玉兰红建国文斌辉鹏宇浩凯晨欣怡婷雪梅海燕志丹萍琳颖佳晓俊"
)
_ROAD_SUFFIXES = ("路", "路", "路", "街", "大道", "巷")
_ESTATE_SUFFIXES = (
    "花园",
    "苑",
    "家园",
    "公寓",
    "雅苑",
    "小区",
    "名邸",
    "华庭",
    "嘉园",
    "公馆",
    "锦园",
    "府",
)
_OPEN_SUFFIXES = ("新村", "小区", "宿舍", "里", "坊")
_CN_ORDINALS = "二三四五六七八九十"
_DEPARTMENTS = (
    "人社局",
    "民政局",
    "司法局",
    "统计局",
    "水利局",
    "财政局",
    "审计局",
    "应急管理局",
    "市场监管局",
    "自然资源局",
    "城管局",
    "农业农村局",
    "科技局",
    "退役军人事务局",
    "医保局",
    "档案馆",
)

#: Industry authorities of every district: (name, sector, code suffix).
AUTHORITIES = (
    ("区教育局", "教育", "JY"),
    ("区卫健委", "卫生健康", "WJ"),
    ("区机关事务管理局", "机关事务", "JG"),
    ("区商务局", "商务", "SW"),
    ("区文旅局", "文化旅游", "WL"),
    ("区住建局", "住房和城乡建设", "ZJ"),
)
_EDU, _HEALTH, _OFFICES, _COMMERCE, _CULTURE = "JY", "WJ", "JG", "SW", "WL"

#: Per site kind: weight in an urban community, weight in a village.
KIND_WEIGHTS: dict[str, tuple[int, int]] = {
    "managed-estate": (34, 2),
    "open-estate": (18, 4),
    "village-group": (0, 55),
    "office-building": (6, 0),
    "government": (2, 1),
    "public-institution": (3, 4),
    "school": (6, 5),
    "hospital": (2, 3),
    "restaurant": (14, 8),
    "market": (3, 2),
    "street-shops": (8, 6),
    "resident-unit": (6, 10),
}


class _Names:
    """Place-name stems (two characters) and people, drawn from one random generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def stem(self) -> str:
        return self.rng.choice(_STEM_FIRST) + self.rng.choice(_STEM_SECOND)

    def unique_stem(self, taken: set[str], fmt: str = "{}") -> str:
        for _attempt in range(200):
            name = fmt.format(self.stem())
            if name not in taken:
                taken.add(name)
                return name
        raise RuntimeError("ran out of place names")  # 1,900 stems: unreachable at the sizes used here

    def person(self) -> str:
        given = self.rng.choice(_GIVEN) + (self.rng.choice(_GIVEN) if self.rng.random() < 0.7 else "")
        return self.rng.choice(_SURNAMES) + given

    def phone(self) -> str:
        prefix = self.rng.choice(("13", "15", "18"))
        third = self.rng.choice("012356789" if prefix == "15" else "0123456789")
        return f"{prefix}{third}{self.rng.randrange(10**8):08d}"


def _unique(name: str, taken: set[str]) -> str:
    """`name`, or "name二期", "name三期" … if it is taken."""
    candidate = name
    for ordinal in _CN_ORDINALS:
        if candidate not in taken:
            break
        candidate = f"{name}{ordinal}期"
    n = 11
    while candidate in taken:
        candidate = f"{name}{n}期"
        n += 1
    taken.add(candidate)
    return candidate


def _split(total: int, weights: Sequence[float], minimum: int = 1) -> list[int]:
    """Share `total` out by `weights`, everyone getting at least `minimum`; exact and deterministic."""
    n = len(weights)
    if total < n * minimum:
        raise ValueError(f"cannot share {total} among {n} with at least {minimum} each")
    spare = total - n * minimum
    weight_sum = sum(weights)
    raw = [w / weight_sum * spare for w in weights]
    counts = [int(r) for r in raw]
    for i in sorted(range(n), key=lambda i: (counts[i] - raw[i], i))[: spare - sum(counts)]:
        counts[i] += 1
    return [c + minimum for c in counts]


def code_prefix(root_number: int) -> str:
    """The first four digits of the division codes of the world rooted at `root_number` (3399, 3398 …)."""
    return f"{33 + (root_number - 1) // 90:02d}{99 - (root_number - 1) % 90:02d}"


def _coord(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


def _path(parent_path: str, number: int) -> str:
    if number >= 10**PATH_SEGMENT:
        raise ValueError("too many children for one area")
    return f"{parent_path}{number:0{PATH_SEGMENT}d}{PATH_SEP}"


# --- the plan ---------------------------------------------------------------------------------------


@dataclass
class _Community:
    area: Area
    street: Area
    district: Area
    village: bool
    roads: list[str]
    kinds: list[SiteKind] = field(default_factory=list)
    groups: int = 0  # village groups numbered so far


@dataclass
class Plan:
    """The whole world, unsaved: areas by level (root first), authorities, hauliers, sites."""

    levels: list[list[Area]]
    authorities: list[Authority]
    hauliers: list[Hauler]
    sites: list[Site]
    #: role -> the demo user's target (an Area, Site, Authority or Hauler of this plan)
    targets: dict[str, object]

    @property
    def root(self) -> Area:
        return self.levels[0][0]

    @property
    def areas(self) -> list[Area]:
        return [a for level in self.levels for a in level]


def plan_world(
    scale: Scale,
    *,
    seed: int = DEFAULT_SEED,
    kinds: Sequence[SiteKind],
    root_number: int = 1,
    codes: bool = True,
) -> Plan:
    """Draw a world of `scale` from `seed`. Pure: reads nothing from the database.

    `kinds` are the site kinds to use (all of them appear when there are enough sites);
    `root_number` is the root's path segment; `codes` says whether to give division codes.
    """
    rng = random.Random(seed)
    names = _Names(rng)
    kinds = list(kinds)
    if not kinds:
        raise ValueError("no site kinds to seed with")
    province = code_prefix(root_number)

    def code(value: str) -> str:
        return value if codes else ""

    root_path = _path("", root_number)
    lat0, lng0 = CENTRE
    taken_districts: set[str] = set()
    if scale.districts:
        root = Area(
            name=names.unique_stem(set(), "{}市"),
            kind=AreaKind.CITY,
            code=code(f"{province}00"),
            path=root_path,
            depth=0,
            latitude=_coord(lat0),
            longitude=_coord(lng0),
        )
        districts = []
        for i in range(1, scale.districts + 1):
            spread = 0.06 if i <= scale.districts // 3 else 0.3  # the first third are the urban core
            districts.append(
                Area(
                    name=names.unique_stem(taken_districts, "{}区"),
                    kind=AreaKind.DISTRICT,
                    parent=root,
                    code=code(f"{province}{i:02d}"),
                    path=_path(root_path, i),
                    depth=1,
                    latitude=_coord(lat0 + rng.uniform(-spread, spread) * 0.8),
                    longitude=_coord(lng0 + rng.uniform(-spread, spread)),
                )
            )
        levels = [[root], districts]
        district_rural = [
            0.0 if i < scale.districts // 3 else scale.rural_share for i in range(scale.districts)
        ]
        street_spread = 0.05
    else:
        root = Area(
            name=names.unique_stem(taken_districts, "{}区"),
            kind=AreaKind.DISTRICT,
            code=code(f"{province}01"),
            path=root_path,
            depth=0,
            latitude=_coord(lat0),
            longitude=_coord(lng0),
        )
        districts = [root]
        levels = [[root]]
        district_rural = [scale.rural_share]
        street_spread = 0.07

    # Streets, towns and townships.
    per_district = _split(scale.streets, [rng.uniform(0.8, 1.2) for _ in districts])
    streets: list[Area] = []
    street_district: list[Area] = []
    for district, n_streets, rural_share in zip(districts, per_district, district_rural, strict=True):
        n_rural = min(n_streets - 1, max(1, round(n_streets * rural_share))) if rural_share else 0
        taken: set[str] = set()
        numbers = Counter()
        for i in range(n_streets):
            if i < n_streets - n_rural:
                kind, series, fmt = AreaKind.STREET, 0, "{}街道"
            elif (i - (n_streets - n_rural)) % 2 == 1:
                kind, series, fmt = AreaKind.TOWNSHIP, 200, "{}乡"
            else:
                kind, series, fmt = AreaKind.TOWN, 100, "{}镇"
            numbers[series] += 1
            streets.append(
                Area(
                    name=names.unique_stem(taken, fmt),
                    kind=kind,
                    parent=district,
                    code=code(f"{district.code}{series + numbers[series]:03d}"),
                    path=_path(district.path, i + 1),
                    depth=district.depth + 1,
                    latitude=_coord(
                        float(district.latitude) + rng.uniform(-street_spread, street_spread) * 0.8
                    ),
                    longitude=_coord(float(district.longitude) + rng.uniform(-street_spread, street_spread)),
                )
            )
            street_district.append(district)
    levels.append(streets)

    # Communities and villages.
    per_street = _split(
        scale.communities,
        [rng.uniform(0.8, 1.2) * (0.8 if s.kind != AreaKind.STREET else 1.0) for s in streets],
    )
    communities: list[_Community] = []
    taken_by_district: dict[int, set[str]] = {}
    for street, district, n in zip(streets, street_district, per_street, strict=True):
        taken = taken_by_district.setdefault(id(district), set())
        roads = [
            names.unique_stem(set(), "{}" + rng.choice(_ROAD_SUFFIXES)) for _ in range(rng.randint(5, 9))
        ]
        numbers = Counter()
        for j in range(n):
            village = street.kind == AreaKind.TOWNSHIP or (street.kind == AreaKind.TOWN and j > 0)
            kind, series, fmt = (
                (AreaKind.VILLAGE, 200, "{}村") if village else (AreaKind.COMMUNITY, 0, "{}社区")
            )
            numbers[series] += 1
            area = Area(
                name=names.unique_stem(taken, fmt),
                kind=kind,
                parent=street,
                rural=village,
                code=code(f"{street.code}{series + numbers[series]:03d}"),
                path=_path(street.path, j + 1),
                depth=street.depth + 1,
                latitude=_coord(float(street.latitude) + rng.uniform(-0.015, 0.015)),
                longitude=_coord(float(street.longitude) + rng.uniform(-0.018, 0.018)),
            )
            communities.append(_Community(area, street, district, village, rng.sample(roads, 2)))
    levels.append([c.area for c in communities])

    # Which kinds of site each community holds.
    per_community = _split(
        scale.sites, [rng.uniform(0.6, 1.4) * (0.8 if c.village else 1.0) for c in communities]
    )
    by_code = {k.code: k for k in kinds}
    urban_weights = [KIND_WEIGHTS.get(k.code, (2, 1))[0] for k in kinds]
    village_weights = [KIND_WEIGHTS.get(k.code, (2, 1))[1] for k in kinds]
    residential = [k for k in kinds if k.residential]
    for community, n in zip(communities, per_community, strict=True):
        chosen = rng.choices(kinds, weights=village_weights if community.village else urban_weights, k=n)
        if residential and not any(k.residential for k in chosen):
            home = by_code.get("village-group" if community.village else "managed-estate") or residential[0]
            chosen[0] = home
        chosen.sort(key=lambda k: not k.residential)  # the first site of a community is where people live
        community.kinds = chosen
    _cover_every_kind(rng, communities, kinds)

    # Industry authorities and hauliers, per district.
    authorities: list[Authority] = []
    authority_of: dict[tuple[int, str], Authority] = {}
    hauliers: list[Hauler] = []
    for district in districts:
        for name, sector, suffix in AUTHORITIES:
            authority = Authority(
                name=name,
                sector=sector,
                code=code(f"{district.code}-{suffix}"),
                district=district,
                area_path=district.path,
                contact_person=names.person(),
                phone=names.phone(),
            )
            authorities.append(authority)
            authority_of[(id(district), suffix)] = authority
        taken = set()
        for i in range(1, rng.randint(4, 6) + 1):
            trade = rng.choice(
                (
                    "环卫服务有限公司",
                    "环境卫生服务有限公司",
                    "再生资源回收有限公司",
                    "餐厨垃圾收运有限公司",
                    "清运有限公司",
                )
            )
            hauliers.append(
                Hauler(
                    name=names.unique_stem(taken, "{}" + trade),
                    code=code(f"{district.code}-H{i}"),
                    licence_no=f"环收许{rng.randint(2018, 2024)}第{rng.randint(1, 999):03d}号",
                    district=district,
                    area_path=district.path,
                    contact_person=names.person(),
                    phone=names.phone(),
                    address=f"{district.name}{rng.choice(('工业园区', '环卫基地', '物流园'))}{rng.randint(1, 300)}号",
                )
            )

    # Sites.
    property_companies = {
        id(d): [
            names.unique_stem(set(), "{}" + rng.choice(("物业管理有限公司", "物业服务有限公司")))
            for _ in range(rng.randint(12, 24))
        ]
        for d in districts
    }
    sites: list[Site] = []
    site_names: dict[int, set[str]] = {}  # per district: names stay unique across a district
    for community in communities:
        area = community.area
        taken = site_names.setdefault(id(community.district), set())
        for j, kind in enumerate(community.kinds, start=1):
            for _attempt in range(12):
                site_name, authority_suffix = _site_name(rng, names, kind, community)
                if site_name not in taken:
                    break
            site = Site(
                name=_unique(site_name, taken),
                kind=kind,
                community=area,
                area_path=area.path,
                code=code(f"{area.code}{j:03d}"),
                address=_address(rng, community),
                latitude=_coord(float(area.latitude) + rng.uniform(-0.004, 0.004)),
                longitude=_coord(float(area.longitude) + rng.uniform(-0.005, 0.005)),
                responsible_person=names.person(),
                responsible_phone=names.phone(),
            )
            if kind.residential:
                if kind.code == "village-group":
                    site.households = rng.randint(40, 220)
                elif kind.code == "open-estate":
                    site.households = int(rng.triangular(300, 1800, 450))
                else:
                    site.households = int(rng.triangular(300, 3000, 800))
                site.population = round(site.households * rng.uniform(2.5, 2.9))
            if kind.code == "managed-estate":
                site.property_company = rng.choice(property_companies[id(community.district)])
            if kind.public_institution or authority_suffix:
                site.authority = authority_of[(id(community.district), authority_suffix or _OFFICES)]
            sites.append(site)

    # Households and population of every area are the sums of its sites.
    totals: dict[int, list[int]] = {}
    for site in sites:
        t = totals.setdefault(id(site.community), [0, 0])
        t[0] += site.households
        t[1] += site.population
    for level in reversed(levels):
        for area in level:
            area.households, area.population = totals.get(id(area), [0, 0])
            if area.parent is not None:
                t = totals.setdefault(id(area.parent), [0, 0])
                t[0] += area.households
                t[1] += area.population

    first_district = districts[0]
    first_street = streets[0]
    first_community = next(c.area for c in communities if c.street is first_street)
    targets = {
        Role.DISTRICT_ADMIN: root,
        Role.DISTRICT_LEADER: root,
        Role.STREET_ADMIN: first_street,
        Role.COMMUNITY_ADMIN: first_community,
        Role.AUTHORITY: authority_of[(id(first_district), _EDU)],
        Role.INSPECTOR: first_street,
        Role.HAULER: next(h for h in hauliers if h.district is first_district),
        Role.SITE_MANAGER: next(s for s in sites if s.community is first_community),
    }
    return Plan(levels=levels, authorities=authorities, hauliers=hauliers, sites=sites, targets=targets)


def _cover_every_kind(rng: random.Random, communities: list[_Community], kinds: list[SiteKind]) -> None:
    """Make sure each kind appears at least once (small worlds), replacing a kind that occurs often."""
    counts = Counter(k.code for c in communities for k in c.kinds)
    for kind in kinds:
        if counts[kind.code]:
            continue
        wants_village = kind.code == "village-group"
        candidates = [c for c in communities if len(c.kinds) >= 2 and (c.village or not wants_village)]
        rng.shuffle(candidates)
        for community in candidates:
            old = community.kinds[-1]
            if counts[old.code] > 1 and not (
                old.residential and sum(k.residential for k in community.kinds) == 1
            ):
                community.kinds[-1] = kind
                counts[old.code] -= 1
                counts[kind.code] += 1
                community.kinds.sort(key=lambda k: not k.residential)
                break


def _site_name(rng: random.Random, names: _Names, kind: SiteKind, community: _Community) -> tuple[str, str]:
    """A name for a site of `kind` and the code suffix of the authority it answers to ("" if none)."""
    own = community.area.name.removesuffix("社区").removesuffix("村")
    street = community.street.name.removesuffix("街道").removesuffix("镇").removesuffix("乡")
    stem = rng.choice((own, names.stem(), names.stem()))
    code = kind.code
    if code == "managed-estate":
        return stem + rng.choice(_ESTATE_SUFFIXES), ""
    if code == "open-estate":
        if rng.random() < 0.3:
            return f"{rng.choice(community.roads)}{rng.randint(1, 200)}号院", ""
        return stem + rng.choice(_OPEN_SUFFIXES), ""
    if code == "village-group":
        community.groups += 1
        return f"{own}村第{community.groups}村民小组", ""
    if code == "office-building":
        return stem + rng.choice(("大厦", "中心", "商务楼", "科技园", "国际大厦")), ""
    if code == "government":
        if community.village:
            return rng.choice((f"{community.street.name}人民政府", f"{own}村村民委员会")), _OFFICES
        return rng.choice(
            (
                (
                    f"{street}街道办事处"
                    if community.street.kind == AreaKind.STREET
                    else f"{community.street.name}人民政府"
                ),
                f"{community.district.name}{rng.choice(('行政中心', '机关综合楼', '政务服务中心'))}",
                f"{community.district.name}{rng.choice(_DEPARTMENTS)}办公楼",
            )
        ), _OFFICES
    if code == "public-institution":
        if rng.random() < 0.5:
            return stem + rng.choice(("图书馆", "文化馆", "文化礼堂", "体育馆", "博物馆")), _CULTURE
        return own + rng.choice(("党群服务中心", "便民服务中心", "老年活动中心")), _OFFICES
    if code == "school":
        return stem + rng.choice(("小学", "小学", "中学", "幼儿园", "实验学校", "初级中学")), _EDU
    if code == "hospital":
        if community.village:
            return rng.choice((f"{street}卫生院", f"{own}村卫生室")), _HEALTH
        return rng.choice(
            (f"{own}社区卫生服务中心", stem + "医院", f"{community.district.name}中医院")
        ), _HEALTH
    if code == "restaurant":
        return stem + rng.choice(("酒家", "饭店", "面馆", "餐厅", "大酒店", "职工食堂", "小吃店")), ""
    if code == "market":
        return stem + rng.choice(("农贸市场", "菜市场")), _COMMERCE
    if code == "street-shops":
        start = rng.randint(1, 300)
        return f"{rng.choice(community.roads)}{start}-{start + rng.randint(6, 40)}号沿街商铺", ""
    if code == "resident-unit":
        return stem + rng.choice(
            ("电子有限公司", "制药厂", "物流园", "供电所", "机械厂", "食品有限公司", "纺织厂")
        ), ""
    return stem + kind.name, ""


def _address(rng: random.Random, community: _Community) -> str:
    district = community.district.name
    if community.village:
        return f"{district}{community.street.name}{community.area.name}{rng.randint(1, 12)}组{rng.randint(1, 99)}号"
    return f"{district}{rng.choice(community.roads)}{rng.randint(1, 399)}号"


# --- writing ----------------------------------------------------------------------------------------


class Progress:
    """A small progress bar: redraws one line on a terminal, prints one line per phase elsewhere."""

    def __init__(
        self, total: int, *, write: Callable[[str], object] | None = None, tty: bool = False, width: int = 30
    ):
        self.total = max(total, 1)
        self.done = 0
        self.write = write
        self.tty = tty
        self.width = width
        self.label = ""
        self.started = time.monotonic()
        self._drawn = None

    def phase(self, label: str) -> None:
        if self.write and not self.tty and self.label:
            self.write(self._line() + "\n")
        self.label = label
        self._draw()

    def advance(self, n: int = 1) -> None:
        self.done = min(self.done + n, self.total)
        self._draw()

    def finish(self) -> None:
        self.done = self.total
        if self.write:
            self.write(("\r" + self._line() if self.tty else self._line()) + "\n")

    def _line(self) -> str:
        filled = self.width * self.done // self.total
        pct = 100 * self.done // self.total
        return (
            f"[{'#' * filled}{'.' * (self.width - filled)}] {pct:3d}% "
            f"{self.done}/{self.total} {time.monotonic() - self.started:5.1f}s {self.label}"
        )

    def _draw(self) -> None:
        if not (self.write and self.tty):
            return
        key = (self.width * self.done // self.total, self.label)
        if key != self._drawn:
            self._drawn = key
            self.write("\r" + self._line() + "\033[K")


@dataclass
class SeedReport:
    """What `seed_world` made."""

    root: Area
    counts: dict[str, int]
    audit_entries: int
    users_created: list[str]
    users_kept: list[str]
    seconds: float


_BATCH = 2000


def _write(model, objs: list, progress: Progress | None) -> int:
    """bulk_create `objs` (unless `model` is None: already saved) and audit each as created, in batches.

    The pks come back from the insert (SQLite ≥ 3.35, PostgreSQL), so the audit entries name them.
    """
    written = 0
    for start in range(0, len(objs), _BATCH):
        batch = objs[start : start + _BATCH]
        if model is not None:
            model.objects.bulk_create(batch)
        written += audit.log_bulk(batch, AuditAction.CREATE, by=None, face=audit.current_face())
        if progress:
            progress.advance(len(batch) * (1 if model is None else 2))
    return written


# --- people for the ledgers ---------------------------------------------------------------------

#: Surnames, the most common ones repeated so that they come up about as often as they do.
_FAMILY_NAMES = (
    "王" * 8
    + "李" * 8
    + "张" * 7
    + "刘" * 6
    + "陈" * 5
    + "杨" * 3
    + "黄" * 2
    + "赵" * 2
    + "吴" * 2
    + "周" * 2
    + "徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜"
    "范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段钱汤尹黎易常武乔贺赖龚文"
)
#: First and second characters of two-character given names, and single-character names.
_GIVEN_FIRST = "建志国海晓春秀玉桂丽金文永红小俊雪慧佳子思雨欣梓浩宇家明立新美淑凤德光振伟嘉婉雅"
_GIVEN_SECOND = "华平明英芳军强兰红霞敏杰涛峰辉静丽娟勇琴燕斌刚波涵轩怡萱宇泽然琳婷鹏飞龙云洁梅林"
_GIVEN_SINGLE = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚英华玉兰红斌辉鹏宇浩凯晨欣怡婷雪梅燕丹萍琳颖佳俊"


class PersonNames:
    """Chinese full names and fake phone numbers for the people in the ledgers (supervisors,
    volunteers, group members …), from one random generator. Every number starts with 100, a range
    no Chinese mobile number uses, so no demo number reaches a real person."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def name(self) -> str:
        rng = self.rng
        if rng.random() < 0.25:
            given = rng.choice(_GIVEN_SINGLE)
        else:
            given = rng.choice(_GIVEN_FIRST) + rng.choice(_GIVEN_SECOND)
        return rng.choice(_FAMILY_NAMES) + given

    def unique(self, taken: set[str]) -> str:
        """A name not in `taken` (added to it)."""
        while True:
            name = self.name()
            if name not in taken:
                taken.add(name)
                return name

    def phone(self) -> str:
        """An 11-digit number in the 100 range: shaped like a mobile number, reaching nobody."""
        return f"100{self.rng.randrange(10**8):08d}"


# --- for the ledgers' seeders ---------------------------------------------------------------------


@dataclass
class Places:
    """The areas a list of seeded sites lies in, in path order, each with its parent at hand."""

    communities: list[Area]
    streets: list[Area]
    districts: list[Area]
    #: every area of the world by pk
    areas: dict[int, Area]

    def community(self, site: Site) -> Area:
        return self.areas[site.community_id]


def places(sites: Sequence[Site]) -> Places:
    """The communities, streets and districts of `sites` (saved), read in one query; each area's
    `parent` is the object of this set, so walking up the tree costs nothing more."""
    root = sites[0].area_path[: PATH_SEGMENT + 1]
    areas = list(Area.objects.filter(path__startswith=root).order_by("path"))
    by_pk = {a.pk: a for a in areas}
    for area in areas:
        if area.parent_id is not None and area.parent_id in by_pk:
            area.parent = by_pk[area.parent_id]
    used = {s.community_id for s in sites}
    communities = [a for a in areas if a.pk in used]
    streets = list({c.parent_id: c.parent for c in communities}.values())
    districts = list({s.parent_id: s.parent for s in streets}.values())
    return Places(communities, streets, districts, by_pk)


def first_district(sites: Sequence[Site]) -> list[Site]:
    """The sites of the world's first district: all of them when the world is one district. The
    people and publicity seeders fill a city's first district only (see docs/operations.md)."""
    if not sites:
        return []
    root_path = sites[0].area_path[: PATH_SEGMENT + 1]
    root = Area.objects.only("kind").get(path=root_path)
    if root.kind != AreaKind.CITY:
        return list(sites)
    first = min(s.area_path[: 2 * (PATH_SEGMENT + 1)] for s in sites)
    return [s for s in sites if s.area_path.startswith(first)]


def near(area: Area, rng: random.Random, spread: float = 0.004) -> tuple[Decimal | None, Decimal | None]:
    """Coordinates a little way from `area`'s own (None where the area has none)."""
    if area.latitude is None or area.longitude is None:
        return None, None
    return (
        _coord(float(area.latitude) + rng.uniform(-spread, spread)),
        _coord(float(area.longitude) + rng.uniform(-spread, spread) * 1.2),
    )


def demo_account(area: Area, role: str, prefix: str, display_name: str):
    """An account for `role` over `area` that the demo needs to act (an inspector, a street's
    administrator) where no demo login holds it: named `prefix` + the area's path, without a
    password (it cannot sign in); the same account on a second run."""
    from fenlei.accounts import services as accounts
    from fenlei.accounts.models import User

    username = prefix + area.path.rstrip(".").replace(".", "-")
    user = User.objects.filter(username=username).first()
    if user is None:
        user = accounts.user_create(
            by=None, username=username, password=None, display_name=display_name, organisation=area.name
        )
        accounts.assign(user=user, role=role, target=area, by=None)
    return user


def short_name(area: Area) -> str:
    """An area's name without its kind (丰苑区 → 丰苑, 柳桥街道 → 柳桥, 凤潭社区 → 凤潭)."""
    for suffix in ("街道", "社区", "区", "镇", "乡", "村", "市"):
        if area.name.endswith(suffix) and len(area.name) > len(suffix):
            return area.name[: -len(suffix)]
    return area.name


def lagging(area: Area) -> bool:
    """Whether the demo leaves this community behind with some of its ledgers (about one in ten):
    no volunteers, party members linked to households or publicity activities, so the freshness
    page has units to list. Fixed by the area's path, the same in every seeder."""
    return zlib.crc32(area.path.encode()) % 10 == 0


def ledger_seeders() -> list[tuple[str, str, Callable]]:
    """Each app's demo data for its ledgers: the `seed_ledgers(*, sites, rng, write)` of its `seeding` module."""
    import importlib

    from django.apps import apps

    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("fenlei.") or config.label == "org":
            continue
        try:
            module = importlib.import_module(f"{config.name}.seeding")
        except ModuleNotFoundError:
            continue
        if hasattr(module, "seed_ledgers"):
            found.append((config.label, str(config.verbose_name), module.seed_ledgers))
    return found


def seed_world(
    *,
    scale: str = "district",
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
    write: Callable[[str], object] | None = None,
    tty: bool = False,
) -> SeedReport:
    """Write a demo world of `scale` drawn from `seed`, audited, with a demo user per role.

    The face recorded in the audit log is the current one (commands set `Face.CLI`). A world seeded
    beside existing areas takes the next free root number; demo users that already exist are kept
    as they are.
    """
    from fenlei.accounts import services as accounts
    from fenlei.accounts.models import User
    from fenlei.org.services import _next_path

    started = time.monotonic()
    kinds = list(SiteKind.objects.filter(active=True).order_by("position", "code"))
    if not kinds:
        raise ValueError(_("There are no site kinds in use: run the migrations first."))
    with transaction.atomic():
        audit_before = AuditEntry.objects.count()
        root_path = _next_path(None)
        root_number = int(root_path[:PATH_SEGMENT])
        prefix = code_prefix(root_number)
        codes_free = not (
            Area.objects.filter(code__startswith=prefix).exists()
            or Site.objects.filter(code__startswith=prefix).exists()
        )
        plan = plan_world(SCALES[scale], seed=seed, kinds=kinds, root_number=root_number, codes=codes_free)
        root = plan.root
        if Area.objects.filter(parent__isnull=True, name=root.name).exists():
            root.name = f"{root.name}（{root_number}）"

        areas = plan.areas
        total = 2 * (len(areas) + len(plan.authorities) + len(plan.hauliers) + len(plan.sites)) + len(
            DEMO_ACCOUNTS
        )
        if progress is None and write is not None:
            progress = Progress(total, write=write, tty=tty)
        audited = 0
        if progress:
            progress.phase(_("areas"))
        for level in plan.levels:
            for area in level:  # the parent was saved a level earlier: take its pk
                area.parent_id = area.parent.pk if area.parent is not None else None
            Area.objects.bulk_create(level, batch_size=_BATCH)
            if progress:
                progress.advance(len(level))
        audited += _write(None, areas, progress)
        if progress:
            progress.phase(_("authorities and hauliers"))
        audited += _write(Authority, plan.authorities, progress)
        audited += _write(Hauler, plan.hauliers, progress)
        if progress:
            progress.phase(_("sites"))
        for site in plan.sites:
            site.community_id = site.community.pk
            site.authority_id = site.authority.pk if site.authority is not None else None
        audited += _write(Site, plan.sites, progress)
        if progress:
            progress.phase(_("demo users"))

        created, kept = [], []
        for username, role in DEMO_ACCOUNTS:
            if User.objects.filter(username=username).exists():
                kept.append(username)
            else:
                target = plan.targets[role]
                user = accounts.user_create(
                    by=None,
                    username=username,
                    password=DEMO_PASSWORD,
                    display_name=f"{role_zh(role)}（演示）",
                    organisation=str(target),
                )
                accounts.assign(user=user, role=role, target=target, by=None)
                created.append(username)
            if progress:
                progress.advance()
        # The ledgers come after the demo users: the inspections seeder gives the demo inspector its
        # rounds and the demo users their inbox.
        for label, name, seed_ledgers in ledger_seeders():
            if progress:
                progress.phase(name)
            audited += seed_ledgers(
                sites=plan.sites,
                rng=random.Random(f"{seed}-{label}"),
                write=lambda model, objs: _write(model, objs, None),
            )
        if progress:
            progress.finish()
        audited = AuditEntry.objects.count() - audit_before  # the users' entries included
    counts = {
        "areas": len(areas),
        "streets": len(plan.levels[-2]),
        "communities": len(plan.levels[-1]),
        "sites": len(plan.sites),
        "authorities": len(plan.authorities),
        "hauliers": len(plan.hauliers),
        "households": root.households,
        "population": root.population,
    }
    return SeedReport(
        root=root,
        counts=counts,
        audit_entries=audited,
        users_created=created,
        users_kept=kept,
        seconds=time.monotonic() - started,
    )


# --- the demo logins table ----------------------------------------------------------------------------


def demo_logins() -> list[dict[str, str]]:
    """One row per active role assignment of the demo users, in the order of DEMO_ACCOUNTS."""
    from fenlei.accounts.models import RoleAssignment, User

    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
    changed = set(
        AuditEntry.objects.filter(
            content_type__app_label=User._meta.app_label,
            content_type__model=User._meta.model_name,
            object_id__in=[str(u.pk) for u in users.values()],
            changes__has_key="password",
        ).values_list("object_id", flat=True)
    )
    assignments = (
        RoleAssignment.objects.filter(user__in=users.values(), active=True)
        .select_related("area__parent", "site__community", "authority__district", "hauler__district")
        .order_by("pk")
    )
    by_user: dict[int, list[RoleAssignment]] = {}
    for assignment in assignments:
        by_user.setdefault(assignment.user_id, []).append(assignment)
    rows = []
    for username in DEMO_USERNAMES:
        user = users.get(username)
        if user is None:
            continue
        password = (
            _("(changed)") if str(user.pk) in changed or not user.has_usable_password() else DEMO_PASSWORD
        )
        for assignment in by_user.get(user.pk, []) or [None]:
            role = assignment.role if assignment else ""
            with translation.override("en"):
                role_en = str(Role(role).label) if role else ""
            rows.append(
                {
                    "role_zh": role_zh(role) if role else "",
                    "role_en": role_en,
                    "username": username,
                    "password": password,
                    "target": _where(assignment.target) if assignment else "",
                    "active": "" if user.is_active else _("inactive"),
                }
            )
    return rows


def _where(target) -> str:
    """The target's name after the name of the area it sits in ("柳桥街道 · 凤潭社区")."""
    context = (
        getattr(target, "parent", None)
        or getattr(target, "community", None)
        or getattr(target, "district", None)
    )
    return f"{context.name} · {target}" if context is not None else str(target)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def format_table(rows: list[dict[str, str]]) -> str:
    """The demo logins as an aligned text table (Chinese characters count double)."""
    columns = [
        ("role_zh", _("Role")),
        ("role_en", _("Role (English)")),
        ("username", _("Username")),
        ("password", _("Password")),
        ("target", _("Where")),
    ]
    table = [[title for _key, title in columns]]
    table += [
        [
            row[key] + (f" ({row['active']})" if key == "username" and row["active"] else "")
            for key, _title in columns
        ]
        for row in rows
    ]
    widths = [max(_width(line[i]) for line in table) for i in range(len(columns))]

    def fmt(line: list[str]) -> str:
        return "  ".join(
            cell + " " * (w - _width(cell)) for cell, w in zip(line, widths, strict=True)
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(table[0]), rule, *(fmt(line) for line in table[1:])])
