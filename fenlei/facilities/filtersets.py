"""One FilterSet per ledger, shared by the list page and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fenlei.core.widgets import OneOfManySelect
from fenlei.facilities.choices import (
    DropOffKind,
    FacilityStatus,
    IntermediateKind,
    PurchaseItem,
    PurchaseStatus,
    TerminalKind,
)
from fenlei.facilities.models import (
    CollectionStation,
    Container,
    DropOffPoint,
    IntermediateFacility,
    PurchasePlan,
    TerminalFacility,
    Vehicle,
)
from fenlei.org.filtersets import PlacedFilterSet, StatusFilter, scoped_choices
from fenlei.org.models import Hauler
from fenlei.taxonomy.models import Category


class DropOffPointFilterSet(PlacedFilterSet):
    kind = django_filters.MultipleChoiceFilter(
        label=_("Kind"), choices=DropOffKind.choices, widget=OneOfManySelect
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=FacilityStatus.choices, widget=OneOfManySelect
    )

    search_fields = ("name", "address", "supervisor")

    class Meta:
        model = DropOffPoint
        fields = ["q", "street", "community", "kind", "status", "open"]


class ContainerFilterSet(PlacedFilterSet):
    category = django_filters.ModelMultipleChoiceFilter(
        label=_("Category"), queryset=Category.objects.filter(kind="major"), widget=OneOfManySelect
    )
    volume_l = django_filters.NumberFilter(label=_("Volume (L)"))
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=FacilityStatus.choices, widget=OneOfManySelect
    )

    search_fields = ("site__name", "point__name")

    class Meta:
        model = Container
        fields = ["q", "street", "community", "category", "volume_l", "status", "open"]


def _status_filter():
    return django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=FacilityStatus.choices, widget=OneOfManySelect
    )


class CollectionStationFilterSet(PlacedFilterSet):
    status = _status_filter()
    has_washing = django_filters.BooleanFilter(label=_("Washing facilities"))

    search_fields = ("name", "address")

    class Meta:
        model = CollectionStation
        fields = ["q", "street", "community", "status", "has_washing", "open"]


class IntermediateFacilityFilterSet(PlacedFilterSet):
    kind = django_filters.MultipleChoiceFilter(
        label=_("Kind"), choices=IntermediateKind.choices, widget=OneOfManySelect
    )
    status = _status_filter()

    search_fields = ("name", "address", "operator")

    class Meta:
        model = IntermediateFacility
        fields = ["q", "street", "community", "kind", "status", "open"]


class TerminalFacilityFilterSet(PlacedFilterSet):
    community = None  # plants stand at the district or a street
    site = None
    kind = django_filters.MultipleChoiceFilter(
        label=_("Kind"), choices=TerminalKind.choices, widget=OneOfManySelect
    )
    status = _status_filter()

    search_fields = ("name", "address", "operator")

    class Meta:
        model = TerminalFacility
        fields = ["q", "street", "kind", "status", "open"]


def _stream_choices():
    from fenlei.taxonomy.naming import streams

    return [(s.code, s.label) for s in streams()]


class VehicleFilterSet(django_filters.FilterSet):
    """Vehicles are found by their hauler and stream, not by street or community."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    hauler = django_filters.ModelChoiceFilter(label=_("Hauler"), queryset=scoped_choices(Hauler))
    stream = django_filters.MultipleChoiceFilter(
        label=_("Stream"), choices=_stream_choices, widget=OneOfManySelect
    )
    status = _status_filter()
    open = StatusFilter(label=_("Open or closed"))

    class Meta:
        model = Vehicle
        fields = ["q", "hauler", "stream", "status", "open"]

    def search(self, queryset, name, value):
        from fenlei.facilities.models import normalise_plate

        return queryset.filter(Q(plate__icontains=normalise_plate(value)) | Q(hauler__name__icontains=value))


class PurchasePlanFilterSet(PlacedFilterSet):
    item = django_filters.MultipleChoiceFilter(
        label=_("Item"), choices=PurchaseItem.choices, widget=OneOfManySelect
    )
    category = django_filters.ModelMultipleChoiceFilter(
        label=_("Category"), queryset=Category.objects.filter(kind="major"), widget=OneOfManySelect
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=PurchaseStatus.choices, widget=OneOfManySelect
    )
    planned_from = django_filters.DateFilter(
        label=_("Planned from"),
        field_name="planned_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    planned_to = django_filters.DateFilter(
        label=_("Planned until"),
        field_name="planned_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    search_fields = ("description", "site__name")

    class Meta:
        model = PurchasePlan
        fields = [
            "q",
            "street",
            "community",
            "item",
            "category",
            "status",
            "planned_from",
            "planned_to",
            "open",
        ]
