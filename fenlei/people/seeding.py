"""Demo data for the people ledgers of every street and community of the seeded district (in a
city: of its first district).

- a leading group for the district, each street and each community: 组长, 常务副组长, deputies and
  members with the posts such groups list;
- volunteers of every kind in the communities, most of them at a residential site, with a year of
  service records; party members linked to the households of the estates and village groups;
- the supervisors on duty at the fixed-time points (the one the facilities seeder put on each point,
  a second one for the evening at some), and a roving supervisor in some communities;
- a kitchen-waste collection group per street (two in some);
- the four-party linkage of most estates, its community contact the community's 居委会主任;
- participating households of every residential site at the end of each of the last four quarters,
  never more than the registered households, slowly rising.

Names and phone numbers come from `fenlei.org.seeding.PersonNames`: every number starts with 100,
a range no Chinese mobile number uses, so no demo number reaches a real person. About one community
in ten is behind (`fenlei.org.seeding.lagging`): it has no volunteers and no party members linked to
households. Deterministic for a given random generator and day.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from fenlei.facilities.choices import DropOffKind
from fenlei.facilities.models import DropOffPoint
from fenlei.org.choices import AreaKind
from fenlei.org.seeding import PersonNames, Places, first_district, lagging, places, short_name
from fenlei.people.choices import GroupPost, VolunteerKind
from fenlei.people.models import (
    FourPartyLinkage,
    KitchenWasteGroup,
    LeadingGroup,
    LeadingGroupMember,
    Participation,
    PartyMemberLink,
    ServiceRecord,
    Supervisor,
    Volunteer,
)

# --- the seeder --------------------------------------------------------------------------------------


def seed_ledgers(*, sites, rng: random.Random, write) -> int:
    """Create the people ledgers of `sites` (saved Site objects) and their areas; `write(model, objs)`
    saves and audits them. Returns how many rows were written (and audited)."""
    sites = first_district(sites)
    if not sites:
        return 0
    where = places(sites)
    today = timezone.localdate()
    names = PersonNames(rng)
    by_community: dict[int, list] = {}
    for site in sites:
        by_community.setdefault(site.community_id, []).append(site)

    groups, members = _leading_groups(where, rng, names)
    written = write(LeadingGroup, groups)
    for member in members:
        member.group_id = member.group.pk
    written += write(LeadingGroupMember, members)
    directors = {
        m.group.area_id: m for m in members if m.post == GroupPost.EXECUTIVE_DEPUTY and m.group.area_id
    }

    volunteers = _volunteers(where, by_community, rng, names, today)
    written += write(Volunteer, volunteers)
    written += write(ServiceRecord, _service(volunteers, rng, today))
    written += write(PartyMemberLink, _party_links(where, by_community, volunteers, rng, names))
    written += write(Supervisor, _supervisors(where, rng, names))
    written += write(KitchenWasteGroup, _kitchen_groups(where, rng, names))
    written += write(FourPartyLinkage, _four_party(where, sites, directors, rng, names))
    written += write(Participation, _participation(sites, rng, today))
    return written


def _date_between(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, max(0, (end - start).days)))


# --- leading groups ---------------------------------------------------------------------------------

#: Posts of a district's, a street's (or town's) and a community's (or village's) leading group:
#: group leader, executive deputy, deputies, members (their own job titles).
_DISTRICT_POSTS = (
    ("区委副书记、区长",),
    ("常务副区长", "分管副区长"),
    ("区政府办公室主任", "区城管局局长"),
    (
        "区城管局副局长",
        "区住建局局长",
        "区教育局局长",
        "区卫健委主任",
        "区商务局局长",
        "区机关事务管理局局长",
        "区文旅局局长",
        "区财政局局长",
        "区生态环境分局局长",
        "区市场监管局局长",
        "区委宣传部副部长",
        "区妇联主席",
        "团区委书记",
    ),
)
_STREET_POSTS = (
    ("街道党工委书记",),
    ("街道办事处主任",),
    ("街道党工委副书记", "街道办事处副主任"),
    (
        "城市管理科科长",
        "社区建设科科长",
        "综合行政执法队队长",
        "环卫所所长",
        "党建工作办公室主任",
        "宣传委员",
        "平安建设办公室主任",
        "经济发展科科长",
    ),
)
_TOWN_POSTS = (
    ("镇党委书记",),
    ("镇长",),
    ("镇党委副书记", "副镇长"),
    ("村镇建设办公室主任", "农业农村办公室主任", "综合行政执法队队长", "环卫所所长", "宣传委员"),
)
_COMMUNITY_POSTS = (
    ("社区党委书记",),
    ("社区居委会主任",),
    ("社区党委副书记", "社区居委会副主任"),
    ("社区专职工作者", "社区网格员", "物业项目经理", "业主委员会主任", "楼道长代表", "辖区单位代表"),
)
_VILLAGE_POSTS = (
    ("村党支部书记",),
    ("村委会主任",),
    ("村委会副主任",),
    ("村委会委员", "村民小组长", "妇女主任", "保洁员代表"),
)


def _leading_groups(
    where: Places, rng: random.Random, names: PersonNames
) -> tuple[list[LeadingGroup], list[LeadingGroupMember]]:
    groups, members = [], []

    def group(area, name, posts, established, document, n_members):
        g = LeadingGroup(
            name=name,
            area_id=area.pk,
            area_path=area.path,
            established_on=established,
            plan_document=document,
        )
        groups.append(g)
        leader, executive, deputies, others = posts
        taken: set[str] = set()
        rows = [(GroupPost.LEADER, leader[0]), (GroupPost.EXECUTIVE_DEPUTY, rng.choice(executive))]
        rows += [(GroupPost.DEPUTY, title) for title in rng.sample(deputies, rng.randint(1, len(deputies)))]
        rows += [(GroupPost.MEMBER, title) for title in rng.sample(others, min(n_members, len(others)))]
        for post, title in rows:
            members.append(
                LeadingGroupMember(
                    group=g,
                    area_id=area.pk,
                    area_path=area.path,
                    name=names.unique(taken),
                    post=post,
                    job_title=title,
                    phone=names.phone(),
                )
            )

    for district in where.districts:
        stem = short_name(district)
        group(
            district,
            f"{district.name}生活垃圾分类工作领导小组",
            _DISTRICT_POSTS,
            datetime.date(2019, rng.randint(3, 8), rng.randint(1, 28)),
            f"{stem}政办〔2019〕{rng.randint(10, 80)}号",
            rng.randint(7, 11),
        )
    for street in where.streets:
        stem = short_name(street)
        is_street = street.kind == AreaKind.STREET
        posts = _STREET_POSTS
        if not is_street:  # a town (镇) or a township (乡)
            word = "乡" if street.kind == AreaKind.TOWNSHIP else "镇"
            posts = tuple(tuple(t.replace("镇", word) for t in titles) for titles in _TOWN_POSTS)
        group(
            street,
            f"{street.name}垃圾分类工作领导小组",
            posts,
            datetime.date(2019, rng.randint(6, 12), rng.randint(1, 28)),
            f"{stem}{'街发' if is_street else posts[0][0][0] + '委'}〔2019〕{rng.randint(20, 120)}号",
            rng.randint(4, 7),
        )
    for community in where.communities:
        village = community.kind == AreaKind.VILLAGE
        group(
            community,
            f"{community.name}垃圾分类工作领导小组",
            _VILLAGE_POSTS if village else _COMMUNITY_POSTS,
            datetime.date(rng.randint(2019, 2021), rng.randint(1, 12), rng.randint(1, 28)),
            ""
            if rng.random() < 0.4
            else f"{short_name(community)}{'村委' if village else '社'}〔2020〕{rng.randint(1, 30)}号",
            rng.randint(2, 5),
        )
    return groups, members


# --- volunteers and their service ---------------------------------------------------------------------

_KINDS = (
    (VolunteerKind.VOLUNTEER, 55),
    (VolunteerKind.PARTY_MEMBER, 15),
    (VolunteerKind.BUILDING_HEAD, 17),
    (VolunteerKind.PARTY_GROUP_HEAD, 5),
    (VolunteerKind.PARTY_CADRE, 5),
    (VolunteerKind.OTHER, 3),
)
_PARTY_KINDS = (VolunteerKind.PARTY_MEMBER, VolunteerKind.PARTY_GROUP_HEAD, VolunteerKind.PARTY_CADRE)
_SERVICE = (
    ("桶边督导", 40),
    ("入户宣传", 15),
    ("垃圾分拣", 10),
    ("定时定点值守", 15),
    ("宣传活动协助", 8),
    ("垃圾房周边清理", 7),
    ("撤桶并点引导", 5),
)
_HOURS = ("1.0", "1.5", "2.0", "2.0", "2.0", "3.0", "4.0")


def _building(rng: random.Random, site) -> str:
    if site is None or site.kind.code == "village-group":
        return ""
    return (
        f"{rng.randint(1, 32)}幢" if rng.random() < 0.8 else f"{rng.randint(1, 32)}幢{rng.randint(1, 4)}单元"
    )


def _volunteers(where: Places, by_community, rng, names: PersonNames, today) -> list[Volunteer]:
    """About one volunteer per 250 households of a community, most of them at a residential site."""
    rows = []
    kinds, weights = zip(*_KINDS, strict=True)
    for community in where.communities:
        if lagging(community):
            continue
        homes = [s for s in by_community.get(community.pk, []) if s.households > 0]
        n = max(4, min(40, round(community.households / 250 * rng.uniform(0.7, 1.3))))
        taken: set[str] = set()
        for kind in rng.choices(kinds, weights=weights, k=n):
            site = rng.choice(homes) if homes and rng.random() < 0.85 else None
            joined = _date_between(rng, datetime.date(2019, 7, 1), today - datetime.timedelta(days=20))
            left = None
            if rng.random() < 0.05:
                left = _date_between(rng, joined, today - datetime.timedelta(days=1))
            rows.append(
                Volunteer(
                    area_id=community.pk,
                    area_path=community.path,
                    site=site,
                    name=names.unique(taken),
                    kind=kind,
                    phone=names.phone(),
                    building=_building(rng, site)
                    if kind == VolunteerKind.BUILDING_HEAD or rng.random() < 0.3
                    else "",
                    joined_on=joined,
                    closed_on=left,
                )
            )
    return rows


def _service(volunteers: list[Volunteer], rng: random.Random, today) -> list[ServiceRecord]:
    """Up to a year of service per volunteer: a few spells each, none before they joined or after
    they left, none in the future."""
    rows = []
    contents, weights = zip(*_SERVICE, strict=True)
    year_ago = today - datetime.timedelta(days=365)
    for volunteer in volunteers:
        start = max(year_ago, volunteer.joined_on)
        end = min(today, volunteer.closed_on or today)
        days = (end - start).days + 1
        if days <= 0:
            continue
        n = min(days, rng.choice((0, 1, 2, 3, 3, 4, 5, 6)))
        for offset in sorted(rng.sample(range(days), n)):
            rows.append(
                ServiceRecord(
                    volunteer=volunteer,
                    area_id=volunteer.area_id,
                    site_id=volunteer.site_id,
                    area_path=volunteer.area_path,
                    served_on=start + datetime.timedelta(days=offset),
                    hours=Decimal(rng.choice(_HOURS)),
                    content=rng.choices(contents, weights=weights)[0],
                )
            )
    return rows


def _party_links(where: Places, by_community, volunteers, rng, names: PersonNames) -> list[PartyMemberLink]:
    """Party members linked to the households of each residential site: one per ~300 households (one
    or two in a village group): the community's party members among its volunteers first, then others."""
    party = {}
    for v in volunteers:
        if v.kind in _PARTY_KINDS and v.closed_on is None:
            party.setdefault(v.area_id, []).append(v)
    rows = []
    for community in where.communities:
        if lagging(community):
            continue
        pool = list(party.get(community.pk, []))
        rng.shuffle(pool)
        taken: set[str] = set()
        branch_word = "村党总支" if community.kind == AreaKind.VILLAGE else "社区党委"
        used: set[tuple[str, str]] = set()
        for site in by_community.get(community.pk, []):
            if site.households <= 0:
                continue
            village = site.kind.code == "village-group"
            n = rng.randint(1, 2) if village else max(1, min(8, round(site.households / 300)))
            for k in range(n):
                if pool:
                    person = pool.pop()
                    name, phone = person.name, person.phone
                else:
                    name, phone = names.unique(taken), names.phone()
                building = f"{k + 1}组" if village else f"{rng.randint(1, 32)}幢"
                if (name, building) in used:
                    continue
                used.add((name, building))
                rows.append(
                    PartyMemberLink(
                        area_id=community.pk,
                        area_path=community.path,
                        site=site,
                        name=name,
                        phone=phone,
                        party_branch=f"{community.name}{branch_word}第{rng.randint(1, 6)}支部",
                        building=building,
                        households_linked=min(site.households, rng.randint(10, 40)),
                    )
                )
    return rows


