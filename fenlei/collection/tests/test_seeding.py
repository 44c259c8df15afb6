"""The demo seeder's collection year: plausible figures, the planted cases, totals equal to a
rebuild, the same data for the same seed and day."""

import datetime
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Count, Max, Min, Sum
from django.utils import timezone

from fenlei.collection import rollups, seeding
from fenlei.collection.choices import MIXED, AlarmKind, EntryFace, Frequency, Grade, RuleKind
from fenlei.collection.models import (
    Alarm,
    Baseline,
    Device,
    ExpectedReport,
    Record,
    SiteDay,
    Submission,
    Trip,
    ValidationRule,
)
from fenlei.collection.streams import food_code, residual_code
from fenlei.core.audit import using_face
from fenlei.core.models import AuditAction, AuditEntry, Face
from fenlei.org.models import Area, Hauler, Site
from fenlei.org.seeding import seed_world
from fenlei.units.models import RestaurantRecord

#: Seeding "now": the year ends on 2026-06-14.
NOW = datetime.datetime(2026, 6, 15, 9, 30)


@pytest.fixture
def today(time_machine):
    time_machine.move_to(timezone.make_aware(NOW), tick=False)
    return timezone.localdate()


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def ago(today, days):
    return today - datetime.timedelta(days=days)


def kg(qs) -> Decimal:
    return qs.aggregate(s=Sum("weight_kg"))["s"] or Decimal(0)


