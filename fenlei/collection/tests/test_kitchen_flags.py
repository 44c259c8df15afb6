"""The flags of the kitchen-waste chain, on hand-worked cases: KITCHEN_GAP (a signed commitment and
no pick-up for FENLEI_KITCHEN_GAP_DAYS = 3 days) and NO_CONTRACT (a haulier without a contract, or
outside its dates). "Today" is 2026-06-15; the detectors look at 2026-06-01 … 2026-06-14."""

import datetime

import pytest

from fenlei.collection import detect
from fenlei.collection.choices import AlarmKind, EntryFace
from fenlei.collection.models import Alarm
from fenlei.collection.tests.conftest import row
from fenlei.collection.tests.kitchen_world import at, restaurant_record, second_restaurant, send
from fenlei.core.roles import Action
from fenlei.core.scoping import for_user

FIRST, LAST = datetime.date(2026, 6, 1), datetime.date(2026, 6, 14)


def june(day: int) -> datetime.date:
    return datetime.date(2026, 6, day)


def may(day: int) -> datetime.date:
    return datetime.date(2026, 5, day)


def pickups(fleet, site, days, *, vehicle="浙A10001", prefix="p"):
    """Food-stream pick-ups at `site` on `days` by the vehicle's haulier (entered by the office)."""
    rows = [
        row(site, "wet", 30, when=at(d), vehicle=vehicle, client_id=f"{prefix}{site.pk}-{d.isoformat()}")
        for d in days
    ]
    result = send(fleet, rows, device=False, by=None, face=EntryFace.API)
    assert result.accepted == len(rows), result.rejected


def recording_since(fleet, world, day):
    """Something recorded on `day` (at an estate): the district's records start there."""
    send(
        fleet,
        [row(world.sites["a1_estate"], "dry", 100, when=at(day), client_id=f"start-{day}")],
        device=False,
        face=EntryFace.API,
    )


def gaps(first=FIRST, last=LAST):
    detect.run(first, last, kinds=[AlarmKind.KITCHEN_GAP])
    return {a.site_id: a for a in Alarm.objects.filter(kind=AlarmKind.KITCHEN_GAP)}


# --- KITCHEN_GAP ------------------------------------------------------------------------------------


def test_a_restaurant_without_pickups_for_n_days_is_flagged_and_one_with_pickups_is_not(world, fleet):
    quiet = world.sites["a2_restaurant"]
    busy = second_restaurant(world, "甲一食堂")
    restaurant_record(world, quiet)
    restaurant_record(world, busy)
    # quiet: every day from 31 May to 10 June, then nothing: 11, 12, 13, 14 June = 4 days ≥ 3
    pickups(fleet, quiet, [may(31)] + [june(d) for d in range(1, 11)])
    # busy: every other day: never more than one day without a pick-up
    pickups(fleet, busy, [may(30)] + [june(d) for d in range(1, 15, 2)])
    found = gaps()
    assert set(found) == {quiet.pk}
    alarm = found[quiet.pk]
    assert (alarm.first_day, alarm.last_day) == (june(11), june(14))
    assert alarm.evidence["last_pickup"] == "2026-06-10"
    assert alarm.evidence["days_since"] == 4 and alarm.evidence["days_without"] == 4
    assert alarm.evidence["gap_days"] == 3
    assert alarm.hauler_id == world.hauler.pk
    # routed to the restaurant's community, and so to its street
    assert (alarm.area_id, alarm.area_path) == (world.community_a2.pk, world.community_a2.path)
    assert "甲二饭店" in alarm.summary


def test_the_gap_threshold_counts_days_without_a_pickup(world, fleet):
    three = world.sites["a2_restaurant"]
    two = second_restaurant(world, "甲一食堂")
    restaurant_record(world, three)
    restaurant_record(world, two)
    pickups(fleet, three, [june(1), june(11)])  # 2…10 (9 days) and 12, 13, 14 (3 days) without
    pickups(
        fleet, two, [june(1), june(2), june(3), june(5), june(8), june(10), june(12)]
    )  # at most 2 without
    found = Alarm.objects.filter(kind=AlarmKind.KITCHEN_GAP)
    detect.run(FIRST, LAST, kinds=[AlarmKind.KITCHEN_GAP])
    assert sorted((a.site_id, a.first_day, a.last_day) for a in found) == [
        (three.pk, june(2), june(10)),
        (three.pk, june(12), june(14)),
    ]


