from drf_spectacular.utils import extend_schema, extend_schema_view

from fenlei.core.api_attachments import AttachmentsViewSetMixin
from fenlei.org.api.placed import PlacedViewSet
from fenlei.units.api.serializers import InstitutionSerializer, RestaurantSerializer
from fenlei.units.filtersets import InstitutionFilterSet, RestaurantFilterSet
from fenlei.units.models import InstitutionRecord, RestaurantRecord


@extend_schema_view(list=extend_schema(summary="List public institutions"))
class InstitutionViewSet(PlacedViewSet):
    """Public institutions' sorting ledger (公共机构): one open record per site of a public-institution
    kind; its industry authority reads and keeps it."""

    queryset = InstitutionRecord.objects.all()
    serializer_class = InstitutionSerializer
    filterset_class = InstitutionFilterSet

    def decorate(self, queryset):
        return queryset.select_related("area__parent", "site__authority")


@extend_schema_view(list=extend_schema(summary="List restaurants"))
class RestaurantViewSet(AttachmentsViewSetMixin, PlacedViewSet):
    """Restaurants and canteens (餐饮单位): size, kitchen-waste haulier and contract, harmless-treatment
    commitment. The haulier named on a record reads it."""

    queryset = RestaurantRecord.objects.all()
    serializer_class = RestaurantSerializer
    filterset_class = RestaurantFilterSet

    def decorate(self, queryset):
        return queryset.select_related("area__parent", "site", "hauler")
