"""Writes of collection data: ingest (every entry face), correction, voiding, follow-up, devices.

Each write is one transaction: the records, their trips' sums, the totals (`rollups`), the alarms a
write can see at once (a trip carrying two streams, a vehicle recording a stream it does not collect)
and the audit. Bulk entry is audited per submission (one entry naming the batch and its counts; each
record names its submission); a correction or a voiding is audited per record.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from fenlei.collection import rollups
from fenlei.collection.choices import AlarmKind
from fenlei.collection.models import Device, Record, Submission, Trip
from fenlei.collection.validation import Checked, Checker, RowError
from fenlei.core import audit, services
from fenlei.core.models import AuditAction

#: Functions called with (fresh rows, {trip key: Trip}, submission) after records are written, in the
#: same transaction (e.g. the kitchen-waste chain issues its manifests). Apps append to it in ready().
AFTER_INGEST: list = []
#: Functions called with (record, by, reason) after a record is voided, in the same transaction.
AFTER_VOID: list = []


@dataclass
class IngestResult:
    submission: Submission | None
    received: int = 0
    accepted: int = 0
    #: Indexes of rows already stored with the same content (a retry): kept once, not counted again.
    duplicates: list[int] = field(default_factory=list)
    #: {"index", "client_id", "errors": {field: message}} for each refused row.
    rejected: list[dict] = field(default_factory=list)
    record_ids: list[int] = field(default_factory=list)


_INSERT_COLUMNS = (
    "created_at",
    "updated_at",
    "area_path",
    "occurred_at",
    "day",
    "site_id",
    "area_id",
    "stream",
    "category_id",
    "weight_kg",
    "bins",
    "bin_volume_l",
    "estimated",
    "vehicle_id",
    "hauler_id",
    "trip_id",
    "seq",
    "transfer_id",
    "plant_id",
    "grade",
    "face",
    "submission_id",
    "origin",
    "client_id",
    "digest",
    "late",
    "follow_up",
    "follow_up_note",
    "voided_at",
    "void_reason",
)


def writable_paths(user, action: str = "add") -> list[str]:
    """The roots of the subtrees where `user` may take `action` on records: what every face passes to
    `ingest` and `correct` as `within` (a role held over a site or a haulier places records nowhere).

    Only the areas the user's roles are held over are candidates, so this reads a handful of areas,
    not the tree; nested roots fold into the outer one."""
    from fenlei.core.scoping import placeable_areas
    from fenlei.org.models import Area

    if user is None or not user.is_authenticated:
        return []
    if user.is_superuser:
        areas = Area.objects.filter(parent__isnull=True, closed_on__isnull=True)
    else:
        held = user.role_assignments.filter(active=True, area__isnull=False).values("area_id")
        areas = placeable_areas(
            user, action, Record, Area.objects.filter(pk__in=held, closed_on__isnull=True)
        )
    roots: list[str] = []
    for path in sorted(areas.values_list("path", flat=True)):
        if not any(path.startswith(r) for r in roots):
            roots.append(path)
    return roots


def origin_of(*, device: Device | None = None, user=None) -> str:
    """The namespace of client record ids: a device's own, or a user's."""
    if device is not None:
        return device.origin
    return f"user:{user.pk}" if user is not None and user.pk else "system"


def _lock(origin: str, device: Device | None, user) -> None:
    """Serialise the writes of one origin, so that a retry running beside its original sees it.

    SQLite's write lock already serialises every writer (transactions begin IMMEDIATE); on
    PostgreSQL the device's (or the user's) row is locked for the transaction.
    """
    now = timezone.now()
    if device is not None:
        Device.objects.filter(pk=device.pk).update(last_seen_at=now)
    elif user is not None and user.pk and connection.vendor == "postgresql":
        from django.contrib.auth import get_user_model  # `user` may be a request's lazy wrapper

        get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk").first()


def _existing(origin: str, client_ids: list[str]) -> dict[str, str]:
    """client id → digest of the records of `origin` already stored with those ids."""
    if not client_ids:
        return {}
    if connection.vendor == "postgresql":  # one array parameter instead of chunks of IN lists
        table = connection.ops.quote_name(Record._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT client_id, digest FROM {table} WHERE origin = %s AND client_id = ANY(%s)",
                [origin, client_ids],
            )
            return dict(cursor.fetchall())
    found: dict[str, str] = {}
    for i in range(0, len(client_ids), 900):
        chunk = client_ids[i : i + 900]
        found.update(
            Record.objects.filter(origin=origin, client_id__in=chunk)
            .order_by()
            .values_list("client_id", "digest")
        )
    return found


def ingest(
    rows: list,
    *,
    face: str,
    by=None,
    device: Device | None = None,
    within: list[str] | None = None,
    checker: Checker | None = None,
    note: str = "",
) -> IngestResult:
    """Check every row on its own and keep the valid ones, in one transaction.

    A row whose client id is already stored for this origin with the same content is a retry:
    it is reported as a duplicate and not counted again; with other content it is refused.
    """
    origin = origin_of(device=device, user=by)
    if checker is None:
        checker = Checker(
            within=within,
            hauler_id=device.hauler_id if device else None,
            vehicle_id=device.vehicle_id if device else None,
            require_client_id=device is not None,
        )
    result = IngestResult(submission=None, received=len(rows))
    checker.load(rows)
    good: list[Checked] = []
    seen: dict[str, tuple[int, str]] = {}
    for index, row in enumerate(rows):
        try:
            c = checker.check(index, row)
        except RowError as exc:
            result.rejected.append({"index": index, "client_id": _cid(row), "errors": exc.errors})
            continue
        if c.client_id:
            earlier = seen.get(c.client_id)
            if earlier is not None:
                if earlier[1] == c.digest:
                    result.duplicates.append(index)
                else:
                    result.rejected.append(
                        {
                            "index": index,
                            "client_id": c.client_id,
                            "errors": {
                                "client_id": _(
                                    "Record {index} of this request has the same client id."
                                ).format(index=earlier[0])
                            },
                        }
                    )
                continue
            seen[c.client_id] = (index, c.digest)
        good.append(c)

    # What does not depend on what is stored already is worked out before the write lock, so that
    # another request may write meanwhile: the rows to insert and the changes to the totals.
    params = _params(good, face=face, origin=origin)
    deltas = rollups.deltas((_fact(c), 1) for c in good)
    with transaction.atomic():
        _lock(origin, device, by)
        existing = _existing(origin, [c.client_id for c in good if c.client_id])
        fresh: list[Checked] = []
        for c in good:
            digest = existing.get(c.client_id) if c.client_id else None
            if digest is None:
                fresh.append(c)
            elif digest == c.digest:
                result.duplicates.append(c.index)
            else:
                result.rejected.append(
                    {
                        "index": c.index,
                        "client_id": c.client_id,
                        "errors": {
                            "client_id": _(
                                "A record with the client id {id} is already stored with other content; "
                                "correct it instead of sending it again."
                            ).format(id=c.client_id)
                        },
                    }
                )
        if len(fresh) != len(good):  # some were stored already (a retry): work out the rest again
            keep = {c.index for c in fresh}
            params = [p for p, c in zip(params, good, strict=True) if c.index in keep]
            deltas = rollups.deltas((_fact(c), 1) for c in fresh)
        area_path = (device.area_path if device else "") or (fresh[0].area_path if fresh else "")
        submission = Submission.objects.create(
            face=face,
            device=device,
            user=by if by is not None and by.pk else None,
            area_path=area_path,
            received=result.received,
            accepted=len(fresh),
            duplicates=len(result.duplicates),
            rejected=len(result.rejected),
        )
        result.submission = submission
        if fresh:
            trips = _trips(fresh, origin)
            _insert(params, fresh, trips, submission)
            for d in deltas:
                d.write()
            _trip_sums(fresh, trips)
            _write_time_alarms(fresh, trips)
            for hook in AFTER_INGEST:
                hook(fresh, trips, submission)
        result.accepted = len(fresh)
        audit.log(
            submission,
            AuditAction.CREATE,
            by=by,
            changes={
                "received": [None, result.received],
                "accepted": [None, result.accepted],
                "duplicates": [None, len(result.duplicates)],
                "rejected": [None, len(result.rejected)],
                **({"device": [None, device.name]} if device else {}),
            },
            note=note,
        )
    result.duplicates.sort()
    result.rejected.sort(key=lambda r: r["index"])
    return result


def _cid(row) -> str:
    return str(row.get("client_id") or "")[:64] if isinstance(row, dict) else ""


def _fact(c: Checked) -> rollups.Fact:
    return rollups.Fact(c.day, c.site_id, c.area_path, c.stream, c.grams, c.hauler_id, c.grade, c.late)


def _trips(fresh: list[Checked], origin: str) -> dict[str, Trip]:
    """The trips the rows name (client trip ids of this origin), created on their first pick-up."""
    keys = sorted({c.trip_key for c in fresh if c.trip_key})
    if not keys:
        return {}
    trips = {t.client_id: t for t in Trip.objects.filter(origin=origin, client_id__in=keys)}
    new = []
    for c in fresh:
        if c.trip_key and c.trip_key not in trips:
            trip = Trip(
                origin=origin,
                client_id=c.trip_key,
                vehicle_id=c.vehicle_id,
                hauler_id=c.hauler_id,
                day=c.day,
                started_at=c.occurred_at,
                area_path=c.area_path,
            )
            trips[c.trip_key] = trip
            new.append(trip)
    if new:
        from fenlei.facilities.models import Vehicle

        paths = dict(
            Vehicle.objects.filter(pk__in={t.vehicle_id for t in new}).values_list("pk", "area_path")
        )
        for t in new:
            t.area_path = paths.get(t.vehicle_id, t.area_path)
        Trip.objects.bulk_create(new)  # the primary keys come back (RETURNING) on both databases
    return trips


_SUBMISSION_AT = _INSERT_COLUMNS.index("submission_id")
_TRIP_AT = _INSERT_COLUMNS.index("trip_id")


def _params(rows: list[Checked], *, face, origin) -> list[list]:
    """The records' rows as the INSERT takes them; their submission and trips are filled in later."""
    ops = connection.ops
    now_db = ops.adapt_datetimefield_value(timezone.now())
    if connection.vendor == "sqlite":  # what Django stores there: the naive UTC time as text

        def when(value, utc=datetime.UTC):
            return str(value.astimezone(utc).replace(tzinfo=None))

    else:
        when = ops.adapt_datetimefield_value
    return [
        [
            now_db,
            now_db,
            c.area_path,
            when(c.occurred_at),
            c.day,
            c.site_id,
            c.area_id,
            c.stream,
            c.category_id,
            ops.adapt_decimalfield_value(c.weight_kg, 9, 2),
            c.bins,
            c.bin_volume_l,
            c.estimated,
            c.vehicle_id,
            c.hauler_id,
            None,
            c.seq,
            c.transfer_id,
            c.plant_id,
            c.grade,
            face,
            None,
            origin if c.client_id else "",
            c.client_id or None,
            c.digest,
            c.late,
            False,
            "",
            None,
            "",
        ]
        for c in rows
    ]


