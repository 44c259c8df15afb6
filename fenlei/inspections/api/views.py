"""The inspections API: checklists, targets, inspections, rectification orders and their steps, plans.

Every read goes through the scoping function (404 outside the scope, 403 without the action);
every write calls `fenlei.inspections.services`: an inspection through `submit` (kept whole, a draft
sent twice kept once), an order's step through `transition` (the one place an order moves), a new
checklist version through `revise`. Photos are read only through the row they belong to.
"""

from __future__ import annotations

import datetime
import json
from itertools import zip_longest

from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from fenlei.core import attachments
from fenlei.core.api import ScopedViewSet, validation_error
from fenlei.core.api_attachments import UploadRateThrottle
from fenlei.core.models import Attachment
from fenlei.core.roles import Action
from fenlei.core.scoping import for_user
from fenlei.core.views_attachments import file_response
from fenlei.inspections import services, targets
from fenlei.inspections.api.filtersets import InspectionFilterSet, OrderFilterSet
from fenlei.inspections.api.serializers import (
    ChecklistBriefSerializer,
    ChecklistSerializer,
    ChecklistVersionSerializer,
    EventSerializer,
    InspectionDetailSerializer,
    InspectionSerializer,
    InspectionTargetSerializer,
    OrderDetailSerializer,
    OrderSerializer,
    PlanEntrySerializer,
    ReviseSerializer,
    StepDataSerializer,
    StepMultipartSerializer,
    SubmitDataSerializer,
    SubmitSerializer,
    target_data,
)
from fenlei.inspections.choices import Step, TargetType
from fenlei.inspections.models import (
    ChecklistTemplate,
    Inspection,
    PlanEntry,
    RectificationEvent,
    RectificationOrder,
)
from fenlei.org.models import Area

# --- helpers ----------------------------------------------------------------------------------------


def json_part(request) -> dict:
    """The request's body: the JSON text of a multipart `data` part, or a JSON object itself."""
    data = request.data
    if hasattr(data, "getlist"):  # multipart or form
        raw = data.get("data")
        if raw in (None, ""):
            return {}
        if hasattr(raw, "read"):
            raw = raw.read().decode("utf-8", "replace")
        try:
            parsed = json.loads(raw)
        except ValueError:
            raise exceptions.ValidationError({"data": [_("The part “data” is not valid JSON.")]}) from None
    else:
        parsed = (
            data.get("data", data) if isinstance(data, dict) and isinstance(data.get("data"), dict) else data
        )
    if not isinstance(parsed, dict):
        raise exceptions.ValidationError({"data": [_("The part “data” must be a JSON object.")]})
    return parsed


def photos_in(request, metas: list[dict]) -> list[services.PhotoIn]:
    """The files `photos` paired, in order, with their descriptions."""
    files = request.FILES.getlist("photos") if hasattr(request, "FILES") else []
    if len(metas) > len(files):
        raise exceptions.ValidationError(
            {
                "photos": [
                    _("{described} photos are described but {sent} files were sent.").format(
                        described=len(metas), sent=len(files)
                    )
                ]
            }
        )
    return [
        services.PhotoIn(
            file=f,
            code=(m or {}).get("code", ""),
            taken_at=(m or {}).get("taken_at"),
            latitude=(m or {}).get("latitude"),
            longitude=(m or {}).get("longitude"),
        )
        for f, m in zip_longest(files, metas)
    ]


class ServiceErrorsMixin:
    """Django's ValidationError and PermissionDenied from a service as the API's 400 and 403."""

    def handle_exception(self, exc):
        from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
        from django.core.exceptions import ValidationError as DjangoValidationError

        if isinstance(exc, DjangoValidationError):
            exc = validation_error(exc)
        elif isinstance(exc, DjangoPermissionDenied):
            exc = exceptions.PermissionDenied(*(exc.args[:1] or ()))
        return super().handle_exception(exc)


