"""Residents' reports in the API (Open311-style): public (no sign-in), throttled like every anonymous
call and limited per sender like the form.

    GET  /api/public/reports/places/            the streets and their communities (ids for `community`)
    GET  /api/public/reports/places/?community=  that community's sites and drop-off points
    POST /api/public/reports/                   file a report (multipart: the fields and `media`)
    GET  /api/public/reports/<token>/           its status (the token is the only key)
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path, reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from fenlei.public import limits, reports
from fenlei.public.choices import ReportKind

#: The service's field names -> the API's (Open311's where it has one).
API_FIELD = {
    "kind": "service_code",
    "latitude": "lat",
    "longitude": "long",
    "accuracy_m": "accuracy",
    "place": "address_string",
    "photo": "media",
    "area": "community",
    NON_FIELD_ERRORS: "non_field_errors",
}


class ReportInSerializer(serializers.Serializer):
    service_code = serializers.ChoiceField(choices=ReportKind.choices, help_text="the kind of problem")
    description = serializers.CharField(max_length=reports.MAX_DESCRIPTION, required=False, allow_blank=True)
    community = serializers.IntegerField(help_text="the community's id (see places/)")
    site = serializers.IntegerField(required=False, allow_null=True)
    dropoff = serializers.IntegerField(required=False, allow_null=True, help_text="a drop-off point's id")
    address_string = serializers.CharField(max_length=reports.MAX_PLACE, required=False, allow_blank=True)
    lat = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    long = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    accuracy = serializers.IntegerField(required=False, allow_null=True, min_value=0, help_text="metres")
    media = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        max_length=reports.MAX_PHOTOS,
        help_text="up to 3 photos",
    )
    client_id = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        help_text="the sender's own id of this report: sent again, the same report comes back",
    )


class ReportOutSerializer(serializers.Serializer):
    number = serializers.CharField()
    token = serializers.CharField()
    status = serializers.CharField()
    status_url = serializers.CharField(help_text="the page the reporter follows the report on")
    api_url = serializers.CharField()


class ReportStepSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    step = serializers.CharField()
    label = serializers.CharField()


class ReportOrderStatusSerializer(serializers.Serializer):
    phase = serializers.CharField(help_text="open, fixed or closed")
    phase_label = serializers.CharField()
    deadline = serializers.DateField()
    closed_at = serializers.DateTimeField(allow_null=True)
    timeline = ReportStepSerializer(many=True)


class ReportStatusSerializer(serializers.Serializer):
    number = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    received_at = serializers.DateTimeField()
    status = serializers.CharField(help_text="received, ordered or rejected")
    status_label = serializers.CharField()
    reason = serializers.CharField()
    photos = serializers.IntegerField()
    order = ReportOrderStatusSerializer(allow_null=True)


def _out(request, report) -> dict:
    return {
        "number": report.number,
        "token": report.token,
        "status": report.state,
        "status_url": request.build_absolute_uri(reverse("reports:status", args=[report.token])),
        "api_url": request.build_absolute_uri(reverse("public-api:report-status", args=[report.token])),
    }


class ReportCreateApi(APIView):
    """File a resident's report (Open311's POST requests): multipart with up to three photos."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={"multipart/form-data": ReportInSerializer},
        responses={201: ReportOutSerializer, 200: ReportOutSerializer},
        description=(
            "201 with the new report's number and follow link; 200 with the same when `client_id` was "
            "sent before (a retry); 400 naming each bad field; 429 when this connection sent too many."
        ),
    )
    def post(self, request):
        given = ReportInSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        media = request.FILES.getlist("media") if hasattr(request.FILES, "getlist") else []
        try:
            report, created = reports.submit(
                data=reports.ReportIn(
                    kind=data["service_code"],
                    community=data["community"],
                    description=data.get("description", ""),
                    site=data.get("site"),
                    dropoff=data.get("dropoff"),
                    place=data.get("address_string", ""),
                    latitude=data.get("lat"),
                    longitude=data.get("long"),
                    accuracy_m=data.get("accuracy"),
                ),
                photos=media,
                client=limits.client_digest(request),
                key=data.get("client_id", ""),
            )
        except DjangoValidationError as exc:
            errors = exc.error_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.error_list}
            limited = [e for e in errors.get(NON_FIELD_ERRORS, []) if e.code == "limit"]
            if limited:
                return Response({"detail": limited[0].messages[0]}, status=status.HTTP_429_TOO_MANY_REQUESTS)
            raise serializers.ValidationError(
                {API_FIELD.get(f, f): [m for e in errs for m in e.messages] for f, errs in errors.items()}
            ) from None
        return Response(
            _out(request, report), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class ReportStatusApi(APIView):
    """A report's status (Open311's GET request): the token is the only key."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses=ReportStatusSerializer)
    def get(self, request, token):
        report = reports.by_token(token)
        if report is None:
            raise NotFound()
        response = Response(ReportStatusSerializer(reports.status_of(report)).data)
        response["Cache-Control"] = "no-store"
        response["X-Robots-Tag"] = "noindex"
        return response


class ReportPlacesApi(APIView):
    """The places a report may name: the streets with their communities, or (`community`) the sites
    and drop-off points of one community, by their public names."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("community", int, required=False)],
        responses=inline_serializer(
            "ReportPlaces",
            {
                "streets": serializers.ListField(child=serializers.DictField()),
                "sites": serializers.ListField(child=serializers.DictField()),
                "dropoffs": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request):
        raw = (request.query_params.get("community") or "").strip()
        if raw:
            community = reports.communities().filter(pk=int(raw)).first() if raw.isdigit() else None
            if community is None:
                raise NotFound()
            return Response(
                {
                    "community": {"id": community.pk, "name": community.name},
                    "sites": [
                        {"id": pk, "name": n} for pk, n in reports.public_names(reports.sites_in(community))
                    ],
                    "dropoffs": [
                        {"id": pk, "name": n}
                        for pk, n in reports.public_names(reports.dropoffs_in(community))
                    ],
                }
            )
        by_street: dict = {}
        for c in reports.communities():
            by_street.setdefault(c.parent_id, []).append({"id": c.pk, "name": c.name})
        return Response(
            {
                "streets": [
                    {"id": s.pk, "name": s.name, "communities": by_street.get(s.pk, [])}
                    for s in reports.streets()
                ]
            }
        )


urlpatterns = [
    path("reports/", ReportCreateApi.as_view(), name="report-create"),
    path("reports/places/", ReportPlacesApi.as_view(), name="report-places"),
    path("reports/<str:token>/", ReportStatusApi.as_view(), name="report-status"),
]
