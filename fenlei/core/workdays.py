"""China's working-day calendar: public holidays and make-up working days (调休).

Backed by the maintained `chinese_calendar` package. For a year it does not cover yet (the State
Council publishes each year's arrangement in November or December), weekends are the only
non-working days, and `covered()` says so, so a screen can show the caveat.
"""

from __future__ import annotations

import datetime

import chinese_calendar


def covered(day: datetime.date) -> bool:
    """Whether the official holiday arrangement for `day`'s year is known."""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def is_workday(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def holiday_name(day: datetime.date) -> str | None:
    """The public holiday `day` belongs to (English name from the calendar package), or None."""
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    return name if on_holiday and name else None


def add_workdays(start: datetime.date, n: int) -> datetime.date:
    """The date `n` working days after `start` (`start` itself not counted); n may be negative."""
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    day = start
    while remaining:
        day += datetime.timedelta(days=step)
        if is_workday(day):
            remaining -= 1
    return day


def workdays_between(start: datetime.date, end: datetime.date) -> int:
    """Working days in (start, end]: how many working days a deadline on `end` leaves after `start`."""
    if end <= start:
        return -workdays_between(end, start) if end < start else 0
    count = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_workday(day):
            count += 1
    return count
