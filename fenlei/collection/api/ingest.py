"""The bulk endpoint: POST /api/collection/ingest/ — up to 10,000 records a request.

A weighing device (or a haulier's system) signs with its token; a person's system may sign with the
person's API token or session, and then reports for the areas where the person may add records.
Each record is checked on its own by `services.ingest` (the one definition of a valid record):
valid records are kept, refused ones come back with their index and a reason per field, and a
record whose client id is already stored with the same content is a retry, counted once.

The view stays lean: the body is read once (refused from its Content-Length when too large, before
a byte is read), parsed once, and handed to the service as it is.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.parsers import BaseParser
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from fenlei.collection import services
from fenlei.collection.api.auth import DeviceAuthentication, DeviceRateThrottle
from fenlei.collection.api.schema import (
    ErrorSerializer,
    IngestBatchSerializer,
    IngestResponseSerializer,
)
from fenlei.collection.choices import EntryFace
from fenlei.collection.models import Device, Record
from fenlei.core.roles import Action
from fenlei.core.scoping import can_anywhere


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


def max_bytes() -> int:
    return settings.FENLEI_INGEST_MAX_MB * 1024 * 1024


class BulkJSONParser(BaseParser):
    """JSON, read in one piece up to the byte limit; a body announced (or found) larger is refused
    with 413 without reading it; malformed JSON is a 400 naming its line and column."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        request = parser_context["request"]
        limit = max_bytes()
        meta = request.META
        try:
            announced = int(meta.get("CONTENT_LENGTH") or meta.get("HTTP_CONTENT_LENGTH") or 0)
        except ValueError:
            raise exceptions.ParseError(_("The Content-Length header is not a number.")) from None
        if announced > limit:
            raise PayloadTooLarge(_too_large(announced, limit))
        body = stream.read(limit + 1)
        if len(body) > limit:
            raise PayloadTooLarge(_too_large(len(body), limit))
        try:
            return json.loads(body)
        except json.JSONDecodeError as exc:
            raise exceptions.ParseError(
                _("The body is not valid JSON: {error} at line {line}, column {column}.").format(
                    error=exc.msg, line=exc.lineno, column=exc.colno
                )
            ) from None
        except UnicodeDecodeError:
            raise exceptions.ParseError(_("The body is not UTF-8 text.")) from None


def _too_large(size: int, limit: int) -> str:
    return _(
        "The body has {size} bytes; a request may carry at most {limit} MB. Send the records in smaller batches."
    ).format(size=size, limit=limit // (1024 * 1024))


class MayIngest(permissions.BasePermission):
    """A device's token, or a person whose roles grant adding collection records somewhere (where
    exactly is worked out by the view: the areas where the person may place records)."""

    message = gettext_lazy("You may not add collection records anywhere.")

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, Device) or can_anywhere(request.user, Action.ADD, Record)


def records_of(data) -> list:
    """The list of records of a parsed body (400 when the body has another shape, 413 when too many)."""
    if not isinstance(data, dict) or "records" not in data:
        raise exceptions.ParseError(_('The body must be a JSON object: {"records": [ … ]}.'))
    records = data["records"]
    if not isinstance(records, list):
        raise exceptions.ParseError(_('"records" must be a list of records.'))
    extra = sorted(str(k) for k in data if k != "records")
    if extra:
        raise exceptions.ParseError(
            _("Unknown field(s) in the body: {fields}.").format(fields=", ".join(extra))
        )
    limit = settings.FENLEI_INGEST_MAX_RECORDS
    if len(records) > limit:
        raise PayloadTooLarge(
            _("The request carries {count} records; send at most {limit} in one request.").format(
                count=len(records), limit=limit
            )
        )
    return records


def answer(result: services.IngestResult) -> dict:
    return {
        "submission": result.submission.pk if result.submission else None,
        "received": result.received,
        "accepted": result.accepted,
        "duplicates": result.duplicates,
        "rejected": result.rejected,
    }


