"""The flags of the kitchen-waste chain (餐厨), as alarm detectors (see `fenlei.collection.detect`).

KITCHEN_GAP — a restaurant whose harmless-treatment commitment is signed and in force has gone
FENLEI_KITCHEN_GAP_DAYS days or more without a food-stream pick-up. Every such gap that reaches into
the days examined is one alarm, keyed by the restaurant and the gap's first day (the day after the
last pick-up), so a daily run finds a continuing gap once. Pick-ups are read from the restaurant's
daily totals (`SiteDay`): any haulier's pick-up ends a gap. No gap starts before the commitment was
signed, nor before the first day anything was recorded at all (the day the district started
recording is not a gap of every restaurant).

NO_CONTRACT — food-stream pick-ups at a restaurant by a haulier that holds no contract with it, by
its contracted haulier outside the contract's dates, at a restaurant with no contract at all, or
without a named haulier. One alarm per restaurant, haulier and month, with the days as evidence.
A restaurant's contracts are its ledger records (open and closed: a closed record describes the
contract of its time, up to the day it was closed).

Both are routed to the restaurant's community (and so its street) and carry the haulier concerned.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.db.models import Max
from django.utils.translation import gettext as _

from fenlei.collection.choices import AlarmKind
from fenlei.collection.detect import detector
from fenlei.collection.models import Record, SiteDay
from fenlei.collection.streams import food_code
from fenlei.org.models import Hauler, Site

_CHUNK = 400
_DAY = datetime.timedelta(days=1)


def _chunks(values, size: int = _CHUNK):
    values = sorted(values)
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


# --- KITCHEN_GAP -----------------------------------------------------------------------------------


def _commitments(first_day: datetime.date, last_day: datetime.date) -> list[dict]:
    """The signed commitments in force at some time from `first_day` to `last_day`, each with the
    days it covers (`start`, `end`)."""
    from fenlei.units.models import RestaurantRecord

    out = []
    rows = (
        RestaurantRecord.objects.filter(commitment_signed=True, commitment_signed_on__lte=last_day)
        .exclude(commitment_expires__lt=first_day)
        .exclude(closed_on__lte=first_day)
        .values_list(
            "site_id",
            "area_id",
            "area_path",
            "hauler_id",
            "commitment_signed_on",
            "commitment_expires",
            "closed_on",
            "site__name",
            "site__closed_on",
        )
        .order_by("site_id", "pk")
    )
    for site_id, area_id, path, hauler_id, signed, expires, closed, name, site_closed in rows:
        end = last_day
        if expires is not None:
            end = min(end, expires)
        for closing in (closed, site_closed):
            if closing is not None:
                end = min(end, closing - _DAY)
        if end < max(signed, first_day):
            continue
        out.append(
            {
                "site_id": site_id,
                "area_id": area_id,
                "area_path": path,
                "hauler_id": hauler_id,
                "name": name,
                "signed": signed,
                "expires": expires,
                "start": signed,
                "end": end,
            }
        )
    return out


def _pickup_days(site_ids, first_day: datetime.date, last_day: datetime.date):
    """({site: sorted pick-up days from first_day to last_day}, {site: last pick-up day before first_day})."""
    food = food_code()
    days: dict[int, list] = defaultdict(list)
    before: dict[int, datetime.date] = {}
    for chunk in _chunks(site_ids):
        base = SiteDay.objects.filter(site_id__in=chunk, stream=food, records__gt=0)
        for site_id, day in (
            base.filter(day__gte=first_day, day__lte=last_day)
            .order_by("site_id", "day")
            .values_list("site_id", "day")
        ):
            days[site_id].append(day)
        before.update(
            base.filter(day__lt=first_day)
            .values("site_id")
            .annotate(last=Max("day"))
            .values_list("site_id", "last")
            .order_by()
        )
    return days, before


def data_start() -> datetime.date | None:
    """The first day anything was recorded (in the totals of the tree's roots): before it, no
    pick-up was missed, only not yet recorded."""
    from django.db.models import Min

    from fenlei.collection.models import AreaDay
    from fenlei.org.models import Area

    roots = Area.objects.filter(parent__isnull=True).values("pk")
    return AreaDay.objects.filter(area_id__in=roots).aggregate(first=Min("day"))["first"]


def _gaps(pickups: list, previous: datetime.date | None, start: datetime.date, end: datetime.date):
    """The runs of days from `start` to `end` without a pick-up: (first day, last day, last pick-up
    before it or None)."""
    last = previous
    for day in [*pickups, end + _DAY]:
        if day < start:
            last = day
            continue
        first = start if last is None or last < start else last + _DAY
        through = min(day - _DAY, end)
        if through >= first:
            yield first, through, last
        if day > end:
            break
        last = day


@detector(AlarmKind.KITCHEN_GAP)
def kitchen_gaps(first_day: datetime.date, last_day: datetime.date) -> list[dict]:
    """Restaurants with a signed commitment in force and no pick-up for FENLEI_KITCHEN_GAP_DAYS days."""
    need = settings.FENLEI_KITCHEN_GAP_DAYS
    commitments = _commitments(first_day, last_day)
    horizon = data_start()
    if not commitments or horizon is None:
        return []
    days, before = _pickup_days({c["site_id"] for c in commitments}, first_day, last_day)
    found: dict[str, dict] = {}
    for c in commitments:
        site_id = c["site_id"]
        start = max(c["start"], horizon)
        if start > c["end"]:
            continue
        for gap_first, gap_last, last_pickup in _gaps(
            days.get(site_id, []), before.get(site_id), start, c["end"]
        ):
            length = (gap_last - gap_first).days + 1
            if length < need or gap_last < first_day:
                continue
            key = f"{AlarmKind.KITCHEN_GAP}:{site_id}:{gap_first.isoformat()}"
            since = (gap_last - last_pickup).days if last_pickup else None
            if last_pickup:
                summary = _(
                    "{restaurant}: no kitchen-waste pick-up for {days} days (last pick-up {day})."
                ).format(restaurant=c["name"], days=length, day=last_pickup.isoformat())
            else:
                summary = _(
                    "{restaurant}: no kitchen-waste pick-up recorded in {days} days since the commitment was signed."
                ).format(restaurant=c["name"], days=length)
            found[key] = {
                "kind": AlarmKind.KITCHEN_GAP,
                "key": key,
                "area_id": c["area_id"],
                "area_path": c["area_path"],
                "site_id": site_id,
                "hauler_id": c["hauler_id"],
                "first_day": gap_first,
                "last_day": gap_last,
                "summary": summary[:300],
                "evidence": {
                    "restaurant": c["name"],
                    "last_pickup": _iso(last_pickup),
                    "days_since": since,
                    "days_without": length,
                    "gap_days": need,
                    "commitment_signed_on": _iso(c["signed"]),
                    "commitment_expires": _iso(c["expires"]),
                },
            }
    return list(found.values())


# --- NO_CONTRACT -----------------------------------------------------------------------------------


class Reason:
    OTHER_HAULER = "other_hauler"
    OUTSIDE_DATES = "outside_dates"
    NO_CONTRACT = "no_contract"
    NO_HAULER = "no_hauler"


def _contracts(site_ids) -> dict[int, list[dict]]:
    """Each restaurant's contracts, from its ledger records (the open one last)."""
    from fenlei.units.models import RestaurantRecord

    out: dict[int, list[dict]] = defaultdict(list)
    for chunk in _chunks(site_ids):
        for site_id, hauler_id, number, start, end, closed in (
            RestaurantRecord.objects.filter(site_id__in=chunk, hauler__isnull=False)
            .order_by("site_id", "closed_on", "pk")
            .values_list(
                "site_id", "hauler_id", "contract_number", "contract_start", "contract_end", "closed_on"
            )
        ):
            out[site_id].append(
                {"hauler_id": hauler_id, "number": number, "start": start, "end": end, "closed": closed}
            )
    for contracts in out.values():  # open records (closed None) last: the one in force now
        contracts.sort(key=lambda c: (c["closed"] is None, c["closed"] or datetime.date.min))
    return out


def _covers(contract: dict, hauler_id: int, day: datetime.date) -> bool:
    return (
        contract["hauler_id"] == hauler_id
        and (contract["start"] is None or contract["start"] <= day)
        and (contract["end"] is None or day <= contract["end"])
        and (contract["closed"] is None or day < contract["closed"])
    )


def _reason(contracts: list[dict], hauler_id: int | None, day: datetime.date) -> str | None:
    """Why a pick-up by `hauler_id` on `day` is not under contract (None: it is)."""
    if hauler_id is None:
        return Reason.NO_HAULER
    if any(_covers(c, hauler_id, day) for c in contracts):
        return None
    if any(c["hauler_id"] == hauler_id for c in contracts):
        return Reason.OUTSIDE_DATES
    return Reason.OTHER_HAULER if contracts else Reason.NO_CONTRACT


def _summary(reason: str, restaurant: str, hauler: str, contract: dict | None, contract_hauler: str) -> str:
    if reason == Reason.NO_HAULER:
        return _("{restaurant}: kitchen waste collected without a named haulier.").format(
            restaurant=restaurant
        )
    if reason == Reason.NO_CONTRACT:
        return _(
            "{restaurant}: kitchen waste collected by {hauler}; the restaurant has no collection contract."
        ).format(restaurant=restaurant, hauler=hauler)
    if reason == Reason.OUTSIDE_DATES:
        return _(
            "{restaurant}: kitchen waste collected by {hauler} outside its contract's dates ({start} – {end})."
        ).format(
            restaurant=restaurant,
            hauler=hauler,
            start=_iso(contract and contract["start"]) or "…",
            end=_iso(contract and contract["end"]) or "…",
        )
    return _(
        "{restaurant}: kitchen waste collected by {hauler}, which has no contract with it (contracted: {contract})."
    ).format(restaurant=restaurant, hauler=hauler, contract=contract_hauler)


@detector(AlarmKind.NO_CONTRACT)
def no_contract(first_day: datetime.date, last_day: datetime.date) -> list[dict]:
    """Food-stream pick-ups at restaurants that no contract of the restaurant covers."""
    food = food_code()
    names = dict(Site.objects.filter(kind__restaurant=True).values_list("pk", "name"))
    if not names:
        return []
    groups: dict[tuple, dict] = {}
    for chunk in _chunks(names):
        for pk, site_id, hauler_id, day, area_id, path in (
            Record.objects.filter(
                site_id__in=chunk, stream=food, voided_at__isnull=True, day__gte=first_day, day__lte=last_day
            )
            .order_by("site_id", "day", "pk")
            .values_list("pk", "site_id", "hauler_id", "day", "area_id", "area_path")
        ):
            key = (site_id, hauler_id, day.strftime("%Y-%m"))
            g = groups.get(key)
            if g is None:
                g = groups[key] = {"records": [], "area_id": area_id, "area_path": path}
            g["records"].append((pk, day))
    if not groups:
        return []
    contracts = _contracts({k[0] for k in groups})
    hauler_ids = {k[1] for k in groups if k[1]} | {c["hauler_id"] for cs in contracts.values() for c in cs}
    haulers = dict(Hauler.objects.filter(pk__in=hauler_ids).values_list("pk", "name"))
    found = []
    for (site_id, hauler_id, month), g in groups.items():
        site_contracts = contracts.get(site_id, [])
        flagged = []
        reasons = []
        for pk, day in g["records"]:
            reason = _reason(site_contracts, hauler_id, day)
            if reason is not None:
                flagged.append((pk, day))
                reasons.append(reason)
        if not flagged:
            continue
        reason = reasons[0]
        same = [c for c in site_contracts if c["hauler_id"] == hauler_id]
        contract = (same or site_contracts or [None])[-1]
        contract_hauler = haulers.get(contract["hauler_id"], "") if contract else ""
        flagged_days = sorted({d for _pk, d in flagged})
        hauler = haulers.get(hauler_id, "") if hauler_id else ""
        key = f"{AlarmKind.NO_CONTRACT}:{site_id}:{hauler_id or 0}:{month}"
        found.append(
            {
                "kind": AlarmKind.NO_CONTRACT,
                "key": key,
                "area_id": g["area_id"],
                "area_path": g["area_path"],
                "site_id": site_id,
                "hauler_id": hauler_id,
                "record_id": flagged[0][0],
                "first_day": flagged_days[0],
                "last_day": flagged_days[-1],
                "summary": _summary(reason, names[site_id], hauler, contract, contract_hauler)[:300],
                "evidence": {
                    "restaurant": names[site_id],
                    "reason": reason,
                    "hauler": hauler or None,
                    "hauler_id": hauler_id,
                    "contract_hauler": contract_hauler or None,
                    "contract_hauler_id": contract["hauler_id"] if contract else None,
                    "contract_number": contract["number"] if contract else None,
                    "contract_start": _iso(contract["start"]) if contract else None,
                    "contract_end": _iso(contract["end"]) if contract else None,
                    "days": [d.isoformat() for d in flagged_days],
                    "pickups": len(flagged),
                },
            }
        )
    return found
