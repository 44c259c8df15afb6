"""Serializers of the collection API: records, trips, devices, alarms, and the bodies of their actions.

Rows are read with brief nested representations of what they point at; the viewsets fetch those
with `select_related`, so a page costs the same few queries whatever its size. Records are written
through `services.ingest` / `services.correct` in the row format of `validation.FIELDS`, so the
record serializers here only read.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fenlei.collection.choices import MIXING_KINDS, AlarmState
from fenlei.collection.models import Alarm, Device, Record, Trip
from fenlei.facilities.models import IntermediateFacility, TerminalFacility, Vehicle
from fenlei.org.api.placed import BriefSiteSerializer
from fenlei.org.api.serializers import (
    BriefAreaSerializer,
    BriefHaulerSerializer,
    BriefRelatedField,
    PlacementField,
)
from fenlei.org.models import Hauler

# --- brief representations --------------------------------------------------------------------


class BriefVehicleSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="facilities-api:vehicle-detail")

    class Meta:
        model = Vehicle
        fields = ["id", "url", "plate", "stream"]


class BriefTransferSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="facilities-api:intermediate-detail")

    class Meta:
        model = IntermediateFacility
        fields = ["id", "url", "name"]


class BriefPlantSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="facilities-api:terminal-detail")

    class Meta:
        model = TerminalFacility
        fields = ["id", "url", "name"]


class BriefTripSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="collection-api:trip-detail")

    class Meta:
        model = Trip
        fields = ["id", "url", "day", "client_id"]


# --- records ----------------------------------------------------------------------------------


class RecordSerializer(serializers.ModelSerializer):
    """One load from one source, in one stream, on one day."""

    url = serializers.HyperlinkedIdentityField(view_name="collection-api:record-detail")
    site = BriefSiteSerializer(read_only=True, allow_null=True)
    area = BriefAreaSerializer(read_only=True, help_text=_("The site's community, or the area-level point."))
    stream_label = serializers.CharField(read_only=True)
    category = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    vehicle = BriefVehicleSerializer(read_only=True, allow_null=True)
    hauler = BriefHaulerSerializer(read_only=True, allow_null=True)
    trip = BriefTripSerializer(read_only=True, allow_null=True)
    transfer = BriefTransferSerializer(read_only=True, allow_null=True)
    plant = BriefPlantSerializer(read_only=True, allow_null=True)
    grade_display = serializers.CharField(source="get_grade_display", read_only=True)
    face_display = serializers.CharField(source="get_face_display", read_only=True)
    submission = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Record
        fields = [
            "id",
            "url",
            "occurred_at",
            "day",
            "site",
            "area",
            "area_path",
            "stream",
            "stream_label",
            "category",
            "weight_kg",
            "bins",
            "bin_volume_l",
            "estimated",
            "vehicle",
            "hauler",
            "trip",
            "seq",
            "transfer",
            "plant",
            "grade",
            "grade_display",
            "face",
            "face_display",
            "submission",
            "client_id",
            "late",
            "follow_up",
            "follow_up_note",
            "voided_at",
            "void_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class RecordCorrectionSerializer(serializers.Serializer):
    """A correction (PATCH): the fields to change, in the row format of the bulk endpoint, and why."""

    note = serializers.CharField(max_length=300, help_text=_("Why the record is corrected (required)."))
    occurred_at = serializers.DateTimeField(required=False)
    site = serializers.IntegerField(required=False, allow_null=True)
    area = serializers.IntegerField(required=False, allow_null=True)
    stream = serializers.CharField(required=False)
    category = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    weight_kg = serializers.DecimalField(max_digits=9, decimal_places=2, required=False, allow_null=True)
    bins = serializers.IntegerField(required=False, allow_null=True)
    bin_volume_l = serializers.IntegerField(required=False, allow_null=True)
    vehicle = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    hauler = serializers.IntegerField(required=False, allow_null=True)
    transfer = serializers.IntegerField(required=False, allow_null=True)
    plant = serializers.IntegerField(required=False, allow_null=True)
    grade = serializers.CharField(required=False, allow_blank=True)


class VoidSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, help_text=_("Why the record is voided."))


class FollowUpSerializer(serializers.Serializer):
    on = serializers.BooleanField(help_text=_("Mark (true) or unmark (false) the record for follow-up."))
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


# --- trips ------------------------------------------------------------------------------------


class PickupSerializer(serializers.ModelSerializer):
    """A pick-up on a trip (a record), in the trip's order."""

    url = serializers.HyperlinkedIdentityField(view_name="collection-api:record-detail")
    site = BriefSiteSerializer(read_only=True, allow_null=True)
    area = BriefAreaSerializer(read_only=True)

    class Meta:
        model = Record
        fields = ["id", "url", "seq", "occurred_at", "site", "area", "stream", "weight_kg", "grade"]
        read_only_fields = fields


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class _StreamsField(serializers.Field):
    def to_representation(self, value):
        return [s for s in value.split(",") if s]


