"""Reads of rectification orders for the orders' pages: the list's FilterSet ("waiting for me" is
`services.waiting_for`, written beside the capacities it follows), the before and after photos."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fenlei.core import attachments
from fenlei.core.scoping import subtree_q
from fenlei.inspections import services
from fenlei.inspections.choices import (
    OPEN_STATES,
    Concern,
    Escalation,
    OrderState,
    Phase,
    Responsible,
)
from fenlei.inspections.models import Inspection, RectificationOrder
from fenlei.org.choices import AreaLevel
from fenlei.org.filtersets import _scoped_areas, scoped_choices
from fenlei.org.models import Area

NOTHING = Q(pk__in=[])


def overdue_q(today=None) -> Q:
    """Orders past their deadline: marked overdue, or open with the deadline gone by."""
    today = today or timezone.localdate()
    return Q(state=OrderState.OVERDUE) | Q(state__in=sorted(OPEN_STATES), deadline__lt=today)


_YES_NO = (("", _("All")), ("true", _("yes")), ("false", _("no")))


def _phase_states(phase: str) -> list[str]:
    from fenlei.inspections.choices import PHASE

    return sorted(s for s, p in PHASE.items() if p == phase)


class OrderFilterSet(django_filters.FilterSet):
    """The filters of the orders' list (and of its export)."""

    mine = django_filters.BooleanFilter(
        label=_("Waiting for me"), method="filter_mine", widget=forms.CheckboxInput
    )
    phase = django_filters.ChoiceFilter(label=_("Phase"), choices=Phase.choices, method="filter_phase")
    state = django_filters.ChoiceFilter(label=_("State"), choices=OrderState.choices)
    escalation = django_filters.ChoiceFilter(
        label=_("Escalation"), choices=[(str(v), label) for v, label in Escalation.choices]
    )
    street = django_filters.ModelChoiceFilter(
        label=_("Street"), queryset=_scoped_areas(AreaLevel.STREET), method="filter_area"
    )
    community = django_filters.ModelChoiceFilter(
        label=_("Community"), queryset=_scoped_areas(AreaLevel.COMMUNITY), method="filter_area"
    )
    #: Any area in scope, its whole subtree (for links; not offered on the page).
    area = django_filters.ModelChoiceFilter(
        label=_("Area"),
        queryset=scoped_choices(Area, order_by=("path",)),
        method="filter_area",
        widget=forms.HiddenInput,
    )
    responsible = django_filters.ChoiceFilter(label=_("Addressed to"), choices=Responsible.choices)
    concern = django_filters.ChoiceFilter(label=_("Area of concern"), choices=Concern.choices)
    overdue = django_filters.BooleanFilter(
        label=pgettext_lazy("orders filter", "Overdue"),
        method="filter_overdue",
        widget=forms.Select(choices=_YES_NO),
    )
    repeat = django_filters.BooleanFilter(
        label=_("Repeated problem"),
        field_name="repeat_of",
        lookup_expr="isnull",
        exclude=True,
        widget=forms.Select(choices=_YES_NO),
    )

    class Meta:
        model = RectificationOrder
        fields = [
            "mine",
            "phase",
            "state",
            "escalation",
            "street",
            "community",
            "responsible",
            "concern",
            "overdue",
            "repeat",
            "area",
        ]

    def filter_mine(self, queryset, name, value):
        if not value:
            return queryset
        return services.waiting_for(getattr(self.request, "user", None), queryset)

    def filter_phase(self, queryset, name, value):
        return queryset.filter(state__in=_phase_states(value)) if value else queryset

    def filter_area(self, queryset, name, value):
        return queryset.filter(subtree_q("area_path", value.path)) if value else queryset

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())


class EscalatedFilterSet(django_filters.FilterSet):
    """The filters of the escalated orders' list (督办)."""

    level = django_filters.ChoiceFilter(
        label=_("Level"),
        field_name="escalation",
        choices=[(str(v), label) for v, label in Escalation.choices if v != Escalation.NONE],
    )
    street = django_filters.ModelChoiceFilter(
        label=_("Street"), queryset=_scoped_areas(AreaLevel.STREET), method="filter_area"
    )
    closed = django_filters.BooleanFilter(
        label=_("Closed ones too"), method="filter_closed", widget=forms.CheckboxInput
    )

    class Meta:
        model = RectificationOrder
        fields = ["level", "street", "closed"]

    def filter_area(self, queryset, name, value):
        return queryset.filter(subtree_q("area_path", value.path)) if value else queryset

    def filter_closed(self, queryset, name, value):
        return queryset if value else queryset.exclude(state=OrderState.CLOSED)


# --- photos --------------------------------------------------------------------------------------


def before_photos(order: RectificationOrder):
    """The photos of the order's problem, oldest first: the inspection's (part = the item's code), or,
    for an order issued from a resident's report, the report's photos."""
    if order.inspection_id is None:
        from django.apps import apps

        report = apps.get_model("public", "ResidentReport")(pk=order_report_id(order))
        if report.pk is None:
            return attachments.of_row(order, "after").none()
        return attachments.of_row(report, "photo").order_by("pk")
    inspection = Inspection(pk=order.inspection_id)
    return attachments.of_row(inspection, "photo").filter(part=order.item.code).order_by("pk")


def order_report_id(order: RectificationOrder) -> int | None:
    """The id of the resident's report `order` was issued from (None: it was not)."""
    from django.apps import apps

    report = apps.get_model("public", "ResidentReport")
    return report.objects.filter(order_id=order.pk).values_list("pk", flat=True).first()


def after_photos(order: RectificationOrder):
    return attachments.of_row(order, "after").order_by("pk")
