"""One FilterSet per model, shared by the HTML lists and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from fenlei.core.roles import Action
from fenlei.core.scoping import for_user, subtree_q
from fenlei.core.widgets import OneOfManySelect
from fenlei.org.choices import KIND_LEVEL, AreaKind, AreaLevel
from fenlei.org.models import Area, Authority, Hauler, Site, SiteKind


def _scoped_areas(level: int):
    """Choices of areas at `level` that the requesting user may see."""

    def queryset(request):
        qs = Area.objects.filter(kind__in=[k for k, v in KIND_LEVEL.items() if v == level])
        user = getattr(request, "user", None)
        return for_user(user, Action.VIEW, qs).order_by("path") if user else qs.none()

    return queryset


def scoped_choices(model, *, order_by: tuple[str, ...] = ("name",), **filters):
    """A filter's choices: the rows of `model` (narrowed by `filters`) the requesting user may see."""

    def queryset(request):
        user = getattr(request, "user", None)
        if user is None:
            return model._default_manager.none()
        return for_user(user, Action.VIEW, model._default_manager.filter(**filters)).order_by(*order_by)

    return queryset


def contains_q(fields, value: str) -> Q:
    """Rows where any of `fields` contains `value`, ignoring case as `icontains` does.

    Chinese text and digits have no case: such a value is matched with `contains`, which on
    PostgreSQL is a plain `LIKE` (a trigram index answers it, and no row is upper-cased) instead of
    `UPPER(column) LIKE UPPER(value)`. A value with letters in it keeps `icontains`. SQLite's `LIKE`
    is the same either way.
    """
    lookup = "icontains" if value.lower() != value.upper() else "contains"
    q = Q()
    for field in fields:
        q |= Q(**{f"{field}__{lookup}": value})
    return q


STATUS_CHOICES = (("open", _("Open")), ("closed", _("Closed")), ("all", _("All")))


@extend_schema_field(OpenApiTypes.INT)
class SubtreeFilter(django_filters.ModelChoiceFilter):
    """Rows of the subtree under the chosen area (through the model's area-path field)."""

    def __init__(self, *args, path_field: str = "area_path", **kwargs):
        self.path_field = path_field
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(subtree_q(self.path_field, value.path))


class StatusFilter(django_filters.ChoiceFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", STATUS_CHOICES)
        kwargs.setdefault("label", _("Status"))
        kwargs.setdefault("empty_label", None)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value == "closed":
            return qs.filter(closed_on__isnull=False)
        if value == "all":
            return qs
        return qs.filter(closed_on__isnull=True)


class AreaFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.MultipleChoiceFilter(
        label=_("Kind"), choices=AreaKind.choices, widget=OneOfManySelect
    )
    parent = django_filters.ModelChoiceFilter(
        label=_("Parent area"), queryset=Area.objects.all(), widget=forms.HiddenInput
    )
    within = SubtreeFilter(label=_("Within"), queryset=_scoped_areas(AreaLevel.DISTRICT), path_field="path")
    street = SubtreeFilter(label=_("Street"), queryset=_scoped_areas(AreaLevel.STREET), path_field="path")
    rural = django_filters.BooleanFilter(label=_("Rural"))
    status = StatusFilter()

    class Meta:
        model = Area
        fields = ["q", "kind", "parent", "within", "street", "rural", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__iexact=value))


class SiteFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ModelMultipleChoiceFilter(
        label=_("Kind"), queryset=SiteKind.objects.all(), widget=OneOfManySelect
    )
    street = SubtreeFilter(label=_("Street"), queryset=_scoped_areas(AreaLevel.STREET))
    community = django_filters.ModelChoiceFilter(
        label=_("Community"), queryset=_scoped_areas(AreaLevel.COMMUNITY)
    )
    within = SubtreeFilter(label=_("Within"), queryset=Area.objects.all(), widget=forms.HiddenInput)
    authority = django_filters.ModelChoiceFilter(
        label=_("Industry authority"),
        queryset=scoped_choices(Authority),
    )
    status = StatusFilter()

    class Meta:
        model = Site
        fields = ["q", "kind", "street", "community", "within", "authority", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(address__icontains=value) | Q(code__iexact=value))

    def narrow_for_display(self, limit: int = 200) -> None:
        """Keep the community select short on a page: the chosen street's communities, or all of them
        when there are few (a street's or a community's own officer); otherwise ask for a street first.

        Only what the select *offers* changes: the filter still accepts any community in scope (the API
        passes ids)."""
        field = self.form.fields.get("community")
        if field is None:  # a ledger without a community filter
            return
        queryset = field.queryset
        data = self.form.cleaned_data if self.form.is_bound and self.form.is_valid() else {}
        street, chosen = data.get("street"), data.get("community")
        if street is not None:
            queryset = queryset.filter(subtree_q("path", street.path))
        elif queryset[: limit + 1].count() > limit:
            queryset = queryset.filter(pk=chosen.pk) if chosen is not None else queryset.none()
            field.help_text = _("Choose a street first.")
        field.queryset = queryset


class AuthorityFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = StatusFilter()

    class Meta:
        model = Authority
        fields = ["q", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(sector__icontains=value))


class HaulerFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = StatusFilter()

    class Meta:
        model = Hauler
        fields = ["q", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(licence_no__iexact=value))


class PlacedFilterSet(django_filters.FilterSet):
    """The filters every ledger of placed rows has: search, street, community, open/closed.

    The search looks for the words in each of `search_fields` (`contains_q`)."""

    search_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(label=_("Search"), method="search")
    street = SubtreeFilter(label=_("Street"), queryset=_scoped_areas(AreaLevel.STREET))
    community = django_filters.ModelChoiceFilter(
        label=_("Community"), queryset=_scoped_areas(AreaLevel.COMMUNITY), field_name="area"
    )
    site = django_filters.NumberFilter(label=_("Site"), field_name="site_id", widget=forms.HiddenInput)
    open = StatusFilter(label=_("Open or closed"))

    def search(self, queryset, name, value):
        if not self.search_fields:
            raise NotImplementedError(f"{type(self).__name__} declares no search_fields")
        return queryset.filter(contains_q(self.search_fields, value))

    narrow_for_display = SiteFilterSet.narrow_for_display