def test_only_signed_commitments_in_force_are_watched(world, fleet):
    unsigned = world.sites["a2_restaurant"]
    expired = second_restaurant(world, "甲一食堂")
    never = second_restaurant(world, "甲一面馆")
    restaurant_record(
        world, unsigned, commitment_signed=False, commitment_signed_on=None, commitment_expires=None
    )
    restaurant_record(
        world,
        expired,
        commitment_signed_on=datetime.date(2025, 3, 1),
        commitment_expires=datetime.date(2026, 3, 1),
    )
    # signed on 5 June, no pick-up since: 5 … 14 June
    restaurant_record(world, never, commitment_signed_on=june(5))
    recording_since(fleet, world, may(1))
    found = gaps()
    assert set(found) == {never.pk}
    alarm = found[never.pk]
    assert (alarm.first_day, alarm.last_day) == (june(5), june(14))
    assert alarm.evidence["last_pickup"] is None and alarm.evidence["days_without"] == 10


def test_no_gap_before_anything_was_recorded(world, fleet):
    """Going live: the district records from 1 June. A restaurant whose commitment dates from
    January and whose pick-ups are recorded from 3 June has missed 1 and 2 June only (2 < 3 days),
    not January to June."""
    site = world.sites["a2_restaurant"]
    restaurant_record(world, site)
    recording_since(fleet, world, june(1))
    pickups(fleet, site, [june(d) for d in range(3, 15)])
    assert gaps() == {}
    # before recording began there is nothing to miss
    assert gaps(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)) == {}


def test_gap_detection_is_idempotent_day_after_day(world, fleet):
    site = world.sites["a2_restaurant"]
    restaurant_record(world, site)
    recording_since(fleet, world, may(20))
    pickups(fleet, site, [june(10)])
    # 20 May (when recording began) … 9 June, and 11 … 14 June
    assert detect.run(june(1), june(14), kinds=[AlarmKind.KITCHEN_GAP]) == {AlarmKind.KITCHEN_GAP: 2}
    # the same window again, then the next day's run: the continuing gap is the same alarm
    assert detect.run(june(1), june(14), kinds=[AlarmKind.KITCHEN_GAP]) == {AlarmKind.KITCHEN_GAP: 0}
    assert detect.run(june(15), june(15), kinds=[AlarmKind.KITCHEN_GAP]) == {AlarmKind.KITCHEN_GAP: 0}
    # a pick-up ends the gap; three more days without one are a new gap
    pickups(fleet, site, [june(15)], prefix="q")
    assert detect.run(june(18), june(18), kinds=[AlarmKind.KITCHEN_GAP]) == {AlarmKind.KITCHEN_GAP: 1}
    assert Alarm.objects.filter(kind=AlarmKind.KITCHEN_GAP).latest("pk").first_day == june(16)


def test_a_pickup_by_any_haulier_ends_a_gap(world, fleet):
    site = world.sites["a2_restaurant"]
    restaurant_record(world, site)
    pickups(fleet, site, [june(d) for d in range(1, 15, 2)])
    pickups(fleet, site, [june(14)], vehicle="浙B20001")
    assert gaps() == {}


def test_gap_flags_reach_the_street_and_the_haulier_not_the_outsider(world, fleet):
    site = world.sites["a2_restaurant"]
    restaurant_record(world, site)
    recording_since(fleet, world, may(1))
    gaps()
    alarm = Alarm.objects.get(kind=AlarmKind.KITCHEN_GAP)
    visible = {
        name
        for name in ("alice", "sam", "hal", "olly", "cora", "mia")
        if for_user(world.users[name], Action.VIEW, Alarm).filter(pk=alarm.pk).exists()
    }
    assert visible == {"alice", "sam", "hal"}


# --- NO_CONTRACT ------------------------------------------------------------------------------------


def contracts():
    detect.run(FIRST, LAST, kinds=[AlarmKind.NO_CONTRACT])
    return list(Alarm.objects.filter(kind=AlarmKind.NO_CONTRACT).order_by("site_id", "hauler_id"))


