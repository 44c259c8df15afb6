"""Filters of the item dictionary and of the answers reported wrong, shared by the pages and the API."""

from __future__ import annotations

import json

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fenlei.public.advice import category_label
from fenlei.public.choices import FeedbackState, ItemCategory
from fenlei.public.models import Feedback, Item
from fenlei.public.text import is_latin, normal


def search_items(queryset, value: str):
    """Items whose name or other name holds `value`, or whose pinyin or initials start with it."""
    term = normal(value)
    if not term:
        return queryset
    # Other names are a JSON list: PostgreSQL keeps the characters, SQLite the \\u escapes.
    escaped = json.dumps(term)[1:-1]
    q = Q(name__icontains=term) | Q(aliases__icontains=term)
    if escaped != term:
        q |= Q(aliases__icontains=escaped)
    if is_latin(term):
        q |= Q(pinyin__startswith=term) | Q(initials__startswith=term)
    return queryset.filter(q)


def _category_choices():
    """The categories as the district calls them (the filter's options)."""
    return [(code, category_label(code)) for code in ItemCategory.values]


class ItemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    category = django_filters.ChoiceFilter(label=_("Category"), choices=_category_choices)
    active = django_filters.BooleanFilter(
        label=_("In use"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("In use")), ("false", _("Out of use"))]),
    )

    class Meta:
        model = Item
        fields = ["q", "category", "active"]

    def search(self, queryset, name, value):
        return search_items(queryset, value)


class FeedbackFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=_("State"), choices=FeedbackState.choices)
    q = django_filters.CharFilter(label=_("Asked"), field_name="query", lookup_expr="icontains")

    class Meta:
        model = Feedback
        fields = ["state", "q"]
