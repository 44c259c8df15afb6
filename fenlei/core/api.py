"""The base of every app's REST API: pagination, scoped viewsets, the audit history action."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from fenlei.core import audit
from fenlei.core.models import AuditEntry
from fenlei.core.roles import Action
from fenlei.core.scoping import can, can_anywhere, for_user


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = ["id", "timestamp", "user_repr", "face", "action", "object_repr", "changes", "note"]


def validation_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    """A Django ValidationError (from a model's clean or a service) as the API's 400."""
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(
            {
                ("non_field_errors" if k == NON_FIELD_ERRORS else k): [str(m) for e in v for m in e.messages]
                for k, v in exc.error_dict.items()
            }
        )
    return exceptions.ValidationError({"non_field_errors": exc.messages})


class MayAddSomewhere(permissions.BasePermission):
    """Creating needs a role that grants the add action on the model somewhere (else 403).

    Where exactly the new row may go is checked once the body names its place.
    """

    def has_permission(self, request, view) -> bool:
        if view.action != "create":
            return True
        return can_anywhere(request.user, Action.ADD, view.queryset.model)


class ScopedViewSet(viewsets.GenericViewSet):
    """A viewset whose every query goes through the scoping function.

    Reads use the "view" action; `get_object()` answers 404 outside the scope and 403 when the
    user may see the object but not take the method's action on it. Filters apply to list
    actions only: a detail lookup (retrieve, history, reopen) must find closed rows too.
    """

    permission_classes = [permissions.IsAuthenticated, MayAddSomewhere]
    write_actions = {
        "create": Action.ADD,
        "update": Action.CHANGE,
        "partial_update": Action.CHANGE,
        "close": Action.CLOSE,
        "reopen": Action.CLOSE,
        "destroy": Action.CLOSE,
    }
    #: The actions that take the FilterSet.
    filtered_actions = frozenset({"list"})

    @property
    def filter_backends(self):
        return list(api_settings.DEFAULT_FILTER_BACKENDS) if self.action in self.filtered_actions else []

    def get_queryset(self):
        return for_user(self.request.user, Action.VIEW, self.queryset.all())

    def get_object(self):
        obj = super().get_object()
        needed = self.write_actions.get(self.action)
        if needed and not can(self.request.user, needed, obj):
            raise exceptions.PermissionDenied
        return obj

    def handle_exception(self, exc):
        if isinstance(exc, DjangoValidationError):
            exc = validation_error(exc)
        elif isinstance(exc, DjangoPermissionDenied):
            exc = exceptions.PermissionDenied()
        return super().handle_exception(exc)

    @extend_schema(responses=AuditEntrySerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        """The audit history of this object, newest first."""
        obj = self.get_object()
        page = self.paginate_queryset(audit.history(obj))
        return self.get_paginated_response(AuditEntrySerializer(page, many=True).data)


class ServiceWriteMixin(mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """Create and update through the app's services (validation and audit live there).

    Subclasses set `create_service(instance, user)` and `update_service(instance, user, data)`.
    """

    def perform_create(self, serializer):
        instance = serializer.Meta.model(**serializer.validated_data)
        with transaction.atomic():
            self.check_create(instance)
            serializer.instance = self.create_service(instance, self.request.user)

    def perform_update(self, serializer):
        instance = serializer.instance
        serializer.instance = self.update_service(
            instance, self.request.user, dict(serializer.validated_data)
        )

    def check_create(self, instance) -> None:
        """Raise PermissionDenied unless the user may add `instance` where it is placed."""
        raise NotImplementedError


class CloseSerializer(serializers.Serializer):
    on = serializers.DateField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


def close_response(viewset, service, **kwargs):
    obj = viewset.get_object()
    data = CloseSerializer(data=viewset.request.data)
    data.is_valid(raise_exception=True)
    obj = service(
        by=viewset.request.user,
        on=data.validated_data.get("on"),
        note=data.validated_data.get("note", ""),
        **{kwargs["name"]: obj},
    )
    return Response(viewset.get_serializer(obj).data, status=status.HTTP_200_OK)