# --- supervisors ---------------------------------------------------------------------------------------


def _supervisors(where: Places, rng: random.Random, names: PersonNames) -> list[Supervisor]:
    """The supervisors of the fixed-time points (the facilities seeder put one on each point), a
    second one for the evening at some, and a roving supervisor in a third of the communities."""
    in_world = Q()
    for district in where.districts:
        in_world |= Q(area_path__startswith=district.path)
    points = list(
        DropOffPoint.objects.filter(in_world, kind=DropOffKind.SCHEDULED)
        .exclude(supervisor="")
        .order_by("area_path", "pk")
        .values_list(
            "pk", "area_id", "site_id", "area_path", "opening_hours", "supervisor", "supervisor_phone"
        )
    )
    rows: list[Supervisor] = []
    taken: dict[int, set[str]] = {}
    for _pk, area_id, _site, _path, _hours, name, _phone in points:
        taken.setdefault(area_id, set()).add(name)
    for point_id, area_id, site_id, area_path, hours, name, phone in points:
        hours = hours or "07:00-09:00, 18:00-20:00"
        on_duty = [(name, phone, hours)]
        if "," in hours and rng.random() < 0.3:
            morning, evening = (h.strip() for h in hours.split(",", 1))
            on_duty = [(name, phone, morning), (names.unique(taken[area_id]), names.phone(), evening)]
        for who, number, duty in on_duty:
            rows.append(
                Supervisor(
                    area_id=area_id,
                    site_id=site_id,
                    area_path=area_path,
                    point_id=point_id,
                    name=who,
                    phone=number,
                    duty_hours=duty,
                )
            )
    for community in where.communities:
        if rng.random() < 0.33:
            rows.append(
                Supervisor(
                    area_id=community.pk,
                    area_path=community.path,
                    name=names.unique(taken.setdefault(community.pk, set())),
                    phone=names.phone(),
                    duty_hours="07:00-09:00, 18:00-20:00",
                )
            )
    return rows


