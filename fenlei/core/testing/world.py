"""The fixture world: a small district with a persona per role and an outsider (STYLE.md habit 12).

    东湖区 (district)
    ├── 甲街道 (street A) ── 甲一社区 (A1): 甲一花园 (managed estate), 甲一小学 (school, authority 区教育局)
    │                     └ 甲二社区 (A2): 甲二小区 (open estate), 甲二饭店 (restaurant)
    └── 乙街道 (street B) ── 乙一社区 (B1): 乙一花园 (managed estate), 乙一中学 (school, authority 区教育局)
                          └ 乙二村 (B2, village): 乙二村民小组 (village group), 乙二卫生院 (hospital, 区卫健委)

Personas (password for all: PASSWORD):
    alice  district office admin (东湖区)      leo    district leader (东湖区)
    sam    street admin (甲街道)               cora   community admin (甲一社区)
    ada    industry authority (区教育局)        ian    inspector (甲街道)
    hal    hauler (绿洁环卫)                    mia    site manager (甲一花园)
    olly   street admin of 乙街道 (the outsider for everything in 甲街道)
    nina   signed in, no role at all
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fenlei.accounts import services as account_services
from fenlei.accounts.models import User
from fenlei.core.audit import using_face
from fenlei.core.models import Face
from fenlei.core.roles import Role
from fenlei.org import services as org
from fenlei.org.models import Area, Authority, Hauler, Site, SiteKind

PASSWORD = "Fenlei-test-2026"


@dataclass
class World:
    district: Area
    street_a: Area
    street_b: Area
    community_a1: Area
    community_a2: Area
    community_b1: Area
    village_b2: Area
    sites: dict[str, Site]
    education: Authority
    health: Authority
    hauler: Hauler
    other_hauler: Hauler
    users: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name):  # world.alice, world.sam …
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def _area(name, kind, parent=None, **extra):
    return org.area_create(area=Area(name=name, kind=kind, parent=parent, **extra), by=None)


def _site(name, kind_code, community, authority=None, **extra):
    kind = SiteKind.objects.get(code=kind_code)
    extra.setdefault("households", 200)
    extra.setdefault("population", 500)
    return org.site_create(
        site=Site(name=name, kind=kind, community=community, authority=authority, **extra), by=None
    )


def build_world() -> World:
    with using_face(Face.SYSTEM):
        district = _area("东湖区", "district", households=4000, population=10000)
        street_a = _area("甲街道", "street", district, households=2000, population=5000)
        street_b = _area("乙街道", "street", district, households=2000, population=5000)
        a1 = _area("甲一社区", "community", street_a, households=1000, population=2500)
        a2 = _area("甲二社区", "community", street_a, households=1000, population=2500)
        b1 = _area("乙一社区", "community", street_b, households=1000, population=2500)
        b2 = _area("乙二村", "village", street_b, households=1000, population=2500, rural=True)
        education = org.authority_create(
            authority=Authority(name="区教育局", sector="教育", district=district), by=None
        )
        health = org.authority_create(
            authority=Authority(name="区卫健委", sector="卫生健康", district=district), by=None
        )
        hauler = org.hauler_create(hauler=Hauler(name="绿洁环卫", district=district), by=None)
        other_hauler = org.hauler_create(hauler=Hauler(name="清源运输", district=district), by=None)
        sites = {
            "a1_estate": _site("甲一花园", "managed-estate", a1, property_company="甲一物业"),
            "a1_school": _site("甲一小学", "school", a1, authority=education, households=0, population=0),
            "a2_open": _site("甲二小区", "open-estate", a2),
            "a2_restaurant": _site("甲二饭店", "restaurant", a2, households=0, population=0),
            "b1_estate": _site("乙一花园", "managed-estate", b1),
            "b1_school": _site("乙一中学", "school", b1, authority=education, households=0, population=0),
            "b2_group": _site("乙二村民小组", "village-group", b2),
            "b2_clinic": _site("乙二卫生院", "hospital", b2, authority=health, households=0, population=0),
        }
        world = World(
            district, street_a, street_b, a1, a2, b1, b2, sites, education, health, hauler, other_hauler
        )
        personas = [
            ("alice", Role.DISTRICT_ADMIN, district),
            ("leo", Role.DISTRICT_LEADER, district),
            ("sam", Role.STREET_ADMIN, street_a),
            ("cora", Role.COMMUNITY_ADMIN, a1),
            ("ada", Role.AUTHORITY, education),
            ("ian", Role.INSPECTOR, street_a),
            ("hal", Role.HAULER, hauler),
            ("mia", Role.SITE_MANAGER, sites["a1_estate"]),
            ("olly", Role.STREET_ADMIN, street_b),
            ("nina", None, None),
        ]
        for username, role, target in personas:
            user = User.objects.create_user(
                username=username, password=PASSWORD, display_name=username.title()
            )
            if role:
                account_services.assign(user=user, role=role, target=target, by=None)
            world.users[username] = user
    return world


PERSONAS = ("alice", "leo", "sam", "cora", "ada", "ian", "hal", "mia", "olly", "nina")
