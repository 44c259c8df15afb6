from rest_framework import serializers

from fenlei.facilities.models import Container, DropOffPoint
from fenlei.org.api.placed import placed_serializer
from fenlei.taxonomy.models import Category

_FACILITY = ["status", "address", "latitude", "longitude", "in_use_since"]

DropOffPointSerializer = placed_serializer(
    DropOffPoint,
    ["name", "kind", "opening_hours", "households_served", "supervisor", "supervisor_phone", *_FACILITY],
    view_name="facilities-api:dropoff-detail",
)


class _CategoryField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Category.objects.filter(kind="major"), **kwargs)


ContainerSerializer = placed_serializer(
    Container,
    ["point", "category", "volume_l", "count", *_FACILITY],
    view_name="facilities-api:container-detail",
    extra={"category": _CategoryField(help_text="recyclable, hazardous, food or residual")},
)
