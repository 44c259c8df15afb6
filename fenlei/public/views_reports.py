"""Residents' reports on the web: the public form and the status page by link (no sign-in, for any
phone), and the queue of the office and the streets (signed in, read through the scoping function),
with "turn into a rectification order" and "decline".

Every write goes through `fenlei.public.reports`.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from fenlei.core import attachments
from fenlei.core.models import Attachment
from fenlei.core.roles import Action
from fenlei.core.scoping import can, can_anywhere, get_for_user, subtree_q
from fenlei.core.views import ScopedListView, ScopedMixin, attach_errors
from fenlei.core.views_attachments import RowFileMixin, file_response
from fenlei.inspections.choices import TargetType
from fenlei.org.choices import AreaLevel
from fenlei.org.filtersets import _scoped_areas
from fenlei.public import limits, reports
from fenlei.public.choices import ReportKind, ReportState
from fenlei.public.forms_reports import DeclineForm, OrderForm, ReportForm, split_target
from fenlei.public.models import ResidentReport

NAV = {"nav_active": "residents"}


def _private(response):
    """A page keyed by a secret link: never indexed, never cached, never named in a Referer."""
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    return response


# --- the public form ----------------------------------------------------------------------------------


def _area_param(request_data, name: str, queryset):
    value = (request_data.get(name) or "").strip()
    return queryset.filter(pk=int(value)).first() if value.isdigit() else None


class ReportFormView(View):
    """GET: choose the street and the community (a step each without JavaScript; the page's script
    moves on by itself), then the form. POST: file the report and go to its status page."""

    http_method_names = ["get", "post"]

    def get(self, request):
        community = _area_param(request.GET, "community", reports.communities().select_related("parent"))
        if community is not None:
            return self.show(request, ReportForm(community=community))
        street = _area_param(request.GET, "street", reports.streets())
        context = {
            "streets": reports.streets(),
            "street": street,
            "communities": reports.communities(street) if street else [],
        }
        return render(request, "public/reports/choose.html", context)

    def post(self, request):
        community = _area_param(request.POST, "community", reports.communities().select_related("parent"))
        if community is None:
            return redirect("reports:new")
        form = ReportForm(request.POST, community=community)
        if form.is_valid():
            try:
                report, _created = reports.submit(
                    data=form.report_in(),
                    photos=request.FILES.getlist("photo"),
                    client=limits.client_digest(request),
                    key=form.cleaned_data.get("form_key") or "",
                )
            except ValidationError as exc:
                errors = dict(
                    exc.error_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.error_list}
                )
                photo_errors = [m for e in errors.pop("photo", []) for m in e.messages]
                if errors:
                    attach_errors(form, ValidationError(errors))
                return self.show(request, form, photo_errors=photo_errors, status=400)
            return redirect(reverse("reports:status", args=[report.token]) + "?sent=1")
        return self.show(request, form, status=400)

    def show(self, request, form, *, photo_errors=(), status=200):
        limited = any(e.code == "limit" for e in form.errors.as_data().get(NON_FIELD_ERRORS, []))
        return render(
            request,
            "public/reports/form.html",
            {
                "form": form,
                "community": form.community,
                "street": form.community.parent,
                "photo_errors": photo_errors,
                "max_photos": reports.MAX_PHOTOS,
                "limited": limited,
                "resubmitted": form.is_bound,
            },
            status=status,
        )


class StatusView(View):
    """The report's status by its secret link: anyone holding the link, no account."""

    http_method_names = ["get"]

    def get(self, request, token):
        report = reports.by_token(token)
        if report is None:
            raise Http404
        link = request.build_absolute_uri(reverse("reports:status", args=[report.token]))
        response = render(
            request,
            "public/reports/status.html",
            {"status": reports.status_of(report), "link": link, "sent": request.GET.get("sent") == "1"},
        )
        return _private(response)


# --- the office's queue -------------------------------------------------------------------------------


class ReportFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=gettext_lazy("State"), choices=ReportState.choices)
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Problem"), choices=ReportKind.choices)
    street = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Street"), queryset=_scoped_areas(AreaLevel.STREET), method="filter_area"
    )
    community = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Community"), queryset=_scoped_areas(AreaLevel.COMMUNITY), method="filter_area"
    )

    class Meta:
        model = ResidentReport
        fields = ["state", "kind", "street", "community"]

    def filter_area(self, queryset, name, value):
        return queryset.filter(subtree_q("area_path", value.path)) if value else queryset


def _reports():
    return ResidentReport.objects.select_related("area", "area__parent", "site", "dropoff", "order")


class QueueView(ScopedListView):
    """The reports in the user's scope, newest first (the filters: state, problem, street, community)."""

    model = ResidentReport
    filterset_class = ReportFilterSet
    template_name = "public/reports/queue.html"
    extra_context = {**NAV, "title": gettext_lazy("Residents' reports")}

    def get_base_queryset(self):
        return _reports()

    def get(self, request, *args, **kwargs):
        if not can_anywhere(request.user, Action.VIEW, ResidentReport):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["photo_counts"] = {
            pk: len(files)
            for pk, files in attachments.of_rows(
                ResidentReport, [r.pk for r in ctx["object_list"]], "photo"
            ).items()
        }
        for r in ctx["object_list"]:
            r.photo_count = ctx["photo_counts"].get(r.pk, 0)
        return ctx


