"""The burn-up chart of the campaign page, laid out on the server as an inline SVG (no chart library,
no script): covered communities day by day from the campaign's start, the total as a target line,
the coverage deadline as a vertical line, and the forecast as a dashed line from today.

Only geometry lives here: the figures come from `selectors.overview` (its `burnup` series and
`forecast`); the template `campaign/_burnup.html` draws what `burnup_chart` lays out. The drawing
scales with its `viewBox`, so it fills a phone's width and a desktop column alike.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from fenlei.campaign.services import Forecast

#: The drawing's own units (the viewBox); the page scales it to its width. Its labels are 12 units
#: high on a desktop and 15 on a phone (campaign.css), where the drawing is shown smaller.
WIDTH = 420
HEIGHT = 240
#: Room for the axes' labels: right, top, bottom; the left grows with the total's digits.
RIGHT, TOP, BOTTOM = 14, 18, 32


@dataclass
class Tick:
    at: float
    label: str


@dataclass
class Burnup:
    width: int
    height: int
    #: The plotting area: x from `x0` to `x1`, y from `y0` (top) to `y1` (bottom, zero).
    x0: float
    x1: float
    y0: float
    y1: float
    total: int
    #: The covered communities as a polyline ("x,y x,y …") and the area under it (a polygon).
    line: str
    fill: str
    #: The last point (today's coverage).
    today_x: float
    today_y: float
    deadline_x: float | None
    deadline_label: str
    #: The forecast: a dashed segment from today's point (None: done, or no date at this pace).
    forecast: tuple[float, float, float, float] | None
    forecast_label: str
    #: Said beside today's point when there is no forecast date ("not at this pace"); empty otherwise.
    stalled_label: str
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)

    @property
    def y_label_x(self) -> float:
        return self.x0 - 5

    @property
    def x_label_y(self) -> float:
        return self.y1 + 18

    @property
    def deadline_anchor(self) -> str:
        """Where the deadline's label sits: right of the line, or left of it near the right edge."""
        return "end" if self.deadline_x is not None and self.deadline_x > self.x1 - 110 else "start"

    @property
    def deadline_label_x(self) -> float | None:
        if self.deadline_x is None:
            return None
        return self.deadline_x - 4 if self.deadline_anchor == "end" else self.deadline_x + 4

    @property
    def forecast_anchor(self) -> str:
        return "end" if self.forecast is not None and self.forecast[2] > self.x1 - 60 else "middle"

    @property
    def stalled_label_y(self) -> float:
        """Above today's point, clear of the deadline's label at the bottom."""
        return max(self.y0 + 16, self.today_y - 30)

    @property
    def stalled_anchor(self) -> str:
        return "end" if self.today_x > self.x0 + 110 else "start"

    @property
    def forecast_label_y(self) -> float | None:
        return self.forecast[3] + 16 if self.forecast is not None else None


def _md(day: datetime.date) -> str:
    return f"{day.month}/{day.day}"


def _months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The first day of every month after `start` up to `end`."""
    out = []
    year, month = start.year, start.month
    while True:
        month += 1
        if month > 12:
            year, month = year + 1, 1
        day = datetime.date(year, month, 1)
        if day > end:
            return out
        out.append(day)


def burnup_chart(
    series: list[tuple[datetime.date, int]],
    *,
    total: int,
    start: datetime.date,
    ends: datetime.date,
    deadline: datetime.date,
    today: datetime.date,
    forecast: Forecast,
) -> Burnup:
    """Lay the burn-up out. `series` is (day, covered) ascending with today's value last; `start` and
    `ends` are the campaign's first and last days."""
    start = min([start, *(d for d, _n in series[:1])])
    # the time axis runs to the deadline (or today, if later); a forecast date within the campaign
    # (or before today's end of the axis) stretches it, a later one is drawn to the edge
    limit = max(ends, deadline, today)
    end = max(deadline, today)
    if forecast.date is not None and not forecast.done:
        end = max(end, min(forecast.date, limit))
    # a little room after the last date, so the deadline's line stands clear of the edge
    end = max(
        end + datetime.timedelta(days=max(7, (end - start).days // 16)), start + datetime.timedelta(days=1)
    )
    x0, x1 = float(14 + 9 * len(str(total))), float(WIDTH - RIGHT)
    y0, y1 = float(TOP), float(HEIGHT - BOTTOM)
    span = (end - start).days
    top = max(total, 1)

    def x(day: datetime.date) -> float:
        return round(x0 + (x1 - x0) * (day - start).days / span, 1)

    def y(value: float) -> float:
        return round(y1 - (y1 - y0) * min(max(value, 0), top) / top, 1)

    points = [(x(d), y(n)) for d, n in series if start <= d <= end] or [(x(today), y(0))]
    line = " ".join(f"{px},{py}" for px, py in points)
    fill = f"{points[0][0]},{y1} {line} {points[-1][0]},{y1}"
    today_x, today_y = points[-1]

    segment = None
    label = ""
    if not forecast.done and forecast.date is not None and forecast.pace:
        if forecast.date <= end:
            segment = (today_x, today_y, x(forecast.date), y(total))
            label = _md(forecast.date)
        else:  # beyond the axis: drawn to the edge, at the height the pace reaches there
            reached = forecast.covered + forecast.pace * (end - today).days
            segment = (today_x, today_y, x(end), y(reached))
            label = "→ " + forecast.date.isoformat()

    months = _months(start, end)
    # a label every month, or every second or third: at least 50 units apart (a phone's larger labels)
    per_month = (x1 - x0) * 30.4 / span
    step = max(1, math.ceil(50 / per_month))
    x_ticks = [Tick(x(d), _md(d)) for d in months[step - 1 :: step]]
    x_ticks.insert(0, Tick(x(start), _md(start)))
    # keep the first label off the second when the campaign starts just before a month
    if len(x_ticks) > 1 and x_ticks[1].at - x_ticks[0].at < 40:
        del x_ticks[1]
    values = sorted({0, total, total // 2} if total >= 4 else {0, total})
    y_ticks = [Tick(y(v), str(v)) for v in values]
    return Burnup(
        width=WIDTH,
        height=HEIGHT,
        x0=x0,
        x1=x1,
        y0=y0,
        y1=y1,
        total=total,
        line=line,
        fill=fill,
        today_x=today_x,
        today_y=today_y,
        deadline_x=x(deadline) if start <= deadline <= end else None,
        deadline_label=_("Deadline {date}").format(date=_md(deadline)),
        forecast=segment,
        forecast_label=label,
        stalled_label=_("not at this pace") if segment is None and not forecast.done else "",
        x_ticks=x_ticks,
        y_ticks=y_ticks,
    )
