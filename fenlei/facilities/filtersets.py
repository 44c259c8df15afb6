"""One FilterSet per ledger, shared by the list page and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fenlei.core.widgets import OneOfManySelect
from fenlei.facilities.choices import DropOffKind, FacilityStatus
from fenlei.facilities.models import Container, DropOffPoint
from fenlei.org.filtersets import PlacedFilterSet
from fenlei.taxonomy.models import Category


class DropOffPointFilterSet(PlacedFilterSet):
    kind = django_filters.MultipleChoiceFilter(
        label=_("Kind"), choices=DropOffKind.choices, widget=OneOfManySelect
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=FacilityStatus.choices, widget=OneOfManySelect
    )

    class Meta:
        model = DropOffPoint
        fields = ["q", "street", "community", "kind", "status", "open"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(address__icontains=value) | Q(supervisor__icontains=value)
        )


class ContainerFilterSet(PlacedFilterSet):
    category = django_filters.ModelMultipleChoiceFilter(
        label=_("Category"), queryset=Category.objects.filter(kind="major"), widget=OneOfManySelect
    )
    volume_l = django_filters.NumberFilter(label=_("Volume (L)"))
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=FacilityStatus.choices, widget=OneOfManySelect
    )

    class Meta:
        model = Container
        fields = ["q", "street", "community", "category", "volume_l", "status", "open"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(site__name__icontains=value) | Q(point__name__icontains=value))