def _insert(params: list[list], fresh: list[Checked], trips: dict[str, Trip], submission) -> None:
    q = connection.ops.quote_name
    table = q(Record._meta.db_table)
    column_of = {f.attname: f.column for f in Record._meta.concrete_fields}
    columns = ", ".join(q(column_of[c]) for c in _INSERT_COLUMNS)
    sid = submission.pk
    for p, c in zip(params, fresh, strict=True):
        p[_SUBMISSION_AT] = sid
        if c.trip_key:
            p[_TRIP_AT] = trips[c.trip_key].pk
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows in one go; executemany would wait for each row's round trip
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for p in params:
                    copy.write_row(p)
        else:
            sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(_INSERT_COLUMNS))})"
            cursor.executemany(sql, params)


def _trip_sums(fresh: list[Checked], trips: dict[str, Trip]) -> None:
    if trips:
        refresh_trips({trips[c.trip_key].pk for c in fresh if c.trip_key})


def refresh_trips(trip_ids) -> None:
    """Recompute the sums of these trips (kg, pick-ups, streams carried) from their live records:
    one grouped read over the trips' index, one batch of updates."""
    ids = sorted(set(trip_ids))
    if not ids:
        return
    sums: dict[int, list] = {pk: [Decimal(0), 0, set()] for pk in ids}
    for i in range(0, len(ids), 900):
        rows = (
            Record.objects.filter(trip_id__in=ids[i : i + 900], voided_at__isnull=True)
            .values_list("trip_id", "stream")
            .annotate(kg=Sum("weight_kg"), n=Count("id"))
            .order_by()
        )
        for trip_id, stream, kg, n in rows:
            t = sums[trip_id]
            t[0] += kg or 0
            t[1] += n
            t[2].add(stream)
    q = connection.ops.quote_name
    table = q(Trip._meta.db_table)
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {q('pickups_kg')} = %s, {q('pickups')} = %s, {q('streams')} = %s WHERE id = %s",
            [
                (ops.adapt_decimalfield_value(kg, 12, 2), n, ",".join(sorted(streams)), pk)
                for pk, (kg, n, streams) in sums.items()
            ],
        )


