"""The kitchen-waste chain (餐厨): restaurants' pick-ups, transfer manifests (联单), their receipt.

A restaurant's kitchen waste leaves with its contracted haulier and ends at a treatment plant. Each
pick-up travels with a transfer manifest that the three parties confirm:

- the restaurant and the haulier by the pick-up itself: when a food-stream record at a restaurant
  (a site whose kind is a restaurant kind) is written through any entry face, `issue_manifests`
  (an after-ingest hook, in the same transaction) issues its manifest, numbered after the record;
- the plant by the receipt: `manifest_receive` (the weight received, when and where), or
  `receive_trip` for every manifest of a trip unloaded at a plant (the trip's weighbridge figure is
  the plant's total; nothing is shared out over the manifests).

A manifest issued by mistake is cancelled with a reason (`manifest_cancel`). Every step is audited.

The selectors give the kitchen-waste page and the API their figures: per restaurant its contracted
haulier, its last pick-up, pick-ups and kilograms over a period, manifests issued and received, open
flags. The flags are alarms raised by the detectors of `fenlei.collection.detect_kitchen`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fenlei.collection import weights
from fenlei.collection.choices import AlarmKind, AlarmState, ManifestState
from fenlei.collection.models import Alarm, Manifest, Record, SiteDay, Trip
from fenlei.collection.streams import food_code
from fenlei.core import audit
from fenlei.core.models import AuditAction
from fenlei.core.roles import Action
from fenlei.core.scoping import for_user, scope_q
from fenlei.org.models import Site

#: The alarm kinds of the chain, and the states in which an alarm still asks for something.
KITCHEN_KINDS = (AlarmKind.KITCHEN_GAP, AlarmKind.NO_CONTRACT)
LIVE_STATES = (AlarmState.OPEN, AlarmState.ACKNOWLEDGED)

#: The legal moves of a manifest: an issued one is received at the plant or cancelled; both are final.
TRANSITIONS = {
    ManifestState.ISSUED: frozenset({ManifestState.RECEIVED, ManifestState.CANCELLED}),
    ManifestState.RECEIVED: frozenset(),
    ManifestState.CANCELLED: frozenset(),
}

_CHUNK = 400  # ids per statement, leaving room in SQLite's bound for the other parameters
_SUM_CHUNK = 900  # sites per statement of the totals
_FUTURE_SLACK = datetime.timedelta(minutes=5)


def _chunks(values: list, size: int = _CHUNK):
    for i in range(0, len(values), size):
        yield values[i : i + size]


# --- issuing -------------------------------------------------------------------------------------


def manifest_number(day: datetime.date, record_id: int) -> str:
    """The manifest's number: LD, the pick-up day, the pick-up record's number (LD-20260615-000123).

    The record's number makes it unique without a counter that concurrent writers would contend for,
    and one record can never carry two manifests.
    """
    return f"LD-{day:%Y%m%d}-{record_id:06d}"


def restaurant_site_ids(site_ids: Iterable[int]) -> set[int]:
    """Those of `site_ids` whose kind is a restaurant kind (one query per 400 sites)."""
    found: set[int] = set()
    for chunk in _chunks(sorted(site_ids)):
        found.update(Site.objects.filter(pk__in=chunk, kind__restaurant=True).values_list("pk", flat=True))
    return found


_INSERT_COLUMNS = (
    "created_at",
    "updated_at",
    "area_path",
    "number",
    "site_id",
    "hauler_id",
    "vehicle_id",
    "plant_id",
    "record_id",
    "day",
    "weight_kg",
    "state",
)


def issue_manifests(fresh, trips, submission) -> int:
    """The after-ingest hook: a manifest for each fresh food-stream pick-up at a restaurant.

    A batch without a food-stream row naming a site and a haulier costs no query; otherwise one
    query finds which of its sites are restaurants and, if any, one reads the new records' numbers
    and one statement writes the manifests. A pick-up without a haulier gets no manifest (the
    NO_CONTRACT detector flags it). A retried batch writes no fresh row, so a record never gets a
    second manifest (and the number, made of the record's, could not be issued twice).

    Like the trips a batch opens, the manifests are part of the batch's write: the submission's
    audit entry (who, when, through which face) covers them, and each manifest names its record,
    which names its submission. Each receipt or cancellation is audited on its manifest.
    """
    food = food_code()
    candidates = {c.site_id for c in fresh if c.stream == food and c.site_id is not None and c.hauler_id}
    if not candidates:
        return 0
    restaurants = restaurant_site_ids(candidates)
    if not restaurants:
        return 0
    days = sorted({c.day for c in fresh if c.site_id in restaurants and c.stream == food})
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    params = []
    columns = ("pk", "day", "site_id", "hauler_id", "vehicle_id", "plant_id", "weight_kg", "area_path")
    for chunk in _chunks(sorted(restaurants)):
        rows = (
            Record.objects.filter(
                submission_id=submission.pk,
                site_id__in=chunk,
                day__in=days,
                stream=food,
                hauler_id__isnull=False,
            )
            .order_by("pk")
            .values_list(*columns)
        )
        for pk, day, site_id, hauler_id, vehicle_id, plant_id, weight_kg, area_path in rows:
            params.append(
                (
                    now,
                    now,
                    area_path,
                    manifest_number(day, pk),
                    site_id,
                    hauler_id,
                    vehicle_id,
                    plant_id,
                    pk,
                    ops.adapt_datefield_value(day),
                    ops.adapt_decimalfield_value(weight_kg, 9, 2),
                    ManifestState.ISSUED.value,
                )
            )
    if not params:
        return 0
    q = ops.quote_name
    column_of = {f.attname: f.column for f in Manifest._meta.concrete_fields}
    sql = "INSERT INTO {table} ({columns}) VALUES ({values})".format(
        table=q(Manifest._meta.db_table),
        columns=", ".join(q(column_of[c]) for c in _INSERT_COLUMNS),
        values=", ".join(["%s"] * len(_INSERT_COLUMNS)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(params)


# --- receipt and cancellation ---------------------------------------------------------------------


def tolerance_pct() -> int:
    return settings.FENLEI_MANIFEST_TOLERANCE_PCT


def difference(manifest: Manifest) -> weights.Difference | None:
    """The difference between the plant's weight and the pick-up's (None until weighed at the plant)."""
    return weights.difference(manifest.weight_kg, manifest.received_kg, tolerance_pct())


def _refuse_move(manifest: Manifest, state: str) -> None:
    if state in TRANSITIONS[manifest.state]:
        return
    if manifest.state == ManifestState.RECEIVED:
        when = (
            timezone.localtime(manifest.received_at).strftime("%Y-%m-%d %H:%M")
            if manifest.received_at
            else ""
        )
        message = _("Manifest {number} was already received at the plant ({when}).").format(
            number=manifest.number, when=when
        )
    else:
        message = _("Manifest {number} is cancelled.").format(number=manifest.number)
    raise ValidationError({"state": message})


def _weight(value, errors: dict) -> Decimal | None:
    if value in (None, ""):
        errors["received_kg"] = _("Give the weight received at the plant.")
        return None
    try:
        kg = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors["received_kg"] = _("“{value}” is not a number.").format(value=str(value)[:30])
        return None
    if not kg.is_finite():
        errors["received_kg"] = _("“{value}” is not a number.").format(value=str(value)[:30])
        return None
    if kg <= 0:
        errors["received_kg"] = _("The weight received must be more than 0 kg (given: {value}).").format(
            value=kg
        )
        return None
    limit = Decimal(settings.FENLEI_COLLECTION_MAX_KG)
    if kg > limit:
        errors["received_kg"] = _("{value} kg is more than one load can weigh ({max} kg).").format(
            value=kg, max=limit
        )
        return None
    return kg.quantize(Decimal("0.01"))


@transaction.atomic
def manifest_receive(
    *,
    manifest: Manifest,
    by,
    received_kg,
    at: datetime.datetime | None = None,
    plant=None,
    note: str = "",
) -> Manifest:
    """The plant weighs in a manifest's load: ISSUED → RECEIVED, audited.

    `plant` defaults to the plant the pick-up named. The difference from the pick-up weight is kept
    as it is (see `difference`): the receipt records what the plant weighed.
    """
    manifest = Manifest.objects.select_for_update().get(pk=manifest.pk)
    _refuse_move(manifest, ManifestState.RECEIVED)
    errors: dict[str, str] = {}
    kg = _weight(received_kg, errors)
    now = timezone.now()
    at = at or now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > now + _FUTURE_SLACK:
        errors["received_at"] = _("The time of receipt is in the future.")
    elif timezone.localdate(at) < manifest.day:
        errors["received_at"] = _("The load cannot reach the plant before it was picked up ({day}).").format(
            day=manifest.day.isoformat()
        )
    plant_id = plant.pk if plant is not None else manifest.plant_id
    if plant_id is None:
        errors["plant"] = _("Name the treatment plant that received the load.")
    elif plant is not None and plant.closed_on is not None and plant.closed_on <= timezone.localdate(at):
        errors["plant"] = _("“{plant}” is closed.").format(plant=plant)
    if manifest.record_id and Record.objects.filter(pk=manifest.record_id, voided_at__isnull=False).exists():
        errors["state"] = _("The pick-up record of this manifest was voided: cancel the manifest instead.")
    if errors:
        raise ValidationError(errors)
    before = manifest.audit_snapshot()
    manifest.received_kg = kg
    manifest.received_at = at
    manifest.plant_id = plant_id
    manifest.state = ManifestState.RECEIVED
    manifest.save(update_fields=["received_kg", "received_at", "plant", "state", "updated_at"])
    audit.log(
        manifest,
        AuditAction.UPDATE,
        by=by,
        changes=audit.diff(before, manifest.audit_snapshot()),
        note=note.strip()[:500],
    )
    return manifest


@transaction.atomic
def manifest_cancel(*, manifest: Manifest, by, reason: str) -> Manifest:
    """Cancel an issued manifest (issued by mistake, the load went back …); the reason is audited."""
    manifest = Manifest.objects.select_for_update().get(pk=manifest.pk)
    _refuse_move(manifest, ManifestState.CANCELLED)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the manifest is cancelled.")})
    old = manifest.state
    manifest.state = ManifestState.CANCELLED
    manifest.save(update_fields=["state", "updated_at"])
    audit.log(
        manifest,
        AuditAction.UPDATE,
        by=by,
        changes={"state": [old, manifest.state]},
        note=reason.strip()[:500],
    )
    return manifest


def cancel_for_void(record, by, reason: str) -> None:
    """A voided pick-up's manifest still waiting at the plant is cancelled with it (the reason says so)."""
    for manifest in Manifest.objects.filter(record_id=record.pk, state=ManifestState.ISSUED):
        manifest_cancel(
            manifest=manifest,
            by=by,
            reason=_("Its pick-up record was voided: {reason}").format(reason=reason.strip()),
        )


def cancel_reason(manifest: Manifest) -> str:
    """The reason given when the manifest was cancelled (kept in its audit entry)."""
    if manifest.state != ManifestState.CANCELLED:
        return ""
    for changes, note in audit.history(manifest).values_list("changes", "note"):
        if (changes.get("state") or [None, None])[1] == ManifestState.CANCELLED:
            return note
    return ""


def trip_manifests(trip: Trip) -> models.QuerySet:
    """The manifests of the pick-ups a trip carried."""
    return Manifest.objects.filter(record__trip_id=trip.pk)


def trip_receivable(trip: Trip) -> str:
    """Why the manifests of `trip` cannot be received together ("" when they can)."""
    if not trip.plant_id:
        return _("The trip was not unloaded at a treatment plant.")
    if trip.weighbridge_kg is None or trip.unloaded_at is None:
        return _("The trip has not been weighed at the plant yet.")
    return ""


def trip_for_receipt(user, pk) -> tuple[Trip, list[Manifest]]:
    """The trip `pk` and its manifests waiting for receipt, if `user` may receive them all: 404 if the
    trip is outside the user's scope, 403 without the change action on it or on any of them."""
    from django.core.exceptions import PermissionDenied

    from fenlei.core.scoping import get_for_user

    trip = get_for_user(user, Action.CHANGE, Trip.objects.select_related("vehicle", "plant", "hauler"), pk=pk)
    waiting = trip_manifests(trip).filter(state=ManifestState.ISSUED, record__voided_at__isnull=True)
    if for_user(user, Action.CHANGE, waiting).count() != waiting.count():
        raise PermissionDenied
    return trip, list(waiting.select_related("site").order_by("record__seq", "pk"))


@transaction.atomic
def receive_trip(*, trip: Trip, by, note: str = "") -> list[Manifest]:
    """Receive every issued manifest of a trip unloaded (and weighed) at a plant, at its unloading.

    Nothing is shared out: each manifest keeps its own pick-up weight and gets no weight of its own;
    the plant's total is the trip's weighbridge figure. Manifests whose pick-up record was voided
    are left for cancelling.
    """
    trip = Trip.objects.select_for_update().get(pk=trip.pk)
    why = trip_receivable(trip)
    if why:
        raise ValidationError({"trip": why})
    ids = list(
        trip_manifests(trip)
        .filter(state=ManifestState.ISSUED, record__voided_at__isnull=True)
        .values_list("pk", flat=True)
    )
    manifests = list(
        Manifest.objects.select_for_update().filter(pk__in=ids, state=ManifestState.ISSUED).order_by("pk")
    )
    if not manifests:
        raise ValidationError({"trip": _("No manifest of this trip is waiting for receipt.")})
    now = timezone.now()
    planned = {m.pk: m.plant_id for m in manifests}
    for m in manifests:
        m.state = ManifestState.RECEIVED
        m.received_at = trip.unloaded_at
        m.plant_id = trip.plant_id
        m.updated_at = now
    Manifest.objects.bulk_update(manifests, ["state", "received_at", "plant", "updated_at"])
    received_at = trip.unloaded_at.isoformat()
    audit.log_bulk(
        manifests,
        AuditAction.UPDATE,
        by=by,
        changes_for=lambda m: {
            "state": [ManifestState.ISSUED, ManifestState.RECEIVED],
            "received_at": [None, received_at],
            **({"plant": [planned[m.pk], trip.plant_id]} if planned[m.pk] != trip.plant_id else {}),
        },
        note=(note.strip() or _("received with trip {trip}").format(trip=trip))[:500],
    )
    return manifests


# --- reading: pick-ups per restaurant -------------------------------------------------------------


class RestaurantState(models.TextChoices):
    """What the kitchen-waste page filters restaurants by."""

    FLAGGED = "flagged", gettext_lazy("with open flags")
    QUIET = "quiet", gettext_lazy("no recent pick-up")
    AWAITING = "awaiting", gettext_lazy("manifests awaiting receipt")
    NO_CONTRACT = "no_contract", gettext_lazy("no contract in force")


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The last 30 days up to today."""
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=29), today


class PickupSource:
    """Where a user's pick-up figures of restaurants come from.

    Where the user sees the restaurant as a place (the office, a street, a community, the site's
    manager), the site's daily totals (`SiteDay`) give every pick-up there. Elsewhere (a haulier
    reaches a restaurant through its contract) the records the user may see give them: a haulier
    counts its own pick-ups, not its competitors'.
    """

    def __init__(self, user):
        self.user = user
        self.food = food_code()
        place = scope_q(user, Action.VIEW, Site)
        self.all_places = place is not None and not place
        self.no_places = place is None
        self.places = None if (self.all_places or self.no_places) else for_user(user, Action.VIEW, Site)

    def _split(self, sites: list[int]) -> tuple[list[int], list[int]]:
        """(sites read from the totals, sites read from the records)."""
        if self.all_places:
            return sites, []
        if self.no_places:
            return [], sites
        seen = set(self.places.filter(pk__in=sites).values_list("pk", flat=True))
        return [s for s in sites if s in seen], [s for s in sites if s not in seen]

    def _totals(self, sites: list[int]):
        return SiteDay.objects.filter(site_id__in=sites, stream=self.food)

    def _records(self, sites: list[int]):
        return for_user(
            self.user,
            Action.VIEW,
            Record.objects.filter(site_id__in=sites, stream=self.food, voided_at__isnull=True),
        )

    def per_site(self, sites, start: datetime.date, end: datetime.date) -> dict[int, dict]:
        """{site id: {"pickups", "kg", "last"}} for `sites` (ids): pick-ups and kg from `start` to `end`,
        and the last pick-up day up to `end` (at any time before)."""
        totals, records = self._split(list(sites))
        out: dict[int, dict] = {}

        def slot(site_id):
            return out.setdefault(site_id, {"pickups": 0, "kg": Decimal(0), "last": None})

        if totals:
            base = self._totals(totals)
            for site_id, n, grams in (
                base.filter(day__gte=start, day__lte=end)
                .values("site_id")
                .annotate(n=Sum("records"), g=Sum("grams"))
                .values_list("site_id", "n", "g")
                .order_by()
            ):
                s = slot(site_id)
                s["pickups"], s["kg"] = n or 0, Decimal(grams or 0) / 1000
            for site_id, last in (
                base.filter(day__lte=end, records__gt=0)
                .values("site_id")
                .annotate(last=Max("day"))
                .values_list("site_id", "last")
                .order_by()
            ):
                slot(site_id)["last"] = last
        if records:
            base = self._records(records)
            for site_id, n, kg in (
                base.filter(day__gte=start, day__lte=end)
                .values("site_id")
                .annotate(n=Count("pk"), kg=Sum("weight_kg"))
                .values_list("site_id", "n", "kg")
                .order_by()
            ):
                s = slot(site_id)
                s["pickups"], s["kg"] = n, Decimal(kg or 0)
            for site_id, last in (
                base.filter(day__lte=end)
                .values("site_id")
                .annotate(last=Max("day"))
                .values_list("site_id", "last")
                .order_by()
            ):
                slot(site_id)["last"] = last
        return out

    def sums(self, site_ids: list[int], start: datetime.date, end: datetime.date) -> dict:
        """{"pickups", "kg"} over the restaurants at `site_ids`, from `start` to `end`."""
        pickups, kg = 0, Decimal(0)
        for chunk in _chunks(site_ids, _SUM_CHUNK):
            totals, records = self._split(chunk)
            if totals:
                agg = (
                    self._totals(totals)
                    .filter(day__gte=start, day__lte=end)
                    .aggregate(n=Sum("records"), g=Sum("grams"))
                )
                pickups += agg["n"] or 0
                kg += Decimal(agg["g"] or 0) / 1000
            if records:
                agg = (
                    self._records(records)
                    .filter(day__gte=start, day__lte=end)
                    .aggregate(n=Count("pk"), kg=Sum("weight_kg"))
                )
                pickups += agg["n"] or 0
                kg += agg["kg"] or 0
        return {"pickups": pickups, "kg": kg}

    def picked_up_since(self, day: datetime.date, end: datetime.date) -> Q:
        """A filter of RestaurantRecord: the restaurant had a pick-up the user sees from `day` to `end`."""
        totals = Exists(
            SiteDay.objects.filter(
                site_id=OuterRef("site_id"), stream=self.food, records__gt=0, day__gte=day, day__lte=end
            )
        )
        records = Exists(
            for_user(
                self.user,
                Action.VIEW,
                Record.objects.filter(
                    site_id=OuterRef("site_id"),
                    stream=self.food,
                    voided_at__isnull=True,
                    day__gte=day,
                    day__lte=end,
                ),
            )
        )
        if self.all_places:
            return Q(totals)
        if self.no_places:
            return Q(records)
        places = self.places.values("pk")
        return Q(totals, site_id__in=places) | (Q(records) & ~Q(site_id__in=places))


def restaurants(user) -> models.QuerySet:
    """The open restaurant records (餐饮单位台账) the user may see."""
    from fenlei.units.models import RestaurantRecord

    return for_user(user, Action.VIEW, RestaurantRecord.objects.filter(closed_on__isnull=True))


def live_flags(user) -> models.QuerySet:
    """The kitchen-waste alarms the user may see that still ask for something."""
    return for_user(user, Action.VIEW, Alarm.objects.filter(kind__in=KITCHEN_KINDS, state__in=LIVE_STATES))


def manifests(user) -> models.QuerySet:
    return for_user(user, Action.VIEW, Manifest.objects.all())


def filter_state(
    user, queryset: models.QuerySet, state: str, start: datetime.date, end: datetime.date
) -> models.QuerySet:
    """Restaurant records in `state` (RestaurantState) over the period from `start` to `end`: with
    live flags (today), with manifests of the period awaiting receipt, without a pick-up in the last
    FENLEI_KITCHEN_GAP_DAYS days up to `end`, without a contract in force on `end`."""
    from fenlei.units.models import expiry_q

    if state == RestaurantState.FLAGGED:
        # the few live kitchen flags, found through their (kind, state) index, once
        return queryset.filter(site_id__in=live_flags(user).values("site_id"))
    if state == RestaurantState.AWAITING:
        # each restaurant's manifests of the period, through the (site, day) index
        return queryset.filter(
            Exists(
                manifests(user).filter(
                    site_id=OuterRef("site_id"), day__gte=start, day__lte=end, state=ManifestState.ISSUED
                )
            )
        )
    if state == RestaurantState.QUIET:
        since = end - datetime.timedelta(days=settings.FENLEI_KITCHEN_GAP_DAYS - 1)
        return queryset.exclude(PickupSource(user).picked_up_since(since, end))
    if state == RestaurantState.NO_CONTRACT:
        present = Q(hauler__isnull=False) | ~Q(contract_number="")
        return queryset.filter(
            expiry_q("contract_end", "missing", end, present=present)
            | expiry_q("contract_end", "expired", end, present=present)
            | Q(contract_start__gt=end)
        )
    raise ValueError(state)


def restaurant_rows(user, records: list, start: datetime.date, end: datetime.date) -> list[dict]:
    """One row per restaurant record of `records` (a page): the record, its pick-up figures, its
    manifests over the period and its live flags. A fixed number of queries whatever the page."""
    site_ids = [r.site_id for r in records]
    figures = PickupSource(user).per_site(site_ids, start, end) if site_ids else {}
    counts: dict[int, dict] = {}
    if site_ids:
        for site_id, issued, received, awaiting, cancelled in (
            manifests(user)
            .filter(site_id__in=site_ids, day__gte=start, day__lte=end)
            .values("site_id")
            .annotate(
                issued=Count("pk"),
                received=Count("pk", filter=Q(state=ManifestState.RECEIVED)),
                awaiting=Count("pk", filter=Q(state=ManifestState.ISSUED)),
                cancelled=Count("pk", filter=Q(state=ManifestState.CANCELLED)),
            )
            .values_list("site_id", "issued", "received", "awaiting", "cancelled")
            .order_by()
        ):
            counts[site_id] = {
                "issued": issued,
                "received": received,
                "awaiting": awaiting,
                "cancelled": cancelled,
            }
        flags = dict(
            live_flags(user)
            .filter(site_id__in=site_ids)
            .values("site_id")
            .annotate(n=Count("pk"))
            .values_list("site_id", "n")
            .order_by()
        )
    else:
        flags = {}
    gap = settings.FENLEI_KITCHEN_GAP_DAYS
    rows = []
    empty = {"issued": 0, "received": 0, "awaiting": 0, "cancelled": 0}
    for r in records:
        f = figures.get(r.site_id, {"pickups": 0, "kg": Decimal(0), "last": None})
        since = (end - f["last"]).days if f["last"] else None
        rows.append(
            {
                "restaurant": r,
                "pickups": f["pickups"],
                "kg": f["kg"],
                "last": f["last"],
                "days_since": since,
                "quiet": since is None or since >= gap,
                "manifests": counts.get(r.site_id, empty),
                "flags": flags.get(r.site_id, 0),
            }
        )
    return rows


def summary(user, queryset: models.QuerySet, start: datetime.date, end: datetime.date) -> dict:
    """The totals of the restaurants of `queryset` (filtered, in scope) over the period: each number
    counts what the list it heads would show.

    The restaurants' sites are read once and the totals summed over them in slices: a filtered
    queryset nested in a query on the table it filters by (live flags within flagged restaurants)
    is what a planner without fresh statistics turns into a nested loop over both tables.
    """
    site_ids = list(queryset.order_by().values_list("site_id", flat=True))
    figures = PickupSource(user).sums(site_ids, start, end)
    counts = dict.fromkeys(("issued", "received", "awaiting", "cancelled"), 0)
    received_kg = Decimal(0)
    flags = dict.fromkeys(KITCHEN_KINDS, 0)
    for chunk in _chunks(site_ids, _SUM_CHUNK):
        m = (
            manifests(user)
            .filter(site_id__in=chunk, day__gte=start, day__lte=end)
            .aggregate(
                issued=Count("pk"),
                received=Count("pk", filter=Q(state=ManifestState.RECEIVED)),
                awaiting=Count("pk", filter=Q(state=ManifestState.ISSUED)),
                cancelled=Count("pk", filter=Q(state=ManifestState.CANCELLED)),
                received_kg=Sum("received_kg", filter=Q(state=ManifestState.RECEIVED)),
            )
        )
        for key in counts:
            counts[key] += m[key] or 0
        received_kg += m["received_kg"] or 0
        for kind, n in (
            live_flags(user)
            .filter(site_id__in=chunk)
            .values("kind")
            .annotate(n=Count("pk"))
            .values_list("kind", "n")
            .order_by()
        ):
            flags[kind] += n
    return {
        "start": start,
        "end": end,
        "restaurants": len(site_ids),
        "pickups": figures["pickups"],
        "kg": figures["kg"],
        "manifests": counts,
        "received_kg": received_kg,
        "flags": flags,
        "gap_days": settings.FENLEI_KITCHEN_GAP_DAYS,
    }
