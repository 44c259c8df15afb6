"""Totals of the unit ledgers per street, computed from the rows (never typed)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from fenlei.core.roles import Action
from fenlei.core.scoping import for_user
from fenlei.org.models import Area
from fenlei.units.choices import CommitmentState, ContractState, SortingStatus
from fenlei.units.models import InstitutionRecord, RestaurantRecord, expiry_q

_COMMITMENT_PRESENT = Q(commitment_signed=True)
_CONTRACT_PRESENT = Q(hauler__isnull=False) | ~Q(contract_number="")


def _street_of_row():
    """The street a (community-level) row is in: its area's parent."""
    return "area__parent"


def institution_totals(user) -> list[dict]:
    """Per street in the user's scope: open institution records in all and by sorting status."""
    counts = {f"status_{s}": Count("pk", filter=Q(sorting_status=s)) for s in SortingStatus.values}
    rows = (
        for_user(user, Action.VIEW, InstitutionRecord.objects.filter(closed_on__isnull=True))
        .values(_street_of_row())
        .annotate(total=Count("pk"), **counts)
        .order_by()
    )
    return _with_streets(rows)


def restaurant_totals(user, on=None) -> list[dict]:
    """Per street in the user's scope: open restaurant records, and those whose commitment or
    collection contract is missing, expired or expiring on `on` (today)."""
    on = on or timezone.localdate()
    counts = {}
    for state in (CommitmentState.MISSING, CommitmentState.EXPIRED, CommitmentState.EXPIRING):
        counts[f"commitment_{state}"] = Count(
            "pk", filter=expiry_q("commitment_expires", state, on, present=_COMMITMENT_PRESENT)
        )
    for state in (ContractState.MISSING, ContractState.EXPIRED, ContractState.EXPIRING):
        counts[f"contract_{state}"] = Count(
            "pk", filter=expiry_q("contract_end", state, on, present=_CONTRACT_PRESENT)
        )
    rows = (
        for_user(user, Action.VIEW, RestaurantRecord.objects.filter(closed_on__isnull=True))
        .values(_street_of_row())
        .annotate(total=Count("pk"), seats=Count("pk", filter=Q(seats__isnull=False)), **counts)
        .order_by()
    )
    return _with_streets(rows)


def _with_streets(rows) -> list[dict]:
    rows = list(rows)
    key = _street_of_row()
    streets = Area.objects.in_bulk([r[key] for r in rows if r[key]])
    out = []
    for r in rows:
        street = streets.get(r.pop(key))
        out.append({"street": street, **r})
    out.sort(key=lambda r: r["street"].path if r["street"] else "")
    return out


def sum_rows(rows: list[dict]) -> dict:
    """The column totals of per-street rows."""
    total: dict = {}
    for r in rows:
        for k, v in r.items():
            if isinstance(v, int):
                total[k] = total.get(k, 0) + v
    return total
