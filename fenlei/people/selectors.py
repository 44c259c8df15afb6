"""Reads of the people ledgers: the annotations their lists show, the counts of the index page.

Every function runs a fixed number of queries, however many rows it returns.
"""

from __future__ import annotations

import decimal

from django.db.models import DecimalField, F, Func, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from fenlei.core.roles import Action
from fenlei.core.scoping import for_user
from fenlei.people.models import LeadingGroupMember, ServiceRecord


def with_hours(queryset):
    """Volunteers with `total_hours`: the hours of their open service records (one subquery)."""
    hours = (
        ServiceRecord.objects.filter(volunteer=OuterRef("pk"), closed_on__isnull=True)
        .order_by()
        .values("volunteer")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    field = DecimalField(max_digits=12, decimal_places=1)
    return queryset.annotate(
        total_hours=Coalesce(
            Subquery(hours, output_field=field), Value(decimal.Decimal("0.0")), output_field=field
        )
    )


def with_member_count(queryset):
    """Leading groups with `member_count`: their open members (one subquery)."""
    members = (
        LeadingGroupMember.objects.filter(group=OuterRef("pk"), closed_on__isnull=True)
        .order_by()
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")
    )
    return queryset.annotate(member_count=Coalesce(Subquery(members, output_field=IntegerField()), 0))


def open_counts(user, models) -> dict:
    """{model: the number of open rows `user` may see}, one query per ledger."""
    return {
        model: for_user(user, Action.VIEW, model._default_manager.filter(closed_on__isnull=True)).count()
        for model in models
    }