# --- kitchen-waste groups, four-party linkage, participation ---------------------------------------------


def _kitchen_groups(where: Places, rng: random.Random, names: PersonNames) -> list[KitchenWasteGroup]:
    rows = []
    for street in where.streets:
        parts = ("",) if rng.random() < 0.8 else ("东片", "西片")
        taken: set[str] = set()
        for part in parts:
            rows.append(
                KitchenWasteGroup(
                    area_id=street.pk,
                    area_path=street.path,
                    name=f"{short_name(street)}{part}餐厨垃圾收运组",
                    leader=names.unique(taken),
                    phone=names.phone(),
                    members="\n".join(names.unique(taken) for _i in range(rng.randint(3, 7))),
                )
            )
    return rows


def _four_party(where: Places, sites, directors, rng, names: PersonNames) -> list[FourPartyLinkage]:
    """Most estates' four-party linkage: the party organisation, the community (its 居委会主任), the
    owners' committee where there is one and the property company of a managed estate."""
    rows = []
    for site in sites:
        code = site.kind.code
        if code not in ("managed-estate", "open-estate") or rng.random() < 0.08:
            continue
        community = where.community(site)
        director = directors.get(community.pk)
        managed = code == "managed-estate"
        owners = rng.random() < (0.7 if managed else 0.2)
        row = FourPartyLinkage(
            area_id=community.pk,
            area_path=community.path,
            site=site,
            party_org=f"{site.name}党支部"
            if rng.random() < 0.5
            else f"{community.name}党委第{rng.randint(1, 6)}支部",
            party_contact=names.name(),
            party_phone=names.phone(),
            community_contact=director.name if director else names.name(),
            community_phone=director.phone if director else names.phone(),
        )
        if owners:
            row.owners_contact, row.owners_phone = names.name(), names.phone()
        if managed and site.property_company:
            row.property_company = site.property_company
            row.property_contact, row.property_phone = names.name(), names.phone()
        rows.append(row)
    return rows


