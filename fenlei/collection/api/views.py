"""The collection API: records, trips, devices and alarms.

Every read goes through the scoping function (404 outside the scope, 403 without the action);
every write calls a service of `fenlei.collection` — records through `services.ingest` (the same
checks as every other face) and `services.correct`, trips through `services.unload`, devices
through `services.device_*`, alarms through `alarms.set_state`. Lists page their keys first and then
read the page's rows with their joins: three queries, whatever the page size or depth.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from fenlei.collection import alarms, services
from fenlei.collection.api.filtersets import AlarmFilterSet, DeviceFilterSet, RecordFilterSet, TripFilterSet
from fenlei.collection.api.schema import IngestRecordSerializer
from fenlei.collection.api.serializers import (
    AlarmSerializer,
    AlarmStateSerializer,
    DeviceSerializer,
    DeviceTokenSerializer,
    FollowUpSerializer,
    RecordCorrectionSerializer,
    RecordSerializer,
    TripDetailSerializer,
    TripSerializer,
    UnloadSerializer,
    VoidSerializer,
)
from fenlei.collection.choices import EntryFace
from fenlei.collection.models import Alarm, Device, Record, Trip
from fenlei.core.api import CloseSerializer, ScopedViewSet
from fenlei.core.roles import Action
from fenlei.core.scoping import for_user, placeable_areas
from fenlei.org.models import Area


class CollectionViewSet(mixins.RetrieveModelMixin, ScopedViewSet):
    """Scoped reads with the joins the serializer needs, and lists that page their keys first."""

    #: select_related() of the rows a serializer reads.
    related: tuple[str, ...] = ()

    def decorate(self, queryset):
        return queryset.select_related(*self.related)

    def get_queryset(self):
        return self.decorate(super().get_queryset())

    def list(self, request, *args, **kwargs):
        # The (narrower) filters first, then the scope: SQLite bounds an index range by the first
        # of two conditions on the area path.
        model = self.queryset.model
        scoped = for_user(request.user, Action.VIEW, self.filter_queryset(model._default_manager.all()))
        keys = self.paginate_queryset(scoped.values_list("pk", flat=True))
        rows = {obj.pk: obj for obj in self.decorate(model._default_manager.filter(pk__in=list(keys)))}
        serializer = self.get_serializer([rows[k] for k in keys if k in rows], many=True)
        return self.get_paginated_response(serializer.data)

    def refetch(self, obj):
        return self.decorate(type(obj)._default_manager.filter(pk=obj.pk)).get()


def _row(data) -> dict:
    """A request body as a plain dict (JSON object or form)."""
    if hasattr(data, "dict"):
        return data.dict()
    if not isinstance(data, dict):
        raise exceptions.ParseError(_("The body must be a JSON object."))
    return dict(data)


def _field_errors(errors: dict) -> exceptions.ValidationError:
    return exceptions.ValidationError({field: [message] for field, message in errors.items()})


# --- records ------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List collection records"),
    retrieve=extend_schema(summary="Read a collection record"),
    history=extend_schema(summary="A record's audit history"),
)
class RecordViewSet(CollectionViewSet):
    """Collection records, newest first: the caller's scope (a haulier sees its own records)."""

    queryset = Record.objects.all()
    serializer_class = RecordSerializer
    filterset_class = RecordFilterSet
    related = ("site", "area", "category", "vehicle", "hauler", "trip", "transfer", "plant")
    write_actions = {
        **ScopedViewSet.write_actions,
        "void": Action.CLOSE,
        "follow_up": Action.CHANGE,
    }

    @extend_schema(
        summary="Add one collection record",
        description=(
            "The record in the format of the bulk endpoint's records, checked by the same rules. "
            "201 with the record; 400 with a message per field; 200 with the stored record when its "
            "client_id was already sent with the same content (a retry)."
        ),
        request=IngestRecordSerializer,
        responses={201: RecordSerializer, 200: RecordSerializer},
        examples=[
            OpenApiExample(
                "A weighed load",
                request_only=True,
                value={
                    "client_id": "form-2026-06-15-001",
                    "occurred_at": "2026-06-15T07:30:00+08:00",
                    "site": 12,
                    "stream": "wet",
                    "weight_kg": 120.5,
                    "grade": "好",
                },
            )
        ],
    )
    def create(self, request, *args, **kwargs):
        row = _row(request.data)
        within = services.writable_paths(request.user)
        if not within:
            raise exceptions.PermissionDenied(_("You may not add collection records anywhere."))
        result = services.ingest([row], face=EntryFace.API, by=request.user, within=within)
        if result.rejected:
            raise _field_errors(result.rejected[0]["errors"])
        if result.duplicates:
            client_id = row.get("client_id")
            if isinstance(client_id, float) and client_id.is_integer():
                client_id = int(client_id)  # as the checker reads it
            record = Record.objects.get(
                origin=services.origin_of(user=request.user), client_id=str(client_id).strip()
            )
            answer = status.HTTP_200_OK
        else:
            record = Record.objects.get(submission=result.submission)
            answer = status.HTTP_201_CREATED
        return Response(self.get_serializer(self.refetch(record)).data, status=answer)

    @extend_schema(
        summary="Correct a record",
        description="Change some of its fields (as in the bulk endpoint's format) with a note saying why; "
        "the totals follow and the change is audited.",
        request=RecordCorrectionSerializer,
        responses=RecordSerializer,
        examples=[
            OpenApiExample(
                "A wrong weight", request_only=True, value={"weight_kg": 112.0, "note": "地磅读数录错"}
            )
        ],
    )
    def partial_update(self, request, *args, **kwargs):
        record = self.get_object()
        data = _row(request.data)
        note = str(data.pop("note", "") or "")
        record = services.correct(
            record,
            by=request.user,
            data=data,
            note=note,
            within=services.writable_paths(request.user, Action.CHANGE),
        )
        return Response(self.get_serializer(self.refetch(record)).data)

    @extend_schema(summary="Void a record", request=VoidSerializer, responses=RecordSerializer)
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        """Take the record out of every total; it stays, marked void, with its client id."""
        record = self.get_object()
        body = VoidSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        record = services.void(record, by=request.user, reason=body.validated_data["reason"])
        return Response(self.get_serializer(self.refetch(record)).data)

    @extend_schema(
        summary="Mark or unmark a record for follow-up",
        request=FollowUpSerializer,
        responses=RecordSerializer,
    )
    @action(detail=True, methods=["post"], url_path="follow-up", url_name="follow-up")
    def follow_up(self, request, pk=None):
        record = self.get_object()
        body = FollowUpSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        record = services.mark_follow_up(
            record, by=request.user, on=body.validated_data["on"], note=body.validated_data["note"]
        )
        return Response(self.get_serializer(self.refetch(record)).data)


