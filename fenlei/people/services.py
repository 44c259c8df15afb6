"""Writes of the people ledgers beyond the generic ones (`fenlei.core.services`).

A group's members and a volunteer's service records live where their parent lives. When a parent
changes place (another area or site), its rows follow it in the same transaction, audited in bulk.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from fenlei.core import audit
from fenlei.core import services as core_services
from fenlei.core.models import AuditAction
from fenlei.people.models import LeadingGroup, LeadingGroupMember, ServiceRecord, Volunteer

#: parent model -> [(child model, the child's FK to it)]
CHILDREN: dict[type, list[tuple[type, str]]] = {
    LeadingGroup: [(LeadingGroupMember, "group")],
    Volunteer: [(ServiceRecord, "volunteer")],
}


def create(obj, *, by):
    return core_services.create(obj, by=by)


@transaction.atomic
def update(obj, *, by, data: dict | None = None):
    """Change a row; the rows that belong to it follow a change of place."""
    obj = core_services.update(obj, by=by, data=data)
    follow_parent(obj, by=by)
    return obj


def close(obj, *, by, on=None, note: str = ""):
    return core_services.close(obj, by=by, on=on, note=note)


def reopen(obj, *, by, note: str = ""):
    return core_services.reopen(obj, by=by, note=note)


@transaction.atomic
def follow_parent(parent, *, by) -> int:
    """Move the rows belonging to `parent` to its area and site (if they are elsewhere); returns how
    many moved. Each moved row gets an audit entry naming what changed."""
    moved = 0
    for model, fk in CHILDREN.get(type(parent), []):
        rows = list(
            model._default_manager.filter(**{fk: parent}).exclude(
                area_id=parent.area_id, site_id=parent.site_id, area_path=parent.area_path
            )
            if parent.site_id
            else model._default_manager.filter(**{fk: parent}).exclude(
                area_id=parent.area_id, site__isnull=True, area_path=parent.area_path
            )
        )
        if not rows:
            continue
        changes, now = {}, timezone.now()
        for row in rows:
            row.updated_at = now
            before = row.audit_snapshot()
            row.area_id, row.site_id, row.area_path = parent.area_id, parent.site_id, parent.area_path
            changes[row.pk] = audit.diff(before, row.audit_snapshot())
        model._default_manager.bulk_update(rows, ["area", "site", "area_path", "updated_at"], batch_size=1000)
        audit.log_bulk(rows, AuditAction.UPDATE, by=by, changes_for=lambda r, c=changes: c[r.pk])
        moved += len(rows)
    return moved
