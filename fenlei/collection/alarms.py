"""Alarms and data-quality findings: raising them idempotently (one per kind, subject and period)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fenlei.collection.choices import AlarmKind, AlarmState
from fenlei.collection.models import Alarm
from fenlei.core import audit
from fenlei.core.models import AuditAction

#: The legal moves of an alarm. Resolved and dismissed alarms may be reopened.
TRANSITIONS = {
    AlarmState.OPEN: frozenset({AlarmState.ACKNOWLEDGED, AlarmState.RESOLVED, AlarmState.DISMISSED}),
    AlarmState.ACKNOWLEDGED: frozenset({AlarmState.RESOLVED, AlarmState.DISMISSED, AlarmState.OPEN}),
    AlarmState.RESOLVED: frozenset({AlarmState.OPEN}),
    AlarmState.DISMISSED: frozenset({AlarmState.OPEN}),
}


@transaction.atomic
def set_state(alarm: Alarm, *, state: str, by, note: str = "") -> Alarm:
    """Move an alarm to `state` (acknowledge, resolve, dismiss, reopen), audited. Resolving or
    dismissing needs a note saying what was done or why."""
    alarm = Alarm.objects.select_for_update().get(pk=alarm.pk)
    if state not in TRANSITIONS.get(alarm.state, ()):
        raise ValidationError(
            {
                "state": _("An alarm that is {current} cannot become {new}.").format(
                    current=alarm.get_state_display(), new=AlarmState(state).label
                )
            }
        )
    if state in (AlarmState.RESOLVED, AlarmState.DISMISSED) and not note.strip():
        raise ValidationError({"note": _("Say what was done, or why the alarm is dismissed.")})
    old = alarm.state
    alarm.state = state
    if note.strip():
        alarm.note = note.strip()[:300]
    alarm.save(update_fields=["state", "note", "updated_at"])
    audit.log(alarm, AuditAction.UPDATE, by=by, changes={"state": [old, state]}, note=note)
    return alarm


def summary(kind: str, evidence: dict) -> str:
    """A one-line description of an alarm, in the active language."""
    from fenlei.collection.streams import stream_label

    if kind == AlarmKind.VEHICLE_STREAM:
        return _("A {vehicle_stream} vehicle recorded {recorded_stream}.").format(
            vehicle_stream=stream_label(evidence.get("vehicle_stream", "")),
            recorded_stream=stream_label(evidence.get("recorded_stream", "")),
        )
    if kind == AlarmKind.TRIP_MIXED:
        return _("One trip carried {streams}.").format(
            streams=" + ".join(stream_label(s) for s in evidence.get("streams", []))
        )
    return str(AlarmKind(kind).label)


def raise_alarms(found: list[dict]) -> int:
    """Create the alarms of `found` (dicts of Alarm fields with a `key`) that do not exist yet."""
    unique = {}
    for data in found:
        unique.setdefault(data["key"], data)
    existing = set()
    keys = list(unique)
    for i in range(0, len(keys), 900):
        existing.update(Alarm.objects.filter(key__in=keys[i : i + 900]).values_list("key", flat=True))
    alarms = []
    for key, data in unique.items():
        if key in existing:
            continue
        data = dict(data)
        data.setdefault("summary", summary(data["kind"], data.get("evidence", {}))[:300])
        alarms.append(Alarm(**data))
    Alarm.objects.bulk_create(alarms, ignore_conflicts=True)  # a concurrent writer may have raised one
    return len(alarms)
