"""The notifications API (/api/notifications/): the caller's own inbox, never anyone else's.

Texts are rendered in the language of the request (`Notification.text`), so the same inbox reads
in Chinese or English. POST `read/` marks some (`ids`) or all (`all`) of them read.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from fenlei.core import notify
from fenlei.core.models import Notification
from fenlei.core.roles import Action
from fenlei.core.scoping import for_user


class NotificationSerializer(serializers.ModelSerializer):
    text = serializers.CharField(read_only=True, help_text=_("The message, in the language of the request."))
    unread = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "params", "url", "created_at", "read_at", "unread"]
        read_only_fields = fields


class ReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text=_("The notifications to mark read.")
    )
    all = serializers.BooleanField(required=False, default=False, help_text=_("Mark every one read."))

    def validate(self, attrs):
        if not attrs.get("all") and not attrs.get("ids"):
            raise serializers.ValidationError(
                {"ids": [_("Name the notifications to mark read, or send all.")]}
            )
        return attrs


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's notifications, newest first."""

    serializer_class = NotificationSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Notification.objects.all()
    filter_backends: list = []

    def get_queryset(self):
        # The inbox is the caller's own; the scoping function adds nothing for a superuser's roles.
        rows = for_user(self.request.user, Action.VIEW, notify.inbox(self.request.user))
        unread = self.request.query_params.get("unread")
        if unread is not None:
            if unread.lower() in ("1", "true", "yes"):
                rows = rows.filter(read_at__isnull=True)
            elif unread.lower() in ("0", "false", "no"):
                rows = rows.filter(read_at__isnull=False)
            else:
                raise exceptions.ValidationError({"unread": [_("Give true or false.")]})
        return rows

    @extend_schema(
        summary="My notifications",
        parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only unread (or only read).")],
    )
    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        response["X-Unread-Count"] = str(notify.unread_count(request.user))
        return response

    @extend_schema(
        summary="Mark notifications read",
        request=ReadSerializer,
        responses=inline_serializer(
            "NotificationsRead",
            {"marked": serializers.IntegerField(), "unread": serializers.IntegerField()},
        ),
        examples=[
            OpenApiExample("Some", request_only=True, value={"ids": [12, 13]}),
            OpenApiExample("All", request_only=True, value={"all": True}),
        ],
    )
    @action(detail=False, methods=["post"])
    def read(self, request):
        body = ReadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ids = None if body.validated_data.get("all") else body.validated_data["ids"]
        marked = notify.mark_read(request.user, ids)
        return Response({"marked": marked, "unread": notify.unread_count(request.user)})


router = SimpleRouter()
router.register("", NotificationViewSet, basename="notification")

app_name = "notifications-api"
urlpatterns = [*router.urls]
