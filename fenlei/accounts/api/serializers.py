"""Serializers of the accounts API: brief nested users and targets, users with their roles, assignments."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fenlei.accounts.models import RoleAssignment, User
from fenlei.core.roles import Role, TargetKind


class BriefUserSerializer(serializers.ModelSerializer):
    display = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "display"]


class TargetSerializer(serializers.Serializer):
    """The target of a role: an area, a site, an industry authority or a hauler."""

    kind = serializers.ChoiceField(choices=TargetKind.choices)
    id = serializers.IntegerField()
    name = serializers.CharField()


def _target(assignment: RoleAssignment) -> dict | None:
    target = assignment.target
    if target is None:
        return None
    return {"kind": assignment.target_kind, "id": target.pk, "name": target.name}


class BriefAssignmentSerializer(serializers.ModelSerializer):
    """A role a user holds, as listed under the user."""

    role_label = serializers.CharField(source="get_role_display", read_only=True)
    target = serializers.SerializerMethodField()

    class Meta:
        model = RoleAssignment
        fields = ["id", "role", "role_label", "target"]
        read_only_fields = fields

    @extend_schema_field(TargetSerializer(allow_null=True))
    def get_target(self, obj) -> dict | None:
        return _target(obj)


class UserSerializer(serializers.ModelSerializer):
    """A user as its managers see it: its facts and its active roles (read-only here)."""

    roles = BriefAssignmentSerializer(source="active_assignments", many=True, read_only=True)
    password = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        style={"input_type": "password"},
        help_text=_(
            "Only when creating a user; empty: the account has no usable password yet. "
            "Use the set-password action to change it later."
        ),
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "display_name",
            "email",
            "phone",
            "organisation",
            "is_active",
            "last_login",
            "date_joined",
            "roles",
            "password",
        ]
        read_only_fields = ["last_login", "date_joined"]


class MeSerializer(serializers.ModelSerializer):
    """The caller: its facts and its active roles with their targets."""

    roles = BriefAssignmentSerializer(source="active_assignments", many=True, read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "display_name",
            "email",
            "phone",
            "organisation",
            "is_superuser",
            "last_login",
            "roles",
        ]
        read_only_fields = fields


class PasswordSerializer(serializers.Serializer):
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class RoleAssignmentSerializer(serializers.ModelSerializer):
    """A role held by a user over a target. Ended assignments stay, with `active` false."""

    user = BriefUserSerializer(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    target = serializers.SerializerMethodField()

    class Meta:
        model = RoleAssignment
        fields = ["id", "user", "role", "role_label", "target", "active", "created_at", "updated_at"]
        read_only_fields = fields

    @extend_schema_field(TargetSerializer(allow_null=True))
    def get_target(self, obj) -> dict | None:
        return _target(obj)


class RoleAssignmentCreateSerializer(serializers.Serializer):
    """Give `user` the `role` over `target`: the id of an area, a site, an industry authority or a hauler,
    whichever kind the role is held over. Both the user and the target must lie in the caller's scope."""

    user = serializers.IntegerField()
    role = serializers.ChoiceField(choices=Role.choices)
    target = serializers.IntegerField()