def combinable(a: str, b: str) -> bool:
    """Whether streams `a` and `b` may travel on one trip (FENLEI_COMBINABLE_STREAMS; none by default)."""
    return a == b or frozenset((a, b)) in {frozenset(p) for p in settings.FENLEI_COMBINABLE_STREAMS}


def _write_time_alarms(fresh: list[Checked], trips: dict[str, Trip]) -> None:
    """The alarms a write sees at once: a vehicle recording a stream it does not collect, and a trip
    carrying streams that must not be combined."""
    from fenlei.collection.alarms import raise_alarms

    found = []
    for c in fresh:
        if c.vehicle_id and c.vehicle_stream and not combinable(c.vehicle_stream, c.stream):
            found.append(
                {
                    "kind": AlarmKind.VEHICLE_STREAM,
                    "key": f"{AlarmKind.VEHICLE_STREAM}:{c.vehicle_id}:{c.day.isoformat()}:{c.stream}",
                    "area_id": c.area_id,
                    "area_path": c.area_path,
                    "site_id": c.site_id,
                    "hauler_id": c.hauler_id,
                    "vehicle_id": c.vehicle_id,
                    "first_day": c.day,
                    "last_day": c.day,
                    "evidence": {"vehicle_stream": c.vehicle_stream, "recorded_stream": c.stream},
                }
            )
    if trips:
        ids = [t.pk for t in trips.values()]
        for trip in Trip.objects.filter(pk__in=ids):
            carried = [s for s in trip.streams.split(",") if s]
            bad = [(a, b) for i, a in enumerate(carried) for b in carried[i + 1 :] if not combinable(a, b)]
            if bad:
                first = next(c for c in fresh if c.trip_key == trip.client_id)
                found.append(
                    {
                        "kind": AlarmKind.TRIP_MIXED,
                        "key": f"{AlarmKind.TRIP_MIXED}:{trip.pk}",
                        "area_id": first.area_id,
                        "area_path": first.area_path,
                        "site_id": None,
                        "hauler_id": trip.hauler_id,
                        "vehicle_id": trip.vehicle_id,
                        "trip_id": trip.pk,
                        "first_day": trip.day,
                        "last_day": trip.day,
                        "evidence": {"streams": carried},
                    }
                )
    if found:
        raise_alarms(found)