# --- trips --------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List trips"),
    history=extend_schema(summary="A trip's audit history"),
)
class TripViewSet(CollectionViewSet):
    """Vehicles' runs: their pick-ups and their unloading (a haulier sees its own)."""

    queryset = Trip.objects.all()
    serializer_class = TripSerializer
    filterset_class = TripFilterSet
    related = ("vehicle", "hauler", "transfer", "plant")
    write_actions = {**ScopedViewSet.write_actions, "unload": Action.CHANGE}

    def detail_response(self, trip) -> Response:
        stops = (
            for_user(self.request.user, Action.VIEW, Record.objects.filter(trip=trip, voided_at__isnull=True))
            .select_related("site", "area")
            .order_by("seq", "occurred_at", "pk")
        )
        context = {**self.get_serializer_context(), "stops": stops}
        return Response(TripDetailSerializer(self.refetch(trip), context=context).data)

    @extend_schema(summary="Read a trip with its pick-ups in order", responses=TripDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        return self.detail_response(self.get_object())

    @extend_schema(
        summary="Record a trip's unloading",
        description="The weighbridge figure at its destination; the answer shows the difference to the "
        "sum of its pick-ups.",
        request=UnloadSerializer,
        responses=TripDetailSerializer,
        examples=[
            OpenApiExample(
                "Weighed in at the plant",
                request_only=True,
                value={"weighbridge_kg": 4820.0, "unloaded_at": "2026-06-15T11:40:00+08:00", "plant": 3},
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def unload(self, request, pk=None):
        trip = self.get_object()
        body = UnloadSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        trip = services.unload(
            trip,
            by=request.user,
            weighbridge_kg=data["weighbridge_kg"],
            at=data.get("unloaded_at"),
            transfer=data.get("transfer"),
            plant=data.get("plant"),
        )
        return self.detail_response(trip)


# --- devices ------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List weighing devices and hauliers' systems"),
    retrieve=extend_schema(summary="Read a device"),
    history=extend_schema(summary="A device's audit history"),
)
class DeviceViewSet(CollectionViewSet):
    """The devices that send records with a token of their own (the district office keeps them)."""

    queryset = Device.objects.all()
    serializer_class = DeviceSerializer
    filterset_class = DeviceFilterSet
    related = ("area", "hauler", "vehicle")
    write_actions = {**ScopedViewSet.write_actions, "rotate": Action.CHANGE}

    @extend_schema(
        summary="Register a device and issue its token",
        description="The answer carries the token once; only its hash is kept.",
        request=DeviceSerializer,
        responses={201: DeviceTokenSerializer},
        examples=[
            OpenApiExample(
                "A hauler's weighbridge reporting for the district",
                request_only=True,
                value={"name": "绿洁地磅一号", "kind": "weighbridge", "area": 1, "hauler": 1},
            )
        ],
    )
    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        device = Device(**body.validated_data)
        with transaction.atomic():
            if not placeable_areas(
                request.user, Action.ADD, Device, Area.objects.filter(pk=device.area.pk)
            ).exists():
                raise exceptions.PermissionDenied(_("You may not add a device there."))
            device, token = services.device_create(device=device, by=request.user)
        return self.token_response(device, token, status.HTTP_201_CREATED)

    def token_response(self, device, token: str, answer=status.HTTP_200_OK) -> Response:
        device = self.refetch(device)
        device.token = token
        return Response(
            DeviceTokenSerializer(device, context=self.get_serializer_context()).data, status=answer
        )

    @extend_schema(
        summary="Issue a new token",
        description="The old token stops working at once; the answer carries the new one, once.",
        request=None,
        responses=DeviceTokenSerializer,
    )
    @action(detail=True, methods=["post"])
    def rotate(self, request, pk=None):
        device = self.get_object()
        token = services.device_rotate(device=device, by=request.user)
        return self.token_response(device, token)

    @extend_schema(
        summary="Close a device (its token stops working)",
        request=CloseSerializer,
        responses=DeviceSerializer,
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        device = self.get_object()
        body = CloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        device = services.device_close(
            device=device,
            by=request.user,
            on=body.validated_data.get("on"),
            note=body.validated_data.get("note", ""),
        )
        return Response(self.get_serializer(self.refetch(device)).data)


# --- alarms -------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List alarms and data-quality findings"),
    retrieve=extend_schema(summary="Read an alarm with its evidence"),
    history=extend_schema(summary="An alarm's audit history"),
)
class AlarmViewSet(CollectionViewSet):
    """Mixed-collection alarms and data-quality findings, routed to the responsible street."""

    queryset = Alarm.objects.all()
    serializer_class = AlarmSerializer
    filterset_class = AlarmFilterSet
    related = ("area", "site", "hauler", "vehicle", "trip")
    write_actions = {**ScopedViewSet.write_actions, "state": Action.CHANGE}

    @extend_schema(
        summary="Acknowledge, resolve, dismiss or reopen an alarm",
        request=AlarmStateSerializer,
        responses=AlarmSerializer,
        examples=[
            OpenApiExample(
                "Resolved",
                request_only=True,
                value={"state": "resolved", "note": "已约谈收运企业，车辆已分类收运"},
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def state(self, request, pk=None):
        alarm = self.get_object()
        body = AlarmStateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        alarm = alarms.set_state(
            alarm, state=body.validated_data["state"], by=request.user, note=body.validated_data["note"]
        )
        return Response(self.get_serializer(self.refetch(alarm)).data)
