"""Filters of the campaign API's lists.

A filter narrows what the scope already allows and never widens it: the lists apply the scoping
function as well, so a place outside the caller's scope simply yields no rows.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from fenlei.campaign.choices import DemoKind, DemoState, Level
from fenlei.campaign.models import DemoSite, Unit
from fenlei.collection.api.filtersets import AreaSubtreeFilter


class UnitFilterSet(django_filters.FilterSet):
    """A campaign's units. The place (`area`) and `at_risk` are read by the view: the place decides
    the overview that says which units are at risk."""

    level = django_filters.TypedChoiceFilter(label=_("Level"), choices=Level.choices, coerce=int)
    covered = django_filters.BooleanFilter(label=_("Covered"))
    at_risk = django_filters.BooleanFilter(label=_("At risk"), method="by_the_view")

    class Meta:
        model = Unit
        fields = ["level", "covered", "at_risk"]

    def by_the_view(self, queryset, name, value):
        return queryset


class DemoSiteFilterSet(django_filters.FilterSet):
    campaign = django_filters.NumberFilter(label=_("Campaign"), field_name="campaign_id")
    state = django_filters.MultipleChoiceFilter(label=_("State"), choices=DemoState.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=DemoKind.choices)
    area = AreaSubtreeFilter()
    site = django_filters.NumberFilter(label=_("Site"), field_name="site_id")

    class Meta:
        model = DemoSite
        fields = ["campaign", "state", "kind", "area", "site"]
