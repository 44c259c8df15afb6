"""The capacity check's page and its Excel export."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from fenlei.core.roles import Action
from fenlei.core.scoping import can_anywhere, get_for_user
from fenlei.core.views_importexport import _spool, _xlsx_response
from fenlei.facilities import capacity
from fenlei.org.choices import AreaLevel
from fenlei.org.models import Area, Site

LEVELS = {"site": None, "community": AreaLevel.COMMUNITY, "street": AreaLevel.STREET}


def _rows(request):
    if not can_anywhere(request.user, Action.VIEW, Site):
        raise PermissionDenied
    within = None
    if request.GET.get("within", "").isdigit():
        within = get_for_user(request.user, Action.VIEW, Area, pk=int(request.GET["within"]))
    level = request.GET.get("level", "community")
    if level not in LEVELS:
        level = "community"
    rows = capacity.site_rows(request.user, within=within)
    if LEVELS[level] is not None:
        rows = capacity.rollup(rows, LEVELS[level], user=request.user, within=within)
    if request.GET.get("short") == "1":
        rows = [r for r in rows if r.short]
    return rows, level, within


class CapacityView(LoginRequiredMixin, View):
    def get(self, request):
        rows, level, within = _rows(request)
        page = Paginator(rows, 50).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "facilities/capacity.html",
            {
                "rows": page.object_list,
                "page_obj": page,
                "level": level,
                "within": within,
                "short": request.GET.get("short") == "1",
                "query_string": query.urlencode(),
                "streams": capacity._streams(),
                "nav_active": "facilities",
                "households_per_point": capacity.settings.FENLEI_HOUSEHOLDS_PER_POINT,
            },
        )


class CapacityExportView(LoginRequiredMixin, View):
    def get(self, request):
        import openpyxl
        from django.utils import timezone

        if not can_anywhere(request.user, Action.EXPORT, Site):
            raise PermissionDenied
        rows, level, _within = _rows(request)
        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet("容量缺口")
        streams = capacity._streams()
        header = ["名称", "上级", "人口", "户数"]
        for s in streams:
            header += [f"{s.label}需配桶数", f"{s.label}现有（240升当量）", f"{s.label}缺口"]
        header += ["需设投放点", "现有投放点", "投放点缺口"]
        ws.append(header)
        for r in rows:
            line = [r.name, r.parent_name, r.population, r.households]
            for s in r.streams:
                line += [s.needed, round(s.in_place, 2), s.gap]
            line += [r.points_needed, r.points_in_place, r.points_gap]
            ws.append(line)
        fh = _spool()
        wb.save(fh)
        return _xlsx_response(
            fh, _("capacity-{level}-{date}.xlsx").format(level=level, date=f"{timezone.localdate():%Y%m%d}")
        )
