"""Data quality against hand-worked examples: completeness and timeliness of expected reports, the
validation rules, statistical outliers and missing reports (each with a planted and a clean case)."""

import datetime

import pytest
from django.utils import timezone, translation

from fenlei.collection import detect, quality, selectors, services
from fenlei.collection.choices import AlarmKind, EntryFace
from fenlei.collection.models import Alarm, ExpectedReport, Record, ValidationRule
from fenlei.collection.selectors import Window
from fenlei.collection.tests.conftest import row
from fenlei.core import services as core_services
from fenlei.org.models import SiteKind

W22 = (datetime.date(2026, 5, 25), datetime.date(2026, 5, 31))
W23 = (datetime.date(2026, 6, 1), datetime.date(2026, 6, 7))


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


class Feed:
    """Records in through the device, each with its own client id; `on_time` enters them on their day."""

    def __init__(self, fleet, time_machine, now):
        self.fleet, self.time_machine, self.now, self.n = fleet, time_machine, now, 0

    def __call__(self, site, stream, kg, day, *, on_time=False, **extra):
        self.n += 1
        data = row(site, stream, kg, f"{day}T08:00:00+08:00", client_id=f"q{self.n}", **extra)
        if on_time:
            moment = timezone.make_aware(datetime.datetime.fromisoformat(f"{day}T20:00:00"))
            self.time_machine.move_to(moment, tick=False)
        try:
            with translation.override("en"):
                result = services.ingest(
                    [data],
                    face=EntryFace.DEVICE,
                    device=self.fleet.device,
                    within=[self.fleet.device.area_path],
                )
        finally:
            self.time_machine.move_to(self.now, tick=False)
        assert result.rejected == [], result.rejected
        return Record.objects.get(pk=result.record_ids[0]) if result.record_ids else None


@pytest.fixture
def feed(fleet, time_machine, now):
    return Feed(fleet, time_machine, now)


def expect(world, area, stream, frequency, kind=None):
    return core_services.create(
        ExpectedReport(
            area=area,
            area_path=area.path,
            site_kind=SiteKind.objects.get(code=kind) if kind else None,
            stream=stream,
            frequency=frequency,
        ),
        by=world.alice,
    )


@pytest.fixture
def reports(world, feed):
    """甲一花园 must report wet every day; every site of 甲街道 dry once a week. In 2026W23 甲一花园
    reports wet on 5 days (3 on time, 2 late) and dry once (on time); 甲二小区 dry once (late)."""
    expect(world, world.street_a, "wet", "daily", kind="managed-estate")
    expect(world, world.street_a, "dry", "weekly")
    estate, open_estate = world.sites["a1_estate"], world.sites["a2_open"]
    for day, on_time in (("01", True), ("02", True), ("03", True), ("04", False), ("05", False)):
        feed(estate, "wet", 100, f"2026-06-{day}", on_time=on_time)
    feed(estate, "dry", 80, "2026-06-02", on_time=True)
    feed(open_estate, "dry", 50, "2026-06-06")
    return world


def test_completeness_and_timeliness_per_unit(reports):
    w = reports
    q = quality.quality(selectors.subject_for(w.sam, area=w.street_a.pk), Window(*W23))
    # expected: wet daily at 甲一花园 (7) + dry weekly at the four sites of 甲街道 (4) = 11
    # received: wet 5 + dry 2 = 7; on time: wet 3 + dry 1 = 4
    assert (q.total.expected, q.total.received, q.total.on_time) == (11, 7, 4)
    assert q.total.completeness == pytest.approx(7 / 11)
    assert q.total.timeliness == pytest.approx(4 / 7)
    rows = {r.unit.name: r for r in q.rows}
    assert (rows["甲一社区"].expected, rows["甲一社区"].received, rows["甲一社区"].on_time) == (9, 6, 4)
    assert (rows["甲二社区"].expected, rows["甲二社区"].received, rows["甲二社区"].on_time) == (2, 1, 0)
    assert rows["甲二社区"].timeliness == 0
    # a community's units are its sites
    q = quality.quality(selectors.subject_for(w.cora), Window(*W23))
    rows = {r.unit.name: r for r in q.rows}
    assert (rows["甲一花园"].expected, rows["甲一花园"].received) == (8, 6)
    assert (rows["甲一小学"].expected, rows["甲一小学"].received, rows["甲一小学"].completeness) == (1, 0, 0)


