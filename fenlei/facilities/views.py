"""The facilities' pages: declared once per ledger through LedgerFaces."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from fenlei.core.roles import Action
from fenlei.core.scoping import can_anywhere, for_user
from fenlei.facilities.filtersets import (
    CollectionStationFilterSet,
    ContainerFilterSet,
    DropOffPointFilterSet,
    IntermediateFacilityFilterSet,
    PurchasePlanFilterSet,
    TerminalFacilityFilterSet,
    VehicleFilterSet,
)
from fenlei.facilities.forms import (
    CollectionStationForm,
    ContainerForm,
    DropOffPointForm,
    IntermediateFacilityForm,
    PurchasePlanForm,
    TerminalFacilityForm,
    VehicleForm,
)
from fenlei.facilities.importexport import (
    CollectionStationLedger,
    ContainerLedger,
    DropOffPointLedger,
    IntermediateFacilityLedger,
    PurchasePlanLedger,
    TerminalFacilityLedger,
    VehicleLedger,
)
from fenlei.facilities.models import (
    CollectionStation,
    Container,
    DropOffPoint,
    IntermediateFacility,
    PurchasePlan,
    TerminalFacility,
    Vehicle,
)
from fenlei.org.choices import AreaLevel
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

_FACILITY_FACTS = ["status", "address", "latitude", "longitude", "in_use_since"]


def _street(obj) -> str:
    area = obj.area
    if area.level == AreaLevel.STREET:
        return area.name
    return area.parent.name if area.level == AreaLevel.COMMUNITY else "—"


def _community(obj) -> str:
    return obj.area.name if obj.area.level == AreaLevel.COMMUNITY else "—"


STREET = Column(_("Street"), _street)
COMMUNITY = Column(_("Community"), _community)

STATIONS = LedgerFaces(
    namespace="facilities",
    name="station",
    model=CollectionStation,
    filterset_class=CollectionStationFilterSet,
    form_class=CollectionStationForm,
    excel_class=CollectionStationLedger,
    list_columns=[
        "name",
        STREET,
        COMMUNITY,
        "site",
        "floor_area_m2",
        "has_water",
        "has_light",
        "has_washing",
        "status",
    ],
    detail_fields=[
        "area",
        "site",
        "floor_area_m2",
        "has_water",
        "has_light",
        "has_washing",
        "opening_hours",
        *_FACILITY_FACTS,
    ],
    nav="facilities",
)

INTERMEDIATE = LedgerFaces(
    namespace="facilities",
    name="intermediate",
    model=IntermediateFacility,
    filterset_class=IntermediateFacilityFilterSet,
    form_class=IntermediateFacilityForm,
    excel_class=IntermediateFacilityLedger,
    list_columns=["name", "kind", STREET, COMMUNITY, "daily_capacity_t", "operator", "status"],
    detail_fields=["kind", "area", "site", "daily_capacity_t", "operator", *_FACILITY_FACTS],
    nav="facilities",
)

VEHICLES = LedgerFaces(
    namespace="facilities",
    name="vehicle",
    model=Vehicle,
    filterset_class=VehicleFilterSet,
    form_class=VehicleForm,
    excel_class=VehicleLedger,
    list_columns=["plate", "hauler", "stream", "capacity_t", "status", "in_use_since"],
    detail_fields=["hauler", "area", "stream", "capacity_t", "status", "in_use_since"],
    nav="facilities",
    select_related=("area", "hauler"),
)

TERMINALS = LedgerFaces(
    namespace="facilities",
    name="terminal",
    model=TerminalFacility,
    filterset_class=TerminalFacilityFilterSet,
    form_class=TerminalFacilityForm,
    excel_class=TerminalFacilityLedger,
    list_columns=["name", "kind", "area", "daily_capacity_t", "operator", "status"],
    detail_fields=["kind", "area", "daily_capacity_t", "operator", *_FACILITY_FACTS],
    nav="facilities",
    select_related=("area",),
)

PURCHASES = LedgerFaces(
    namespace="facilities",
    name="purchase",
    model=PurchasePlan,
    filterset_class=PurchasePlanFilterSet,
    form_class=PurchasePlanForm,
    excel_class=PurchasePlanLedger,
    list_columns=[Column(_("Planned purchase"), str), "area", "site", "planned_on", "status"],
    detail_fields=[
        "area",
        "site",
        "item",
        "category",
        "volume_l",
        "description",
        "quantity",
        "planned_on",
        "status",
    ],
    nav="facilities",
    select_related=("area__parent", "site", "category"),
)


#: Every facility ledger, in the order the facilities page lists them.
LEDGERS = [DROPOFF, CONTAINERS, STATIONS, INTERMEDIATE, VEHICLES, TERMINALS, PURCHASES]


class IndexView(LoginRequiredMixin, TemplateView):
    """The facility ledgers the user may read, each with the number of its open rows in scope."""

    template_name = "facilities/index.html"
    extra_context = {"nav_active": "facilities"}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["ledgers"] = [
            {
                "title": faces.model._meta.verbose_name_plural,
                "url": reverse(faces.url_name("list")),
                "open": for_user(user, Action.VIEW, faces.model).filter(closed_on__isnull=True).count(),
            }
            for faces in LEDGERS
            if can_anywhere(user, Action.VIEW, faces.model)
        ]
        return ctx
