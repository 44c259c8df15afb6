"""Reads of the publicity ledger that faces share."""

from __future__ import annotations

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Coalesce

#: The counted fields, in the order pages and reports quote them.
TOTAL_FIELDS = ("events", "materials", "messages", "participants")


def activity_totals(queryset: QuerySet) -> dict[str, int]:
    """The number of records and the sums of their counts (场次, 份, 条, 人次), in one query.

    `queryset` is what the list shows (scoped and filtered), so a total always equals the sum of the
    rows it stands above.
    """
    return queryset.order_by().aggregate(
        records=Count("pk"), **{name: Coalesce(Sum(name), 0) for name in TOTAL_FIELDS}
    )
