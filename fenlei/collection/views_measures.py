"""The collection overview (tonnage, comparisons, rates, child units, alarms, data quality), the
data-quality page, and the office's configuration pages (baselines, expected reports, rules).

The figures come from `selectors` and `quality`; these views only read the query and lay them out.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from fenlei.collection import quality, selectors
from fenlei.collection.choices import MIXING_KINDS, AlarmKind
from fenlei.collection.forms_config import (
    PERIOD_KINDS,
    BaselineForm,
    ExpectedReportForm,
    MeasuresQuery,
    ValidationRuleForm,
)
from fenlei.collection.models import Baseline, ExpectedReport, ValidationRule
from fenlei.collection.streams import stream_label
from fenlei.core import services as core_services
from fenlei.core.roles import Action
from fenlei.core.scoping import can, can_anywhere, for_user
from fenlei.core.views import ScopedListView, ServiceFormView

#: The longest period (days) for which the overview shows completeness and timeliness; longer ones
#: are counted on the data-quality page (site by site, a year of a district takes a few seconds).
QUALITY_PANEL_MAX_DAYS = 92

#: The families of alarms the overview counts (the alarm list filters by them).
FAMILIES = (
    ("mixing", gettext_lazy("Mixed-collection alarms")),
    ("quality", gettext_lazy("Data-quality findings")),
)


def url_or_none(name: str, query: dict | None = None) -> str | None:
    """The URL of a route another part of the app provides, or None while it is not there."""
    try:
        url = reverse(name)
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(query)}" if query else url


def subject_query(subject: selectors.Subject) -> dict:
    return {subject.kind: subject.obj.pk}


def period_query(form: MeasuresQuery, comparison: selectors.Comparison) -> dict:
    _start, _end, period = form.chosen()
    if period is not None:
        return {"period": period.code}
    return {"start": comparison.chosen.start.isoformat(), "end": comparison.chosen.end.isoformat()}


def neighbours(form: MeasuresQuery, comparison: selectors.Comparison) -> tuple[dict, dict]:
    """The query of the period before and of the one after."""
    _start, _end, period = form.chosen()
    if period is not None:
        return {"period": period.previous().code}, {"period": period.next().code}
    chosen = comparison.chosen
    length = datetime.timedelta(days=chosen.days)
    return (
        {"start": (chosen.start - length).isoformat(), "end": (chosen.end - length).isoformat()},
        {"start": (chosen.start + length).isoformat(), "end": (chosen.end + length).isoformat()},
    )


def period_label(form: MeasuresQuery, comparison: selectors.Comparison) -> str:
    _start, _end, period = form.chosen()
    chosen = comparison.chosen
    label = period.label if period is not None else f"{chosen.start.isoformat()} – {chosen.end.isoformat()}"
    if comparison.ongoing:
        label = _("{period} (to {day})").format(period=label, day=comparison.current.end.isoformat())
    return label


def breadcrumbs(user, subject: selectors.Subject, query: dict) -> list[dict]:
    """The areas above the subject that the user may see, each opening its own overview."""
    crumbs = []
    if subject.kind in ("area", "site"):
        path = subject.obj.path if subject.kind == "area" else subject.obj.area_path
        from fenlei.org.models import Area

        above = Area(path=path).ancestor_paths() + ([path] if subject.kind == "site" else [])
        for area in for_user(user, Action.VIEW, Area.objects.filter(path__in=above)).order_by("depth"):
            crumbs.append({"label": area.name, "url": "?" + urlencode({**query, "area": area.pk})})
    crumbs.append({"label": subject.name, "url": None})
    return crumbs


def alarm_counts(subject: selectors.Subject, by_kind: dict[str, int]) -> list[dict]:
    rows = []
    for family, label in FAMILIES:
        kinds = [k for k in AlarmKind if (k in MIXING_KINDS) == (family == "mixing")]
        query = {"family": family, **({"area": subject.obj.pk} if subject.kind == "area" else {})}
        rows.append(
            {
                "family": family,
                "label": label,
                "count": sum(by_kind.get(k, 0) for k in kinds),
                "url": url_or_none("collection:alarm-list", query),
                "kinds": [(k.label, by_kind[k]) for k in kinds if by_kind.get(k)],
            }
        )
    return rows


class MeasuresPage(LoginRequiredMixin, View):
    """Reads the place and the period from the query string (400 when they are wrong)."""

    template_name = ""

    def get(self, request):
        form = MeasuresQuery(request.GET)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "kinds": PERIOD_KINDS}, status=400)
        subject = form.subject(request.user)
        ctx = {"form": form, "kinds": PERIOD_KINDS, "nav_active": "collection", "subject": subject}
        if subject is not None:
            comparison = form.comparison()
            here, when = subject_query(subject), period_query(form, comparison)
            before, after = neighbours(form, comparison)
            ctx.update(
                comparison=comparison,
                period_label=period_label(form, comparison),
                here=here,
                when=when,
                previous_query=urlencode({**here, **before}),
                next_query=urlencode({**here, **after}),
                breadcrumbs=breadcrumbs(request.user, subject, when),
                chosen_kind=(form.chosen()[2].kind if form.chosen()[2] else ""),
            )
            ctx.update(self.figures(subject, comparison, when))
        return render(request, self.template_name, ctx)

    def figures(self, subject, comparison, when) -> dict:
        raise NotImplementedError


class IndexView(MeasuresPage):
    """The collection overview: the user's area (or one below it), a haulier's own totals, or a
    site manager's site, over a period with its two comparisons."""

    template_name = "collection/index.html"

    def figures(self, subject, comparison, when) -> dict:
        m = selectors.measures(subject, comparison)
        kids = selectors.children(subject, comparison)
        for k in kids:
            k.query = urlencode({k.kind: k.obj.pk, **when})
        by_kind = quality.open_alarms(subject)
        return {
            "m": m,
            "children": kids,
            "alarms": alarm_counts(subject, by_kind),
            # counted from the sites' daily totals, site by site: kept to a quarter on the overview
            "quality": quality.quality(subject, comparison.current, follow_ups=False)
            if comparison.current.days <= QUALITY_PANEL_MAX_DAYS
            else None,
            "quality_deferred": subject.kind != "hauler" and comparison.current.days > QUALITY_PANEL_MAX_DAYS,
            "quality_query": urlencode({**subject_query(subject), **when}),
            "config_links": config_links(self.request.user),
        }