def _quarter_ends(today: datetime.date, n: int) -> list[datetime.date]:
    """The last days of the `n` quarters before the current one, oldest first."""
    ends = []
    year, quarter = (
        today.year,
        (today.month - 1) // 3,
    )  # the quarter before the current one (0 = last year's Q4)
    for _i in range(n):
        if quarter == 0:
            year, quarter = year - 1, 4
        month = quarter * 3
        ends.append(datetime.date(year, month, 31 if month in (3, 12) else 30))
        quarter -= 1
    return ends[::-1]


def _participation(sites, rng: random.Random, today) -> list[Participation]:
    """Each residential site at the end of the last four quarters: 55–90 % of its households taking
    part at first, a point or three more each quarter."""
    rows = []
    ends = _quarter_ends(today, 4)
    for site in sites:
        if site.households <= 0:
            continue
        registered = max(1, round(site.households * rng.uniform(0.9, 1.0)))
        rate = rng.uniform(0.55, 0.9)
        for day in ends:
            rows.append(
                Participation(
                    area_id=site.community_id,
                    area_path=site.area_path,
                    site=site,
                    recorded_on=day,
                    registered_households=registered,
                    participating_households=min(registered, round(registered * rate)),
                )
            )
            rate = min(0.98, rate + rng.uniform(0.01, 0.03))
    return rows