# --- one record: correction, voiding, follow-up --------------------------------------------------


def _row_of(record: Record) -> dict:
    """A record as a row the checker reads (to check a correction by the same rules)."""
    return {
        "occurred_at": record.occurred_at,
        **({"site": record.site_id} if record.site_id else {"area": record.area_id}),
        "stream": record.stream,
        "category": record.category.code if record.category_id else None,
        "weight_kg": None if record.estimated else record.weight_kg,
        "bins": record.bins,
        "bin_volume_l": record.bin_volume_l,
        "vehicle": record.vehicle.plate if record.vehicle_id else None,
        "hauler": record.hauler_id,
        "transfer": record.transfer_id,
        "plant": record.plant_id,
        "grade": record.grade,
    }


@transaction.atomic
def correct(record: Record, *, by, data: dict, note: str = "", within: list[str] | None = None) -> Record:
    """Change a record's fields (`data` in the row format of `validation.FIELDS`); totals follow."""
    record = Record.objects.select_for_update().get(pk=record.pk)
    if record.voided_at is not None:
        raise ValidationError(_("A voided record cannot be corrected."))
    if not note.strip():
        raise ValidationError({"note": _("Say why the record is corrected.")})
    row = _row_of(record)
    if "weight_kg" in data and data["weight_kg"] not in (None, ""):
        row.update(bins=None, bin_volume_l=None)
    row.update({k: v for k, v in data.items() if k not in ("client_id", "trip", "seq")})
    checker = Checker(within=within)
    checker.load([row])
    try:
        c = checker.check(0, row)
    except RowError as exc:
        raise ValidationError(exc.errors) from None
    before = record.audit_snapshot()
    old_fact = rollups.fact(record)
    old_trip = record.trip_id
    for attr in (
        "occurred_at",
        "day",
        "site_id",
        "area_id",
        "area_path",
        "stream",
        "category_id",
        "weight_kg",
        "bins",
        "bin_volume_l",
        "estimated",
        "vehicle_id",
        "hauler_id",
        "transfer_id",
        "plant_id",
        "grade",
    ):
        setattr(record, attr, getattr(c, attr))
    after = record.audit_snapshot()
    changes = audit.diff(before, after)
    if not changes:
        return record
    record.save()
    rollups.apply([(old_fact, -1), (rollups.fact(record), 1)])
    if old_trip:
        refresh_trips([old_trip])
    audit.log(record, AuditAction.UPDATE, by=by, changes=changes, note=note)
    return record


