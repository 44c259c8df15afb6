from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fenlei.facilities.models import (
    CollectionStation,
    Container,
    DropOffPoint,
    IntermediateFacility,
    PurchasePlan,
    TerminalFacility,
    Vehicle,
)
from fenlei.org.api.placed import placed_serializer
from fenlei.org.api.serializers import BriefAreaSerializer, BriefHaulerSerializer, BriefRelatedField
from fenlei.org.models import Hauler
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


CollectionStationSerializer = placed_serializer(
    CollectionStation,
    ["name", "floor_area_m2", "has_water", "has_light", "has_washing", "opening_hours", *_FACILITY],
    view_name="facilities-api:station-detail",
)

IntermediateFacilitySerializer = placed_serializer(
    IntermediateFacility,
    ["name", "kind", "daily_capacity_t", "operator", *_FACILITY],
    view_name="facilities-api:intermediate-detail",
)

TerminalFacilitySerializer = placed_serializer(
    TerminalFacility,
    ["name", "kind", "daily_capacity_t", "operator", *_FACILITY],
    view_name="facilities-api:terminal-detail",
)


@extend_schema_field(OpenApiTypes.STR)
class _StreamField(serializers.ChoiceField):
    """A stream of the district's scheme, by its code (the choices follow the scheme setting)."""

    def __init__(self, **kwargs):
        super().__init__(choices=(), **kwargs)

    def _current(self):
        from fenlei.taxonomy.naming import streams

        return [(s.code, s.label) for s in streams()]

    def to_internal_value(self, data):
        self.choices = self._current()
        return super().to_internal_value(data)


VehicleSerializer = placed_serializer(
    Vehicle,
    ["plate", "hauler", "stream", "stream_display", "capacity_t", "status", "in_use_since"],
    view_name="facilities-api:vehicle-detail",
    extra={
        "area": BriefAreaSerializer(
            read_only=True, help_text=_("The district of the vehicle's hauler (set from the hauler).")
        ),
        "site": serializers.HiddenField(default=None),
        "hauler": BriefRelatedField(
            BriefHaulerSerializer,
            scoped=True,
            queryset=Hauler.objects.all(),
            help_text=_("The hauler the vehicle belongs to (its id when writing)."),
        ),
        "stream": _StreamField(help_text=_("The stream's code under the district's scheme, e.g. wet, dry.")),
        "stream_display": serializers.CharField(source="get_stream_display", read_only=True),
    },
)


PurchasePlanSerializer = placed_serializer(
    PurchasePlan,
    ["item", "category", "volume_l", "description", "quantity", "planned_on", "status"],
    view_name="facilities-api:purchase-detail",
    extra={
        "category": _CategoryField(
            required=False,
            allow_null=True,
            help_text="For containers: recyclable, hazardous, food or residual",
        ),
    },
)