class QualityView(MeasuresPage):
    """Completeness and timeliness of the expected reports per unit, follow-ups, open findings."""

    template_name = "collection/measures/quality.html"

    def figures(self, subject, comparison, when) -> dict:
        q = quality.quality(subject, comparison.current)
        if q is None:
            raise PermissionDenied  # a haulier's totals have no expected reports
        for row in q.rows:
            kind = "site" if row.unit.__class__.__name__ == "Site" else "area"
            row.query = urlencode({kind: row.unit.pk, **when})
        findings = []
        for kind in (AlarmKind.RULE, AlarmKind.OUTLIER, AlarmKind.MISSING):
            query = {"family": "quality", "kind": kind.value}
            if subject.kind == "area":
                query["area"] = subject.obj.pk
            findings.append(
                {
                    "label": kind.label,
                    "count": q.findings.get(kind, 0),
                    "url": url_or_none("collection:alarm-list", query),
                }
            )
        return {
            "q": q,
            "findings": findings,
            "overview_query": urlencode({**subject_query(subject), **when}),
            "records_url": url_or_none("collection:record-list"),
        }


def config_links(user) -> list[tuple[str, str]]:
    links = []
    for model, name, label in CONFIG:
        if can_anywhere(user, Action.VIEW, model):
            links.append((label, reverse(f"collection:{name}-list")))
    return links


# --- configuration: baselines, expected reports, validation rules -----------------------------------


def _stream(obj) -> str:
    return stream_label(obj.stream) if obj.stream else _("All streams")


CONFIG = (
    (Baseline, "baseline", gettext_lazy("Reduction baselines")),
    (ExpectedReport, "expectedreport", gettext_lazy("Expected reports")),
    (ValidationRule, "validationrule", gettext_lazy("Validation rules")),
)

