"""The filters of the kitchen-waste pages, shared by the HTML pages and the API."""

from __future__ import annotations

import datetime
from decimal import Decimal

import django_filters
from django import forms
from django.conf import settings
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from fenlei.collection import kitchen
from fenlei.collection.choices import ManifestState
from fenlei.collection.models import Manifest
from fenlei.core.widgets import OneOfManySelect
from fenlei.org.choices import KIND_LEVEL, AreaLevel
from fenlei.org.filtersets import SubtreeFilter, contains_q, scoped_choices
from fenlei.org.models import Area, Hauler
from fenlei.units.models import RestaurantRecord

_STREET_KINDS = [k for k, level in KIND_LEVEL.items() if level == AreaLevel.STREET]
_COMMUNITY_KINDS = [k for k, level in KIND_LEVEL.items() if level == AreaLevel.COMMUNITY]


def _period_filters():
    return (
        django_filters.DateFilter(
            label=_("From"), method="keep", widget=forms.DateInput(attrs={"type": "date"})
        ),
        django_filters.DateFilter(
            label=_("To"), method="keep", widget=forms.DateInput(attrs={"type": "date"})
        ),
    )


class KitchenFilterSet(django_filters.FilterSet):
    """The restaurants of the kitchen-waste page (open RestaurantRecord rows) and its period."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    street = SubtreeFilter(
        label=_("Street"), queryset=scoped_choices(Area, order_by=("path",), kind__in=_STREET_KINDS)
    )
    hauler = django_filters.ModelChoiceFilter(
        label=_("Kitchen-waste haulier"), queryset=scoped_choices(Hauler, closed_on__isnull=True)
    )
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=kitchen.RestaurantState.choices, method="filter_state"
    )
    since, until = _period_filters()

    class Meta:
        model = RestaurantRecord
        fields = ["q", "street", "hauler", "state", "since", "until"]

    def search(self, queryset, name, value):
        return queryset.filter(contains_q(("site__name", "contract_number"), value))

    def keep(self, queryset, name, value):
        return queryset  # the period chooses the figures shown, not the restaurants

    def filter_state(self, queryset, name, value):
        if not value:
            return queryset
        return kitchen.filter_state(self.request.user, queryset, value, *self.period)

    @property
    def period(self) -> tuple[datetime.date, datetime.date]:
        """The days the figures cover: the chosen ones, or the last 30 days up to today."""
        data = getattr(self.form, "cleaned_data", None) or {}
        default_start, default_end = kitchen.default_period()
        end = data.get("until") or default_end
        start = data.get("since") or (end - (default_end - default_start))
        if start > end:
            start, end = end, start
        return start, end


@extend_schema_field(OpenApiTypes.INT)
class ContractHaulerFilter(django_filters.ModelChoiceFilter):
    """Manifests of the restaurants whose open ledger record names this haulier (whoever collected)."""

    def filter(self, qs, value):
        if not value:
            return qs
        sites = RestaurantRecord.objects.filter(hauler=value, closed_on__isnull=True).values("site_id")
        return qs.filter(site_id__in=sites)


class ManifestFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    street = SubtreeFilter(
        label=_("Street"), queryset=scoped_choices(Area, order_by=("path",), kind__in=_STREET_KINDS)
    )
    community = SubtreeFilter(
        label=_("Community"), queryset=scoped_choices(Area, order_by=("path",), kind__in=_COMMUNITY_KINDS)
    )
    hauler = django_filters.ModelChoiceFilter(label=_("Haulier"), queryset=scoped_choices(Hauler))
    contract_hauler = ContractHaulerFilter(
        label=_("Restaurant's contracted haulier"), queryset=scoped_choices(Hauler), widget=forms.HiddenInput
    )
    state = django_filters.MultipleChoiceFilter(
        label=_("State"), choices=ManifestState.choices, widget=OneOfManySelect
    )
    since = django_filters.DateFilter(
        label=_("From"), field_name="day", lookup_expr="gte", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = django_filters.DateFilter(
        label=_("To"), field_name="day", lookup_expr="lte", widget=forms.DateInput(attrs={"type": "date"})
    )
    difference = django_filters.BooleanFilter(
        label=_("Difference over the tolerance"), method="over_tolerance"
    )
    site = django_filters.NumberFilter(label=_("Restaurant"), field_name="site_id", widget=forms.HiddenInput)
    trip = django_filters.NumberFilter(
        label=_("Trip"), field_name="record__trip_id", widget=forms.HiddenInput
    )

    class Meta:
        model = Manifest
        fields = [
            "q",
            "street",
            "community",
            "hauler",
            "contract_hauler",
            "state",
            "since",
            "until",
            "difference",
            "site",
            "trip",
        ]

    def search(self, queryset, name, value):
        return queryset.filter(contains_q(("number", "site__name"), value))

    def over_tolerance(self, queryset, name, value):
        """Received manifests whose plant weight differs from the pick-up's by more than the tolerance."""
        if value is None:
            return queryset
        share = Decimal(settings.FENLEI_MANIFEST_TOLERANCE_PCT) / 100
        high, low = 1 + share, 1 - share
        over = Q(received_kg__gt=F("weight_kg") * high) | Q(received_kg__lt=F("weight_kg") * low)
        received = Q(state=ManifestState.RECEIVED, received_kg__isnull=False)
        return queryset.filter(received & over) if value else queryset.filter(received).exclude(over)
