"""Campaign fixtures on top of the fixture world: a campaign of 东湖区 for 2026 under frozen time, and
helpers that add the ledger rows a community needs to be covered."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from fenlei.campaign import services
from fenlei.campaign.choices import Level, Method
from fenlei.campaign.services import RequirementSpec
from fenlei.core.services import create
from fenlei.facilities.models import Container, DropOffPoint
from fenlei.people.models import LeadingGroup, Supervisor
from fenlei.publicity.models import Activity
from fenlei.taxonomy.models import Category
from fenlei.taxonomy.naming import streams

#: Frozen "now" of these tests: Monday 2026-08-03 09:00, in the implementation phase.
NOW = datetime.datetime(2026, 8, 3, 9, 0)


@pytest.fixture
def now(time_machine):
    moment = timezone.make_aware(NOW)
    time_machine.move_to(moment, tick=False)
    return moment


@pytest.fixture
def campaign(world, now):
    return services.create_campaign(area=world.district, year=2026, by=world.users["alice"])


def group(area, by, *, on=datetime.date(2026, 3, 1), name="垃圾分类工作领导小组"):
    return create(LeadingGroup(area=area, name=name, established_on=on), by=by)


def containers(area, by, *, site=None, on=datetime.date(2026, 3, 1)):
    """Containers of every stream's category at `area` (or `site`)."""
    out = []
    for stream in streams():
        category = Category.objects.get(code=stream.category)
        out.append(
            create(
                Container(area=area, site=site, category=category, volume_l=240, count=2, in_use_since=on),
                by=by,
            )
        )
    return out


def point(area, by, *, name="1号投放点", on=datetime.date(2026, 3, 1)):
    return create(DropOffPoint(area=area, name=name, in_use_since=on), by=by)


def supervisor(pt, by, *, name="王督导"):
    return create(Supervisor(area=pt.area, point=pt, name=name, phone="13800000000"), by=by)


def activity(area, by, *, on):
    return create(
        Activity(area=area, date=on, kind="door_to_door", target="communities", organiser="社区居委会"), by=by
    )


def two_rule_campaign(world, *, publicity_due=(9, 30), demo=True, street_demo=False):
    """A campaign of 东湖区 whose coverage is a leading group and a publicity activity in the last 30
    days (the group due 9/30); the demonstration sites (of communities, and of streets if asked) are
    checked but do not count."""
    reqs = [
        RequirementSpec("group", "领导小组", Level.COMMUNITY, Method.RULE, "leading_group", (9, 30), "书记"),
        RequirementSpec(
            "publicity",
            "宣传",
            Level.COMMUNITY,
            Method.RULE,
            "publicity",
            publicity_due,
            "宣传委员",
            params={"days": 30},
        ),
    ]
    if demo:
        reqs.append(
            RequirementSpec(
                "demo",
                "示范点",
                Level.COMMUNITY,
                Method.RULE,
                "demo_sites",
                (6, 30),
                "书记",
                in_coverage=False,
            )
        )
    if street_demo:
        reqs.append(
            RequirementSpec(
                "street-demo",
                "示范点",
                Level.STREET,
                Method.RULE,
                "demo_sites",
                (6, 30),
                "主任",
                in_coverage=False,
            )
        )
    return services.create_campaign(
        area=world.district, year=2026, by=world.users["alice"], requirements=reqs
    )
