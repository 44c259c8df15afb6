"""The accounts API: the caller (`me`), users and role assignments for the district office.

Users are read through `accounts.selectors.manageable_users`, assignments through the scoping
function with Action.MANAGE; every write goes through `fenlei.accounts.services`.
"""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from fenlei.accounts import services
from fenlei.accounts.api.serializers import (
    MeSerializer,
    PasswordSerializer,
    RoleAssignmentCreateSerializer,
    RoleAssignmentSerializer,
    UserSerializer,
)
from fenlei.accounts.models import RoleAssignment, User
from fenlei.accounts.selectors import (
    TARGET_MODELS,
    active_assignments_prefetch,
    assignable_targets,
    can_manage,
    manageable_users,
    managed_assignments,
)
from fenlei.core.api import ScopedViewSet, validation_error
from fenlei.core.roles import ROLE_TARGET, Role


class CanManageUsers(permissions.BasePermission):
    """Action.MANAGE on role assignments somewhere (the district office)."""

    def has_permission(self, request, view) -> bool:
        return can_manage(request.user)


def _password_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return validation_error(exc)
    return exceptions.ValidationError({"password": exc.messages})


class MeView(APIView):
    """The caller, with its active roles and their targets."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        me = User.objects.prefetch_related(active_assignments_prefetch()).get(pk=request.user.pk)
        return Response(MeSerializer(me).data)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Search in user name, name and e-mail."),
        ]
    )
)
class UserViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """Users the caller manages: those holding a role in its scope, and those holding none.

    Out of scope is 404; a caller who manages no users gets 403.
    """

    queryset = User.objects.all()
    serializer_class = UserSerializer
    permission_classes = [permissions.IsAuthenticated, CanManageUsers]
    write_actions: dict = {}  # visibility is the whole rule: a manager manages every user it sees
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return manageable_users(self.request.user, search=self.request.query_params.get("q", ""))

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        password = data.pop("password", "") or None
        username = data.pop("username")
        try:
            user = services.user_create(by=self.request.user, username=username, password=password, **data)
        except DjangoValidationError as exc:
            raise _password_error(exc) from None
        user.active_assignments = []
        serializer.instance = user

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        if data.pop("password", ""):
            raise exceptions.ValidationError(
                {"password": [_("Use the set-password action to change a password.")]}
            )
        serializer.instance = services.user_update(user=serializer.instance, by=self.request.user, data=data)

    @extend_schema(request=PasswordSerializer, responses={204: None})
    @action(detail=True, methods=["post"], url_path="set-password")
    def set_password(self, request, pk=None):
        """Set a new password for this user."""
        user = self.get_object()
        data = PasswordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.user_set_password(user=user, by=request.user, password=data.validated_data["password"])
        except DjangoValidationError as exc:
            raise _password_error(exc) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class RoleAssignmentFilterSet(django_filters.FilterSet):
    user = django_filters.NumberFilter(field_name="user_id")
    role = django_filters.ChoiceFilter(choices=Role.choices)
    active = django_filters.BooleanFilter()

    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "active"]


class RoleAssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Role assignments in the caller's scope, current and ended (filter with `active`).

    Creating one gives a user a role; deleting one ends it (the row stays, inactive).
    """

    queryset = RoleAssignment.objects.all()
    serializer_class = RoleAssignmentSerializer
    permission_classes = [permissions.IsAuthenticated, CanManageUsers]
    filterset_class = RoleAssignmentFilterSet
    write_actions: dict = {}
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self):
        qs = RoleAssignment.objects.all()
        if self.action == "destroy":
            qs = qs.filter(active=True)
        return managed_assignments(self.request.user, qs)

    @extend_schema(request=RoleAssignmentCreateSerializer, responses={201: RoleAssignmentSerializer})
    def create(self, request):
        data = RoleAssignmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        manager, values = request.user, data.validated_data
        try:
            user = manageable_users(manager).get(pk=values["user"])
        except User.DoesNotExist:
            raise exceptions.ValidationError({"user": [_("No such user among those you manage.")]}) from None
        kind = ROLE_TARGET[values["role"]]
        try:
            target = assignable_targets(manager, kind).get(pk=values["target"])
        except TARGET_MODELS[kind].DoesNotExist:
            raise exceptions.ValidationError(
                {
                    "target": [
                        _("No such open {kind} in your scope.").format(
                            kind=TARGET_MODELS[kind]._meta.verbose_name
                        )
                    ]
                }
            ) from None
        try:
            assignment = services.assign(user=user, role=values["role"], target=target, by=manager)
        except DjangoValidationError as exc:
            if hasattr(exc, "error_dict"):
                exc = DjangoValidationError(
                    {("target" if k in TARGET_MODELS else k): v for k, v in exc.error_dict.items()}
                )
            raise validation_error(exc) from None
        assignment = managed_assignments(manager).get(pk=assignment.pk)
        return Response(RoleAssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        """End this assignment."""
        services.unassign(assignment=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
