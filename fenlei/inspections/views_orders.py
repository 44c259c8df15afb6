"""The rectification orders' pages: the list (with "waiting for me"), one order with its photos,
timeline and step forms, the step POST, the orders' files, and the escalated orders (督办).

Every read goes through the scoping function; every step goes through `services.transition`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from fenlei.core.models import Attachment
from fenlei.core.roles import Action
from fenlei.core.scoping import can_anywhere, for_user, get_for_user
from fenlei.core.views import ScopedListView, ScopedMixin, attach_errors
from fenlei.core.views_attachments import RowFileMixin, file_response
from fenlei.inspections import services
from fenlei.inspections.choices import TRANSITIONS, Capacity, Escalation, Step
from fenlei.inspections.forms_orders import FORMS, step_form
from fenlei.inspections.models import RectificationOrder
from fenlei.inspections.selectors_orders import (
    EscalatedFilterSet,
    OrderFilterSet,
    after_photos,
    before_photos,
)

NAV = {"nav_active": "inspections"}


def _orders():
    return RectificationOrder.objects.select_related(
        "site",
        "dropoff",
        "vehicle",
        "area",
        "area__parent",
        "responsible_area",
        "hauler",
        "authority",
        "item",
    )


class BoundListView(ScopedListView):
    """A scoped list whose FilterSet is always bound, so its defaults apply without a query."""

    model = RectificationOrder
    extra_context = NAV

    def get_base_queryset(self):
        return _orders()

    def get_queryset(self):
        self.filterset = self.filterset_class(
            self.request.GET, queryset=self.get_base_queryset(), request=self.request
        )
        self.filterset.is_valid()  # a filter with a bad value is left out
        return for_user(
            self.request.user, Action.VIEW, self.filterset.filter_queryset(self.get_base_queryset())
        )

    def get(self, request, *args, **kwargs):
        if not can_anywhere(request.user, Action.VIEW, RectificationOrder):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = timezone.localdate()
        for o in ctx["object_list"]:
            o.late_days = o.days_late(today)
            o.street, o.community = o.street_and_community
        return ctx


class OrderListView(BoundListView):
    template_name = "inspections/order_list.html"
    filterset_class = OrderFilterSet

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Rectification orders")
        ctx["escalated_url"] = reverse("inspections:order-escalated")
        return ctx


class EscalatedListView(BoundListView):
    """The escalated orders (督办): by level, days overdue, street and community; each user sees the
    ones in its scope (a street its own, the district office all)."""

    template_name = "inspections/order_escalated.html"
    filterset_class = EscalatedFilterSet

    def get_base_queryset(self):
        return _orders().filter(escalation__gt=Escalation.NONE).order_by("-escalation", "deadline", "pk")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Escalated rectification orders")
        return ctx


def _detail_context(request, order, *, forms=None, status_step=None) -> dict:
    user = request.user
    steps = services.allowed_steps(user, order)
    forms = dict(forms or {})
    for step in steps:
        forms.setdefault(step, step_form(step, order=order, user=user))
    events = list(order.events.select_related("by"))
    distances = {str(e.pk): e.data.get("distance_m") for e in events if e.step == Step.ANSWER}
    before = [
        {
            "file": a,
            "url": reverse("inspections:order-before-file", args=[order.pk, a.pk]),
            "thumb_url": reverse("inspections:order-before-thumbnail", args=[order.pk, a.pk])
            if a.thumbnail
            else "",
        }
        for a in before_photos(order)
    ]
    after = [
        {
            "file": a,
            "url": reverse("inspections:order-file", args=[order.pk, a.pk]),
            "thumb_url": reverse("inspections:order-thumbnail", args=[order.pk, a.pk]) if a.thumbnail else "",
            "distance_m": distances.get(a.part),
        }
        for a in after_photos(order)
    ]
    today = timezone.localdate()
    street, community = order.street_and_community
    return {
        **NAV,
        "object": order,
        "order": order,
        "title": str(order.number),
        "before": before,
        "after": after,
        "events": events,
        "step_forms": [
            {
                "step": step,
                "label": Step(step).label,
                "form": forms[step],
                "url": reverse("inspections:order-step", args=[order.pk, step]),
                "multipart": step == Step.ANSWER,
                "error": step == status_step,
            }
            for step in steps
        ],
        "late_days": order.days_late(today),
        "days_left": (order.deadline - today).days,
        "street": street,
        "community": community,
        "repeat_of": order.repeat_of if order.repeat_of_id else None,
        "breadcrumbs": [
            {"label": _("Rectification orders"), "url": reverse("inspections:order-list")},
            {"label": order.number, "url": ""},
        ],
    }


class OrderDetailView(ScopedMixin, View):
    model = RectificationOrder

    def get_base_queryset(self):
        return _orders().select_related("repeat_of", "inspection")

    def get(self, request, pk):
        order = self.get_object()
        return render(request, "inspections/order_detail.html", _detail_context(request, order))


class OrderStepView(ScopedMixin, View):
    """POST one step: the service decides; a refusal shows the order again (400) with the reasons,
    a step the user's capacity does not allow is 403."""

    model = RectificationOrder
    http_method_names = ["post"]

    def get_base_queryset(self):
        return _orders().select_related("repeat_of", "inspection")

    def post(self, request, pk, step):
        # 404 outside the scope, 403 without the change action or the capacity the step needs
        order = get_for_user(request.user, Action.CHANGE, self.get_base_queryset(), pk=pk)
        if step in TRANSITIONS and TRANSITIONS[step][2] not in services.capacities(request.user, order):
            raise PermissionDenied(
                _("Only {who} may take the step “{step}”.").format(
                    who=Capacity(TRANSITIONS[step][2]).label, step=Step(step).label
                )
            )
        form = step_form(step, order=order, user=request.user, data=request.POST, files=request.FILES)
        if step not in FORMS:
            form.is_valid()
            form.add_error(None, _("“{step}” is not a step of a rectification order.").format(step=step))
        elif form.is_valid():
            try:
                services.transition(order, step, by=request.user, **form.service_kwargs())
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("{number}: {step}.").format(number=order.number, step=Step(step).label),
                )
                return redirect(order.get_absolute_url())
        # PermissionDenied from the service is left to Django: 403.
        order.refresh_from_db()
        ctx = _detail_context(request, order, forms={step: form}, status_step=step)
        if step not in {s["step"] for s in ctx["step_forms"]}:
            ctx["refused"] = {"label": Step(step).label if step in Step.values else step, "form": form}
        return render(request, "inspections/order_detail.html", ctx, status=400)


class OrderFileView(RowFileMixin, View):
    """An "after" photo of an order (or its thumbnail)."""

    thumbnail = False

    def get_base_queryset(self):
        return RectificationOrder.objects.all()

    def get(self, request, pk, file):
        return file_response(self.get_attachment(self.get_row()), thumbnail=self.thumbnail)


class OrderBeforeFileView(OrderFileView):
    """A "before" photo of an order: the inspection's photo of the problem, read through the order
    (whoever may see the order sees what it is about)."""

    def get_attachment(self, row) -> Attachment:
        try:
            return before_photos(row).get(pk=self.kwargs["file"])
        except Attachment.DoesNotExist:
            raise Http404 from None
