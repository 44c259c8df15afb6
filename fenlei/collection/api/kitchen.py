"""The kitchen-waste chain's REST face: transfer manifests (list, read, receive, cancel, a trip's
manifests received together) and the kitchen-waste summary per restaurant. Scoped like the pages: a
haulier sees its own manifests, a restaurant's manager its restaurant's; the rules are the services'."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from fenlei.collection import kitchen
from fenlei.collection.filtersets_kitchen import KitchenFilterSet, ManifestFilterSet
from fenlei.collection.forms_kitchen import plant_choices
from fenlei.collection.models import Manifest
from fenlei.core.api import ScopedViewSet
from fenlei.core.roles import Action
from fenlei.core.scoping import can_anywhere
from fenlei.facilities.models import TerminalFacility, Vehicle
from fenlei.org.api.placed import BriefSiteSerializer
from fenlei.org.api.serializers import BriefHaulerSerializer
from fenlei.units.choices import CommitmentState, ContractState
from fenlei.units.models import RestaurantRecord

_NULLABLE_DECIMAL = {"type": "string", "format": "decimal", "nullable": True}

# --- manifests -----------------------------------------------------------------------------------


class ManifestVehicleSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="facilities-api:vehicle-detail")

    class Meta:
        model = Vehicle
        fields = ["id", "url", "plate"]


class ManifestPlantSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="facilities-api:terminal-detail")

    class Meta:
        model = TerminalFacility
        fields = ["id", "url", "name"]


class ManifestSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="collection-api:manifest-detail")
    site = BriefSiteSerializer(read_only=True, help_text=gettext_lazy("The restaurant."))
    hauler = BriefHaulerSerializer(read_only=True)
    vehicle = ManifestVehicleSerializer(read_only=True, allow_null=True)
    plant = ManifestPlantSerializer(read_only=True, allow_null=True)
    record = serializers.IntegerField(
        source="record_id", read_only=True, allow_null=True, help_text=gettext_lazy("The pick-up record.")
    )
    trip = serializers.SerializerMethodField(help_text=gettext_lazy("The trip that carried the pick-up."))
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    difference_kg = serializers.SerializerMethodField(
        help_text=gettext_lazy("Weight received minus weight at pick-up (null until weighed at the plant).")
    )
    difference_pct = serializers.SerializerMethodField(
        help_text=gettext_lazy("The difference as a share of the pick-up weight (per cent).")
    )
    over_tolerance = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "Whether the difference is beyond the tolerance (FENLEI_MANIFEST_TOLERANCE_PCT)."
        )
    )

    class Meta:
        model = Manifest
        fields = [
            "id",
            "url",
            "number",
            "day",
            "site",
            "hauler",
            "vehicle",
            "plant",
            "record",
            "trip",
            "weight_kg",
            "received_kg",
            "received_at",
            "state",
            "state_display",
            "difference_kg",
            "difference_pct",
            "over_tolerance",
            "area_path",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_trip(self, obj) -> int | None:
        return obj.record.trip_id if obj.record_id and obj.record else None

    @extend_schema_field(_NULLABLE_DECIMAL)
    def get_difference_kg(self, obj):
        d = kitchen.difference(obj)
        return None if d is None else str(d.kg)

    @extend_schema_field(_NULLABLE_DECIMAL)
    def get_difference_pct(self, obj):
        d = kitchen.difference(obj)
        return None if d is None or d.pct is None else str(d.pct)

    def get_over_tolerance(self, obj) -> bool | None:
        d = kitchen.difference(obj)
        return None if d is None else d.over


class ReceiveSerializer(serializers.Serializer):
    received_kg = serializers.DecimalField(
        max_digits=12, decimal_places=3, help_text=gettext_lazy("What the plant weighed (kg).")
    )
    received_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text=gettext_lazy("When (default: now).")
    )
    plant = serializers.PrimaryKeyRelatedField(
        queryset=TerminalFacility.objects.all(),
        required=False,
        allow_null=True,
        help_text=gettext_lazy("The treatment plant (its id; default: the one the pick-up named)."),
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=300)


class TripReceiveSerializer(serializers.Serializer):
    trip = serializers.IntegerField(
        help_text=gettext_lazy("The trip (its id), unloaded and weighed at a plant.")
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


@extend_schema_view(
    list=extend_schema(summary="List transfer manifests (联单)"),
    retrieve=extend_schema(summary="Read a transfer manifest"),
)
class ManifestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Kitchen-waste transfer manifests (餐厨垃圾转移联单): issued when a haulier picks up at a
    restaurant, received when the plant weighs the load in. A haulier sees its own; a restaurant's
    manager its restaurant's; streets and communities theirs."""

    queryset = Manifest.objects.all()
    serializer_class = ManifestSerializer
    filterset_class = ManifestFilterSet
    write_actions = {**ScopedViewSet.write_actions, "receive": Action.CHANGE, "cancel": Action.CLOSE}

    def get_queryset(self):
        return super().get_queryset().select_related("site", "hauler", "vehicle", "plant", "record")

    def paginate_queryset(self, queryset):
        """Page the keys, then fetch the page's rows with their joins (as the HTML lists do): joining
        every manifest before sorting them is what makes a deep list slow."""
        keys = super().paginate_queryset(queryset.values_list("pk", flat=True))
        if keys is None:
            return None
        return list(queryset.filter(pk__in=list(keys)))

    def _respond(self, manifest):
        return Response(self.get_serializer(self.get_queryset().get(pk=manifest.pk)).data)

    @extend_schema(
        summary="Receive a manifest at the plant",
        request=ReceiveSerializer,
        responses=ManifestSerializer,
        examples=[
            OpenApiExample(
                "Weighed in at the plant",
                value={
                    "received_kg": "188.5",
                    "received_at": "2026-06-15T09:40:00+08:00",
                    "note": "地磅单 0615-3",
                },
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        """ISSUED → RECEIVED with the weight the plant weighed. A weight of 0 or less, a time in the
        future or before the pick-up, a second receipt or a cancelled manifest is refused (400)."""
        manifest = self.get_object()
        body = ReceiveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        plant = data.get("plant")
        if (
            plant is not None
            and not plant_choices(request.user, manifest.plant_id).filter(pk=plant.pk).exists()
        ):
            raise exceptions.ValidationError({"plant": [_("You may not choose this plant.")]})
        manifest = kitchen.manifest_receive(
            manifest=manifest,
            by=request.user,
            received_kg=data["received_kg"],
            at=data.get("received_at"),
            plant=plant,
            note=data.get("note", ""),
        )
        return self._respond(manifest)

    @extend_schema(
        summary="Cancel a manifest",
        request=CancelSerializer,
        responses=ManifestSerializer,
        examples=[OpenApiExample("Entered twice", value={"reason": "误录，同一车次重复"}, request_only=True)],
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """ISSUED → CANCELLED, with a reason (kept in the manifest's history)."""
        manifest = self.get_object()
        body = CancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        manifest = kitchen.manifest_cancel(
            manifest=manifest, by=request.user, reason=body.validated_data["reason"]
        )
        return self._respond(manifest)

    @extend_schema(
        summary="Receive every manifest of a trip unloaded at a plant",
        request=TripReceiveSerializer,
        responses=ManifestSerializer(many=True),
    )
    @action(detail=False, methods=["post"], url_path="receive-trip")
    def receive_trip(self, request):
        """Each waiting manifest of the trip is received at the trip's unloading; none gets a weight of
        its own (the plant's total is the trip's weighbridge figure). 404 outside the scope, 403
        without the change action on the trip or on any of its manifests."""
        body = TripReceiveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        trip, _waiting = kitchen.trip_for_receipt(request.user, body.validated_data["trip"])
        received = kitchen.receive_trip(trip=trip, by=request.user, note=body.validated_data.get("note", ""))
        rows = self.get_queryset().filter(pk__in=[m.pk for m in received]).order_by("pk")
        return Response(self.get_serializer(rows, many=True).data)


# --- the kitchen-waste summary -------------------------------------------------------------------


class ManifestCountsSerializer(serializers.Serializer):
    issued = serializers.IntegerField(
        help_text=gettext_lazy("Issued in the period (the cancelled ones included).")
    )
    received = serializers.IntegerField()
    awaiting = serializers.IntegerField()
    cancelled = serializers.IntegerField()


class RestaurantRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="restaurant.pk", help_text=gettext_lazy("The restaurant record."))
    url = serializers.SerializerMethodField()
    site = serializers.IntegerField(source="restaurant.site_id")
    name = serializers.CharField(source="restaurant.site.name")
    street = serializers.CharField(source="restaurant.area.parent.name", allow_null=True)
    community = serializers.CharField(source="restaurant.area.name")
    hauler = BriefHaulerSerializer(
        source="restaurant.hauler", allow_null=True, help_text=gettext_lazy("The contracted haulier.")
    )
    contract_state = serializers.ChoiceField(
        choices=ContractState.choices, source="restaurant.contract_state"
    )
    commitment_state = serializers.ChoiceField(
        choices=CommitmentState.choices, source="restaurant.commitment_state"
    )
    last_pickup = serializers.DateField(source="last", allow_null=True)
    days_since = serializers.IntegerField(allow_null=True)
    quiet = serializers.BooleanField(
        help_text=gettext_lazy("No pick-up for FENLEI_KITCHEN_GAP_DAYS days or more.")
    )
    pickups = serializers.IntegerField()
    kg = serializers.DecimalField(max_digits=14, decimal_places=2)
    manifests = ManifestCountsSerializer()
    flags = serializers.IntegerField(help_text=gettext_lazy("Open kitchen-waste flags."))

    def get_url(self, row) -> str:
        from django.urls import reverse

        request = self.context.get("request")
        path = reverse("units-api:restaurant-detail", args=[row["restaurant"].pk])
        return request.build_absolute_uri(path) if request else path


class FlagCountsSerializer(serializers.Serializer):
    kitchen_gap = serializers.IntegerField()
    no_contract = serializers.IntegerField()


class KitchenTotalsSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    restaurants = serializers.IntegerField()
    pickups = serializers.IntegerField()
    kg = serializers.DecimalField(max_digits=16, decimal_places=2)
    manifests = ManifestCountsSerializer()
    received_kg = serializers.DecimalField(max_digits=16, decimal_places=2)
    flags = FlagCountsSerializer()
    gap_days = serializers.IntegerField()


class KitchenSummarySerializer(serializers.Serializer):
    totals = KitchenTotalsSerializer()
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = RestaurantRowSerializer(many=True)


_SUMMARY_PARAMETERS = [
    OpenApiParameter(
        "since", OpenApiTypes.DATE, description="First day of the period (default: 29 days before `until`)."
    ),
    OpenApiParameter("until", OpenApiTypes.DATE, description="Last day of the period (default: today)."),
    OpenApiParameter("street", OpenApiTypes.INT, description="A street (its id)."),
    OpenApiParameter("hauler", OpenApiTypes.INT, description="The contracted haulier (its id)."),
    OpenApiParameter("state", OpenApiTypes.STR, enum=kitchen.RestaurantState.values),
    OpenApiParameter("q", OpenApiTypes.STR, description="A restaurant's name or contract number."),
    OpenApiParameter("page", OpenApiTypes.INT),
    OpenApiParameter("page_size", OpenApiTypes.INT),
]


class KitchenSummaryView(GenericAPIView):
    """Restaurants in the caller's scope with their contracted haulier, last pick-up, pick-ups and kg
    over the period, manifests issued and received, and open flags; the totals count every restaurant
    of the filter, the results are one page of them."""

    serializer_class = KitchenSummarySerializer
    filter_backends: list = []

    @extend_schema(summary="Kitchen-waste summary per restaurant", parameters=_SUMMARY_PARAMETERS)
    def get(self, request):
        user = request.user
        if not can_anywhere(user, Action.VIEW, RestaurantRecord):
            raise exceptions.PermissionDenied
        queryset = kitchen.restaurants(user).select_related("site", "area__parent", "hauler")
        filterset = KitchenFilterSet(request.query_params or None, queryset=queryset, request=request)
        if filterset.is_bound:
            if not filterset.is_valid():
                raise exceptions.ValidationError(filterset.errors)
            queryset = filterset.qs
        start, end = filterset.period
        page = self.paginate_queryset(queryset)
        rows = kitchen.restaurant_rows(user, list(page), start, end)
        body = self.paginator.get_paginated_response(
            RestaurantRowSerializer(rows, many=True, context={"request": request}).data
        ).data
        body["totals"] = KitchenTotalsSerializer(kitchen.summary(user, queryset, start, end)).data
        return Response(body)

    def handle_exception(self, exc):
        if isinstance(exc, DjangoPermissionDenied):
            exc = exceptions.PermissionDenied()
        return super().handle_exception(exc)