COLUMNS = {
    "baseline": [
        (gettext_lazy("Area"), lambda o: o.area.name),
        (gettext_lazy("Stream"), _stream),
        (gettext_lazy("Kilograms per day"), lambda o: o.kg_per_day),
        (gettext_lazy("Baseline"), lambda o: o.label),
    ],
    "expectedreport": [
        (gettext_lazy("Area"), lambda o: o.area.name),
        (gettext_lazy("Site kind"), lambda o: o.site_kind or _("Every kind")),
        (gettext_lazy("Stream"), _stream),
        (gettext_lazy("Frequency"), lambda o: o.get_frequency_display()),
        (gettext_lazy("In force"), lambda o: _("yes") if o.active else _("no")),
    ],
    "validationrule": [
        (gettext_lazy("Area"), lambda o: o.area.name),
        (gettext_lazy("Rule"), lambda o: o.get_kind_display()),
        (gettext_lazy("Stream"), _stream),
        (gettext_lazy("Minimum"), lambda o: "—" if o.minimum is None else o.minimum.normalize()),
        (gettext_lazy("Maximum"), lambda o: "—" if o.maximum is None else o.maximum.normalize()),
        (gettext_lazy("In force"), lambda o: _("yes") if o.active else _("no")),
    ],
}


class ConfigListView(ScopedListView):
    template_name = "collection/measures/config_list.html"
    name = ""
    title = ""
    intro = ""

    def get_base_queryset(self):
        related = ["area"] + (["site_kind"] if self.model is ExpectedReport else [])
        return self.model._default_manager.select_related(*related)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        columns = COLUMNS[self.name]
        ctx.update(
            title=self.title,
            intro=self.intro,
            nav_active="collection",
            headers=[c[0] for c in columns],
            rows=[
                {
                    "cells": [c[1](o) for c in columns],
                    "edit_url": reverse(f"collection:{self.name}-edit", args=[o.pk])
                    if can(user, Action.CHANGE, o)
                    else None,
                }
                for o in ctx["object_list"]
            ],
            add_url=reverse(f"collection:{self.name}-add") if ctx["can_add"] else None,
            overview_url=reverse("collection:index"),
        )
        return ctx


class ConfigFormView(ServiceFormView):
    """Add (no pk) or change one configuration row through the audited core services."""

    name = ""

    def setup_object(self):
        if "pk" in self.kwargs:
            self.action = Action.CHANGE
            self.obj = self.get_object()
            self.title = _("Change {name}").format(name=self.model._meta.verbose_name)
        else:
            if not can_anywhere(self.request.user, Action.ADD, self.model):
                raise PermissionDenied
            self.obj = self.model()
            self.title = _("Add {name}").format(name=self.model._meta.verbose_name)

    def get_form_kwargs(self):
        return {"instance": self.obj, "user": self.request.user}

    def get_context(self, form):
        ctx = super().get_context(form)
        ctx.update(cancel_url=reverse(f"collection:{self.name}-list"), nav_active="collection")
        return ctx

    def perform(self, form):
        obj = form.save(commit=False)
        if obj.pk:
            return core_services.update(obj, by=self.request.user)
        return core_services.create(obj, by=self.request.user)

    def success_url(self, result) -> str:
        return reverse(f"collection:{self.name}-list")


def config_views(model, name: str, form_class, title, intro):
    list_view = type(
        f"{model.__name__}ListView",
        (ConfigListView,),
        {"model": model, "name": name, "title": title, "intro": intro},
    )
    form_view = type(
        f"{model.__name__}FormView",
        (ConfigFormView,),
        {"model": model, "name": name, "form_class": form_class},
    )
    return list_view, form_view


BaselineListView, BaselineFormView = config_views(
    Baseline,
    "baseline",
    BaselineForm,
    gettext_lazy("Reduction baselines"),
    gettext_lazy(
        "The daily tonnage an area's reduction rate is measured against (empty stream: all streams)."
    ),
)
ExpectedReportListView, ExpectedReportFormView = config_views(
    ExpectedReport,
    "expectedreport",
    ExpectedReportForm,
    gettext_lazy("Expected reports"),
    gettext_lazy("Which sites must report which stream how often: the denominator of completeness."),
)
ValidationRuleListView, ValidationRuleFormView = config_views(
    ValidationRule,
    "validationrule",
    ValidationRuleForm,
    gettext_lazy("Validation rules"),
    gettext_lazy("Bounds on a unit's figures; a week or a day outside them is listed as a finding."),
)
