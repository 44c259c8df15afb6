"""The REST face of a row's files: list, upload, download (file and thumbnail), delete.

Mixed into a ledger's viewset (`class DropOffPointViewSet(AttachmentsViewSetMixin, PlacedViewSet)`)
whose model declares `attachment_slots`. The row is read with the viewset's `get_object()` (scoped:
404 outside the scope; the change action to upload or delete), the file among that row's files.
Uploads are multipart and throttled per user (the `upload` rate, FENLEI_API_UPLOAD_RATE).
"""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import UserRateThrottle

from fenlei.core import attachments
from fenlei.core.api import ScopedViewSet
from fenlei.core.models import Attachment
from fenlei.core.roles import Action
from fenlei.core.views_attachments import file_response


class UploadRateThrottle(UserRateThrottle):
    """Uploads per user and minute (FENLEI_API_UPLOAD_RATE), on top of the general rate."""

    scope = "upload"

    def get_rate(self):
        # Read when asked, not when the class was defined: the rate is a setting like any other.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AttachmentSerializer(serializers.ModelSerializer):
    """One file kept on a record."""

    uploaded_by = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "slot",
            "name",
            "mime_type",
            "size",
            "width",
            "height",
            "sha256",
            "uploaded_at",
            "uploaded_by",
            "url",
            "thumbnail_url",
        ]
        read_only_fields = fields

    def get_uploaded_by(self, obj) -> str | None:
        """The user name of who uploaded it (null once that account is gone)."""
        return obj.uploaded_by.get_username() if obj.uploaded_by_id else None

    def _link(self, obj, name: str) -> str:
        view = self.context["view"]
        ns = view.request.resolver_match.namespace
        path = reverse(f"{ns}:{view.basename}-{name}", args=[obj.object_id, obj.pk])
        return view.request.build_absolute_uri(path)

    def get_url(self, obj) -> str:
        """Where the file itself is read (with the same authentication)."""
        return self._link(obj, "attachment")

    def get_thumbnail_url(self, obj) -> str | None:
        """A small JPEG of an image (null for a PDF)."""
        return self._link(obj, "attachment-thumbnail") if obj.thumbnail else None


class AttachmentUploadSerializer(serializers.Serializer):
    slot = serializers.CharField(help_text=_("The slot the files go to, e.g. “photo”."))
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        allow_empty=False,
        help_text=_("One or more files (repeat the field). All are kept, or none if one fails the checks."),
    )


_FILE_ID = OpenApiParameter(
    "attachment_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The file's id."
)
_BINARY = {
    (200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY),
    (200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY),
    (200, "image/webp"): OpenApiResponse(OpenApiTypes.BINARY),
    (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
}
_FILE_PATH = r"attachments/(?P<attachment_id>[0-9]+)"


class AttachmentsViewSetMixin:
    """The API actions on a record's files, for a ScopedViewSet whose model has attachment slots."""

    write_actions = {**ScopedViewSet.write_actions, "attach": Action.CHANGE, "detach": Action.CHANGE}
    file_actions = frozenset({"attachment", "attachment_thumbnail"})

    def get_throttles(self):
        throttles = super().get_throttles()
        if self.action == "attach":
            throttles.append(UploadRateThrottle())
        return throttles

    def perform_content_negotiation(self, request, force=False):
        # A file is answered with its own type whatever the client accepts; errors stay JSON.
        return super().perform_content_negotiation(request, force=force or self.action in self.file_actions)

    def _file_of(self, row, attachment_id) -> Attachment:
        try:
            return attachments.of_row(row).get(pk=attachment_id)
        except Attachment.DoesNotExist:
            raise Http404 from None

    @extend_schema(
        summary="List a record's files",
        parameters=[OpenApiParameter("slot", OpenApiTypes.STR, description="Only the files of this slot.")],
        responses=AttachmentSerializer(many=True),
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="attachments",
        url_name="attachments",
        parser_classes=[MultiPartParser],
    )
    def attachments(self, request, pk=None):
        row = self.get_object()
        files = attachments.of_row(row, request.query_params.get("slot") or None)
        return Response(AttachmentSerializer(files, many=True, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Add files to a record",
        description="Multipart: `slot` and one or more `files`. Each file is checked by its content "
        "(JPEG, PNG, WebP; PDF where the slot takes documents), its size (FENLEI_MAX_UPLOAD_MB) and, for "
        "images, its pixel count; images are stored re-encoded without their metadata (EXIF, GPS). "
        "A 400 names every file that failed and why; then nothing is kept. Needs the change action on "
        "the record.",
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer(many=True)},
    )
    @attachments.mapping.post
    def attach(self, request, pk=None):
        row = self.get_object()
        body = AttachmentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        added = attachments.attach(
            row=row, slot=body.validated_data["slot"], files=body.validated_data["files"], by=request.user
        )
        data = AttachmentSerializer(added, many=True, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Read a file of a record", parameters=[_FILE_ID], responses=_BINARY)
    @action(detail=True, methods=["get"], url_path=_FILE_PATH, url_name="attachment")
    def attachment(self, request, pk=None, attachment_id=None):
        return file_response(self._file_of(self.get_object(), attachment_id))

    @extend_schema(summary="Remove a file from a record", parameters=[_FILE_ID], responses={204: None})
    @attachment.mapping.delete
    def detach(self, request, pk=None, attachment_id=None):
        row = self.get_object()
        attachments.detach(attachment=self._file_of(row, attachment_id), row=row, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Read the thumbnail of an image file",
        parameters=[_FILE_ID],
        responses={(200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    @action(detail=True, methods=["get"], url_path=_FILE_PATH + "/thumbnail", url_name="attachment-thumbnail")
    def attachment_thumbnail(self, request, pk=None, attachment_id=None):
        return file_response(self._file_of(self.get_object(), attachment_id), thumbnail=True)
