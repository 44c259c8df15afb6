"""The audit-log API: read-only, for the district office (Action.AUDIT), scoped like everything else."""

from __future__ import annotations

from rest_framework import mixins, permissions, serializers, viewsets

from fenlei.core.filtersets import AuditEntryFilterSet
from fenlei.core.models import AuditEntry
from fenlei.core.roles import Action
from fenlei.core.scoping import can_anywhere, for_user


class AuditLogEntrySerializer(serializers.ModelSerializer):
    """One change to one object: who, when, what changed ({field: [old, new]}) and through which face."""

    user = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    object_type = serializers.SerializerMethodField()

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "timestamp",
            "user",
            "user_repr",
            "face",
            "action",
            "action_label",
            "object_type",
            "object_id",
            "object_repr",
            "changes",
            "area_path",
            "note",
        ]
        read_only_fields = fields

    def get_object_type(self, obj) -> str:
        """The changed object's model as "app_label.model"."""
        return f"{obj.content_type.app_label}.{obj.content_type.model}"


class CanAudit(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return can_anywhere(request.user, Action.AUDIT, AuditEntry)


class AuditEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The audit log within the caller's scope, newest first. Filters as on the audit log page."""

    serializer_class = AuditLogEntrySerializer
    permission_classes = [permissions.IsAuthenticated, CanAudit]
    filterset_class = AuditEntryFilterSet
    queryset = AuditEntry.objects.all()

    def get_queryset(self):
        return for_user(self.request.user, Action.AUDIT, AuditEntry.objects.select_related("content_type"))