def test_slots_of_each_frequency():
    window = Window(d("2026-05-27"), d("2026-06-09"))  # Wednesday … Tuesday two weeks later
    assert quality.slots("daily", window) == 14
    assert quality.slots("weekly", window) == 3  # W22, W23, W24 (each in part)
    assert quality.slots("monthly", window) == 2


def test_follow_ups_are_counted_per_unit(reports):
    w = reports
    record = Record.objects.filter(site=w.sites["a1_estate"], stream="wet").order_by("day").first()
    services.mark_follow_up(record, by=w.sam, on=True, note="称重偏低，请核实")
    q = quality.quality(selectors.subject_for(w.sam, area=w.street_a.pk), Window(*W23))
    rows = {r.unit.name: r for r in q.rows}
    assert (rows["甲一社区"].follow_up, rows["甲二社区"].follow_up, q.total.follow_up) == (1, 0, 1)
    # olly's street has none, and does not see 甲街道's
    q = quality.quality(selectors.subject_for(w.olly), Window(*W23))
    assert q.total.follow_up == 0


def test_quality_costs_the_same_queries_for_a_week_and_a_year(reports, django_assert_max_num_queries):
    subject = selectors.subject_for(reports.sam, area=reports.street_a.pk)
    for window in (Window(*W23), Window(d("2025-07-01"), d("2026-06-30"))):
        with django_assert_max_num_queries(7):
            quality.quality(subject, window)


# --- missing reports ------------------------------------------------------------------------------


def test_missing_reports_are_found_once_per_site_stream_and_week(reports):
    w = reports
    assert detect.run(*W23, kinds=[AlarmKind.MISSING]) == {AlarmKind.MISSING: 3}
    found = {(a.site.name, a.evidence["stream"]): a for a in Alarm.objects.filter(kind=AlarmKind.MISSING)}
    # planted: 甲一花园 lacks wet on 06-06 and 06-07; 甲一小学 and 甲二饭店 never report dry
    assert set(found) == {("甲一花园", "wet"), ("甲一小学", "dry"), ("甲二饭店", "dry")}
    wet = found[("甲一花园", "wet")]
    assert wet.evidence["missing_days"] == ["2026-06-06", "2026-06-07"]
    assert (wet.evidence["expected"], wet.evidence["received"]) == (7, 5)
    assert wet.area == w.community_a1 and wet.area_path == w.sites["a1_estate"].area_path
    assert (wet.first_day, wet.last_day) == W23
    # clean: 甲一花园's and 甲二小区's dry came in; nothing in 乙街道 is expected
    assert not Alarm.objects.filter(kind=AlarmKind.MISSING, area_path__startswith=w.street_b.path).exists()
    # idempotent: W23 again finds nothing new; W21 and W22 (no records at all) add 1 wet + 4 dry each
    assert detect.run(*W23, kinds=[AlarmKind.MISSING]) == {AlarmKind.MISSING: 0}
    assert detect.run(d("2026-05-20"), d("2026-06-07"), kinds=[AlarmKind.MISSING]) == {
        AlarmKind.MISSING: 2 * 5
    }


# --- validation rules ---------------------------------------------------------------------------


def rule(world, area, kind, minimum=None, maximum=None, stream=""):
    return core_services.create(
        ValidationRule(
            area=area, area_path=area.path, kind=kind, stream=stream, minimum=minimum, maximum=maximum
        ),
        by=world.alice,
    )


def test_wet_share_rule_per_site_and_area(world, feed):
    estate = world.sites["a1_estate"]
    r = rule(world, world.community_a1, "wet_share", 10, 60)
    feed(estate, "wet", 900, "2026-05-26")  # W22: 900 ÷ 1000 = 90 % — planted
    feed(estate, "dry", 100, "2026-05-27")
    feed(estate, "wet", 300, "2026-06-02")  # W23: 300 ÷ 1000 = 30 % — clean
    feed(estate, "dry", 700, "2026-06-03")
    assert detect.run(*W23, kinds=[AlarmKind.RULE])[AlarmKind.RULE] == 0
    assert detect.run(W22[0], W23[1], kinds=[AlarmKind.RULE])[AlarmKind.RULE] == 2
    site_alarm = Alarm.objects.get(key=f"rule:{r.pk}:site:{estate.pk}:2026W22")
    assert site_alarm.evidence["value"] == 90.0 and site_alarm.evidence["kg"] == {"dry": 100.0, "wet": 900.0}
    assert site_alarm.area == world.community_a1
    area_alarm = Alarm.objects.get(key=f"rule:{r.pk}:area:{world.community_a1.pk}:2026W22")
    assert area_alarm.site is None and area_alarm.area_path == world.community_a1.path


