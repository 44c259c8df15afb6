"""One FilterSet per collection model, shared by the HTML lists (and open to the API).

Every filter narrows through an indexed column where one exists: the area filters through the
materialized path (`subtree_q`), the period through `day`, the site, hauler and vehicle through their
own (site|hauler|vehicle, day) indexes.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fenlei.collection import streams
from fenlei.collection.choices import MIXING_KINDS, AlarmKind, AlarmState, DeviceKind, EntryFace
from fenlei.collection.models import Alarm, Device, Record, Trip
from fenlei.core.periods import Period
from fenlei.facilities.models import normalise_plate
from fenlei.org.choices import KIND_LEVEL, AreaLevel
from fenlei.org.filtersets import SiteFilterSet, SubtreeFilter, scoped_choices
from fenlei.org.models import Area, Hauler

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _areas_at(level: int):
    """The choices of a street or community filter: the areas at `level` the user may see."""
    return scoped_choices(Area, order_by=("path",), kind__in=[k for k, v in KIND_LEVEL.items() if v == level])


class PeriodField(forms.CharField):
    """A reporting period's code (`2026-06-15`, `2026W24`, `2026-06`, `2026Q2`, `2026H1`, `2026`)."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return Period.parse(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class PeriodFilter(django_filters.Filter):
    """Rows of one reporting period, given by its code: how the overview's figures link to the rows
    they count. `first`/`last` name the fields of a row's first and last day (a record has one day;
    an alarm covers several)."""

    field_class = PeriodField

    def __init__(self, *args, first: str = "day", last: str | None = None, **kwargs):
        self.first, self.last = first, last or first
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(**{f"{self.first}__lte": value.end, f"{self.last}__gte": value.start})


class PlateFilter(django_filters.CharFilter):
    """A vehicle by its plate, written as people write it (spaces, lower case, a dot)."""

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{self.field_name: normalise_plate(value)})


def _stream_choices():
    return streams.choices()


#: Records still counted, voided ones, or both.
VOIDED_CHOICES = (
    ("live", pgettext_lazy("records", "Counted")),
    ("void", pgettext_lazy("records", "Voided")),
    ("all", pgettext_lazy("records", "All")),
)


