"""Publicity activities at every level of the fixture world, with counts whose sums the tests work out
by hand."""

import datetime

import pytest

from fenlei.publicity.tests.helpers import make_activity


@pytest.fixture
def activities(world):
    """Five activities (date, place: events / materials / messages / participants):

    a1       2025-03-05  甲一社区 · 甲一花园   2 /   500 /      0 /  120
    a1_post  2025-04-10  甲一社区              1 /     0 /  3,000 /    0
    street   2025-04-20  甲街道                3 / 1,200 /      0 /  800
    b1       2025-03-15  乙一社区              1 /    50 /      0 /   30
    district 2025-05-01  东湖区                4 /     0 / 10,000 / 2,000
    """
    return {
        "a1": make_activity(
            world,
            world.community_a1,
            site=world.sites["a1_estate"],
            organiser="甲一社区居委会",
            events=2,
            materials=500,
            participants=120,
            reached_units="甲一花园 3 个楼栋",
        ),
        "a1_post": make_activity(
            world,
            world.community_a1,
            date=datetime.date(2025, 4, 10),
            organiser="甲一社区居委会",
            kind="wechat",
            target="households",
            messages=3000,
            participants=0,
        ),
        "street": make_activity(
            world,
            world.street_a,
            date=datetime.date(2025, 4, 20),
            organiser="甲街道办事处",
            kind="themed",
            target="schools",
            events=3,
            materials=1200,
            participants=800,
            reached_units="3 所学校",
        ),
        "b1": make_activity(
            world,
            world.community_b1,
            date=datetime.date(2025, 3, 15),
            organiser="乙一社区居委会",
            kind="forum",
            target="offices",
            materials=50,
            participants=30,
        ),
        "district": make_activity(
            world,
            world.district,
            date=datetime.date(2025, 5, 1),
            organiser="区分类办",
            kind="film",
            target="public_places",
            events=4,
            messages=10000,
            participants=2000,
        ),
    }
