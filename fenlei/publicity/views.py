"""The publicity ledger's pages: the shared ledger faces, with the totals of the filtered rows above
the list (through LedgerFaces' list hooks)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from fenlei.org.ledger_faces import Column, LedgerFaces
from fenlei.publicity import selectors
from fenlei.publicity.filtersets import ActivityFilterSet
from fenlei.publicity.forms import ActivityForm
from fenlei.publicity.importexport import ActivityLedger
from fenlei.publicity.models import Activity


def _place(obj) -> str:
    return obj.place


def _totals(queryset) -> dict:
    return {"totals": selectors.activity_totals(queryset)}


ACTIVITIES = LedgerFaces(
    namespace="publicity",
    name="activity",
    model=Activity,
    filterset_class=ActivityFilterSet,
    form_class=ActivityForm,
    excel_class=ActivityLedger,
    list_columns=[
        "date",
        "kind",
        "target",
        Column(_("Place"), _place),
        "organiser",
        "events",
        "materials",
        "messages",
        "participants",
    ],
    detail_fields=[
        "area",
        "site",
        "date",
        "organiser",
        "kind",
        "target",
        "events",
        "materials",
        "messages",
        "participants",
        "reached_units",
        "description",
    ],
    nav="publicity",
    list_template="publicity/activity_list.html",
    list_extra=_totals,
)