def test_per_capita_rule_differs_by_unit(world, feed):
    r = rule(world, world.community_a1, "per_capita", None, "0.1")
    feed(world.sites["a1_estate"], "wet", 1000, "2026-05-26")
    detect.run(*W22, kinds=[AlarmKind.RULE])
    # 甲一花园: 1000 kg ÷ 500 residents ÷ 7 days = 0.286 > 0.1 — planted
    # 甲一社区: 1000 ÷ 2500 ÷ 7 = 0.057 — clean
    alarm = Alarm.objects.get(kind=AlarmKind.RULE)
    assert alarm.key == f"rule:{r.pk}:site:{world.sites['a1_estate'].pk}:2026W22"
    assert alarm.evidence["value"] == pytest.approx(1000 / 500 / 7, abs=1e-3)


def test_day_weight_rule(world, feed):
    r = rule(world, world.street_a, "day_weight", None, 500, stream="wet")
    feed(world.sites["a2_open"], "wet", 900, "2026-06-03")  # planted
    feed(world.sites["a2_open"], "wet", 300, "2026-06-04")  # clean
    feed(world.sites["a2_open"], "dry", 900, "2026-06-04")  # another stream: not this rule's
    detect.run(*W23, kinds=[AlarmKind.RULE])
    alarm = Alarm.objects.get(kind=AlarmKind.RULE)
    assert alarm.key == f"rule:{r.pk}:site:{world.sites['a2_open'].pk}:2026-06-03:wet"
    assert alarm.area == world.community_a2 and alarm.evidence["value"] == 900


# --- outliers -----------------------------------------------------------------------------------


def test_robust_z_by_hand():
    # median 11, absolute deviations 1 1 0 2 2 → MAD 1; z = 0.6745 × (20 − 11) ÷ 1
    z, median, mad = quality.robust_z(20, [10, 12, 11, 13, 9])
    assert (median, mad) == (11, 1) and z == pytest.approx(6.0705)
    # more than half the history equal: the mean absolute deviation (0.4) stands in
    z, _, spread = quality.robust_z(15, [10, 10, 10, 12, 12])
    assert spread == pytest.approx(0.8) and z == pytest.approx(5 / (1.2533 * 0.8))
    assert quality.robust_z(15, [10, 10, 10])[0] is None


def test_outlier_day_against_the_sites_own_history(world, feed):
    estate = world.sites["a1_estate"]
    start = d("2026-05-04")
    for i in range(28):  # 4 … 31 May: 96 … 104 kg
        feed(estate, "wet", 100 + (i % 5) - 2, (start + datetime.timedelta(days=i)).isoformat())
    feed(estate, "wet", 400, "2026-06-01")  # planted
    feed(estate, "wet", 101, "2026-06-02")  # clean
    assert detect.run(d("2026-06-01"), d("2026-06-02"), kinds=[AlarmKind.OUTLIER]) == {AlarmKind.OUTLIER: 1}
    alarm = Alarm.objects.get(kind=AlarmKind.OUTLIER)
    assert alarm.first_day == d("2026-06-01") and alarm.site == estate
    assert alarm.evidence["median_kg"] == 100 and alarm.evidence["history_days"] == 28
    assert alarm.evidence["z"] > 3.5
    # too little history: nothing
    feed(world.sites["a2_open"], "wet", 10, "2026-05-30")
    feed(world.sites["a2_open"], "wet", 900, "2026-06-01")
    assert detect.run(d("2026-06-01"), d("2026-06-02"), kinds=[AlarmKind.OUTLIER]) == {AlarmKind.OUTLIER: 0}


def test_weeks_and_months_are_counted_once_each(world, feed):
    expect(world, world.community_a1, "recyclable", "monthly", kind="managed-estate")
    expect(world, world.community_a1, "dry", "weekly", kind="managed-estate")
    estate = world.sites["a1_estate"]
    for day in ("2026-05-26", "2026-05-28"):  # two days of May and of 2026W22
        feed(estate, "recyclable", 20, day, on_time=True)
        feed(estate, "dry", 30, day)
    feed(estate, "dry", 30, "2026-06-03")  # 2026W23
    q = quality.quality(selectors.subject_for(world.cora), Window(W22[0], W23[1]))
    row = next(r for r in q.rows if r.unit == estate)
    # recyclable: May and June due, May received (on time); dry: W22 and W23 due, both received, late
    assert (row.expected, row.received, row.on_time) == (4, 3, 1)
