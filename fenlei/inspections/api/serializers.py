"""Serializers of the inspections API: checklists, targets, inspections, orders and their steps, plans.

Rows are read with brief representations of what they point at; the viewsets fetch those with
`select_related` and the files of a page in one query. Writes go through `fenlei.inspections.services`:
the input serializers here only parse a body into the services' arguments (and describe it in the
OpenAPI schema); every rule lives in the services.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fenlei.inspections.choices import (
    Concern,
    Responsible,
    Scoring,
    Severity,
    Step,
    TargetType,
)
from fenlei.inspections.models import (
    Answer,
    ChecklistItem,
    ChecklistTemplate,
    ChecklistVersion,
    Inspection,
    PlanEntry,
    RectificationEvent,
    RectificationOrder,
)
from fenlei.org.api.serializers import BriefAreaSerializer

# --- brief representations --------------------------------------------------------------------------


class InspectionTargetSerializer(serializers.Serializer):
    """A target: a site, a drop-off point or a vehicle."""

    type = serializers.ChoiceField(choices=TargetType.choices)
    id = serializers.IntegerField()
    name = serializers.CharField(help_text=_("The site's or point's name, or the vehicle's plate."))
    code = serializers.CharField(allow_blank=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    area = serializers.CharField(help_text=_("The community (or district) it belongs to."))
    distance_m = serializers.IntegerField(
        allow_null=True, required=False, help_text=_("Metres from the position asked about (nearby only).")
    )


def target_data(target_type: str, target, distance_m: int | None = None) -> dict:
    """A target as InspectionTargetSerializer writes it (the caller has read it with its area)."""
    if target_type == TargetType.VEHICLE:
        name, code = target.plate, ""
    else:
        name, code = target.name, getattr(target, "code", "") or ""
    area = target.community if target_type == TargetType.SITE else target.area
    return {
        "type": target_type,
        "id": target.pk,
        "name": name,
        "code": code,
        "latitude": getattr(target, "latitude", None),
        "longitude": getattr(target, "longitude", None),
        "area": area.name if area else "",
        "distance_m": distance_m,
    }


class BriefInspectionTargetSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=TargetType.choices)
    id = serializers.IntegerField()
    name = serializers.CharField()


@extend_schema_field(BriefInspectionTargetSerializer)
class TargetField(serializers.Field):
    """The row's target as {type, id, name}."""

    def __init__(self, **kwargs):
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, row):
        target = row.target
        return {"type": row.target_type, "id": getattr(target, "pk", None), "name": str(target or "")}


class PhotoSerializer(serializers.Serializer):
    """A photo kept as evidence: when and where it was taken, and where to read it."""

    id = serializers.IntegerField()
    part = serializers.CharField(help_text=_("The item code it shows (inspection) or the step's id (order)."))
    name = serializers.CharField()
    taken_at = serializers.DateTimeField(allow_null=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    url = serializers.URLField()
    thumbnail_url = serializers.URLField(allow_null=True)


def photo_data(request, route: str, row_pk: int, att) -> dict:
    def link(name):
        return request.build_absolute_uri(reverse(f"inspections-api:{name}", args=[row_pk, att.pk]))

    return {
        "id": att.pk,
        "part": att.part,
        "name": att.name,
        "taken_at": att.taken_at,
        "latitude": att.latitude,
        "longitude": att.longitude,
        "url": link(f"{route}-photo"),
        "thumbnail_url": link(f"{route}-photo-thumbnail") if att.thumbnail else None,
    }


# --- checklists -------------------------------------------------------------------------------------


class ChecklistItemSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True, help_text=_("The item in the reader's language."))

    class Meta:
        model = ChecklistItem
        fields = [
            "position",
            "code",
            "concern",
            "text",
            "text_en",
            "label",
            "points",
            "severity",
            "veto",
            "purity",
            "photo_required",
            "responsible",
        ]
        read_only_fields = fields


class ChecklistVersionBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistVersion
        fields = ["id", "number", "scoring", "pass_mark", "note", "created_at"]
        read_only_fields = fields


class ChecklistVersionSerializer(serializers.ModelSerializer):
    template = serializers.PrimaryKeyRelatedField(read_only=True)
    items = ChecklistItemSerializer(many=True, read_only=True)

    class Meta:
        model = ChecklistVersion
        fields = ["id", "template", "number", "scoring", "pass_mark", "note", "created_at", "items"]
        read_only_fields = fields


