"""The publicity ledger's FilterSet, shared by the list page, its Excel export and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fenlei.core.widgets import OneOfManySelect
from fenlei.org.filtersets import PlacedFilterSet
from fenlei.publicity.choices import ActivityKind, Target
from fenlei.publicity.models import Activity

_DATE = forms.DateInput(attrs={"type": "date"})


class ActivityFilterSet(PlacedFilterSet):
    since = django_filters.DateFilter(label=_("From"), field_name="date", lookup_expr="gte", widget=_DATE)
    until = django_filters.DateFilter(label=_("To"), field_name="date", lookup_expr="lte", widget=_DATE)
    kind = django_filters.MultipleChoiceFilter(
        label=_("Form of activity"), choices=ActivityKind.choices, widget=OneOfManySelect
    )
    target = django_filters.MultipleChoiceFilter(
        label=_("Target group"), choices=Target.choices, widget=OneOfManySelect
    )

    class Meta:
        model = Activity
        fields = ["q", "since", "until", "street", "community", "kind", "target", "open"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(organiser__icontains=value)
            | Q(reached_units__icontains=value)
            | Q(description__icontains=value)
            | Q(site__name__icontains=value)
        )