def _detail_context(request, report, *, order_form=None, decline_form=None) -> dict:
    user = request.user
    may_act = report.state == ReportState.RECEIVED and can(user, Action.CHANGE, report)
    ctx = {
        **NAV,
        "report": report,
        "object": report,
        "title": report.number,
        "photos": [
            {
                "file": a,
                "url": reverse("reports:file", args=[report.pk, a.pk]),
                "thumb_url": reverse("reports:thumbnail", args=[report.pk, a.pk]) if a.thumbnail else "",
            }
            for a in attachments.of_row(report, "photo").order_by("pk")
        ],
        "may_act": may_act,
        "breadcrumbs": [
            {"label": _("Residents' reports"), "url": reverse("reports:queue")},
            {"label": report.number, "url": ""},
        ],
    }
    if may_act:
        if order_form is None:
            order_form = _order_form(request, report, request.GET)
        ctx["order_form"] = order_form
        ctx["decline_form"] = decline_form or DeclineForm()
        ctx["target_kind"] = order_form.target_kind
        ctx["target_select"] = order_form.target_select
    return ctx


def _order_form(request, report, source, *, data=None) -> OrderForm:
    """The order form, its items those of the chosen target's checklist (from `source`: the GET of a
    reload or the POST), else of the target the report names; the item that fits the problem first."""
    user = request.user
    targets = reports.targets_for(user, report)
    kind, pk = split_target(source.get("target", ""))
    if not kind:
        named = reports.target_of(report)
        kind, pk = named if named else ("", "")
    target = next((t for t in targets.get(kind, []) if str(t.pk) == str(pk)), None)
    if target is None and not source.get("target"):  # the only target there is
        every = [(k, t) for k in (TargetType.DROPOFF, TargetType.SITE) for t in targets[k]]
        if len(every) == 1:
            kind, target = every[0]
    items = reports.checklist_items(kind, target) if target is not None else []
    initial = {"note": report.description[:200]}
    if target is not None:
        initial["target"] = f"{kind}:{target.pk}"
        suggested = reports.suggest_item(items, report.kind)
        if suggested is not None:
            initial["item"] = str(suggested.pk)
    form = OrderForm(data, user=user, report=report, targets=targets, items=items, initial=initial)
    form.target_kind = kind if target is not None else ""
    form.target_select = forms.Select(choices=form.fields["target"].choices).render(
        "target",
        form["target"].value(),
        attrs={"id": "target-choice", "data-autosubmit": ""},
    )
    return form


class ReportDetailView(ScopedMixin, View):
    model = ResidentReport

    def get_base_queryset(self):
        return _reports()

    def get(self, request, pk):
        report = self.get_object()
        return render(request, "public/reports/detail.html", _detail_context(request, report))


class ReportActionView(ScopedMixin, View):
    """POST one action on a report: 404 outside the scope, 403 without the change action; a refusal
    (a bad choice, a report already handled) shows the report again (400) with the reasons."""

    model = ResidentReport
    http_method_names = ["post"]

    def get_base_queryset(self):
        return _reports()

    def post(self, request, pk):
        report = get_for_user(request.user, Action.CHANGE, self.get_base_queryset(), pk=pk)
        form, done = self.act(request, report)
        if done is not None:
            messages.success(request, done)
            return redirect("reports:detail", pk=report.pk)
        report.refresh_from_db()
        ctx = _detail_context(request, report, **{self.form_name: form})
        if not ctx["may_act"]:
            ctx["refused"] = form
        return render(request, "public/reports/detail.html", ctx, status=400)


class ReportOrderView(ReportActionView):
    form_name = "order_form"

    def act(self, request, report):
        form = _order_form(request, report, request.POST, data=request.POST)
        if form.is_valid():
            try:
                order = reports.turn_into_order(report=report, by=request.user, **form.service_kwargs())
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                return form, _("{number}: rectification order {order} issued.").format(
                    number=report.number, order=order.number
                )
        return form, None


class ReportDeclineView(ReportActionView):
    form_name = "decline_form"

    def act(self, request, report):
        form = DeclineForm(request.POST)
        if form.is_valid():
            try:
                reports.decline(report=report, by=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                return form, _("{number}: not taken up.").format(number=report.number)
        return form, None


class ReportFileView(RowFileMixin, View):
    """A photo of a report (or its thumbnail), read through the report."""

    thumbnail = False

    def get_base_queryset(self):
        return ResidentReport.objects.all()

    def get(self, request, pk, file):
        return file_response(self.get_attachment(self.get_row()), thumbnail=self.thumbnail)

    def get_attachment(self, row) -> Attachment:
        try:
            return attachments.of_row(row, "photo").get(pk=self.kwargs["file"])
        except Attachment.DoesNotExist:
            raise Http404 from None
