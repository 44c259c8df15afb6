"""The facilities' pages: declared once per ledger through LedgerFaces."""

from django.utils.translation import gettext_lazy as _

from fenlei.facilities.filtersets import ContainerFilterSet, DropOffPointFilterSet
from fenlei.facilities.forms import ContainerForm, DropOffPointForm
from fenlei.facilities.importexport import ContainerLedger, DropOffPointLedger
from fenlei.facilities.models import Container, DropOffPoint
from fenlei.org.ledger_faces import Column, LedgerFaces

DROPOFF = LedgerFaces(
    namespace="facilities",
    name="dropoff",
    model=DropOffPoint,
    filterset_class=DropOffPointFilterSet,
    form_class=DropOffPointForm,
    excel_class=DropOffPointLedger,
    list_columns=[
        "name",
        "area__parent__name",
        "area__name",
        "site__name",
        "kind",
        "status",
        "households_served",
        "supervisor",
    ],
    detail_fields=[
        "area__parent__name",
        "area__name",
        "site__name",
        "kind",
        "status",
        "opening_hours",
        "households_served",
        "supervisor",
        "supervisor_phone",
        "address",
        "latitude",
        "longitude",
        "in_use_since",
    ],
    nav="facilities",
)

CONTAINERS = LedgerFaces(
    namespace="facilities",
    name="container",
    model=Container,
    filterset_class=ContainerFilterSet,
    form_class=ContainerForm,
    excel_class=ContainerLedger,
    list_columns=[
        Column(_("Containers"), str),
        "area__parent__name",
        "area__name",
        "site__name",
        "point__name",
        "status",
    ],
    detail_fields=[
        "area__parent__name",
        "area__name",
        "site__name",
        "point__name",
        "category",
        "volume_l",
        "count",
        "status",
        "in_use_since",
    ],
    nav="facilities",
    select_related=("area__parent", "site", "point", "category"),
)
