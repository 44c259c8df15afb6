"""The unit records' rules: which sites they are for, one open record per site, the commitment and
contract dates, and where a commitment stands on a day (worked by hand)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import translation

from fenlei.core.roles import Action
from fenlei.core.scoping import for_user
from fenlei.units.models import InstitutionRecord, RestaurantRecord, expiry_q
from fenlei.units.tests.conftest import save


def errors(obj) -> dict:
    with translation.override("en"):
        with pytest.raises(ValidationError) as exc:
            obj.full_clean()
        return {k: [str(m) for m in v] for k, v in exc.value.message_dict.items()}


def test_size_follows_the_seats_when_not_given(restaurant):
    assert restaurant.size == "medium"  # 120 seats: 76–250
    seats = (None, 75, 76, 250, 251, 1000, 1001)
    sizes = ["", "small", "medium", "medium", "large", "large", "extra_large"]
    assert [RestaurantRecord.size_for_seats(n) for n in seats] == sizes


def test_a_typed_size_is_kept(world, restaurant):
    restaurant.size = "large"
    save(restaurant)
    restaurant.refresh_from_db()
    assert restaurant.size == "large"


def test_only_sites_of_the_ledgers_kind(world):
    record = InstitutionRecord(area=world.community_a1, site=world.sites["a1_estate"], sorting_lead="某")
    assert "is a" in errors(record)["site"][0]
    record = RestaurantRecord(area=world.community_a1, site=world.sites["a1_school"])
    assert "not a site this ledger keeps" in errors(record)["site"][0]


def test_one_open_record_per_site(world, school):
    again = InstitutionRecord(area=world.community_a1, site=world.sites["a1_school"], sorting_lead="另一人")
    assert "already has an open record" in errors(again)["site"][0]
    from fenlei.core import services

    services.close(school, by=None)
    save(again)  # once the first is closed, a new record may be opened


def test_the_record_lives_in_its_sites_community(world):
    record = save(
        InstitutionRecord(area=world.community_b1, site=world.sites["a1_school"], sorting_lead="某")
    )
    assert record.area == world.community_a1


def test_commitment_dates(world, restaurant):
    restaurant.commitment_signed_on = None
    assert "commitment_signed_on" in errors(restaurant)
    restaurant.commitment_signed_on = datetime.date(2026, 1, 5)
    restaurant.commitment_expires = datetime.date(2026, 1, 5)
    assert errors(restaurant)["commitment_expires"] == ["The commitment expires before it was signed."]
    restaurant.commitment_signed = False
    restaurant.commitment_expires = None
    assert "commitment_signed" in errors(restaurant)
    restaurant.commitment_signed_on = None
    save(restaurant)


def test_contract_needs_a_haulier_and_ends_after_it_starts(world, restaurant):
    restaurant.contract_end = datetime.date(2025, 12, 31)
    assert errors(restaurant)["contract_end"] == ["The contract ends before it starts."]
    restaurant.contract_end = None
    restaurant.hauler = None
    assert errors(restaurant)["hauler"] == ["Name the haulier the contract is with."]


@pytest.mark.parametrize(
    "on,state",
    [
        (datetime.date(2026, 6, 15), "valid"),
        (datetime.date(2026, 12, 4), "valid"),  # 31 days before it ends: not yet in the window
        (datetime.date(2026, 12, 5), "expiring"),  # 30 days before
        (datetime.date(2027, 1, 4), "expiring"),  # its last day
        (datetime.date(2027, 1, 5), "expired"),
    ],
)
def test_commitment_state_on_a_day(world, restaurant, settings, on, state):
    settings.FENLEI_EXPIRY_WARN_DAYS = 30  # the commitment runs to 2027-01-04
    assert restaurant.commitment_state(on) == state
    # the filter the lists and totals use puts the record in the same state, and in no other
    signed = Q(commitment_signed=True)
    found = [
        s
        for s in ("valid", "expiring", "expired", "missing")
        if RestaurantRecord.objects.filter(
            expiry_q("commitment_expires", s, on, present=signed), pk=restaurant.pk
        ).exists()
    ]
    assert found == [state]


def test_unsigned_commitment_is_missing(world, restaurant_site):
    record = save(RestaurantRecord(area=world.community_a1, site=restaurant_site))
    assert record.commitment_state() == "missing"
    assert record.contract_state() == "missing"


def test_an_authority_and_a_haulier_reach_their_records(world, school, restaurant):
    ada, hal = world.users["ada"], world.users["hal"]
    assert list(for_user(ada, Action.VIEW, InstitutionRecord)) == [school]
    assert list(for_user(ada, Action.CHANGE, InstitutionRecord)) == [school]
    assert not for_user(ada, Action.VIEW, RestaurantRecord).exists()
    assert list(for_user(hal, Action.VIEW, RestaurantRecord)) == [restaurant]
    assert not for_user(hal, Action.CHANGE, RestaurantRecord).exists()
    # the authority follows the site: a school moved to another authority leaves ada's scope
    site = school.site
    site.authority = world.health
    site.save()
    assert not for_user(ada, Action.VIEW, InstitutionRecord).exists()
