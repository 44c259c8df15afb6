"""Filters of the inspections API's lists.

A filter narrows what the scope already allows and never widens it: the lists apply the scoping
function after the filters, so a place outside the caller's scope simply yields no rows.
"""

from __future__ import annotations

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fenlei.collection.api.filtersets import AreaSubtreeFilter
from fenlei.inspections.choices import (
    PHASE,
    Concern,
    Escalation,
    OrderState,
    Phase,
    Responsible,
    Severity,
    TargetType,
)
from fenlei.inspections.models import Inspection, RectificationOrder


class InspectionFilterSet(django_filters.FilterSet):
    since = django_filters.DateFilter(label=_("From"), field_name="day", lookup_expr="gte")
    until = django_filters.DateFilter(label=_("To"), field_name="day", lookup_expr="lte")
    area = AreaSubtreeFilter()
    target_type = django_filters.ChoiceFilter(label=_("Kind of target"), choices=TargetType.choices)
    site = django_filters.NumberFilter(label=_("Site"), field_name="site_id")
    dropoff = django_filters.NumberFilter(label=_("Drop-off point"), field_name="dropoff_id")
    vehicle = django_filters.NumberFilter(label=_("Vehicle"), field_name="vehicle_id")
    inspector = django_filters.NumberFilter(label=_("Inspector"), field_name="inspector_id")
    passed = django_filters.BooleanFilter(label=_("Passed"))
    far = django_filters.BooleanFilter(label=_("Far from the target"))

    class Meta:
        model = Inspection
        fields = [
            "since",
            "until",
            "area",
            "target_type",
            "site",
            "dropoff",
            "vehicle",
            "inspector",
            "passed",
            "far",
        ]


class OrderFilterSet(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(label=_("State"), choices=OrderState.choices)
    phase = django_filters.ChoiceFilter(label=_("Phase"), choices=Phase.choices, method="of_phase")
    escalation = django_filters.TypedChoiceFilter(
        label=_("Escalation"), choices=Escalation.choices, coerce=int
    )
    area = AreaSubtreeFilter()
    responsible = django_filters.ChoiceFilter(label=_("Addressed to"), choices=Responsible.choices)
    concern = django_filters.ChoiceFilter(label=_("Area of concern"), choices=Concern.choices)
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=Severity.choices)
    site = django_filters.NumberFilter(label=_("Site"), field_name="site_id")
    hauler = django_filters.NumberFilter(label=_("Hauler"), field_name="hauler_id")
    inspection = django_filters.NumberFilter(label=_("Inspection"), field_name="inspection_id")
    overdue = django_filters.BooleanFilter(
        label=_("Overdue"),
        method="of_overdue",
        help_text=_("Open and past its deadline (yes), or not (no)."),
    )
    repeat = django_filters.BooleanFilter(
        label=_("Repeat problem"), field_name="repeat_of", lookup_expr="isnull", exclude=True
    )
    waiting_for_me = django_filters.BooleanFilter(
        label=_("Waiting for me"),
        method="of_waiting",
        help_text=_("Only the orders on which you owe the next step (answer, or verify)."),
    )
    since = django_filters.DateFilter(label=_("Issued from"), field_name="issued_at__date", lookup_expr="gte")
    until = django_filters.DateFilter(
        label=_("Issued until"), field_name="issued_at__date", lookup_expr="lte"
    )

    class Meta:
        model = RectificationOrder
        fields = [
            "state",
            "phase",
            "escalation",
            "area",
            "responsible",
            "concern",
            "severity",
            "site",
            "hauler",
            "inspection",
            "overdue",
            "repeat",
            "waiting_for_me",
            "since",
            "until",
        ]

    def of_phase(self, queryset, name, value):
        return queryset.filter(state__in=[s for s, p in PHASE.items() if p == value])

    def of_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        open_states = [s for s, p in PHASE.items() if p == Phase.OPEN]
        late = {"state__in": open_states, "deadline__lt": timezone.localdate()}
        return queryset.filter(**late) if value else queryset.exclude(**late)

    def of_waiting(self, queryset, name, value):
        """The orders on which the reader owes the next step (`services.waiting_for`)."""
        if value is None:
            return queryset
        from fenlei.inspections import services

        waiting = services.waiting_for(self.request.user, queryset).values("pk")
        return queryset.filter(pk__in=waiting) if value else queryset.exclude(pk__in=waiting)
