"""Reporting periods as value objects: day, ISO week, month, quarter, half-year, year.

Codes: `2025-06-30`, `2025W26`, `2025-06`, `2025Q2`, `2025H1`, `2025`. Each period knows its first
and last day, its Chinese (or English) label, and its neighbours.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _


class PeriodKind:
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"
    ALL = (DAY, WEEK, MONTH, QUARTER, HALF, YEAR)


_PATTERNS = [
    (PeriodKind.DAY, re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")),
    (PeriodKind.WEEK, re.compile(r"^(\d{4})W(\d{2})$")),
    (PeriodKind.MONTH, re.compile(r"^(\d{4})-(\d{2})$")),
    (PeriodKind.QUARTER, re.compile(r"^(\d{4})Q([1-4])$")),
    (PeriodKind.HALF, re.compile(r"^(\d{4})H([12])$")),
    (PeriodKind.YEAR, re.compile(r"^(\d{4})$")),
]


@dataclass(frozen=True, order=True)
class Period:
    start: datetime.date
    end: datetime.date
    kind: str

    # --- construction -------------------------------------------------------------------------
    @classmethod
    def parse(cls, code: str) -> Period:
        code = code.strip().upper()
        for kind, pattern in _PATTERNS:
            m = pattern.match(code)
            if not m:
                continue
            nums = [int(g) for g in m.groups()]
            try:
                if kind == PeriodKind.DAY:
                    return cls.day(datetime.date(*nums))
                if kind == PeriodKind.WEEK:
                    return cls.week(datetime.date.fromisocalendar(nums[0], nums[1], 1))
                if kind == PeriodKind.MONTH:
                    return cls.month(datetime.date(nums[0], nums[1], 1))
                if kind == PeriodKind.QUARTER:
                    return cls.quarter(datetime.date(nums[0], 3 * nums[1] - 2, 1))
                if kind == PeriodKind.HALF:
                    return cls.half(datetime.date(nums[0], 6 * nums[1] - 5, 1))
                return cls.year(datetime.date(nums[0], 1, 1))
            except ValueError:
                break
        raise ValueError(
            _(
                "“{code}” is not a period code (e.g. 2025-06-30, 2025W26, 2025-06, 2025Q2, 2025H1, 2025)."
            ).format(code=code)
        )

    @classmethod
    def of(cls, kind: str, day: datetime.date) -> Period:
        return getattr(cls, kind)(day)

    @classmethod
    def day(cls, d: datetime.date) -> Period:
        return cls(d, d, PeriodKind.DAY)

    @classmethod
    def week(cls, d: datetime.date) -> Period:
        start = d - datetime.timedelta(days=d.weekday())
        return cls(start, start + datetime.timedelta(days=6), PeriodKind.WEEK)

    @classmethod
    def month(cls, d: datetime.date) -> Period:
        last = calendar.monthrange(d.year, d.month)[1]
        return cls(d.replace(day=1), d.replace(day=last), PeriodKind.MONTH)

    @classmethod
    def quarter(cls, d: datetime.date) -> Period:
        first_month = 3 * ((d.month - 1) // 3) + 1
        start = datetime.date(d.year, first_month, 1)
        end = cls.month(datetime.date(d.year, first_month + 2, 1)).end
        return cls(start, end, PeriodKind.QUARTER)

    @classmethod
    def half(cls, d: datetime.date) -> Period:
        if d.month <= 6:
            return cls(datetime.date(d.year, 1, 1), datetime.date(d.year, 6, 30), PeriodKind.HALF)
        return cls(datetime.date(d.year, 7, 1), datetime.date(d.year, 12, 31), PeriodKind.HALF)

    @classmethod
    def year(cls, d: datetime.date) -> Period:
        return cls(datetime.date(d.year, 1, 1), datetime.date(d.year, 12, 31), PeriodKind.YEAR)

    # --- properties ---------------------------------------------------------------------------
    @property
    def code(self) -> str:
        s = self.start
        if self.kind == PeriodKind.DAY:
            return s.isoformat()
        if self.kind == PeriodKind.WEEK:
            y, w, _d = s.isocalendar()
            return f"{y}W{w:02d}"
        if self.kind == PeriodKind.MONTH:
            return f"{s.year}-{s.month:02d}"
        if self.kind == PeriodKind.QUARTER:
            return f"{s.year}Q{(s.month - 1) // 3 + 1}"
        if self.kind == PeriodKind.HALF:
            return f"{s.year}H{1 if s.month == 1 else 2}"
        return str(s.year)

    @property
    def label(self) -> str:
        """The period as a person reads it, in the active language."""
        s = self.start
        if self.kind == PeriodKind.DAY:
            return _("{y}-{m}-{d}").format(y=s.year, m=s.month, d=s.day)
        if self.kind == PeriodKind.WEEK:
            y, w, _d = s.isocalendar()
            return _("{y} week {w}").format(y=y, w=w)
        if self.kind == PeriodKind.MONTH:
            return _("{y}-{m}").format(y=s.year, m=s.month)
        if self.kind == PeriodKind.QUARTER:
            return _("{y} Q{q}").format(y=s.year, q=(s.month - 1) // 3 + 1)
        if self.kind == PeriodKind.HALF:
            return (
                _("{y} first half").format(y=s.year)
                if s.month == 1
                else _("{y} second half").format(y=s.year)
            )
        return _("{y}").format(y=s.year)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, d: datetime.date) -> bool:
        return self.start <= d <= self.end

    def __str__(self) -> str:
        return self.code

    def next(self) -> Period:
        return Period.of(self.kind, self.end + datetime.timedelta(days=1))

    def previous(self) -> Period:
        return Period.of(self.kind, self.start - datetime.timedelta(days=1))

    def same_last_year(self) -> Period:
        """The same period one year earlier (ISO week number kept for weeks)."""
        if self.kind == PeriodKind.WEEK:
            y, w, _d = self.start.isocalendar()
            try:
                return Period.week(datetime.date.fromisocalendar(y - 1, w, 1))
            except ValueError:  # week 53 in a year that has 52
                return Period.week(datetime.date.fromisocalendar(y - 1, 52, 1))
        s = self.start
        try:
            anchor = s.replace(year=s.year - 1)
        except ValueError:  # 29 February
            anchor = s.replace(year=s.year - 1, day=28)
        return Period.of(self.kind, anchor)
