"""One FilterSet per unit ledger, shared by the list page, the API and the Excel export."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fenlei.core.widgets import OneOfManySelect
from fenlei.org.filtersets import PlacedFilterSet, scoped_choices
from fenlei.org.models import Authority, Hauler, SiteKind
from fenlei.units.choices import CommitmentState, ContractState, RestaurantSize, SortingStatus
from fenlei.units.models import InstitutionRecord, RestaurantRecord, expiry_q


def _kinds(flag):
    def queryset(request):
        return SiteKind.objects.filter(**{flag: True})

    return queryset


class InstitutionFilterSet(PlacedFilterSet):
    kind = django_filters.ModelChoiceFilter(
        label=_("Kind"), queryset=_kinds("public_institution"), field_name="site__kind"
    )
    authority = django_filters.ModelChoiceFilter(
        label=_("Industry authority"),
        queryset=scoped_choices(Authority, closed_on__isnull=True),
        field_name="site__authority",
    )
    sorting_status = django_filters.MultipleChoiceFilter(
        label=_("Sorting status"), choices=SortingStatus.choices, widget=OneOfManySelect
    )

    class Meta:
        model = InstitutionRecord
        fields = ["q", "street", "community", "kind", "authority", "sorting_status", "open"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(site__name__icontains=value) | Q(sorting_lead__icontains=value))


class _ExpiryFilter(django_filters.ChoiceFilter):
    """Rows whose commitment (or contract) is valid, expiring, expired or missing today."""

    def __init__(self, *args, date_field: str, present, **kwargs):
        self.date_field = date_field
        self.present = present
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        return qs.filter(expiry_q(self.date_field, value, present=self.present()))


class RestaurantFilterSet(PlacedFilterSet):
    size = django_filters.MultipleChoiceFilter(
        label=_("Size"), choices=RestaurantSize.choices, widget=OneOfManySelect
    )
    hauler = django_filters.ModelChoiceFilter(
        label=_("Kitchen-waste haulier"), queryset=scoped_choices(Hauler, closed_on__isnull=True)
    )
    commitment = _ExpiryFilter(
        label=_("Commitment"),
        choices=CommitmentState.choices,
        date_field="commitment_expires",
        present=lambda: Q(commitment_signed=True),
    )
    contract = _ExpiryFilter(
        label=_("Contract"),
        choices=ContractState.choices,
        date_field="contract_end",
        present=lambda: Q(hauler__isnull=False) | ~Q(contract_number=""),
    )

    class Meta:
        model = RestaurantRecord
        fields = ["q", "street", "community", "size", "hauler", "commitment", "contract", "open"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(site__name__icontains=value) | Q(contract_number__icontains=value))
