"""The rules of the people ledgers, as the models' validation states them."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from fenlei.core import services as core_services
from fenlei.people.models import (
    FourPartyLinkage,
    KitchenWasteGroup,
    LeadingGroupMember,
    Participation,
    ServiceRecord,
    Supervisor,
    Volunteer,
    validate_id_number,
)
from fenlei.people.tests.conftest import save


def errors_of(obj) -> dict:
    with pytest.raises(ValidationError) as exc:
        obj.full_clean()
    return exc.value.message_dict


def test_id_numbers_are_checked():
    validate_id_number("330102199001011234")
    validate_id_number("11010519491231002x")  # a lowercase check character is accepted
    for bad in ("330102199001011235", "33010219900101123", "3301021990010112345", "33010219900101123Y"):
        with pytest.raises(ValidationError):
            validate_id_number(bad)


def test_a_member_lives_where_the_group_does(world, group):
    member = save(LeadingGroupMember(group=group, name="吴二", post=3))
    assert (member.area, member.site, member.area_path) == (world.street_a, None, world.street_a.path)
    core_services.close(group, by=None)
    group.refresh_from_db()
    assert "group" in errors_of(LeadingGroupMember(group=group, name="郑三"))
    member.post = 2  # an existing member of a closed group may still be corrected
    member.full_clean()


def test_service_records_stay_within_the_volunteers_time(world, volunteer):
    def record(day, hours=2):
        return ServiceRecord(volunteer=volunteer, served_on=day, hours=hours, content="督导")

    assert record(datetime.date(2025, 7, 1)).full_clean() is None
    assert "served_on" in errors_of(record(datetime.date(2024, 2, 1)))  # before joining
    assert "served_on" in errors_of(record(datetime.date.today() + datetime.timedelta(days=1)))
    assert "hours" in errors_of(record(datetime.date(2025, 7, 1), hours="0.2"))
    assert "hours" in errors_of(record(datetime.date(2025, 7, 1), hours=25))
    core_services.close(volunteer, by=None, on=datetime.date(2025, 7, 31))
    volunteer.refresh_from_db()
    assert record(datetime.date(2025, 7, 30)).full_clean() is None  # late entry of past service
    assert "served_on" in errors_of(record(datetime.date(2025, 8, 2)))
    rec = record(datetime.date(2025, 7, 1))
    rec.full_clean()
    assert (rec.area, rec.site) == (world.community_a1, world.sites["a1_estate"])


def test_volunteers_are_unique_by_name_in_community_and_by_id(world, volunteer):
    assert "name" in errors_of(Volunteer(name="王芳", area=world.community_a1))
    save(Volunteer(name="王芳", area=world.community_a2))
    assert "id_number" in errors_of(
        Volunteer(name="李芳", area=world.community_a2, id_number=volunteer.id_number)
    )
    assert "area" in errors_of(Volunteer(name="陈芳", area=world.street_a))  # a community's ledger


def test_participation_rules(world):
    site = world.sites["a1_estate"]  # 200 households

    def record(registered, participating, **extra):
        return Participation(
            area=world.community_a1,
            site=site,
            recorded_on=extra.pop("on", datetime.date(2025, 6, 30)),
            registered_households=registered,
            participating_households=participating,
            **extra,
        )

    ok = save(record(160, 120))
    assert ok.rate == pytest.approx(75.0)
    assert "participating_households" in errors_of(record(100, 120, on=datetime.date(2025, 7, 1)))
    assert "registered_households" in errors_of(record(250, 120, on=datetime.date(2025, 7, 1)))
    assert "recorded_on" in errors_of(record(160, 130))  # one record per site and date
    assert "site" in errors_of(
        Participation(
            area=world.community_a1,
            recorded_on=datetime.date(2025, 7, 1),
            registered_households=1,
            participating_households=1,
        )
    )
    assert record(0, 0, on=datetime.date(2025, 7, 2)).rate is None


def test_four_party_linkage_one_open_per_site(world):
    site = world.sites["a1_estate"]
    first = save(FourPartyLinkage(area=world.community_a1, site=site, party_contact="钱六"))
    assert "site" in errors_of(FourPartyLinkage(area=world.community_a1, site=site, owners_contact="孙"))
    assert "__all__" in errors_of(FourPartyLinkage(area=world.community_a1, site=world.sites["a1_school"]))
    core_services.close(first, by=None)
    save(FourPartyLinkage(area=world.community_a1, site=site, owners_contact="孙"))


def test_supervisors_are_at_points_of_their_area(world):
    from fenlei.facilities.models import DropOffPoint

    point = save(DropOffPoint(name="东门点", area=world.community_a1, site=world.sites["a1_estate"]))
    sup = save(Supervisor(name="李四", area=world.community_a1, point=point, duty_hours="07:00-09:00"))
    assert sup.site == world.sites["a1_estate"]  # taken from the point
    assert "point" in errors_of(Supervisor(name="李五", area=world.community_a2, point=point))
    assert "name" in errors_of(Supervisor(name="李四", area=world.community_a1, point=point))
    save(Supervisor(name="李四", area=world.community_a1))  # the same person, roving


def test_kitchen_waste_groups_stand_at_streets(world):
    group = save(
        KitchenWasteGroup(name="收运一组", area=world.street_a, leader="孙七", members="甲, 乙、丙\n丁")
    )
    assert group.members == "甲\n乙\n丙\n丁" and group.member_names == ["甲", "乙", "丙", "丁"]
    assert "area" in errors_of(KitchenWasteGroup(name="收运二组", area=world.community_a1, leader="孙"))
