"""The mixed-collection detectors (家里几类、出门一类), each with a planted case and a clean case,
idempotent, routed to the site's community and street, with the figures that raised them."""

import datetime

import pytest

from fenlei.collection import detect
from fenlei.collection.choices import AlarmKind
from fenlei.collection.models import Alarm
from fenlei.collection.tests.test_quality import W23, d, feed  # noqa: F401 (a fixture)

#: W20 … W22: the three weeks before 2026W23 (their Mondays).
BEFORE = ("2026-05-11", "2026-05-18", "2026-05-25")


def day_of(monday: str, offset: int) -> str:
    return (d(monday) + datetime.timedelta(days=offset)).isoformat()


def test_detectors_are_registered():
    detect._load()
    assert {
        AlarmKind.WET_VANISHED,
        AlarmKind.ONLY_MIXED,
        AlarmKind.POOR_GRADES,
        AlarmKind.RULE,
        AlarmKind.OUTLIER,
        AlarmKind.MISSING,
    } <= set(detect.DETECTORS)


def test_wet_vanishing_while_dry_rises(world, feed):  # noqa: F811
    planted, steady, quiet = world.sites["a1_estate"], world.sites["a2_open"], world.sites["b1_estate"]
    for monday in BEFORE:
        for site in (planted, steady, quiet):
            feed(site, "wet", 700, day_of(monday, 1))
            feed(site, "dry", 350, day_of(monday, 2))
    feed(planted, "dry", 1050, "2026-06-02")  # W23: no wet, dry tripled — planted
    feed(steady, "wet", 690, "2026-06-02")  # W23: as before — clean
    feed(steady, "dry", 360, "2026-06-03")
    # 乙一花园 reports nothing in W23: wet gone but dry did not rise — clean (a gap, not mixing)
    assert detect.run(*W23, kinds=[AlarmKind.WET_VANISHED]) == {AlarmKind.WET_VANISHED: 1}
    alarm = Alarm.objects.get(kind=AlarmKind.WET_VANISHED)
    assert alarm.site == planted and alarm.area == world.community_a1
    assert alarm.area_path == planted.area_path and (alarm.first_day, alarm.last_day) == W23
    ev = alarm.evidence
    assert (ev["wet_kg"], ev["dry_kg"], ev["wet_average_kg"], ev["dry_average_kg"]) == (0, 1050, 700, 350)
    assert ev["weeks_before"] == [{"wet_kg": 700.0, "dry_kg": 350.0}] * 3
    assert detect.run(*W23, kinds=[AlarmKind.WET_VANISHED]) == {AlarmKind.WET_VANISHED: 0}


def test_wet_vanished_thresholds_are_settings(world, feed, settings):  # noqa: F811
    site = world.sites["a1_estate"]
    for monday in BEFORE:
        feed(site, "wet", 700, day_of(monday, 1))
        feed(site, "dry", 350, day_of(monday, 2))
    feed(site, "wet", 100, "2026-06-02")  # 100 ÷ 700 = 14 % of the average
    feed(site, "dry", 900, "2026-06-03")
    assert detect.run(*W23, kinds=[AlarmKind.WET_VANISHED]) == {AlarmKind.WET_VANISHED: 0}
    settings.FENLEI_WET_VANISHED_SHARE = 0.15
    assert detect.run(*W23, kinds=[AlarmKind.WET_VANISHED]) == {AlarmKind.WET_VANISHED: 1}


def test_site_recorded_only_as_mixed(world, feed):  # noqa: F811
    planted, sorted_too, too_few = world.sites["a2_open"], world.sites["b1_estate"], world.sites["a1_estate"]
    for offset in (0, 2, 4):
        feed(planted, "mixed", 500, day_of("2026-06-01", offset))
        feed(sorted_too, "mixed", 500, day_of("2026-06-01", offset))
    feed(sorted_too, "wet", 100, "2026-06-03")  # clean: something was sorted
    for offset in (0, 1):
        feed(too_few, "mixed", 500, day_of("2026-06-01", offset))  # clean: 2 days < 3
    assert detect.run(*W23, kinds=[AlarmKind.ONLY_MIXED]) == {AlarmKind.ONLY_MIXED: 1}
    alarm = Alarm.objects.get(kind=AlarmKind.ONLY_MIXED)
    assert alarm.site == planted and alarm.area == world.community_a2
    assert alarm.evidence == {"week": "2026W23", "mixed_days": 3, "mixed_kg": 1500.0, "sorted_kg": 0}
    assert detect.run(*W23, kinds=[AlarmKind.ONLY_MIXED]) == {AlarmKind.ONLY_MIXED: 0}


def test_poor_grades_piling_up(world, feed):  # noqa: F811
    planted, clean = world.sites["a1_estate"], world.sites["a2_open"]
    for offset, grade in ((0, "差"), (1, "poor"), (3, "差"), (4, "好")):
        feed(planted, "wet", 100, day_of("2026-06-01", offset), grade=grade)
    for offset in (0, 1):
        feed(clean, "wet", 100, day_of("2026-06-01", offset), grade="差")  # 2 < 3
    feed(clean, "wet", 100, "2026-05-31", grade="差")  # the week before: not counted with W23
    assert detect.run(*W23, kinds=[AlarmKind.POOR_GRADES]) == {AlarmKind.POOR_GRADES: 1}
    alarm = Alarm.objects.get(kind=AlarmKind.POOR_GRADES)
    assert alarm.site == planted and alarm.area == world.community_a1
    assert (alarm.evidence["poor"], alarm.evidence["graded"], alarm.evidence["threshold"]) == (3, 4, 3)
    assert [x["day"] for x in alarm.evidence["days"]] == ["2026-06-01", "2026-06-02", "2026-06-04"]
    assert detect.run(d("2026-05-25"), W23[1], kinds=[AlarmKind.POOR_GRADES]) == {AlarmKind.POOR_GRADES: 0}


@pytest.mark.parametrize("kind", [AlarmKind.WET_VANISHED, AlarmKind.ONLY_MIXED, AlarmKind.POOR_GRADES])
def test_a_window_holding_no_whole_week_finds_nothing(world, kind):
    # Tuesday … Saturday: no ISO week ends in it
    assert detect.run(d("2026-06-02"), d("2026-06-06"), kinds=[kind]) == {kind: 0}
