"""Writes to accounts: users and role assignments, audited."""

from __future__ import annotations

from django.db import transaction

from fenlei.accounts.models import RoleAssignment, User
from fenlei.core import audit, scoping, services
from fenlei.core.models import AuditAction


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
    """End an assignment; the row stays (inactive) so the history keeps who held what."""
    assignment.active = False
    assignment.save(update_fields=["active", "updated_at"])
    audit.log(assignment, AuditAction.UNASSIGN, by=by, changes={"active": [True, False]})
    audit.log(assignment.user, AuditAction.UNASSIGN, by=by, changes={"role_assignment": [str(assignment), None]})
    scoping.clear_cache(assignment.user)
