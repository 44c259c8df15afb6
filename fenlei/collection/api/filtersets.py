"""Filters of the collection API's lists.

Places are named by their ids. A filter narrows what the scope already allows and never widens it:
the lists apply the scoping function after the filters, so an area, a site or a vehicle outside the
caller's scope simply yields no rows.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from fenlei.collection import streams
from fenlei.collection.choices import MIXING_KINDS, AlarmKind, AlarmState, EntryFace
from fenlei.collection.models import Alarm, Device, Record, Trip
from fenlei.core.scoping import subtree_q
from fenlei.org.models import Area


@extend_schema_field(OpenApiTypes.INT)
class AreaSubtreeFilter(django_filters.NumberFilter):
    """Rows placed in the area with this id or anywhere below it."""

    def __init__(self, *args, path_field: str = "area_path", **kwargs):
        self.path_field = path_field
        kwargs.setdefault("label", _("Area (and everything under it)"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        path = Area.objects.filter(pk=value).values_list("path", flat=True).first()
        if path is None:
            return qs.none()
        return qs.filter(subtree_q(self.path_field, path))


class VoidedFilter(django_filters.BooleanFilter):
    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(voided_at__isnull=not value)


class RecordFilterSet(django_filters.FilterSet):
    since = django_filters.DateFilter(label=_("From"), field_name="day", lookup_expr="gte")
    until = django_filters.DateFilter(label=_("To"), field_name="day", lookup_expr="lte")
    area = AreaSubtreeFilter()
    site = django_filters.NumberFilter(label=_("Site"), field_name="site_id")
    stream = django_filters.ChoiceFilter(label=_("Stream"), choices=streams.choices)
    hauler = django_filters.NumberFilter(label=_("Hauler"), field_name="hauler_id")
    vehicle = django_filters.NumberFilter(label=_("Vehicle"), field_name="vehicle_id")
    trip = django_filters.NumberFilter(label=_("Trip"), field_name="trip_id")
    face = django_filters.ChoiceFilter(label=_("Entry face"), choices=EntryFace.choices)
    follow_up = django_filters.BooleanFilter(label=_("Marked for follow-up"))
    voided = VoidedFilter(label=_("Voided"))

    class Meta:
        model = Record
        fields = [
            "since",
            "until",
            "area",
            "site",
            "stream",
            "hauler",
            "vehicle",
            "trip",
            "face",
            "follow_up",
            "voided",
        ]


class TripFilterSet(django_filters.FilterSet):
    since = django_filters.DateFilter(label=_("From"), field_name="day", lookup_expr="gte")
    until = django_filters.DateFilter(label=_("To"), field_name="day", lookup_expr="lte")
    hauler = django_filters.NumberFilter(label=_("Hauler"), field_name="hauler_id")
    vehicle = django_filters.NumberFilter(label=_("Vehicle"), field_name="vehicle_id")
    unloaded = django_filters.BooleanFilter(
        label=_("Unloaded"), field_name="unloaded_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Trip
        fields = ["since", "until", "hauler", "vehicle", "unloaded"]


class DeviceFilterSet(django_filters.FilterSet):
    area = AreaSubtreeFilter()
    hauler = django_filters.NumberFilter(label=_("Hauler"), field_name="hauler_id")
    open = django_filters.BooleanFilter(
        label=_("Open"), field_name="closed_on", lookup_expr="isnull", help_text=_("Not closed.")
    )

    class Meta:
        model = Device
        fields = ["area", "hauler", "open"]


FAMILIES = (("mixing", _("mixed-collection alarms")), ("quality", _("data-quality findings")))


class AlarmFilterSet(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(label=_("Kind"), choices=AlarmKind.choices)
    state = django_filters.MultipleChoiceFilter(label=_("State"), choices=AlarmState.choices)
    family = django_filters.ChoiceFilter(label=_("Family"), choices=FAMILIES, method="of_family")
    area = AreaSubtreeFilter()
    since = django_filters.DateFilter(
        label=_("From"),
        field_name="last_day",
        lookup_expr="gte",
        help_text=_("Alarms lasting until this day or later."),
    )
    until = django_filters.DateFilter(
        label=_("To"),
        field_name="first_day",
        lookup_expr="lte",
        help_text=_("Alarms starting on this day or before."),
    )

    class Meta:
        model = Alarm
        fields = ["kind", "state", "family", "area", "since", "until"]

    def of_family(self, queryset, name, value):
        mixing = [str(k) for k in MIXING_KINDS]
        return queryset.filter(kind__in=mixing) if value == "mixing" else queryset.exclude(kind__in=mixing)
