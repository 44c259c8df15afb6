import datetime

import pytest
from django.utils import translation

from fenlei.core import workdays
from fenlei.core.periods import Period

D = datetime.date


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        ("2025-06-30", D(2025, 6, 30), D(2025, 6, 30)),
        ("2025W26", D(2025, 6, 23), D(2025, 6, 29)),
        ("2025-06", D(2025, 6, 1), D(2025, 6, 30)),
        ("2025Q2", D(2025, 4, 1), D(2025, 6, 30)),
        ("2025H1", D(2025, 1, 1), D(2025, 6, 30)),
        ("2025H2", D(2025, 7, 1), D(2025, 12, 31)),
        ("2025", D(2025, 1, 1), D(2025, 12, 31)),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29)),
    ],
)
def test_period_codes_round_trip(code, start, end):
    p = Period.parse(code)
    assert (p.start, p.end, p.code) == (start, end, code)


def test_period_neighbours():
    assert Period.parse("2025Q1").previous().code == "2024Q4"
    assert Period.parse("2025-12").next().code == "2026-01"
    assert Period.parse("2025W01").previous().code == "2024W52"
    assert Period.parse("2024-02-29").same_last_year().code == "2023-02-28"
    assert Period.parse("2026W53").same_last_year().code == "2025W52"
    assert Period.parse("2025-06").same_last_year().code == "2024-06"
    assert D(2025, 6, 30) in Period.parse("2025H1") and D(2025, 7, 1) not in Period.parse("2025H1")
    assert Period.parse("2025Q2").days == 91


@pytest.mark.parametrize("bad", ["2025-13", "2025W54", "2025Q5", "25-06", "", "2025-02-30"])
def test_bad_period_codes(bad):
    with pytest.raises(ValueError):
        Period.parse(bad)


def test_labels_in_both_languages():
    with translation.override("en"):
        assert Period.parse("2025Q2").label == "2025 Q2"
    with translation.override("zh-hans"):
        assert Period.parse("2025Q2").label == "2025年第2季度"
        assert Period.parse("2025W26").label == "2025年第26周"
        assert Period.parse("2025H1").label == "2025年上半年"
        assert Period.parse("2025-06").label == "2025年6月"


def test_workdays_follow_the_official_calendar():
    # 2025: National Day holiday 10-01..10-08; Sunday 09-28 and Saturday 10-11 are make-up working days.
    assert not workdays.is_workday(D(2025, 10, 1))
    assert workdays.is_workday(D(2025, 9, 28))
    assert workdays.is_workday(D(2025, 10, 11))
    assert workdays.holiday_name(D(2025, 10, 1)) is not None
    # Three working days after Tuesday 2025-09-30: 10-09, 10-10, 10-11 (a make-up Saturday).
    assert workdays.add_workdays(D(2025, 9, 30), 3) == D(2025, 10, 11)
    assert workdays.workdays_between(D(2025, 9, 30), D(2025, 10, 11)) == 3
    assert workdays.add_workdays(D(2025, 10, 11), -3) == D(2025, 9, 30)


def test_years_beyond_the_calendar_fall_back_to_weekends():
    far = D(2031, 3, 3)  # a Monday
    assert not workdays.covered(far)
    assert workdays.is_workday(far) and not workdays.is_workday(D(2031, 3, 8))
    assert workdays.holiday_name(far) is None