class ChecklistSerializer(serializers.ModelSerializer):
    """A checklist with its current version's items (detail) and its versions."""

    current = ChecklistVersionSerializer(read_only=True, allow_null=True)
    versions = ChecklistVersionBriefSerializer(many=True, read_only=True)

    class Meta:
        model = ChecklistTemplate
        fields = ["id", "name", "target_type", "active", "current", "versions", "updated_at"]
        read_only_fields = fields


class ChecklistBriefSerializer(serializers.ModelSerializer):
    current = ChecklistVersionBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ChecklistTemplate
        fields = ["id", "name", "target_type", "active", "current", "updated_at"]
        read_only_fields = fields


class ItemInSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=12)
    concern = serializers.ChoiceField(choices=Concern.choices)
    text = serializers.CharField(max_length=200)
    text_en = serializers.CharField(max_length=250, required=False, allow_blank=True, default="")
    points = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=0)
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.MINOR)
    veto = serializers.BooleanField(default=False)
    purity = serializers.BooleanField(default=False)
    photo_required = serializers.BooleanField(default=True)
    responsible = serializers.ChoiceField(choices=Responsible.choices, default=Responsible.SITE)


class ReviseSerializer(serializers.Serializer):
    items = ItemInSerializer(many=True, help_text=_("Every item of the new version, in order."))
    scoring = serializers.ChoiceField(choices=Scoring.choices, required=False)
    pass_mark = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=0, max_value=100, required=False
    )
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


# --- inspections ------------------------------------------------------------------------------------


class AnswerSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="item.code", read_only=True)
    label = serializers.CharField(source="item.label", read_only=True)

    class Meta:
        model = Answer
        fields = ["code", "label", "result", "points", "purity", "note"]
        read_only_fields = fields


class BriefOrderSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="inspections-api:order-detail")

    class Meta:
        model = RectificationOrder
        fields = ["id", "url", "number", "state", "summary", "deadline"]
        read_only_fields = fields


class InspectionSerializer(serializers.ModelSerializer):
    """One inspection of one target."""

    url = serializers.HyperlinkedIdentityField(view_name="inspections-api:inspection-detail")
    target = TargetField()
    area = BriefAreaSerializer(read_only=True)
    inspector = serializers.CharField(source="inspector.get_username", read_only=True)
    version = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "url",
            "client_id",
            "target",
            "area",
            "inspector",
            "version",
            "day",
            "started_at",
            "finished_at",
            "received_at",
            "latitude",
            "longitude",
            "accuracy_m",
            "distance_m",
            "far",
            "score",
            "vetoed",
            "passed",
            "problems",
            "note",
        ]
        read_only_fields = fields


class InspectionDetailSerializer(InspectionSerializer):
    """An inspection with its answers, its photos and the orders it issued."""

    answers = AnswerSerializer(many=True, read_only=True)
    photos = serializers.SerializerMethodField()
    orders = BriefOrderSerializer(many=True, read_only=True)

    class Meta(InspectionSerializer.Meta):
        fields = [*InspectionSerializer.Meta.fields, "answers", "photos", "orders"]
        read_only_fields = fields

    @extend_schema_field(PhotoSerializer(many=True))
    def get_photos(self, obj) -> list:
        request = self.context["request"]
        return [photo_data(request, "inspection", obj.pk, a) for a in self.context.get("photos", [])]


class AnswerInSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=12)
    result = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("pass, fail or na (not for a purity item).")
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    purity = serializers.ListField(
        child=serializers.FloatField(), required=False, default=list, help_text=_("Purity items: % per bin.")
    )
    hauler_id = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("An item answered by a hauler: which hauler.")
    )


class PhotoMetaSerializer(serializers.Serializer):
    code = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("The item code the photo shows.")
    )
    taken_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text=_("When it was taken (else the photo's EXIF time).")
    )
    latitude = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    longitude = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)


class SubmitDataSerializer(serializers.Serializer):
    """The `data` part of an inspection's submission (JSON)."""

    client_id = serializers.UUIDField(help_text=_("The draft's id: a retry sends the same one."))
    target_type = serializers.ChoiceField(choices=TargetType.choices)
    target_id = serializers.IntegerField()
    version_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_("The checklist version filled (default: the current one)."),
    )
    started_at = serializers.DateTimeField(required=False, allow_null=True)
    finished_at = serializers.DateTimeField(required=False, allow_null=True)
    latitude = serializers.FloatField(required=False, allow_null=True)
    longitude = serializers.FloatField(required=False, allow_null=True)
    accuracy_m = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    answers = AnswerInSerializer(many=True)
    photos = PhotoMetaSerializer(
        many=True, required=False, default=list, help_text=_("One entry per file, in the order of the files.")
    )


