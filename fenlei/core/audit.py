"""The audit log: explicit, at the point of change, in the same transaction.

Services call `log()` for one object or `log_bulk()` for many. The face (web, api, import, cli,
system) comes from the context: the middleware sets web/api per request, management commands and
importers wrap their work in `using_face()`.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import decimal
import uuid
from collections.abc import Iterable, Iterator

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from fenlei.core.models import AuditAction, AuditEntry, Face

_face: contextvars.ContextVar[str] = contextvars.ContextVar("fenlei_audit_face", default=Face.SYSTEM)


def current_face() -> str:
    return _face.get()


@contextlib.contextmanager
def using_face(face: str) -> Iterator[None]:
    """Record every change made inside the block as made through `face`."""
    token = _face.set(face)
    try:
        yield
    finally:
        _face.reset(token)


def serialize_value(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [serialize_value(v) for v in value]
    if hasattr(value, "name") and hasattr(value, "url"):  # FieldFile
        return value.name or ""
    return value


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for every field whose value differs."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def _entry(obj: models.Model, action: str, by, changes: dict, note: str, face: str | None) -> AuditEntry:
    user = by if (by is not None and getattr(by, "is_authenticated", False)) else None
    return AuditEntry(
        user=user,
        user_repr=(user.get_username() if user else ""),
        face=face or current_face(),
        action=action,
        content_type=ContentType.objects.get_for_model(obj.__class__, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        changes=changes,
        area_path=getattr(obj, "audit_area_path", None) or getattr(obj, "area_path", "") or "",
        note=note[:500],
    )


def log(
    obj: models.Model,
    action: str,
    *,
    by,
    changes: dict | None = None,
    note: str = "",
    face: str | None = None,
) -> AuditEntry:
    """Write one audit entry for `obj`. Must run inside the transaction that made the change."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.log() must be called inside the transaction that makes the change")
    if changes is None and action == AuditAction.CREATE and hasattr(obj, "audit_snapshot"):
        changes = {k: [None, v] for k, v in obj.audit_snapshot().items() if v not in (None, "")}
    entry = _entry(obj, action, by, changes or {}, note, face)
    entry.save()
    return entry


def log_bulk(
    objs: Iterable[models.Model],
    action: str,
    *,
    by,
    changes_for=None,
    note: str = "",
    face: str | None = None,
    batch_size: int = 2000,
) -> int:
    """Write one audit entry per object in bulk. `changes_for(obj)` gives each entry's changes."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.log_bulk() must be called inside the transaction that makes the change")
    entries = []
    count = 0
    for obj in objs:
        if changes_for is not None:
            changes = changes_for(obj)
        elif action == AuditAction.CREATE and hasattr(obj, "audit_snapshot"):
            changes = {k: [None, v] for k, v in obj.audit_snapshot().items() if v not in (None, "")}
        else:
            changes = {}
        entries.append(_entry(obj, action, by, changes, note, face))
        if len(entries) >= batch_size:
            AuditEntry.objects.bulk_create(entries)
            count += len(entries)
            entries = []
    if entries:
        AuditEntry.objects.bulk_create(entries)
        count += len(entries)
    return count


def history(obj: models.Model):
    """The audit entries of one object, newest first."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj.__class__, for_concrete_model=False),
        object_id=str(obj.pk),
    ).select_related("user", "content_type")
