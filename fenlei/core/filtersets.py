"""Filters of the audit log."""

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fenlei.core.models import AuditAction, AuditEntry, Face


class AuditEntryFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    user = django_filters.CharFilter(label=_("User"), field_name="user_repr", lookup_expr="icontains")
    action = django_filters.ChoiceFilter(label=_("Action"), choices=AuditAction.choices)
    face = django_filters.ChoiceFilter(label=_("Face"), choices=Face.choices)
    content_type = django_filters.ModelChoiceFilter(
        label=_("Object type"),
        queryset=ContentType.objects.filter(app_label__in=["org", "accounts", "taxonomy", "core"]).order_by(
            "model"
        ),
    )
    since = django_filters.DateFilter(label=_("From"), field_name="timestamp", lookup_expr="date__gte")
    until = django_filters.DateFilter(label=_("To"), field_name="timestamp", lookup_expr="date__lte")

    class Meta:
        model = AuditEntry
        fields = ["q", "user", "action", "face", "content_type", "since", "until"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(object_repr__icontains=value) | Q(note__icontains=value))