class SubmitSerializer(serializers.Serializer):
    """Multipart: `data` (the JSON above, as text) and the files `photos` (repeated)."""

    data = serializers.JSONField(help_text=_("The inspection as JSON (see InspectionData)."))
    photos = serializers.ListField(child=serializers.ImageField(), required=False)


# --- orders -----------------------------------------------------------------------------------------


class OrderSerializer(serializers.ModelSerializer):
    """A rectification order and the steps the reader may take on it now."""

    url = serializers.HyperlinkedIdentityField(view_name="inspections-api:order-detail")
    target = TargetField()
    area = BriefAreaSerializer(read_only=True)
    phase = serializers.CharField(read_only=True)
    addressee = serializers.CharField(read_only=True)
    is_repeat = serializers.BooleanField(read_only=True)
    inspection = serializers.PrimaryKeyRelatedField(read_only=True)
    allowed_steps = serializers.SerializerMethodField()

    class Meta:
        model = RectificationOrder
        fields = [
            "id",
            "url",
            "number",
            "inspection",
            "target",
            "area",
            "concern",
            "severity",
            "summary",
            "responsible",
            "responsible_area",
            "hauler",
            "authority",
            "addressee",
            "state",
            "phase",
            "deadline",
            "escalation",
            "escalated_at",
            "went_overdue",
            "is_repeat",
            "repeat_of",
            "issued_at",
            "answered_at",
            "closed_at",
            "latitude",
            "longitude",
            "allowed_steps",
        ]
        read_only_fields = fields

    def get_allowed_steps(self, obj) -> list[str]:
        """The steps the reader may take now (start, answer, verify, return, reroute)."""
        steps = self.context.get("steps")
        return steps.get(obj.pk, []) if steps is not None else []


class EventSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by_repr", read_only=True)
    photos = serializers.SerializerMethodField()

    class Meta:
        model = RectificationEvent
        fields = ["id", "step", "from_state", "to_state", "by", "at", "face", "note", "data", "photos"]
        read_only_fields = fields

    @extend_schema_field(PhotoSerializer(many=True))
    def get_photos(self, obj) -> list:
        request = self.context["request"]
        return [
            photo_data(request, "order", obj.order_id, a)
            for a in self.context.get("photos", [])
            if a.part == str(obj.pk)
        ]


class OrderDetailSerializer(OrderSerializer):
    events = serializers.SerializerMethodField()

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "events"]
        read_only_fields = fields

    @extend_schema_field(EventSerializer(many=True))
    def get_events(self, obj) -> list:
        return EventSerializer(self.context.get("events", []), many=True, context=self.context).data


class StepDataSerializer(serializers.Serializer):
    """A step's body. `answer` is multipart (`data` as JSON text and `photos` files); the others JSON."""

    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    responsible = serializers.ChoiceField(
        choices=Responsible.choices, required=False, allow_null=True, help_text=_("reroute: the new unit.")
    )
    responsible_area = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("reroute: the community or street addressed.")
    )
    hauler = serializers.IntegerField(required=False, allow_null=True, help_text=_("reroute: the hauler."))
    authority = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("reroute: the industry authority.")
    )
    photos = PhotoMetaSerializer(
        many=True, required=False, default=list, help_text=_("answer: one entry per file, in order.")
    )


class StepMultipartSerializer(serializers.Serializer):
    data = serializers.JSONField(required=False, help_text=_("The step's body as JSON text."))
    photos = serializers.ListField(child=serializers.ImageField(), required=False)


STEPS_BY_PEOPLE = [Step.START, Step.ANSWER, Step.VERIFY, Step.RETURN, Step.REROUTE]

# --- plan -------------------------------------------------------------------------------------------


class PlanEntrySerializer(serializers.ModelSerializer):
    target = TargetField()
    area = BriefAreaSerializer(read_only=True)
    inspection = serializers.SerializerMethodField()

    class Meta:
        model = PlanEntry
        fields = ["id", "day", "target", "area", "inspection"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.INT)
    def get_inspection(self, obj) -> int | None:
        """The inspection that visited it (null: not yet)."""
        inspection = getattr(obj, "inspection", None)
        return inspection.pk if inspection is not None else None
