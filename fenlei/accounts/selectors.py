"""Reads of accounts, scoped: which users a manager sees, which targets it may hand out.

A user has no area of its own; a manager reaches a user through the user's active role
assignments. A user is visible to a manager when one of its active assignments lies in the
manager's scope for `Action.MANAGE` on RoleAssignment, or when it holds no active assignment
at all (a new account waiting for its first role). Superusers are managed only by superusers.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from fenlei.accounts.models import ROLE_AREA_LEVELS, RoleAssignment, User
from fenlei.core.roles import ROLE_TARGET, Action, TargetKind
from fenlei.core.scoping import can_anywhere, for_user
from fenlei.org.choices import KIND_LEVEL
from fenlei.org.models import Area, Authority, Hauler, Site

#: The model behind each kind of target.
TARGET_MODELS = {
    TargetKind.AREA: Area,
    TargetKind.SITE: Site,
    TargetKind.AUTHORITY: Authority,
    TargetKind.HAULER: Hauler,
}

_TARGET_RELATED = ("area", "site", "authority", "hauler")


def can_manage(user) -> bool:
    """Whether `user` manages users anywhere (for menus, and the 403 of the user pages)."""
    return can_anywhere(user, Action.MANAGE, RoleAssignment)


def managed_assignments(manager, queryset: QuerySet | None = None) -> QuerySet:
    """The role assignments `manager` may manage (active or not), targets joined."""
    if queryset is None:
        queryset = RoleAssignment.objects.all()
    if not manager.is_superuser:  # a superuser's roles are managed by superusers only
        queryset = queryset.filter(user__is_superuser=False)
    return for_user(manager, Action.MANAGE, queryset.select_related("user", *_TARGET_RELATED))


def active_assignments_prefetch() -> Prefetch:
    """Prefetch of each user's active assignments with their targets, as `user.active_assignments`."""
    return Prefetch(
        "role_assignments",
        queryset=RoleAssignment.objects.filter(active=True).select_related(*_TARGET_RELATED),
        to_attr="active_assignments",
    )


def manageable_users(manager, *, search: str = "") -> QuerySet:
    """The users `manager` may see and manage (see the module's docstring)."""
    if not can_manage(manager):
        return User.objects.none()
    in_scope = for_user(manager, Action.MANAGE, RoleAssignment.objects.filter(active=True)).values("user_id")
    holding = RoleAssignment.objects.filter(active=True).values("user_id")
    users = User.objects.filter(Q(pk__in=in_scope) | ~Q(pk__in=holding))
    if not manager.is_superuser:
        users = users.filter(is_superuser=False)
    if search:
        search = search.strip()
        users = users.filter(
            Q(username__icontains=search)
            | Q(display_name__icontains=search)
            | Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
            | Q(email__icontains=search)
        )
    return users.prefetch_related(active_assignments_prefetch()).order_by("username")


def assignable_targets(manager, kind: str, role: str | None = None) -> QuerySet:
    """The open targets of `kind` over which `manager` may hand out roles (for `role`, if given)."""
    model = TARGET_MODELS[kind]
    qs = model._default_manager.filter(closed_on__isnull=True)
    if kind == TargetKind.AREA and role is not None:
        levels = ROLE_AREA_LEVELS.get(role, ())
        qs = qs.filter(kind__in=[k for k, v in KIND_LEVEL.items() if v in levels])
    if kind == TargetKind.SITE:
        qs = qs.select_related("community")
    return for_user(manager, Action.MANAGE, qs)


def target_kinds_for(role: str | None) -> list[str]:
    """The kinds of target a role form should offer: the role's own, or all of them."""
    if role and role in ROLE_TARGET:
        return [ROLE_TARGET[role]]
    return list(TARGET_MODELS)
