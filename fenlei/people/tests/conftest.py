"""Rows of the people ledgers in the fixture world, for the tests of this app."""

import datetime

import pytest

from fenlei.people.models import LeadingGroup, LeadingGroupMember, ServiceRecord, Volunteer

PHONE = "13812341234"
PHONE_MASKED = "138****1234"
ID_NUMBER = "330102199001011234"
ID_MASKED = "3301**********1234"


def save(obj):
    obj.full_clean()
    obj.save()
    return obj


@pytest.fixture
def volunteer(world):
    """王芳, a building head at 甲一花园 (甲一社区), with two service records (2 h and 1.5 h)."""
    v = save(
        Volunteer(
            name="王芳",
            kind="building_head",
            area=world.community_a1,
            site=world.sites["a1_estate"],
            phone=PHONE,
            id_number=ID_NUMBER,
            building="3幢",
            joined_on=datetime.date(2024, 3, 1),
        )
    )
    save(ServiceRecord(volunteer=v, served_on=datetime.date(2025, 6, 1), hours=2, content="桶边督导"))
    save(ServiceRecord(volunteer=v, served_on=datetime.date(2025, 6, 8), hours="1.5", content="入户宣传"))
    return v


@pytest.fixture
def group(world):
    """甲街道's leading group with its leader."""
    g = save(
        LeadingGroup(
            name="甲街道垃圾分类工作领导小组", area=world.street_a, plan_document="甲街发〔2025〕1号"
        )
    )
    save(LeadingGroupMember(group=g, name="周一", post=1, job_title="街道党工委书记", phone="13500001111"))
    return g