class VoidedFilter(django_filters.ChoiceFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", VOIDED_CHOICES)
        kwargs.setdefault("empty_label", None)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value == "void":
            return qs.filter(voided_at__isnull=False)
        if value == "all":
            return qs
        return qs.filter(voided_at__isnull=True)


class RecordFilterSet(django_filters.FilterSet):
    since = django_filters.DateFilter(label=_("From"), field_name="day", lookup_expr="gte", widget=_DATE)
    until = django_filters.DateFilter(label=_("To"), field_name="day", lookup_expr="lte", widget=_DATE)
    street = SubtreeFilter(label=_("Street"), queryset=_areas_at(AreaLevel.STREET))
    community = SubtreeFilter(label=_("Community"), queryset=_areas_at(AreaLevel.COMMUNITY))
    #: Any area in scope, its whole subtree (for links from the overview; not offered on the page).
    area = SubtreeFilter(
        label=_("Area"), queryset=scoped_choices(Area, order_by=("path",)), widget=forms.HiddenInput
    )
    period = PeriodFilter(label=_("Period"))
    site = django_filters.NumberFilter(label=_("Site"), field_name="site_id", widget=forms.HiddenInput)
    stream = django_filters.ChoiceFilter(label=_("Stream"), choices=_stream_choices)
    hauler = django_filters.ModelChoiceFilter(label=_("Hauler"), queryset=scoped_choices(Hauler))
    vehicle = PlateFilter(
        label=_("Vehicle"),
        field_name="vehicle__plate",
        widget=forms.TextInput(attrs={"placeholder": _("plate number"), "size": 10}),
    )
    face = django_filters.ChoiceFilter(label=_("Entry face"), choices=EntryFace.choices)
    follow_up = django_filters.BooleanFilter(
        label=_("Marked for follow-up"),
        widget=forms.Select(choices=(("", _("All")), ("true", _("yes")), ("false", _("no")))),
    )
    voided = VoidedFilter(label=pgettext_lazy("records", "Counted or voided"))
    trip = django_filters.NumberFilter(label=_("Trip"), field_name="trip_id", widget=forms.HiddenInput)

    class Meta:
        model = Record
        fields = [
            "since",
            "until",
            "street",
            "community",
            "stream",
            "hauler",
            "vehicle",
            "face",
            "follow_up",
            "voided",
            "area",
            "period",
            "site",
            "trip",
        ]

    #: Keep the community select short on a city's list (a chosen street's communities).
    narrow_for_display = SiteFilterSet.narrow_for_display


class TripFilterSet(django_filters.FilterSet):
    since = django_filters.DateFilter(label=_("From"), field_name="day", lookup_expr="gte", widget=_DATE)
    until = django_filters.DateFilter(label=_("To"), field_name="day", lookup_expr="lte", widget=_DATE)
    hauler = django_filters.ModelChoiceFilter(label=_("Hauler"), queryset=scoped_choices(Hauler))
    vehicle = PlateFilter(
        label=_("Vehicle"),
        field_name="vehicle__plate",
        widget=forms.TextInput(attrs={"placeholder": _("plate number"), "size": 10}),
    )
    unloaded = django_filters.BooleanFilter(
        label=_("Unloaded"),
        field_name="weighbridge_kg",
        lookup_expr="isnull",
        exclude=True,
        widget=forms.Select(choices=(("", _("All")), ("true", _("yes")), ("false", _("no")))),
    )
    period = PeriodFilter(label=_("Period"))

    class Meta:
        model = Trip
        fields = ["since", "until", "hauler", "vehicle", "unloaded", "period"]


class DeviceFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=DeviceKind.choices)
    hauler = django_filters.ModelChoiceFilter(label=_("Hauler"), queryset=scoped_choices(Hauler))
    open = django_filters.ChoiceFilter(
        label=_("Open or closed"),
        choices=(("open", _("Open")), ("closed", _("Closed")), ("all", _("All"))),
        empty_label=None,
        method="filter_open",
    )

    class Meta:
        model = Device
        fields = ["q", "kind", "hauler", "open"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(token_prefix=value[:12]))

    def filter_open(self, queryset, name, value):
        if value == "closed":
            return queryset.filter(closed_on__isnull=False)
        if value == "all":
            return queryset
        return queryset.filter(closed_on__isnull=True)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("open"):  # the default: the devices in service
            queryset = queryset.filter(closed_on__isnull=True)
        return queryset


FAMILY_CHOICES = (("mixing", _("Mixed collection")), ("quality", _("Data quality")))


class AlarmFilterSet(django_filters.FilterSet):
    """Alarms by kind, state, family (mixed collection or data quality), area (its subtree) and the
    days they cover. Without a state every state is listed, so that a count linking here (the open
    alarms of a street, say) names its state and equals the rows shown."""

    family = django_filters.ChoiceFilter(label=_("Family"), choices=FAMILY_CHOICES, method="filter_family")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=AlarmKind.choices)
    state = django_filters.ChoiceFilter(label=_("State"), choices=AlarmState.choices)
    street = SubtreeFilter(label=_("Street"), queryset=_areas_at(AreaLevel.STREET))
    area = SubtreeFilter(
        label=_("Area"), queryset=scoped_choices(Area, order_by=("path",)), widget=forms.HiddenInput
    )
    since = django_filters.DateFilter(label=_("From"), field_name="last_day", lookup_expr="gte", widget=_DATE)
    until = django_filters.DateFilter(label=_("To"), field_name="first_day", lookup_expr="lte", widget=_DATE)
    period = PeriodFilter(label=_("Period"), first="first_day", last="last_day")
    site = django_filters.NumberFilter(label=_("Site"), field_name="site_id", widget=forms.HiddenInput)

    class Meta:
        model = Alarm
        fields = ["family", "kind", "state", "street", "since", "until", "area", "period", "site"]

    def filter_family(self, queryset, name, value):
        if value == "mixing":
            return queryset.filter(kind__in=sorted(MIXING_KINDS))
        if value == "quality":
            return queryset.exclude(kind__in=sorted(MIXING_KINDS))
        return queryset