@pytest.mark.django_db
def test_a_plausible_year_with_every_planted_case(today, settings):
    settings.FENLEI_SEED_COLLECTION_DAYS = 365  # the demo's year (other tests seed fewer days)
    with using_face(Face.CLI):
        seed_world(scale="tiny")
    wet, dry = food_code(), residual_code()
    records = Record.objects.all()
    first, last = records.aggregate(a=Min("day"), b=Max("day")).values()
    assert (first, last) == (ago(today, 365), ago(today, 1))

    # Every residential site is collected wet and dry nearly every day; about 1 kg per person a day,
    # the wet stream about a third of it.
    homes = list(Site.objects.filter(kind__residential=True))
    per_site = Counter(records.filter(stream=dry).values_list("site_id", flat=True))
    regular = [s for s in homes if per_site[s.pk] >= 350]
    assert len(regular) >= len(homes) - 6
    at_homes = records.filter(site__kind__residential=True)
    population = sum(s.population for s in homes)
    per_capita = kg(at_homes) / population / 365
    assert Decimal("0.85") < per_capita < Decimal("1.2")
    share = kg(at_homes.filter(stream=wet)) / kg(at_homes)
    assert Decimal("0.25") < share < Decimal("0.36")
    # recyclables about weekly, hazardous waste about monthly, restaurants and markets most days
    streams = Counter(records.values_list("stream", flat=True))
    assert 40 * len(regular) <= streams["recyclable"] <= 55 * len(homes)
    assert 10 * len(regular) <= streams["hazardous"] <= 13 * len(homes)
    restaurants = RestaurantRecord.objects.exclude(hauler=None)
    assert records.filter(site__kind__restaurant=True, stream=wet).count() > 280 * (restaurants.count() - 2)
    assert (
        records.filter(site__kind__code="market", stream=wet).count()
        >= 365 * Site.objects.filter(kind__code="market").count()
    )
    # grades: mostly 好, some 一般, few 差
    grades = Counter(records.exclude(grade="").values_list("grade", flat=True))
    graded = sum(grades.values())
    assert grades[Grade.GOOD] > 0.7 * graded
    assert 0.1 * graded < grades[Grade.FAIR] < 0.22 * graded
    assert 0 < grades[Grade.POOR] < 0.08 * graded

    # Trips for the last eight weeks only, each unloaded with a weighbridge figure within 2 % of its
    # pick-ups; each carries one stream but one.
    trips = list(Trip.objects.all())
    assert trips and min(t.day for t in trips) == ago(today, seeding.TRIP_DAYS)
    for t in trips:
        assert t.pickups > 0 and t.unloaded_at and (t.plant_id or t.transfer_id)
        assert abs(t.weighbridge_kg - t.pickups_kg) <= t.pickups_kg * Decimal("0.021"), t
    assert [sorted(t.streams.split(",")) for t in trips if "," in t.streams] == [sorted([wet, dry])]
    assert not records.filter(day__lt=ago(today, seeding.TRIP_DAYS), trip__isnull=False).exists()

    # Planted: a site whose wet stream vanishes in the last three weeks while its dry stream rises.
    vanished = []
    for site in homes:
        mine = records.filter(site=site)
        if mine.filter(stream=wet, day__lt=ago(today, 30)).exists() and not mine.filter(
            stream=wet, day__gte=ago(today, 21)
        ):
            before = kg(mine.filter(stream=dry, day__gte=ago(today, 63), day__lt=ago(today, 21))) / 42
            after = kg(mine.filter(stream=dry, day__gte=ago(today, 21))) / 21
            vanished.append(after / before)
    assert len(vanished) == 1 and vanished[0] > Decimal("1.25")
    # … a site recorded only as mixed waste, all year
    mixed_only = [s for s in homes if set(records.filter(site=s).values_list("stream", flat=True)) == {MIXED}]
    assert len(mixed_only) == 1 and records.filter(site=mixed_only[0]).count() == 365
    assert not records.filter(stream=MIXED).exclude(site=mixed_only[0]).exists()
    # … a wet vehicle recording dry, and a trip carrying wet and dry: alarms raised as they were written
    wrong = Alarm.objects.filter(kind=AlarmKind.VEHICLE_STREAM)
    assert {(a.evidence["vehicle_stream"], a.evidence["recorded_stream"]) for a in wrong} == {
        (wet, dry),
        (dry, wet),
    }
    assert wrong.filter(evidence__vehicle_stream=wet).count() == 2
    mixed_trip = Alarm.objects.get(kind=AlarmKind.TRIP_MIXED)
    assert mixed_trip.trip.day == ago(today, 3)
    # … a site piling up 差 in the last four weeks
    poor = defaultdict(lambda: [0, 0])
    for site_id, p, g in SiteDay.objects.filter(day__gte=ago(today, 28)).values_list(
        "site_id", "poor", "graded"
    ):
        poor[site_id][0] += p
        poor[site_id][1] += g
    piling = [pk for pk, (p, g) in poor.items() if g and p / g > 0.5]
    assert len(piling) == 1
    # … a restaurant with a signed commitment in force and no pick-up for weeks
    signed = RestaurantRecord.objects.filter(commitment_signed=True, commitment_expires__gt=today).exclude(
        hauler=None
    )
    silent = [
        r.site_id
        for r in signed
        if records.filter(site=r.site_id).exists()
        and not records.filter(site=r.site_id, day__gte=ago(today, 24))
    ]
    assert len(silent) == 1
    # … a restaurant collected by a haulier that is not its contracted one
    foreign = [
        r.site_id
        for r in restaurants
        if records.filter(site=r.site_id, day__gte=ago(today, 14)).exclude(hauler=r.hauler_id).exists()
    ]
    assert len(foreign) == 1
    assert (
        records.filter(site=foreign[0], day__lt=ago(today, 14))
        .exclude(hauler=None)
        .values("hauler")
        .distinct()
        .count()
        == 1
    )
    # … sites with missing days (five in a row at one of them) in the last eight weeks
    window = SiteDay.objects.filter(day__gte=ago(today, 56), stream=dry, site__kind__residential=True)
    days_seen = dict(window.values_list("site_id").annotate(n=Count("day")))
    short = sorted(n for pk, n in days_seen.items() if pk not in piling and n < 56)
    assert 2 <= len(short) <= 3 and short[0] <= 51
    # … records entered late, and some marked for follow-up
    late = records.filter(late=True)
    assert 8 <= late.count() <= 20 and late.values("site").distinct().count() == 2
    assert SiteDay.objects.aggregate(n=Sum("late"))["n"] == late.count()
    follow = records.filter(follow_up=True)
    assert 1 <= follow.count() <= 4 and all(r.follow_up_note for r in follow)
    # … and one corrected record: audited, its trip's sum back in line with the weighbridge
    corrections = AuditEntry.objects.filter(content_type__model="record", action=AuditAction.UPDATE)
    corrected = [e for e in corrections if "weight_kg" in e.changes]
    assert len(corrected) == 1 and corrected[0].note and corrected[0].face == Face.CLI
    fixed = Record.objects.get(pk=corrected[0].object_id)
    old, new = (Decimal(v) for v in corrected[0].changes["weight_kg"])
    assert old == new * 10 and fixed.weight_kg == new

    # Baselines for the district and its streets, the expected reports and the two rules.
    district = Area.objects.get(depth=0)
    streets = Area.objects.filter(depth=1)
    assert set(Baseline.objects.filter(stream="").values_list("area", flat=True)) == {
        district.pk,
        *streets.values_list("pk", flat=True),
    }
    for b in Baseline.objects.filter(stream=""):
        assert b.kg_per_day > b.area.population * Decimal("1.05")  # the year's tonnage is below its baseline
    assert {(e.site_kind.code, e.stream, e.frequency) for e in ExpectedReport.objects.all()} == {
        (k, s, Frequency.DAILY)
        for k in ("managed-estate", "open-estate", "village-group")
        for s in (wet, dry)
    }
    rules = {r.kind: (r.minimum, r.maximum) for r in ValidationRule.objects.all()}
    assert rules == {RuleKind.WET_SHARE: (10, 60), RuleKind.PER_CAPITA: (Decimal("0.3"), Decimal("2.5"))}

    # A device per haulier, with a token (kept hashed) and its service account.
    devices = Device.objects.all()
    assert sorted(d.hauler_id for d in devices) == sorted(Hauler.objects.values_list("pk", flat=True))
    assert all(d.token_hash and d.account_id for d in devices)

    # One submission per morning of entry, audited under the face of the seed (here the CLI); totals
    # equal a rebuild.
    submissions = Submission.objects.all()
    assert submissions.count() == 365 and set(submissions.values_list("face", flat=True)) == {
        EntryFace.SYSTEM
    }
    assert sum(s.accepted for s in submissions) == records.count()
    logged = AuditEntry.objects.filter(content_type__model="submission")
    assert logged.count() == 365 and set(logged.values_list("face", flat=True)) == {Face.CLI}
    kept = rollups.snapshot()
    with transaction.atomic():
        rollups.rebuild()
    assert rollups.snapshot() == kept


