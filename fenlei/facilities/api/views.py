from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions

from fenlei.core.api_attachments import AttachmentsViewSetMixin
from fenlei.facilities.api.serializers import (
    CollectionStationSerializer,
    ContainerSerializer,
    DropOffPointSerializer,
    IntermediateFacilitySerializer,
    PurchasePlanSerializer,
    TerminalFacilitySerializer,
    VehicleSerializer,
)
from fenlei.facilities.filtersets import (
    CollectionStationFilterSet,
    ContainerFilterSet,
    DropOffPointFilterSet,
    IntermediateFacilityFilterSet,
    PurchasePlanFilterSet,
    TerminalFacilityFilterSet,
    VehicleFilterSet,
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
from fenlei.org.api.placed import PlacedViewSet


@extend_schema_view(list=extend_schema(summary="List drop-off points"))
class DropOffPointViewSet(AttachmentsViewSetMixin, PlacedViewSet):
    """Drop-off points (投放点)."""

    queryset = DropOffPoint.objects.all()
    serializer_class = DropOffPointSerializer
    filterset_class = DropOffPointFilterSet


@extend_schema_view(list=extend_schema(summary="List containers"))
class ContainerViewSet(AttachmentsViewSetMixin, PlacedViewSet):
    """Containers by category and size at a place (收集容器)."""

    queryset = Container.objects.all()
    serializer_class = ContainerSerializer
    filterset_class = ContainerFilterSet

    def decorate(self, queryset):
        return super().decorate(queryset).select_related("category", "point")


@extend_schema_view(list=extend_schema(summary="List collection stations"))
class CollectionStationViewSet(AttachmentsViewSetMixin, PlacedViewSet):
    """Bin rooms and collection stations (垃圾房/收集站)."""

    queryset = CollectionStation.objects.all()
    serializer_class = CollectionStationSerializer
    filterset_class = CollectionStationFilterSet


@extend_schema_view(list=extend_schema(summary="List transfer and collection facilities"))
class IntermediateFacilityViewSet(AttachmentsViewSetMixin, PlacedViewSet):
    """Sorting centres, perishable-waste transfer points, renovation/bulky-waste storage points,
    recyclable and hazardous-waste collection points, placed at a street or a community."""

    queryset = IntermediateFacility.objects.all()
    serializer_class = IntermediateFacilitySerializer
    filterset_class = IntermediateFacilityFilterSet


@extend_schema_view(list=extend_schema(summary="List terminal facilities"))
class TerminalFacilityViewSet(AttachmentsViewSetMixin, PlacedViewSet):
    """Treatment and disposal plants (末端处置设施), placed at the district or a street."""

    queryset = TerminalFacility.objects.all()
    serializer_class = TerminalFacilitySerializer
    filterset_class = TerminalFacilityFilterSet


@extend_schema_view(list=extend_schema(summary="List planned purchases"))
class PurchasePlanViewSet(AttachmentsViewSetMixin, PlacedViewSet):
    """Planned purchases (采购计划) for the district, a street, a community or a site."""

    queryset = PurchasePlan.objects.all()
    serializer_class = PurchasePlanSerializer
    filterset_class = PurchasePlanFilterSet

    def decorate(self, queryset):
        return super().decorate(queryset).select_related("category")


@extend_schema_view(list=extend_schema(summary="List vehicles"))
class VehicleViewSet(AttachmentsViewSetMixin, PlacedViewSet):
    """Collection vehicles (收运车辆). A vehicle is placed in its hauler's district: the district keeps
    them; the hauler's own account reads its vehicles."""

    queryset = Vehicle.objects.all()
    serializer_class = VehicleSerializer
    filterset_class = VehicleFilterSet

    def decorate(self, queryset):
        return queryset.select_related("area__parent", "hauler")

    def check_create(self, instance) -> None:
        instance.follow_hauler()
        super().check_create(instance)

    def check_update(self, instance, changes: dict) -> None:
        hauler = changes.get("hauler")
        if hauler is not None and not self.may_place(hauler.district):
            raise exceptions.PermissionDenied(_("You may not move this vehicle to that hauler."))
        super().check_update(instance, changes)