class TripSerializer(serializers.ModelSerializer):
    """A trip; its difference is judged by `Trip.difference()`, as on its page."""

    url = serializers.HyperlinkedIdentityField(view_name="collection-api:trip-detail")
    vehicle = BriefVehicleSerializer(read_only=True)
    hauler = BriefHaulerSerializer(read_only=True)
    transfer = BriefTransferSerializer(read_only=True, allow_null=True)
    plant = BriefPlantSerializer(read_only=True, allow_null=True)
    streams = _StreamsField(read_only=True, help_text=_("The streams its pick-ups carried."))
    difference_kg = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text=_("Weighbridge minus the sum of the pick-ups (null until it is weighed)."),
    )
    difference_pct = serializers.SerializerMethodField(
        help_text=_("The difference in per cent of the pick-ups (null until weighed, or with no pick-ups).")
    )
    difference_over_tolerance = serializers.SerializerMethodField(
        help_text=_(
            "Whether the difference lies beyond FENLEI_WEIGHBRIDGE_TOLERANCE_PCT (null until weighed)."
        )
    )

    class Meta:
        model = Trip
        fields = [
            "id",
            "url",
            "day",
            "client_id",
            "vehicle",
            "hauler",
            "started_at",
            "pickups",
            "pickups_kg",
            "streams",
            "transfer",
            "plant",
            "unloaded_at",
            "weighbridge_kg",
            "difference_kg",
            "difference_pct",
            "difference_over_tolerance",
            "area_path",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(max_digits=7, decimal_places=1, allow_null=True))
    def get_difference_pct(self, trip):
        d = trip.difference()
        return None if d is None or d.pct is None else str(d.pct)

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_difference_over_tolerance(self, trip) -> bool | None:
        d = trip.difference()
        return None if d is None else d.over


class TripDetailSerializer(TripSerializer):
    stops = serializers.SerializerMethodField(help_text=_("The pick-ups in order (voided ones left out)."))

    class Meta(TripSerializer.Meta):
        fields = [*TripSerializer.Meta.fields, "stops"]
        read_only_fields = fields

    @extend_schema_field(PickupSerializer(many=True))
    def get_stops(self, trip):
        return PickupSerializer(self.context["stops"], many=True, context=self.context).data


class UnloadSerializer(serializers.Serializer):
    weighbridge_kg = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, help_text=_("What the destination's weighbridge read.")
    )
    unloaded_at = serializers.DateTimeField(required=False, help_text=_("When (now, if left out)."))
    transfer = BriefRelatedField(
        BriefTransferSerializer,
        scoped=True,
        queryset=IntermediateFacility.objects.all(),
        required=False,
        help_text=_("The transfer station (its id)."),
    )
    plant = BriefRelatedField(
        BriefPlantSerializer,
        scoped=True,
        queryset=TerminalFacility.objects.all(),
        required=False,
        help_text=_("Or the treatment plant (its id)."),
    )


# --- devices ----------------------------------------------------------------------------------


class DeviceSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="collection-api:device-detail")
    area = PlacementField(help_text=_("The district or street it reports for (its id when writing)."))
    hauler = BriefRelatedField(
        BriefHaulerSerializer,
        scoped=True,
        queryset=Hauler.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("The hauler whose vehicles it reports with (its id when writing)."),
    )
    vehicle = BriefRelatedField(
        BriefVehicleSerializer,
        scoped=True,
        queryset=Vehicle.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("The vehicle an on-board scale sits on (its id when writing)."),
    )

    class Meta:
        model = Device
        fields = [
            "id",
            "url",
            "name",
            "kind",
            "area",
            "hauler",
            "vehicle",
            "token_prefix",
            "last_seen_at",
            "closed_on",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["token_prefix", "last_seen_at", "closed_on", "created_at", "updated_at"]


class DeviceTokenSerializer(DeviceSerializer):
    token = serializers.CharField(
        read_only=True,
        help_text=_("The device's token: shown this once and never again. Keep it in the device."),
    )

    class Meta(DeviceSerializer.Meta):
        fields = [*DeviceSerializer.Meta.fields, "token"]


# --- alarms -----------------------------------------------------------------------------------


class AlarmSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="collection-api:alarm-detail")
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    family = serializers.SerializerMethodField()
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    area = BriefAreaSerializer(read_only=True)
    site = BriefSiteSerializer(read_only=True, allow_null=True)
    hauler = BriefHaulerSerializer(read_only=True, allow_null=True)
    vehicle = BriefVehicleSerializer(read_only=True, allow_null=True)
    trip = BriefTripSerializer(read_only=True, allow_null=True)
    record = serializers.HyperlinkedRelatedField(
        view_name="collection-api:record-detail", read_only=True, allow_null=True
    )

    class Meta:
        model = Alarm
        fields = [
            "id",
            "url",
            "kind",
            "kind_display",
            "family",
            "state",
            "state_display",
            "area",
            "site",
            "hauler",
            "vehicle",
            "trip",
            "record",
            "first_day",
            "last_day",
            "summary",
            "evidence",
            "note",
            "area_path",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_family(self, alarm) -> str:
        """“mixing” for a mixed-collection alarm, “quality” for a data-quality finding."""
        return "mixing" if alarm.kind in MIXING_KINDS else "quality"


class AlarmStateSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=AlarmState.choices)
    note = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("What was done (required to resolve) or why it is dismissed (required to dismiss)."),
    )
