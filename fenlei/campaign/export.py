"""A campaign's checklist for an area in Excel: one sheet of the units (street, community, households,
covered, requirements met, overdue) with a column per requirement (✓ met, ✗ not met), one of every
item with why it stands as it does, one of the coverage by street, and one saying what the file is.

The sheets speak Chinese, like the offices (the house style of the ledgers' exports); the rows come
already scoped from the caller (`for_user`) and are read in a handful of queries whatever the size.
"""

from __future__ import annotations

import json

from django.utils import timezone, translation

from fenlei.campaign import rules
from fenlei.campaign.choices import ItemState, Level
from fenlei.campaign.models import Campaign, Requirement
from fenlei.core.xlsx import XlsxWriter
from fenlei.org.models import Area

MET = "✓"
UNMET = "✗"
YES = "是"
NO = "否"

UNIT_HEADER = ["街道", "社区", "户数", "已覆盖", "达标项数", "要求项数", "逾期项数"]
ITEM_HEADER = ["街道", "社区", "要求", "编码", "达标", "状态", "说明", "目标日期", "责任岗位", "责任人"]
STREET_HEADER = ["街道", "社区数", "已覆盖社区", "覆盖率(%)", "户数", "已覆盖户数", "户数覆盖率(%)"]


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


class _Explainer:
    """The explanation of a reason in the active language, worked out once per distinct reason (a
    rule's message may read reference data: many items share one)."""

    def __init__(self):
        self._seen: dict[tuple[str, str], str] = {}

    def __call__(self, reason: str, params: dict) -> str:
        key = (reason, json.dumps(params or {}, sort_keys=True, ensure_ascii=False, default=str))
        if key not in self._seen:
            self._seen[key] = rules.explain(reason, params or {})
        return self._seen[key]


def filename(campaign: Campaign, area: Area) -> str:
    return f"{campaign.year}-覆盖清单-{area.name}-{timezone.localdate():%Y%m%d}.xlsx"


def write_checklist(fileobj, *, campaign: Campaign, area: Area, units, items) -> int:
    """Write the checklist of `units` (a scoped Unit queryset of the campaign in `area`) and their
    `items` (the matching scoped Item queryset) to the binary file `fileobj`. Returns the number of
    unit rows."""
    with translation.override("zh-hans"):
        return _write(fileobj, campaign, area, units, items)


def _write(fileobj, campaign, area, units, items) -> int:
    reqs = list(Requirement.objects.filter(campaign=campaign).order_by("level", "position", "pk"))
    req_by_pk = {r.pk: r for r in reqs}
    rows = list(
        units.select_related("area", "street")
        .only(
            "pk",
            "level",
            "households",
            "covered",
            "met",
            "total",
            "overdue",
            "area_path",
            "area__name",
            "street__name",
        )
        .order_by("area_path")
    )
    names = {u.pk: (u.street.name, u.area.name if u.level == Level.COMMUNITY else "") for u in rows}
    standing = {
        (unit_id, req_id): met
        for unit_id, req_id, met in items.values_list("unit_id", "requirement_id", "met")
    }
    states = dict(ItemState.choices)
    explain = _Explainer()
    with XlsxWriter(fileobj) as book:
        # 1. the units, a column per requirement
        sheet = book.sheet("覆盖清单", widths=[14, 14, 8, 8, 9, 9, 9, *[16] * len(reqs)])
        sheet.append_header([*UNIT_HEADER, *[r.name for r in reqs]])
        for u in rows:
            cells = [
                *names[u.pk],
                u.households,
                YES if u.covered else NO,
                u.met,
                u.total,
                u.overdue,
            ]
            for r in reqs:
                met = standing.get((u.pk, r.pk))
                cells.append("" if met is None else (MET if met else UNMET))
            sheet.append(cells)
        # 2. every item and why
        notes = book.sheet("达标说明", widths=[14, 14, 28, 14, 6, 16, 60, 12, 16, 12])
        notes.append_header(ITEM_HEADER)
        ordered = items.order_by(
            "area_path", "unit_id", "requirement__level", "requirement__position", "requirement_id"
        )
        for unit_id, req_id, met, state, reason, params, due_on, responsible in ordered.values_list(
            "unit_id", "requirement_id", "met", "state", "reason", "reason_params", "due_on", "responsible"
        ).iterator(chunk_size=2000):
            req = req_by_pk.get(req_id)
            if req is None or unit_id not in names:
                continue
            notes.append(
                [
                    *names[unit_id],
                    req.name,
                    req.code,
                    MET if met else UNMET,
                    str(states.get(state, state)),
                    explain(reason, params),
                    due_on or req.due_on,
                    req.responsible,
                    responsible,
                ]
            )
        # 3. coverage by street (communities and households)
        by_street = book.sheet("按街道覆盖", widths=[16, 9, 11, 11, 10, 11, 13])
        by_street.append_header(STREET_HEADER)
        tally: dict[str, list[int]] = {}
        for u in rows:
            if u.level != Level.COMMUNITY:
                continue
            t = tally.setdefault(u.street.name, [0, 0, 0, 0])
            t[0] += 1
            t[2] += u.households
            if u.covered:
                t[1] += 1
                t[3] += u.households
        total = [0, 0, 0, 0]
        for street, (n, covered, households, covered_households) in tally.items():
            by_street.append(
                [
                    street,
                    n,
                    covered,
                    _pct(covered, n),
                    households,
                    covered_households,
                    _pct(covered_households, households),
                ]
            )
            total = [total[0] + n, total[1] + covered, total[2] + households, total[3] + covered_households]
        by_street.append(
            [
                f"合计（{area.name}）",
                total[0],
                total[1],
                _pct(total[1], total[0]),
                total[2],
                total[3],
                _pct(total[3], total[2]),
            ]
        )
        # 4. what the file is
        about = book.sheet("说明", widths=[16, 70], freeze_header=False)
        about.append_header(["项目", "内容"])
        about.append(["攻坚活动", campaign.name])
        about.append(["区域", area.name])
        about.append(["导出日期", timezone.localdate()])
        about.append(["覆盖截止日期", campaign.coverage_deadline])
        for level in Level:
            counted = [r.name for r in reqs if r.level == level and r.in_coverage]
            about.append([f"覆盖的定义（{level.label}）", "、".join(counted) or "—"])
        about.append(["符号", f"{MET} 达标　{UNMET} 未达标　空白：不适用"])
    return len(rows)
