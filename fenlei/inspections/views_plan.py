"""The plan, coverage, measures and target-history pages. The figures come from `selectors`, the
plans from `plan.make_plan`; these views read the query, check the place and lay the figures out."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from fenlei.core.periods import Period, PeriodKind
from fenlei.core.roles import Action
from fenlei.core.scoping import for_user, get_for_user
from fenlei.inspections import plan, selectors
from fenlei.inspections.choices import TargetType
from fenlei.inspections.forms_plan import PERIOD_KINDS, PlaceQuery
from fenlei.inspections.models import PlanEntry
from fenlei.org.models import Area


def inspect_url(target_type: str, target_id: int) -> str | None:
    """The inspection form of a target (another part of the app provides it), or None while absent."""
    try:
        return reverse("inspections:inspect-form", args=[target_type, target_id])
    except NoReverseMatch:
        return None


def target_id(row) -> int | None:
    return {
        TargetType.SITE: row.site_id,
        TargetType.DROPOFF: row.dropoff_id,
        TargetType.VEHICLE: row.vehicle_id,
    }.get(row.target_type)


def area_nav(user, area: Area, query: dict) -> list[dict]:
    above = area.ancestor_paths()
    crumbs = [
        {"label": a.name, "url": "?" + urlencode({**query, "area": a.pk})}
        for a in for_user(user, Action.VIEW, Area.objects.filter(path__in=above)).order_by("depth")
    ]
    return [*crumbs, {"label": area.name, "url": None}]


class PlacePage(LoginRequiredMixin, View):
    template_name = ""
    default_kind = PeriodKind.MONTH

    def get(self, request):
        form = PlaceQuery(request.GET)
        ctx = {"form": form, "kinds": PERIOD_KINDS, "nav_active": "inspections"}
        if not form.is_valid():
            return render(request, self.template_name, ctx, status=400)
        area = form.place(request.user)
        ctx["area"] = area
        if area is not None:
            period = form.chosen(self.default_kind)
            when = {"period": period.code}
            ctx.update(
                period=period,
                when=when,
                previous_query=urlencode({"area": area.pk, "period": period.previous().code}),
                next_query=urlencode({"area": area.pk, "period": period.next().code}),
                breadcrumbs=area_nav(request.user, area, when),
            )
            ctx.update(self.figures(area, period, form.cleaned_data, when))
        return render(request, self.template_name, ctx)

    def figures(self, area, period, data, when) -> dict:
        raise NotImplementedError


class MeasuresView(PlacePage):
    """The measures of an area over a period, the child breakdown, and problems by concern."""

    template_name = "inspections/measures.html"

    def figures(self, area, period, data, when):
        m = selectors.measures(self.request.user, area, period)
        for row in m.children:
            row.query = urlencode({"area": row.area.pk, **when}) if row.area else None
        return {"m": m}


class CoverageView(PlacePage):
    """Per street or community: the targets, those meeting their monthly quota, the share; and the
    targets not inspected for months."""

    template_name = "inspections/coverage.html"

    def figures(self, area, period, data, when):
        month = Period.month(period.start) if period.kind != PeriodKind.MONTH else period
        target_type = data.get("target_type") or TargetType.SITE
        c = selectors.coverage(
            self.request.user, area, month, target_type=target_type, months=data.get("months") or 3
        )
        for row in c.rows:
            row.query = (
                urlencode({"area": row.area.pk, "period": month.code, "target_type": target_type})
                if row.area
                else None
            )
        for t in c.neglected:
            t.history_url = reverse("inspections:target-history", args=[target_type, t.pk])
        return {"c": c, "target_types": TargetType.choices, "target_type": target_type, "period": month}


class TargetHistoryView(LoginRequiredMixin, View):
    def get(self, request, target_type, target_id):
        if target_type not in TargetType.values:
            raise Http404
        h = selectors.target_history(request.user, target_type, target_id)
        return render(
            request,
            "inspections/target_history.html",
            {
                "h": h,
                "target_label": TargetType(target_type).label,
                "inspect_url": inspect_url(target_type, target_id),
                "nav_active": "inspections",
            },
        )


class DayForm(forms.Form):
    day = forms.DateField(label=gettext_lazy("Day"), required=False)


class MakePlanForm(forms.Form):
    area = forms.IntegerField(label=gettext_lazy("Area"))
    day = forms.DateField(label=gettext_lazy("Day"))


class PlanTodayView(LoginRequiredMixin, View):
    """The inspector's list for a day, on the phone: each target opens its inspection form."""

    def get(self, request):
        form = DayForm(request.GET)
        if not form.is_valid():
            return render(request, "inspections/plan_today.html", {"form": form}, status=400)
        day = form.cleaned_data.get("day") or timezone.localdate()
        entries = list(
            for_user(request.user, Action.VIEW, PlanEntry)
            .filter(inspector=request.user, day=day)
            .select_related("site", "dropoff", "vehicle", "area", "inspection")
            .order_by("area_path", "pk")
        )
        for e in entries:
            tid = target_id(e)
            e.inspect_url = inspect_url(e.target_type, tid)
            e.history_url = reverse("inspections:target-history", args=[e.target_type, tid])
            e.done = getattr(e, "inspection", None) is not None
        areas = plan.planning_areas(request.user)
        return render(
            request,
            "inspections/plan_today.html",
            {
                "form": form,
                "day": day,
                "entries": entries,
                "done": sum(e.done for e in entries),
                "previous_day": (day - datetime.timedelta(days=1)).isoformat(),
                "next_day": (day + datetime.timedelta(days=1)).isoformat(),
                "planning_areas": areas,
                "nav_active": "inspections",
            },
        )


class MakePlanView(LoginRequiredMixin, View):
    """The office or a street plans a day for the inspectors over an area (POST only)."""

    http_method_names = ["post"]

    def post(self, request):
        form = MakePlanForm(request.POST)
        if not form.is_valid():
            return render(
                request, "inspections/plan_today.html", {"form": form, "make_form": form}, status=400
            )
        area = get_for_user(request.user, Action.VIEW, Area, pk=form.cleaned_data["area"])
        if not plan.may_plan(request.user, area):
            raise PermissionDenied(_("Only the district office and the streets plan inspections."))
        day = form.cleaned_data["day"]
        plan.make_plan(day=day, area=area, by=request.user)
        return redirect(reverse("inspections:plan-today") + "?" + urlencode({"day": day.isoformat()}))
