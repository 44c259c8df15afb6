"""Demo data for the publicity ledger: a year of activities of the district, its streets and its
communities (in a city: of its first district).

Each month the district office holds one or two activities, a street one to three, a community one
to three (some of them at one of its sites: a school for 进学校, an estate for 进家庭). The form of an
activity decides what it counts — leaflets handed out, messages sent, people reached — and its
target is one of the 六进 that fits the place (villages go 进农村). About one community in ten is
behind (`fenlei.org.seeding.lagging`) and has entered no activity. Deterministic for a given random
generator and day.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from fenlei.org.choices import AreaKind
from fenlei.org.seeding import first_district, lagging, places
from fenlei.publicity.choices import ActivityKind, Target
from fenlei.publicity.models import Activity

#: form of activity: (weight at a community, weight at a street or the district,
#: (materials range), (messages range), (participants range), what was done)
_KINDS: dict[str, tuple[int, int, tuple[int, int], tuple[int, int], tuple[int, int], str]] = {
    ActivityKind.HANDOUT: (
        16,
        10,
        (100, 1500),
        (0, 0),
        (50, 600),
        "设摊发放垃圾分类宣传折页和分类指南，现场解答居民疑问",
    ),
    ActivityKind.POSTERS: (8, 6, (5, 60), (0, 0), (0, 0), "张贴垃圾分类宣传海报，悬挂横幅标语"),
    ActivityKind.FORUM: (
        7,
        12,
        (20, 150),
        (0, 0),
        (20, 120),
        "举办垃圾分类知识讲座，讲解干湿分类要点和定时定点投放时间",
    ),
    ActivityKind.DOOR_TO_DOOR: (
        16,
        4,
        (50, 600),
        (0, 0),
        (30, 400),
        "志愿者入户讲解分类方法，发放分类指南并登记居民意见",
    ),
    ActivityKind.WECHAT: (
        12,
        14,
        (0, 0),
        (1, 4),
        (200, 3000),
        "通过微信公众号和居民群推送垃圾分类知识与投放提醒",
    ),
    ActivityKind.PROPOSAL: (
        4,
        6,
        (200, 3000),
        (0, 0),
        (0, 0),
        "发放《垃圾分类倡议书》，倡议居民从我做起、源头减量",
    ),
    ActivityKind.GUIDE_CARD: (6, 4, (100, 2000), (0, 0), (0, 0), "向住户发放垃圾分类投放指南卡"),
    ActivityKind.FILM: (3, 5, (0, 0), (0, 0), (20, 200), "放映垃圾分类宣传片，组织观后交流"),
    ActivityKind.VOLUNTEERS: (12, 5, (0, 100), (0, 0), (10, 60), "组织志愿者桶边督导，现场指导居民正确投放"),
    ActivityKind.QUIZ: (4, 8, (0, 100), (0, 0), (30, 300), "开展垃圾分类知识竞赛，设有奖问答"),
    ActivityKind.THEMED: (
        6,
        14,
        (100, 800),
        (0, 50),
        (50, 500),
        "开展垃圾分类主题宣传日活动，设置互动游戏和旧物兑换",
    ),
    ActivityKind.OTHER: (2, 2, (0, 200), (0, 0), (10, 100), "开展垃圾分类“小手拉大手”亲子活动"),
}

#: 六进 targets and their weights: at a community, a village, a street or town, the district.
_TARGETS = {
    "community": (
        (Target.COMMUNITIES, 45),
        (Target.HOUSEHOLDS, 30),
        (Target.SCHOOLS, 8),
        (Target.ENTERPRISES, 7),
        (Target.PUBLIC_PLACES, 10),
    ),
    "village": (
        (Target.VILLAGES, 60),
        (Target.HOUSEHOLDS, 30),
        (Target.SCHOOLS, 5),
        (Target.PUBLIC_PLACES, 5),
    ),
    "street": (
        (Target.COMMUNITIES, 30),
        (Target.SCHOOLS, 15),
        (Target.OFFICES, 10),
        (Target.ENTERPRISES, 15),
        (Target.PUBLIC_PLACES, 20),
        (Target.VILLAGES, 10),
    ),
    "district": (
        (Target.OFFICES, 20),
        (Target.SCHOOLS, 20),
        (Target.ENTERPRISES, 20),
        (Target.PUBLIC_PLACES, 25),
        (Target.COMMUNITIES, 15),
    ),
}
_REACHED = {
    Target.SCHOOLS: "{n}所学校",
    Target.OFFICES: "{n}个机关单位",
    Target.ENTERPRISES: "{n}家企业",
    Target.PUBLIC_PLACES: "{n}处公共场所",
}
#: Site kinds an activity of a target goes to when it is held at one site.
_SITE_KINDS = {
    Target.SCHOOLS: ("school",),
    Target.HOUSEHOLDS: ("managed-estate", "open-estate", "village-group"),
    Target.COMMUNITIES: ("managed-estate", "open-estate"),
    Target.VILLAGES: ("village-group",),
    Target.ENTERPRISES: ("office-building", "resident-unit", "restaurant"),
    Target.PUBLIC_PLACES: ("market", "street-shops", "public-institution"),
}


def seed_ledgers(*, sites, rng: random.Random, write) -> int:
    """A year of publicity activities for the areas of `sites` (saved Site objects); `write(model,
    objs)` saves and audits them. Returns how many rows were written."""
    sites = first_district(sites)
    if not sites:
        return 0
    where = places(sites)
    today = timezone.localdate()
    by_community: dict[int, list] = {}
    for site in sites:
        by_community.setdefault(site.community_id, []).append(site)
    rows: list[Activity] = []
    keys: set[tuple] = set()

    def year(area, organiser: str, profile: str, per_month: tuple[int, int], local_sites=()):
        community_level = profile in ("community", "village")
        targets, target_weights = zip(*_TARGETS[profile], strict=True)
        kinds = list(_KINDS)
        kind_weights = [_KINDS[k][0 if community_level else 1] for k in kinds]
        for months_back in range(12):
            for _i in range(rng.randint(*per_month)):
                date = today - datetime.timedelta(days=months_back * 30 + rng.randint(0, 29))
                kind = rng.choices(kinds, weights=kind_weights)[0]
                target = rng.choices(targets, weights=target_weights)[0]
                site = None
                if local_sites and rng.random() < 0.35:
                    fitting = [s for s in local_sites if s.kind.code in _SITE_KINDS.get(target, ())]
                    site = rng.choice(fitting) if fitting else None
                # the ledger's key (ACTIVITY_KEY) within the place: one record per day, form, target, organiser
                key = (site.pk if site else None, area.pk, date, kind, target, organiser)
                if key in keys:
                    continue
                keys.add(key)
                rows.append(_activity(rng, area, site, date, kind, target, organiser))

    for district in where.districts:
        year(district, f"{district.name}生活垃圾分类工作领导小组办公室", "district", (1, 2))
    for street in where.streets:
        organiser = f"{street.name}{'办事处' if street.kind == AreaKind.STREET else '人民政府'}"
        year(street, organiser, "street", (1, 3))
    for community in where.communities:
        if lagging(community):
            continue
        village = community.kind == AreaKind.VILLAGE
        organiser = f"{community.name}{'村民委员会' if village else '居民委员会'}"
        year(
            community,
            organiser,
            "village" if village else "community",
            (1, 3),
            by_community.get(community.pk, []),
        )
    return write(Activity, rows)


def _activity(rng: random.Random, area, site, date, kind, target, organiser) -> Activity:
    _cw, _sw, materials, messages, participants, content = _KINDS[kind]
    events = 1 if rng.random() < 0.75 else rng.randint(2, 4)
    reached = _REACHED.get(target, "").format(n=rng.randint(1, 6))
    if site is not None and target in _REACHED:
        reached = site.name
    place = site.name if site is not None else area.name
    handed_out = rng.randint(*materials) * events if materials[1] else 0
    if handed_out > 100:
        handed_out = handed_out // 10 * 10
    return Activity(
        area_id=area.pk,
        area_path=area.path,
        site=site,
        date=date,
        organiser=organiser,
        kind=kind,
        target=target,
        events=events,
        materials=handed_out,
        messages=rng.randint(*messages) * events if messages[1] else 0,
        participants=rng.randint(*participants) * events if participants[1] else 0,
        reached_units=reached,
        description=f"在{place}{content}。",
    )