def _fingerprint():
    return (
        list(
            Record.objects.order_by("day", "site__code", "stream", "occurred_at").values_list(
                "day",
                "occurred_at",
                "site__code",
                "area__code",
                "stream",
                "weight_kg",
                "grade",
                "vehicle__plate",
                "seq",
                "late",
            )
        ),
        list(
            Trip.objects.order_by("day", "vehicle__plate", "started_at").values_list(
                "day", "vehicle__plate", "pickups", "weighbridge_kg"
            )
        ),
        list(
            Baseline.objects.order_by("area__code", "stream").values_list(
                "area__code", "stream", "kg_per_day"
            )
        ),
    )


class _Rollback(Exception):
    pass


@pytest.mark.django_db
def test_same_seed_and_day_same_data_another_seed_other_data(today, settings):
    settings.FENLEI_SEED_COLLECTION_DAYS = 70  # the trips' weeks and a few more: quicker than a year
    runs = []
    for seed in (7, 7, 8):
        with pytest.raises(_Rollback), transaction.atomic():
            seed_world(scale="tiny", seed=seed)
            runs.append(_fingerprint())
            raise _Rollback
    assert runs[0] == runs[1]
    assert runs[0][0] and runs[0][1]
    assert runs[0][0] != runs[2][0]


@pytest.mark.django_db
def test_a_city_seeds_collection_for_its_first_district_only(today, monkeypatch, settings):
    """In a city the seeder fills only the first district (as people and publicity do); checked on a
    month, not a year, to stay quick."""
    from fenlei.org import seeding as org_seeding

    monkeypatch.setitem(
        org_seeding.SCALES,
        "tiny-city",
        org_seeding.Scale("tiny-city", districts=2, streets=4, communities=8, sites=60, rural_share=0.25),
    )
    settings.FENLEI_SEED_COLLECTION_DAYS = 30
    seed_world(scale="tiny-city")
    districts = list(Area.objects.filter(depth=1).order_by("path"))
    assert len(districts) == 2
    paths = set(Record.objects.values_list("area_path", flat=True))
    assert paths and all(p.startswith(districts[0].path) for p in paths)
    assert Record.objects.aggregate(a=Min("day"))["a"] == ago(today, 30)
    assert set(Device.objects.values_list("area_path", flat=True)) == {districts[0].path}
