"""Unit records in the fixture world: 甲一小学 (a school under 区教育局) and a restaurant, 甲一食堂,
added to 甲一社区 for these tests, collected by 绿洁环卫 (hal's haulier)."""

import datetime

import pytest

from fenlei.org import services as org
from fenlei.org.models import Site, SiteKind
from fenlei.units.models import InstitutionRecord, RestaurantRecord

TODAY = datetime.date(2026, 6, 15)


def save(obj):
    obj.full_clean()
    obj.save()
    return obj


@pytest.fixture
def restaurant_site(world):
    return org.site_create(
        site=Site(
            name="甲一食堂", kind=SiteKind.objects.get(code="restaurant"), community=world.community_a1
        ),
        by=None,
    )


@pytest.fixture
def school(world):
    return save(
        InstitutionRecord(
            area=world.community_a1,
            site=world.sites["a1_school"],
            sorting_status="compliant",
            staff=86,
            sorting_lead="周校长",
            sorting_lead_post="副校长",
        )
    )


@pytest.fixture
def restaurant(world, restaurant_site):
    return save(
        RestaurantRecord(
            area=world.community_a1,
            site=restaurant_site,
            seats=120,
            hauler=world.hauler,
            contract_number="HT-2026-001",
            contract_start=datetime.date(2026, 1, 1),
            contract_end=datetime.date(2026, 12, 31),
            commitment_signed=True,
            commitment_signed_on=datetime.date(2026, 1, 5),
            commitment_expires=datetime.date(2027, 1, 4),
        )
    )
