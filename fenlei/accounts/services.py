"""Writes to accounts: users and role assignments, audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from fenlei.accounts.models import RoleAssignment, User
from fenlei.core import audit, scoping, services
from fenlei.core.models import AuditAction
from fenlei.core.roles import Action, role_allows


@transaction.atomic
def user_create(*, by, username: str, password: str | None, **fields) -> User:
    user = User(username=username, **fields)
    if password:
        from django.contrib.auth.password_validation import validate_password

        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    return services.create(user, by=by)


def user_update(*, user: User, by, data: dict | None = None) -> User:
    return services.update(user, by=by, data=data)


@transaction.atomic
def user_set_password(*, user: User, by, password: str) -> User:
    from django.contrib.auth.password_validation import validate_password

    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.log(user, AuditAction.UPDATE, by=by, changes={"password": ["***", "***"]})
    return user


@transaction.atomic
def assign(*, user: User, role: str, target, by) -> RoleAssignment:
    """Give `user` the `role` over `target` (an Area, Site, Authority or Hauler)."""
    kind = target._meta.model_name
    assignment = RoleAssignment(user=user, role=role, **{kind: target})
    assignment.full_clean()
    assignment.save()
    audit.log(assignment, AuditAction.ASSIGN, by=by, changes={"role": [None, role], kind: [None, target.pk]})
    audit.log(user, AuditAction.ASSIGN, by=by, changes={"role_assignment": [None, str(assignment)]})
    scoping.clear_cache(user)
    return assignment


@transaction.atomic
def unassign(*, assignment: RoleAssignment, by) -> None:
    """End an assignment; the row stays (inactive) so the history keeps who held what.

    A manager cannot remove their own last role that manages users (nobody could then give it back)."""
    label = RoleAssignment._meta.label_lower
    if by is not None and assignment.user_id == by.pk and role_allows(assignment.role, Action.MANAGE, label):
        others = RoleAssignment.objects.filter(user=by, active=True).exclude(pk=assignment.pk)
        if not any(role_allows(a.role, Action.MANAGE, label) for a in others):
            raise ValidationError(_("You cannot remove your own last role that manages users."))
    assignment.active = False
    assignment.save(update_fields=["active", "updated_at"])
    audit.log(assignment, AuditAction.UNASSIGN, by=by, changes={"active": [True, False]})
    audit.log(
        assignment.user, AuditAction.UNASSIGN, by=by, changes={"role_assignment": [str(assignment), None]}
    )
    scoping.clear_cache(assignment.user)


@transaction.atomic
def user_logged_in(*, user: User) -> None:
    """Record a sign-in in the audit log."""
    audit.log(user, AuditAction.LOGIN, by=user)


@transaction.atomic
def api_token_write(*, user: User, op: str) -> Token | None:
    """Create, regenerate or revoke `user`'s own API token, audited on the user (never the key itself)."""
    if op not in ("create", "regenerate", "revoke"):
        raise ValueError(op)
    had = Token.objects.filter(user=user).delete()[0] > 0
    if op == "revoke":
        if had:
            audit.log(
                user,
                AuditAction.UPDATE,
                by=user,
                changes={"api_token": ["***", None]},
                note=_("API token revoked"),
            )
        return None
    token = Token.objects.create(user=user)
    if had:
        audit.log(
            user,
            AuditAction.UPDATE,
            by=user,
            changes={"api_token": ["***", "***"]},
            note=_("API token regenerated"),
        )
    else:
        audit.log(
            user,
            AuditAction.UPDATE,
            by=user,
            changes={"api_token": [None, "***"]},
            note=_("API token created"),
        )
    return token