class InspectionsViewSet(ServiceErrorsMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Scoped reads with the joins the serializers need; lists page their keys first."""

    related: tuple[str, ...] = ()

    def decorate(self, queryset):
        return queryset.select_related(*self.related)

    def get_queryset(self):
        return self.decorate(super().get_queryset())

    def scoped_page(self, queryset):
        """A page of `queryset` (filtered, then scoped), read with its joins."""
        model = queryset.model
        scoped = for_user(self.request.user, Action.VIEW, self.filter_queryset(queryset))
        keys = self.paginate_queryset(scoped.values_list("pk", flat=True))
        rows = {obj.pk: obj for obj in self.decorate(model._default_manager.filter(pk__in=list(keys)))}
        return [rows[k] for k in keys if k in rows]

    def list(self, request, *args, **kwargs):
        page = self.scoped_page(self.queryset.model._default_manager.all())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def perform_content_negotiation(self, request, force=False):
        # A photo is answered with its own type whatever the client accepts; errors stay JSON.
        return super().perform_content_negotiation(
            request, force=force or self.action in ("photo", "photo_thumbnail")
        )

    def get_throttles(self):
        throttles = super().get_throttles()
        if self.action in ("create", "step"):
            throttles.append(UploadRateThrottle())
        return throttles

    def photo_of(self, row, slot: str, file) -> Attachment:
        try:
            return attachments.of_row(row, slot).get(pk=file)
        except Attachment.DoesNotExist:
            raise Http404 from None


_FILE = OpenApiParameter("file", OpenApiTypes.INT, OpenApiParameter.PATH, description="The photo's id.")
_IMAGE = {
    (200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY),
    (200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY),
    (200, "image/webp"): OpenApiResponse(OpenApiTypes.BINARY),
}
_THUMB = {(200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY)}
_ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="{field: [messages]}"),
    403: OpenApiResponse(description="Not allowed (no role for this, or not in this capacity)."),
    404: OpenApiResponse(description="Outside your scope."),
}


# --- checklists -------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List checklists", responses=ChecklistBriefSerializer(many=True)),
    retrieve=extend_schema(summary="Read a checklist: its current version's items and its versions"),
    history=extend_schema(summary="A checklist's audit history"),
)
class ChecklistViewSet(InspectionsViewSet):
    """The checklists (district-wide reference data, written by the district office)."""

    queryset = ChecklistTemplate.objects.all()
    serializer_class = ChecklistSerializer
    write_actions = {**ScopedViewSet.write_actions, "revise": Action.CHANGE}
    filtered_actions = frozenset()

    def get_queryset(self):
        return super().get_queryset().select_related("current").prefetch_related("current__items", "versions")

    def list(self, request, *args, **kwargs):
        rows = for_user(request.user, Action.VIEW, ChecklistTemplate.objects.select_related("current"))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ChecklistBriefSerializer(page, many=True).data)

    @extend_schema(
        summary="Read one version of a checklist",
        parameters=[OpenApiParameter("number", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses=ChecklistVersionSerializer,
    )
    @action(detail=True, methods=["get"], url_path=r"versions/(?P<number>[0-9]+)", url_name="version")
    def version(self, request, pk=None, number=None):
        template = self.get_object()
        found = template.versions.filter(number=number).prefetch_related("items").first()
        if found is None:
            raise Http404
        return Response(ChecklistVersionSerializer(found, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Write a new version of a checklist (district office)",
        description="The new version becomes current; past inspections keep the version they filled.",
        request=ReviseSerializer,
        responses={201: ChecklistVersionSerializer, **_ERRORS},
        examples=[
            OpenApiExample(
                "Two items",
                request_only=True,
                value={
                    "note": "增加桶边督导",
                    "items": [
                        {"code": "F1", "concern": "facilities", "text": "分类桶齐全", "points": 10},
                        {
                            "code": "S1",
                            "concern": "supervision",
                            "text": "投放时段有人督导",
                            "points": 10,
                            "severity": "major",
                            "responsible": "community",
                        },
                    ],
                },
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        template = self.get_object()
        body = ReviseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        version = services.revise(
            template,
            items=[services.ItemIn(**item) for item in data["items"]],
            by=request.user,
            scoring=data.get("scoring"),
            pass_mark=data.get("pass_mark"),
            note=data.get("note", ""),
        )
        version = type(version).objects.prefetch_related("items").get(pk=version.pk)
        return Response(
            ChecklistVersionSerializer(version, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


# --- targets ----------------------------------------------------------------------------------------

#: At most this many targets in one answer.
TARGETS_MAX = 50


class TargetViewSet(ServiceErrorsMixin, viewsets.GenericViewSet):
    """The targets the caller may inspect: by name, code or plate, or near a position."""

    serializer_class = InspectionTargetSerializer
    pagination_class = None
    queryset = Inspection.objects.none()  # for the schema only: targets are read per kind

    @extend_schema(
        summary="Find targets to inspect by name, code or plate",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Part of a name, a code or a plate."),
            OpenApiParameter("type", OpenApiTypes.STR, enum=TargetType.values, description="Only this kind."),
        ],
        responses=InspectionTargetSerializer(many=True),
    )
    def list(self, request):
        found = targets.search(
            request.user, request.query_params.get("q") or "", kinds=self._kinds(request), limit=TARGETS_MAX
        )
        out = [target_data(kind, t) for kind, t in found[:TARGETS_MAX]]
        return Response(InspectionTargetSerializer(out, many=True).data)

    @extend_schema(
        summary="Targets to inspect near a position",
        description="Sites and drop-off points with coordinates within `radius` metres, nearest first.",
        parameters=[
            OpenApiParameter("lat", OpenApiTypes.DOUBLE, required=True),
            OpenApiParameter("lng", OpenApiTypes.DOUBLE, required=True),
            OpenApiParameter("radius", OpenApiTypes.INT, description="Metres (default 500, at most 5000)."),
        ],
        responses={200: InspectionTargetSerializer(many=True), 400: _ERRORS[400]},
    )
    @action(detail=False, methods=["get"])
    def nearby(self, request):
        lat, lng, radius = self._position(request)
        found = targets.nearby(request.user, lat, lng, radii=(radius,), limit=TARGETS_MAX)
        out = [target_data(kind, t, d) for kind, t, d in found]
        return Response(InspectionTargetSerializer(out, many=True).data)

    def _kinds(self, request):
        wanted = request.query_params.get("type")
        if not wanted:
            return list(TargetType.values)
        if wanted not in TargetType.values:
            raise exceptions.ValidationError(
                {"type": [_("“{value}” is not a kind of target.").format(value=wanted)]}
            )
        return [wanted]

    def _position(self, request):
        errors = {}
        values = {}
        for name, low, high in (("lat", -90, 90), ("lng", -180, 180)):
            raw = request.query_params.get(name)
            try:
                values[name] = float(raw)
                if not low <= values[name] <= high:
                    raise ValueError
            except (TypeError, ValueError):
                errors[name] = [
                    _("Give a number between {low} and {high}.").format(low=low, high=high)
                    if raw
                    else _("This parameter is required.")
                ]
        try:
            radius = int(request.query_params.get("radius") or 500)
            if not 1 <= radius <= 5000:
                raise ValueError
        except ValueError:
            errors["radius"] = [_("Give a whole number of metres from 1 to 5000.")]
            radius = 0
        if errors:
            raise exceptions.ValidationError(errors)
        return values["lat"], values["lng"], radius


# --- inspections ------------------------------------------------------------------------------------

_SUBMIT_EXAMPLE = {
    "client_id": "6f1c2a4e-2b7d-4a51-9a55-0d3c1e7f9b10",
    "target_type": "site",
    "target_id": 12,
    "started_at": "2026-06-15T08:40:00+08:00",
    "finished_at": "2026-06-15T09:00:00+08:00",
    "latitude": 31.2345,
    "longitude": 121.47,
    "accuracy_m": 15,
    "note": "",
    "answers": [{"code": "F1", "result": "pass"}, {"code": "F2", "result": "fail", "note": "桶满溢"}],
    "photos": [
        {"code": "F2", "taken_at": "2026-06-15T08:50:00+08:00", "latitude": 31.2345, "longitude": 121.47}
    ],
}


@extend_schema_view(
    list=extend_schema(summary="List inspections"),
    retrieve=extend_schema(summary="Read an inspection: answers, photos, orders"),
    history=extend_schema(summary="An inspection's audit history"),
)
class InspectionViewSet(InspectionsViewSet):
    """Inspections, newest first, within the caller's scope."""

    queryset = Inspection.objects.all()
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilterSet
    related = ("area", "inspector", "site", "dropoff", "vehicle")
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def detail_response(self, inspection, answer=status.HTTP_200_OK) -> Response:
        inspection = (
            self.decorate(Inspection.objects.filter(pk=inspection.pk))
            .prefetch_related("answers__item", "orders")
            .get()
        )
        context = {
            **self.get_serializer_context(),
            "photos": list(attachments.of_row(inspection, "photo").order_by("pk")),
        }
        return Response(InspectionDetailSerializer(inspection, context=context).data, status=answer)

    @extend_schema(responses=InspectionDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        return self.detail_response(self.get_object())

    @extend_schema(
        summary="Submit an inspection (with its photos)",
        description=(
            "Multipart: the part `data` (JSON: the inspection, see InspectionData) and the files "
            "`photos` (repeated), described in order by `data.photos`. The inspection is kept whole "
            "with its rectification orders, or nothing is kept. 201 with the inspection; 200 with the "
            "same answer when the draft (`client_id`) was already kept; 400 {field: [messages]}."
        ),
        request={"multipart/form-data": SubmitSerializer, "application/json": SubmitDataSerializer},
        responses={201: InspectionDetailSerializer, 200: InspectionDetailSerializer, **_ERRORS},
        examples=[OpenApiExample("An inspection with one problem", request_only=True, value=_SUBMIT_EXAMPLE)],
    )
    def create(self, request, *args, **kwargs):
        body = SubmitDataSerializer(data=json_part(request))
        body.is_valid(raise_exception=True)
        data = body.validated_data
        inspection, new = services.submit(
            by=request.user,
            target_type=data["target_type"],
            target_id=data["target_id"],
            client_id=data["client_id"],
            answers=[services.AnswerIn(**a) for a in data["answers"]],
            photos=photos_in(request, data["photos"]),
            version_id=data.get("version_id"),
            started_at=data.get("started_at"),
            finished_at=data.get("finished_at"),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            accuracy_m=data.get("accuracy_m"),
            note=data.get("note", ""),
        )
        return self.detail_response(inspection, status.HTTP_201_CREATED if new else status.HTTP_200_OK)

    @extend_schema(summary="Read a photo of an inspection", parameters=[_FILE], responses=_IMAGE)
    @action(detail=True, methods=["get"], url_path=r"photos/(?P<file>[0-9]+)", url_name="photo")
    def photo(self, request, pk=None, file=None):
        return file_response(self.photo_of(self.get_object(), "photo", file))

    @extend_schema(summary="Read a thumbnail of an inspection's photo", parameters=[_FILE], responses=_THUMB)
    @action(
        detail=True,
        methods=["get"],
        url_path=r"photos/(?P<file>[0-9]+)/thumbnail",
        url_name="photo-thumbnail",
    )
    def photo_thumbnail(self, request, pk=None, file=None):
        return file_response(self.photo_of(self.get_object(), "photo", file), thumbnail=True)


# --- orders -----------------------------------------------------------------------------------------


_STEP = OpenApiParameter(
    "step",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=[Step.START, Step.ANSWER, Step.VERIFY, Step.RETURN, Step.REROUTE],
    description="start, answer (multipart, with photos), verify, return or reroute (each with a note).",
)
_WAITING = OpenApiParameter(
    "waiting_for_me", OpenApiTypes.BOOL, description="Only the orders on which you owe the next step."
)


@extend_schema_view(
    list=extend_schema(summary="List rectification orders", parameters=[_WAITING]),
    history=extend_schema(summary="An order's audit history"),
)
class OrderViewSet(InspectionsViewSet):
    """Rectification orders, newest first, within the caller's scope."""

    queryset = RectificationOrder.objects.all()
    serializer_class = OrderSerializer
    filterset_class = OrderFilterSet
    related = ("area", "site", "dropoff", "vehicle", "responsible_area", "hauler", "authority")
    write_actions = {**ScopedViewSet.write_actions, "step": Action.CHANGE}
    filtered_actions = frozenset({"list", "escalated"})
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "steps": getattr(self, "_steps", None)}

    def page_response(self, queryset) -> Response:
        page = self.scoped_page(queryset)
        self._steps = services.allowed_steps_many(self.request.user, page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def list(self, request, *args, **kwargs):
        return self.page_response(RectificationOrder.objects.all())

    @extend_schema(summary="List the orders escalated to a street or the district", parameters=[_WAITING])
    @action(detail=False, methods=["get"])
    def escalated(self, request):
        return self.page_response(RectificationOrder.objects.filter(escalation__gte=1))

    def detail_response(self, order) -> Response:
        order = self.decorate(RectificationOrder.objects.filter(pk=order.pk)).get()
        self._steps = services.allowed_steps_many(self.request.user, [order])
        context = {
            **self.get_serializer_context(),
            "events": list(RectificationEvent.objects.filter(order=order).order_by("at", "pk")),
            "photos": list(attachments.of_row(order, "after").order_by("pk")),
        }
        return Response(OrderDetailSerializer(order, context=context).data)

    @extend_schema(summary="Read an order with its steps and photos", responses=OrderDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        return self.detail_response(self.get_object())

    @extend_schema(summary="An order's steps, oldest first", responses=EventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        order = self.get_object()
        context = {
            **self.get_serializer_context(),
            "photos": list(attachments.of_row(order, "after").order_by("pk")),
        }
        rows = RectificationEvent.objects.filter(order=order).order_by("at", "pk")
        return Response(EventSerializer(rows, many=True, context=context).data)

    @extend_schema(
        summary="Take a step on an order",
        description=(
            "start, answer, verify, return or reroute, as `services.transition` allows: the state "
            "must allow the step (else 400) and you must act in the step's capacity — the unit "
            "addressed starts and answers, the inspector or the level above verifies, returns and "
            "re-routes (else 403). `answer` is multipart: files `photos` (at least one, taken after "
            "the rectification) and a part `data` (JSON: note and `photos` [{taken_at, latitude, "
            "longitude}] in the order of the files). return and reroute need a note; reroute names "
            "the new unit (`responsible`, and `responsible_area`, `hauler` or `authority`)."
        ),
        parameters=[_STEP],
        request={
            "application/json": StepDataSerializer,
            "multipart/form-data": StepMultipartSerializer,
        },
        responses={200: OrderDetailSerializer, **_ERRORS},
        examples=[
            OpenApiExample("Return", request_only=True, value={"note": "照片看不清，请重新拍摄"}),
            OpenApiExample(
                "Re-route to the community",
                request_only=True,
                value={"responsible": "community", "note": "开放区域由社区负责"},
            ),
        ],
    )
    @action(detail=True, methods=["post"], url_path=r"steps/(?P<step>[a-z_]+)", url_name="step")
    def step(self, request, pk=None, step=None):
        order = self.get_object()
        body = StepDataSerializer(data=json_part(request))
        body.is_valid(raise_exception=True)
        data = body.validated_data
        area = None
        if data.get("responsible_area"):
            area = Area.objects.filter(pk=data["responsible_area"]).first()
            if area is None:
                raise exceptions.ValidationError(
                    {"responsible_area": [_("No area has the id {id}.").format(id=data["responsible_area"])]}
                )
        photos = photos_in(request, data["photos"]) if step == Step.ANSWER else []
        order = services.transition(
            order,
            step,
            by=request.user,
            note=data.get("note", ""),
            photos=photos,
            responsible=data.get("responsible"),
            responsible_area=area,
            hauler_id=data.get("hauler"),
            authority_id=data.get("authority"),
        )
        return self.detail_response(order)

    @extend_schema(
        summary="Read a photo of an order (after rectification)", parameters=[_FILE], responses=_IMAGE
    )
    @action(detail=True, methods=["get"], url_path=r"photos/(?P<file>[0-9]+)", url_name="photo")
    def photo(self, request, pk=None, file=None):
        return file_response(self.photo_of(self.get_object(), "after", file))

    @extend_schema(summary="Read a thumbnail of an order's photo", parameters=[_FILE], responses=_THUMB)
    @action(
        detail=True,
        methods=["get"],
        url_path=r"photos/(?P<file>[0-9]+)/thumbnail",
        url_name="photo-thumbnail",
    )
    def photo_thumbnail(self, request, pk=None, file=None):
        return file_response(self.photo_of(self.get_object(), "after", file), thumbnail=True)


# --- the plan ---------------------------------------------------------------------------------------


class PlanViewSet(ServiceErrorsMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's planned visits for one day."""

    serializer_class = PlanEntrySerializer
    pagination_class = None
    queryset = PlanEntry.objects.all()

    def get_queryset(self):
        day = self.day()
        rows = PlanEntry.objects.filter(inspector=self.request.user, day=day)
        return for_user(self.request.user, Action.VIEW, rows).select_related(
            "area", "site", "dropoff", "vehicle", "inspection"
        )

    def day(self) -> datetime.date:
        raw = self.request.query_params.get("day")
        if not raw:
            return timezone.localdate()
        try:
            day = parse_date(raw)
        except ValueError:
            day = None
        if day is None:
            raise exceptions.ValidationError({"day": [_("Give the day as YYYY-MM-DD.")]})
        return day

    @extend_schema(
        summary="My planned visits for a day",
        parameters=[OpenApiParameter("day", OpenApiTypes.DATE, description="Default: today.")],
        responses={200: PlanEntrySerializer(many=True), 400: _ERRORS[400]},
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)