def test_a_foreign_haulier_collecting_is_flagged_the_contracted_one_is_not(world, fleet):
    site = world.sites["a2_restaurant"]
    restaurant_record(world, site)  # 绿洁环卫, contract LJ-2026-017, 2026-01-01 … 2026-12-31
    pickups(fleet, site, [june(d) for d in range(1, 12)])  # 绿洁环卫 (浙A10001)
    pickups(fleet, site, [june(12), june(13)], vehicle="浙B20001", prefix="f")  # 清源运输
    (alarm,) = contracts()
    assert (alarm.site_id, alarm.hauler_id) == (site.pk, world.other_hauler.pk)
    assert (alarm.first_day, alarm.last_day) == (june(12), june(13))
    assert alarm.area_path == world.community_a2.path
    ev = alarm.evidence
    assert ev["reason"] == "other_hauler"
    assert (ev["hauler"], ev["contract_hauler"]) == ("清源运输", "绿洁环卫")
    assert (ev["contract_number"], ev["contract_start"], ev["contract_end"]) == (
        "LJ-2026-017",
        "2026-01-01",
        "2026-12-31",
    )
    assert ev["days"] == ["2026-06-12", "2026-06-13"] and ev["pickups"] == 2
    assert "清源运输" in alarm.summary and "绿洁环卫" in alarm.summary
    # idempotent: one per restaurant, haulier and month
    assert detect.run(FIRST, LAST, kinds=[AlarmKind.NO_CONTRACT]) == {AlarmKind.NO_CONTRACT: 0}


def test_the_contracted_haulier_outside_the_contracts_dates_is_flagged(world, fleet):
    site = world.sites["a2_restaurant"]
    restaurant_record(world, site, contract_start=june(10), contract_end=datetime.date(2027, 6, 9))
    pickups(fleet, site, [june(8), june(9), june(10), june(11)])
    (alarm,) = contracts()
    assert alarm.hauler_id == world.hauler.pk
    assert alarm.evidence["reason"] == "outside_dates"
    assert alarm.evidence["days"] == ["2026-06-08", "2026-06-09"]


def test_a_closed_ledger_record_covers_its_own_time_only(world, fleet):
    """The restaurant changed haulier on 10 June: 清源 before (closed record), 绿洁 after."""
    from fenlei.core import services as core

    site = world.sites["a2_restaurant"]
    old = restaurant_record(world, site, hauler=world.other_hauler, contract_number="QY-1", contract_end=None)
    core.close(old, by=None, on=june(10))
    restaurant_record(world, site, contract_start=june(10))
    pickups(fleet, site, [june(8), june(9)], vehicle="浙B20001", prefix="f")  # 清源 under its contract
    pickups(fleet, site, [june(10), june(11)])  # 绿洁 under the new one
    pickups(fleet, site, [june(12)], vehicle="浙B20001", prefix="g")  # 清源 after its record closed
    (alarm,) = contracts()
    assert (alarm.hauler_id, alarm.evidence["reason"], alarm.evidence["days"]) == (
        world.other_hauler.pk,
        "outside_dates",
        ["2026-06-12"],
    )


def test_no_contract_at_all_and_no_haulier_are_flagged(world, fleet):
    unlisted = second_restaurant(world, "甲一面馆")  # a restaurant not in the ledger
    listed = world.sites["a2_restaurant"]
    restaurant_record(world, listed)
    pickups(fleet, unlisted, [june(3)])
    send(fleet, [row(listed, "wet", 25, when=at(june(4)))], device=False, by=world.sam, face=EntryFace.FORM)
    found = {a.site_id: a for a in contracts()}
    assert found[unlisted.pk].evidence["reason"] == "no_contract"
    assert found[unlisted.pk].hauler_id == world.hauler.pk
    assert found[listed.pk].evidence["reason"] == "no_hauler"
    assert found[listed.pk].hauler_id is None


def test_other_streams_and_other_sites_are_not_contract_matters(world, fleet):
    site = world.sites["a2_restaurant"]
    restaurant_record(world, site)
    send(
        fleet,
        [
            row(site, "dry", 20, when=at(june(5)), vehicle="浙A10002", client_id="d1"),
            row(world.sites["a1_estate"], "wet", 200, when=at(june(5)), vehicle="浙B20001", client_id="d2"),
        ],
        device=False,
        face=EntryFace.API,
    )
    assert contracts() == []


@pytest.mark.parametrize("kind", [AlarmKind.KITCHEN_GAP, AlarmKind.NO_CONTRACT])
def test_the_detectors_are_registered(kind):
    detect._load()
    assert kind in detect.DETECTORS
