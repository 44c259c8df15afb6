"""Generic writes with validation and audit, used by every domain's services.

Domain services add their own rules around these; faces (views, API, CLI, importers) call the
domain services, never these directly.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fenlei.core import audit
from fenlei.core.models import AuditAction


def _validate(obj: models.Model) -> None:
    obj.full_clean()


@transaction.atomic
def create(obj: models.Model, *, by, note: str = "") -> models.Model:
    """Validate, save and audit a new object."""
    _validate(obj)
    obj.save()
    audit.log(obj, AuditAction.CREATE, by=by, note=note)
    return obj


@transaction.atomic
def update(obj: models.Model, *, by, data: dict | None = None, note: str = "") -> models.Model:
    """Apply `data` (field -> value) to `obj`, validate, save and audit the fields that changed.

    The object's state before the change is read from the database, so a form that has already
    assigned the new values to `obj` can pass `data=None`.
    """
    model = type(obj)
    before_obj = model._default_manager.select_for_update().get(pk=obj.pk)
    before = before_obj.audit_snapshot()
    for field, value in (data or {}).items():
        setattr(obj, field, value)
    _validate(obj)
    after = obj.audit_snapshot()
    changes = audit.diff(before, after)
    if not changes:
        return obj
    obj.save()
    audit.log(obj, AuditAction.UPDATE, by=by, changes=changes, note=note)
    return obj


@transaction.atomic
def close(obj: models.Model, *, by, on: datetime.date | None = None, note: str = "") -> models.Model:
    """Close an object (set `closed_on`): closed rows stay, they are never deleted."""
    if obj.closed_on is not None:
        raise ValidationError({"closed_on": _("Already closed on {date}.").format(date=obj.closed_on)})
    on = on or timezone.localdate()
    obj.closed_on = on
    obj.save(update_fields=["closed_on", "updated_at"])
    audit.log(obj, AuditAction.CLOSE, by=by, changes={"closed_on": [None, on.isoformat()]}, note=note)
    return obj


@transaction.atomic
def reopen(obj: models.Model, *, by, note: str = "") -> models.Model:
    """Undo a close."""
    if obj.closed_on is None:
        raise ValidationError(_("This record is not closed."))
    old = obj.closed_on
    obj.closed_on = None
    _validate(obj)
    obj.save(update_fields=["closed_on", "updated_at"])
    audit.log(obj, AuditAction.REOPEN, by=by, changes={"closed_on": [old.isoformat(), None]}, note=note)
    return obj
