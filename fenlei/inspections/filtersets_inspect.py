"""The inspections list's filters (day from/to, area, target, passed, far), for the HTML list."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from fenlei.inspections.choices import TargetType
from fenlei.inspections.models import Inspection
from fenlei.org.filtersets import SubtreeFilter, scoped_choices
from fenlei.org.models import Area

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_YES_NO = [("true", _("yes")), ("false", _("no"))]


class InspectionFilterSet(django_filters.FilterSet):
    day_from = django_filters.DateFilter(field_name="day", lookup_expr="gte", label=_("From"), widget=_DATE)
    day_to = django_filters.DateFilter(field_name="day", lookup_expr="lte", label=_("To"), widget=_DATE)
    area = SubtreeFilter(queryset=scoped_choices(Area, order_by=("path",)), label=_("Area"))
    target_type = django_filters.ChoiceFilter(choices=TargetType.choices, label=_("Target"))
    passed = django_filters.TypedChoiceFilter(
        choices=_YES_NO, coerce=lambda v: v == "true", label=_("Passed")
    )
    far = django_filters.TypedChoiceFilter(
        choices=_YES_NO, coerce=lambda v: v == "true", label=_("Far from the target")
    )

    class Meta:
        model = Inspection
        fields: list[str] = []