def _record(**extra) -> dict:
    row = {
        "client_id": "LJ-0001-20260615-000123",
        "occurred_at": "2026-06-15T07:30:00+08:00",
        "site": 12,
        "stream": "wet",
        "weight_kg": 182.5,
        "vehicle": "浙A10001",
        "trip": "LJ-0001-20260615-T1",
        "seq": 3,
        "grade": "好",
    }
    row.update(extra)
    return row


EXAMPLES = [
    OpenApiExample(
        "A batch from a weighbridge",
        request_only=True,
        value={
            "records": [
                _record(),
                _record(client_id="LJ-0001-20260615-000124", site=13, weight_kg=96.2, seq=4),
                {
                    "client_id": "LJ-0001-20260615-000125",
                    "occurred_at": "2026-06-15T08:05:00+08:00",
                    "area_code": "330102001001",
                    "stream": "recyclable",
                    "bins": 2,
                    "bin_volume_l": 240,
                },
            ]
        },
    ),
    OpenApiExample(
        "All kept",
        response_only=True,
        status_codes=["200"],
        value={"submission": 4711, "received": 3, "accepted": 3, "duplicates": [], "rejected": []},
    ),
    OpenApiExample(
        "The same batch sent again (a retry): nothing counted twice",
        response_only=True,
        status_codes=["200"],
        value={"submission": 4712, "received": 3, "accepted": 0, "duplicates": [0, 1, 2], "rejected": []},
    ),
    OpenApiExample(
        "Some records refused",
        response_only=True,
        status_codes=["200"],
        value={
            "submission": 4713,
            "received": 3,
            "accepted": 1,
            "duplicates": [],
            "rejected": [
                {
                    "index": 1,
                    "client_id": "LJ-0001-20260615-000124",
                    "errors": {"weight_kg": "重量必须大于 0 千克（收到：-5）。"},
                },
                {
                    "index": 2,
                    "client_id": "LJ-0001-20260615-000125",
                    "errors": {"vehicle": "车辆 浙B20001 属于另一家收运单位。"},
                },
            ],
        },
    ),
]


class IngestView(APIView):
    """Bulk entry of collection records by devices and hauliers' systems."""

    authentication_classes = [DeviceAuthentication, TokenAuthentication, SessionAuthentication]
    permission_classes = [permissions.IsAuthenticated, MayIngest]
    throttle_classes = [DeviceRateThrottle, UserRateThrottle]
    parser_classes = [BulkJSONParser]

    @extend_schema(
        operation_id="collection_ingest",
        summary="Send up to 10,000 collection records",
        description=(
            "Each record is checked on its own: valid records are kept, refused ones are listed with "
            "their index and a message per field. Give every record a `client_id` (required for a device): "
            "a record whose client id is already stored with the same content is reported under "
            "`duplicates` and not counted again, so a request whose answer was lost can simply be sent "
            "again. The same client id with other content is refused. Messages follow Accept-Language "
            "(Chinese by default). Sign with `Authorization: Device <token>` (a device reports for its "
            "area, with its hauler's vehicles) or as a user who may add collection records."
        ),
        request=IngestBatchSerializer,
        responses={
            200: IngestResponseSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Malformed JSON, or a body of another shape."),
            401: OpenApiResponse(ErrorSerializer, description="No token, an unknown token, a closed device."),
            403: OpenApiResponse(ErrorSerializer, description="A user who may not add records anywhere."),
            413: OpenApiResponse(
                ErrorSerializer, description="More than 10,000 records, or a body over the byte limit."
            ),
            429: OpenApiResponse(ErrorSerializer, description="Too many requests: wait Retry-After seconds."),
        },
        examples=EXAMPLES,
    )
    def post(self, request):
        device = request.auth if isinstance(request.auth, Device) else None
        if device is not None:
            face, within = EntryFace.DEVICE, [device.area_path]
        else:
            face, within = EntryFace.API, services.writable_paths(request.user)
            if not within:  # a role held over a site or a haulier places no record anywhere
                raise exceptions.PermissionDenied(MayIngest.message)
        records = records_of(request.data)  # the body is read here, once
        result = services.ingest(records, face=face, by=request.user, device=device, within=within)
        return Response(answer(result))
