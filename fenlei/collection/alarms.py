"""Alarms and data-quality findings: raising them idempotently (one per kind, subject and period)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from fenlei.collection.choices import AlarmKind
from fenlei.collection.models import Alarm


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
    alarms = []
    for data in found:
        data = dict(data)
        data.setdefault("summary", summary(data["kind"], data.get("evidence", {}))[:300])
        alarms.append(Alarm(**data))
    before = Alarm.objects.filter(key__in=[a.key for a in alarms]).count()
    Alarm.objects.bulk_create(alarms, ignore_conflicts=True)
    return Alarm.objects.filter(key__in=[a.key for a in alarms]).count() - before
