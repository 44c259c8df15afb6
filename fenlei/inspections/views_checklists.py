"""The checklists' pages: the list, a checklist's current items grouped by area of concern and its
versions, one past version, the office's table to revise the items (→ `services.revise`), and the
office's inspection quotas."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from fenlei.core import services as core_services
from fenlei.core.roles import Action
from fenlei.core.scoping import can, can_anywhere, get_for_user
from fenlei.core.views import ScopedListView, ServiceFormView
from fenlei.inspections import services
from fenlei.inspections.choices import Concern
from fenlei.inspections.forms_checklists import ItemFormSet, QuotaForm, ReviseForm, initial_items
from fenlei.inspections.models import ChecklistTemplate, ChecklistVersion, InspectionQuota


def grouped(version: ChecklistVersion | None) -> list[tuple[str, list]]:
    """The items of `version` by area of concern, in the concerns' order."""
    if version is None:
        return []
    items = list(version.items.all())
    return [
        (c.label, [i for i in items if i.concern == c.value])
        for c in Concern
        if any(i.concern == c.value for i in items)
    ]


class TemplateListView(ScopedListView):
    model = ChecklistTemplate
    template_name = "inspections/checklist_list.html"

    def get_base_queryset(self):
        return ChecklistTemplate.objects.select_related("current").prefetch_related("site_kinds")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["nav_active"] = "inspections"
        ctx["quota_url"] = reverse("inspections:quota-list")
        return ctx


class TemplateDetailView(LoginRequiredMixin, View):
    def get(self, request, pk, number=None):
        template = get_for_user(request.user, Action.VIEW, ChecklistTemplate, pk=pk)
        versions = list(template.versions.select_related("created_by").order_by("-number"))
        if number is None:
            version = template.current
        else:
            version = next((v for v in versions if v.number == number), None)
            if version is None:
                raise Http404
        return render(
            request,
            "inspections/checklist_detail.html",
            {
                "template": template,
                "version": version,
                "groups": grouped(version),
                "versions": versions,
                "is_current": version is not None and version.pk == template.current_id,
                "can_revise": can(request.user, Action.CHANGE, template),
                "nav_active": "inspections",
            },
        )


class VersionDetailView(TemplateDetailView):
    pass


class ReviseView(LoginRequiredMixin, View):
    """The office edits the items in a table (add, remove, change) with a note: a new version."""

    def setup_template(self, request, pk):
        self.template = get_for_user(request.user, Action.CHANGE, ChecklistTemplate, pk=pk)
        self.current = self.template.current

    def render(self, request, form, formset, status=200):
        return render(
            request,
            "inspections/checklist_revise.html",
            {"template": self.template, "form": form, "formset": formset, "nav_active": "inspections"},
            status=status,
        )

    def get(self, request, pk):
        self.setup_template(request, pk)
        items = list(self.current.items.all()) if self.current else []
        form = ReviseForm(
            initial={
                "scoring": self.current.scoring if self.current else None,
                "pass_mark": self.current.pass_mark if self.current else 60,
            }
        )
        return self.render(request, form, ItemFormSet(initial=initial_items(items), prefix="items"))

    def post(self, request, pk):
        self.setup_template(request, pk)
        form = ReviseForm(request.POST)
        formset = ItemFormSet(request.POST, prefix="items")
        if form.is_valid() and formset.is_valid():
            items = [i for i in (f.item() for f in formset.forms) if i is not None]
            try:
                version = services.revise(
                    self.template,
                    items=items,
                    by=request.user,
                    scoring=form.cleaned_data["scoring"],
                    pass_mark=form.cleaned_data["pass_mark"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                return redirect(reverse("inspections:template-detail", args=[version.template_id]))
        return self.render(request, form, formset, status=400)


class QuotaListView(ScopedListView):
    model = InspectionQuota
    template_name = "inspections/quota_list.html"

    def get_base_queryset(self):
        return InspectionQuota.objects.select_related("area", "site_kind")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        for q in ctx["object_list"]:
            q.edit_url = (
                reverse("inspections:quota-edit", args=[q.pk]) if can(user, Action.CHANGE, q) else None
            )
        ctx["add_url"] = reverse("inspections:quota-add") if ctx["can_add"] else None
        ctx["nav_active"] = "inspections"
        return ctx


class QuotaFormView(ServiceFormView):
    model = InspectionQuota
    form_class = QuotaForm

    def setup_object(self):
        if "pk" in self.kwargs:
            self.action = Action.CHANGE
            self.obj = self.get_object()
            self.title = _("Change the inspection quota")
        else:
            if not can_anywhere(self.request.user, Action.ADD, InspectionQuota):
                raise PermissionDenied
            self.obj = InspectionQuota()
            self.title = _("Add an inspection quota")

    def get_form_kwargs(self):
        return {"instance": self.obj, "user": self.request.user}

    def get_context(self, form):
        ctx = super().get_context(form)
        ctx.update(
            cancel_url=reverse("inspections:quota-list"),
            nav_active="inspections",
            intro=_(
                "Inspections a month each target of the area must have; the most specific quota applies."
            ),
        )
        return ctx

    def perform(self, form):
        obj = form.save(commit=False)
        if obj.pk:
            return core_services.update(obj, by=self.request.user)
        return core_services.create(obj, by=self.request.user)

    def success_url(self, result) -> str:
        return reverse("inspections:quota-list")
