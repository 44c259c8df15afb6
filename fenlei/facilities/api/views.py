from drf_spectacular.utils import extend_schema, extend_schema_view

from fenlei.facilities.api.serializers import ContainerSerializer, DropOffPointSerializer
from fenlei.facilities.filtersets import ContainerFilterSet, DropOffPointFilterSet
from fenlei.facilities.models import Container, DropOffPoint
from fenlei.org.api.placed import PlacedViewSet


@extend_schema_view(list=extend_schema(summary="List drop-off points"))
class DropOffPointViewSet(PlacedViewSet):
    """Drop-off points (投放点)."""

    queryset = DropOffPoint.objects.all()
    serializer_class = DropOffPointSerializer
    filterset_class = DropOffPointFilterSet


@extend_schema_view(list=extend_schema(summary="List containers"))
class ContainerViewSet(PlacedViewSet):
    """Containers by category and size at a place (收集容器)."""

    queryset = Container.objects.all()
    serializer_class = ContainerSerializer
    filterset_class = ContainerFilterSet

    def decorate(self, queryset):
        return super().decorate(queryset).select_related("category", "point")