@transaction.atomic
def void(record: Record, *, by, reason: str) -> Record:
    """Take a record out of every total; it stays, marked void, with its client id."""
    record = Record.objects.select_for_update().get(pk=record.pk)
    if record.voided_at is not None:
        raise ValidationError(_("This record is already void."))
    if not reason.strip():
        raise ValidationError({"void_reason": _("Say why the record is voided.")})
    record.voided_at = timezone.now()
    record.void_reason = reason.strip()[:200]
    record.save(update_fields=["voided_at", "void_reason", "updated_at"])
    rollups.apply([(rollups.fact(record), -1)])
    if record.trip_id:
        refresh_trips([record.trip_id])
    for hook in AFTER_VOID:
        hook(record, by, reason)
    audit.log(
        record,
        AuditAction.DELETE,
        by=by,
        changes={"voided_at": [None, record.voided_at.isoformat()], "void_reason": ["", record.void_reason]},
        note=reason,
    )
    return record


@transaction.atomic
def mark_follow_up(record: Record, *, by, on: bool, note: str = "") -> Record:
    return services.update(record, by=by, data={"follow_up": on, "follow_up_note": note[:200]}, note=note)


# --- trips: unloading ----------------------------------------------------------------------------


@transaction.atomic
def unload(
    trip: Trip, *, by, weighbridge_kg, at: datetime.datetime | None = None, transfer=None, plant=None
) -> Trip:
    """Record a trip's unloading: the weighbridge figure at its destination."""
    trip = Trip.objects.select_for_update().get(pk=trip.pk)  # its sums may have moved since it was read
    data = {"weighbridge_kg": weighbridge_kg, "unloaded_at": at or timezone.now()}
    if transfer is not None:
        data["transfer"] = transfer
    if plant is not None:
        data["plant"] = plant
    return services.update(trip, by=by, data=data)


# --- devices -------------------------------------------------------------------------------------

TOKEN_PREFIX = "fld_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def device_create(*, device: Device, by) -> tuple[Device, str]:
    """Register a device and issue its token (returned once, never stored)."""
    from fenlei.accounts.models import User

    services.create(device, by=by)
    account = User(username=f"device-{device.pk}", first_name=device.name[:150], is_active=True)
    account.set_unusable_password()
    account.save()
    device.account = account
    device.save(update_fields=["account"])
    return device, device_rotate(device=device, by=by)


@transaction.atomic
def device_rotate(*, device: Device, by) -> str:
    """Issue a new token; the old one stops working at once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    Device.objects.filter(pk=device.pk).update(token_prefix=token[:12], token_hash=hash_token(token))
    device.token_prefix, device.token_hash = token[:12], hash_token(token)
    audit.log(
        device,
        AuditAction.UPDATE,
        by=by,
        changes={"token_prefix": ["", device.token_prefix]},
        note=_("token issued"),
    )
    return token


def device_close(*, device: Device, by, on=None, note: str = "") -> Device:
    return services.close(device, by=by, on=on, note=note)
