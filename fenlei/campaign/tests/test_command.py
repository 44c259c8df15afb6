"""`fenlei campaign daily|create|refresh|snapshot|backfill` under frozen time (Monday 2026-08-03):
the same services as the pages, audited as the command line, bad arguments refused by name."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from fenlei.campaign.models import Campaign, CoverageDay, Snapshot, Unit
from fenlei.campaign.tests.conftest import activity, group
from fenlei.core.models import AuditEntry
from fenlei.org.models import Area

D = datetime.date

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    with translation.override("en"):
        call_command("campaign", *args, stdout=out)
    return out.getvalue()


def refused(*args) -> str:
    with pytest.raises(CommandError) as caught, translation.override("en"):
        call_command("campaign", *args, stdout=io.StringIO())
    return str(caught.value)


def entries(model: str):
    return AuditEntry.objects.filter(content_type__model=model).order_by("pk")


def test_daily_judges_keeps_the_day_and_takes_the_half_year_snapshot_once(world, campaign):
    alice = world.users["alice"]
    group(world.community_a1, alice)
    text = run("daily")
    assert text.strip() == (
        "2026-08-03: 1 campaigns running, 6 units judged, 1 snapshots taken, 0 re-check reminders sent."
    )
    assert Unit.objects.filter(campaign=campaign, evaluated_at__isnull=True).count() == 0
    assert CoverageDay.objects.filter(campaign=campaign, area=world.district, day=D(2026, 8, 3)).exists()
    snap = Snapshot.objects.get(campaign=campaign)
    assert snap.on == D(2026, 6, 30) and snap.taken_by is None
    assert entries("snapshot").get().face == "system"  # the scheduler's job, not a person's
    # again the same day: nothing more to take
    assert "0 snapshots taken" in run("daily")
    assert Snapshot.objects.filter(campaign=campaign).count() == 1


def test_daily_for_a_day_outside_every_campaign_does_nothing(world, campaign):
    assert run("daily", "--on", "2025-06-01").strip() == (
        "2025-06-01: 0 campaigns running, 0 units judged, 0 snapshots taken, 0 re-check reminders sent."
    )
    assert "“tomorrow” is not a date" in refused("daily", "--on", "tomorrow")
    assert refused("daily", "--on", "tomorrow").startswith("--on:")


def test_create_by_code_or_id_audited_as_the_command_line(world, now):
    Area.objects.filter(pk=world.district.pk).update(code="330199")
    text = run("create", "--area", "330199", "--year", "2027", "--by", "alice")
    c = Campaign.objects.get(year=2027)
    assert f"Created campaign {c.pk} “2027 full-coverage campaign for household waste sorting”" in text
    assert "2027-01-01 to 2027-11-30, coverage deadline 2027-09-30." in text
    entry = entries("campaign").get(object_id=str(c.pk))
    assert (entry.action, entry.face, entry.user.username) == ("create", "cli", "alice")
    assert c.requirements.count() > 0 and Unit.objects.filter(campaign=c).count() == 6
    text = run("create", "--area", str(world.district.pk), "--year", "2028", "--name", "2028年攻坚")
    assert "“2028年攻坚”" in text
    assert entries("campaign").get(object_id=str(Campaign.objects.get(year=2028).pk)).user is None


def test_create_refuses_bad_arguments_by_name(world, campaign):
    assert refused("create", "--area", "9999999", "--year", "2027") == (
        "--area: no area has the code or id “9999999”."
    )
    assert "A campaign belongs to a district" in refused(
        "create", "--area", str(world.street_a.pk), "--year", "2027"
    )
    assert refused("create", "--area", str(world.district.pk), "--year", "2026") == (
        "--year: 东湖区 already has a campaign for 2026."
    )
    assert refused("create", "--area", str(world.district.pk), "--year", "2027", "--by", "nobody") == (
        "--by: there is no active user “nobody”."
    )
    assert "year" in refused("create", "--area", str(world.district.pk), "--year", "1999")
    assert Campaign.objects.count() == 1


def test_refresh_one_or_every_running_campaign(world, campaign):
    alice = world.users["alice"]
    group(world.community_a1, alice)
    activity(world.community_a1, alice, on=D(2026, 7, 20))
    assert run("refresh", "--campaign", str(campaign.pk)).strip() == (f"Judged 6 units of “{campaign.name}”.")
    unit = Unit.objects.get(campaign=campaign, area=world.community_a1)
    assert unit.evaluated_at is not None and not unit.dirty and unit.met == 2
    assert run("refresh").strip() == f"Judged 6 units of “{campaign.name}”."
    Campaign.objects.filter(pk=campaign.pk).update(ends_on=D(2026, 7, 31))
    assert run("refresh").strip() == "No campaign is running today: nothing judged."
    assert refused("refresh", "--campaign", "abc") == "--campaign: there is no campaign with the id “abc”."
    assert refused("refresh", "--campaign", "999") == "--campaign: there is no campaign with the id “999”."


def test_snapshot_of_a_past_day_once(world, campaign):
    alice = world.users["alice"]
    group(world.community_a1, alice, on=D(2026, 3, 1))
    text = run(
        "snapshot",
        "--campaign",
        str(campaign.pk),
        "--on",
        "2026-06-30",
        "--name",
        "半年度考核",
        "--by",
        "alice",
    )
    snap = Snapshot.objects.get(campaign=campaign)
    assert text.strip() == f"Took snapshot {snap.pk} “半年度考核” of 2026-06-30: 0 of 4 communities covered."
    assert snap.items.filter(area=world.community_a1, requirement__code="group", met=True).exists()
    entry = entries("snapshot").get()
    assert (entry.face, entry.user.username) == ("cli", "alice")
    assert "already a snapshot of 2026-06-30" in refused(
        "snapshot", "--campaign", str(campaign.pk), "--on", "2026-06-30", "--name", "again"
    )
    assert "day still to come" in refused(
        "snapshot", "--campaign", str(campaign.pk), "--on", "2026-08-04", "--name", "明天"
    )
    assert refused("snapshot", "--campaign", str(campaign.pk), "--on", "30/06", "--name", "x") == (
        "--on: “30/06” is not a date (YYYY-MM-DD)."
    )
    assert refused("snapshot", "--campaign", str(campaign.pk), "--on", "2026-07-01", "--name", " ") == (
        "--name: give the snapshot a name."
    )
    assert Snapshot.objects.count() == 1


def test_backfill_keeps_the_days_not_yet_kept(world, campaign):
    alice = world.users["alice"]
    group(world.community_a1, alice, on=D(2026, 7, 15))
    activity(world.community_a1, alice, on=D(2026, 7, 20))
    run("refresh", "--campaign", str(campaign.pk))
    text = run("backfill", "--campaign", str(campaign.pk), "--from", "2026-07-06", "--every", "7")
    assert text.strip() == (
        f"Kept the coverage of 5 more days of “{campaign.name}” (2026-07-06 to 2026-08-03, every 7 days)."
    )
    days = list(
        CoverageDay.objects.filter(campaign=campaign, area=world.district)
        .order_by("day")
        .values_list("day", flat=True)
    )
    assert days == [D(2026, 7, 6), D(2026, 7, 13), D(2026, 7, 20), D(2026, 7, 27), D(2026, 8, 3)]
    assert "Kept the coverage of 2 more days" in run(
        "backfill", "--campaign", str(campaign.pk), "--from", "2026-07-06", "--to", "2026-07-08"
    )


def test_backfill_refuses_bad_arguments_by_name(world, campaign):
    pk = str(campaign.pk)
    assert refused("backfill", "--campaign", pk, "--from", "2026-07-06", "--every", "0") == (
        "--every: give a whole number of days, 1 or more."
    )
    assert refused("backfill", "--campaign", pk, "--from", "2026-07-06", "--to", "2026-08-04").startswith(
        "--to: 2026-08-04 is still to come"
    )
    assert refused("backfill", "--campaign", pk, "--from", "2026-07-10", "--to", "2026-07-06") == (
        "--from: 2026-07-10 comes after the last day 2026-07-06."
    )
    assert refused("backfill", "--campaign", pk, "--from", "2025-12-31") == (
        "--from: 2025-12-31 is before the campaign starts (2026-01-01)."
    )
    assert (
        refused("backfill", "--campaign", pk, "--from", "July")
        == "--from: “July” is not a date (YYYY-MM-DD)."
    )
    assert refused("backfill", "--campaign", "0", "--from", "2026-07-06").startswith("--campaign:")
    assert not CoverageDay.objects.exists()
