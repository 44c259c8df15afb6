"""The one definition of a valid collection record, shared by every entry face.

A face turns its input into plain rows (dicts with the keys of `FIELDS`): a device's JSON, an Excel
sheet, a form. `Checker` loads what a whole batch refers to in a few queries (sites, areas, vehicles,
facilities, trips), then checks each row on its own: a row either becomes a `Checked` record or a
dict of {field: message} naming what is wrong with it. Messages are translated and name the value.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from fenlei.collection.choices import GRADE_WORDS, MIXED, Grade
from fenlei.collection.streams import codes as stream_codes
from fenlei.facilities.models import IntermediateFacility, TerminalFacility, Vehicle, normalise_plate
from fenlei.org.choices import AreaLevel
from fenlei.org.models import Area, Site
from fenlei.taxonomy.models import Category
from fenlei.taxonomy.naming import streams

#: The keys a row may carry (a device's JSON uses exactly these).
FIELDS = (
    "client_id",
    "occurred_at",
    "site",
    "site_code",
    "area",
    "area_code",
    "stream",
    "category",
    "weight_kg",
    "bins",
    "bin_volume_l",
    "vehicle",
    "hauler",
    "trip",
    "seq",
    "transfer",
    "plant",
    "grade",
)
_FIELD_SET = frozenset(FIELDS)
_CHUNK = 900  # SQLite's bound on the parameters of one statement, with room to spare


def max_kg() -> Decimal:
    return Decimal(settings.FENLEI_COLLECTION_MAX_KG)


def kg_per_litre(stream: str) -> Decimal:
    factors = settings.FENLEI_BIN_KG_PER_LITRE
    return Decimal(str(factors.get(stream, factors["default"])))


@dataclass(slots=True)
class Checked:
    """A valid row, ready to be written."""

    index: int
    client_id: str
    occurred_at: datetime.datetime
    day: datetime.date
    site_id: int | None
    area_id: int
    area_path: str
    stream: str
    category_id: int | None
    weight_kg: Decimal
    bins: int | None
    bin_volume_l: int | None
    estimated: bool
    vehicle_id: int | None
    vehicle_stream: str | None
    hauler_id: int | None
    trip_key: str
    seq: int | None
    transfer_id: int | None
    plant_id: int | None
    grade: str
    late: bool
    digest: str
    #: The weight in grams (a whole number: the weight has two decimals), as the totals count it.
    grams: int


class RowError(Exception):
    def __init__(self, errors: dict[str, str]):
        self.errors = errors


def _chunks(values: list, size: int = _CHUNK):
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _as_int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class Checker:
    """Checks rows for one batch. `within` are the area paths the rows' sources must lie in (None:
    anywhere the caller may already write); `hauler_id` the hauler every vehicle must belong to."""

    def __init__(
        self,
        *,
        within: list[str] | None = None,
        hauler_id: int | None = None,
        vehicle_id: int | None = None,
        require_client_id: bool = False,
        now: datetime.datetime | None = None,
    ) -> None:
        self.within = within
        self.hauler_id = hauler_id
        self.vehicle_id = vehicle_id
        self.require_client_id = require_client_id
        self.now = now or timezone.now()
        self.tz = timezone.get_current_timezone()
        self.today = timezone.localdate(self.now, self.tz)
        self.latest = self.now + datetime.timedelta(minutes=5)
        self.earliest = self.today - datetime.timedelta(days=settings.FENLEI_COLLECTION_MAX_AGE_DAYS)
        self.late_days = settings.FENLEI_COLLECTION_LATE_DAYS
        self.max_kg = max_kg()
        self.codes = set(stream_codes())
        names = {}
        for s in streams():
            for word in (s.code, s.name, s.short, s.name_en, s.short_en):
                names[word.lower()] = s.code
        for word in (MIXED, "混合", "混合垃圾", "mixed waste"):
            names[word] = MIXED
        self.stream_names = names
        self.sites: dict = {}
        self.site_codes: dict = {}
        self.areas: dict = {}
        self.area_codes: dict = {}
        self.vehicles: dict = {}
        self.transfers: dict = {}
        self.plants: dict = {}
        self.categories: dict = {}

    # --- loading --------------------------------------------------------------------------------
    def load(self, rows: list[dict]) -> None:
        """Read, in a few queries, everything the rows refer to."""
        site_ids, site_codes, area_ids, area_codes, plates, transfers, plants = (set() for _ in range(7))
        for row in rows:
            if not isinstance(row, dict):
                continue
            if (v := _as_int(row.get("site"))) is not None:
                site_ids.add(v)
            if v := _text(row.get("site_code")):
                site_codes.add(v)
            if (v := _as_int(row.get("area"))) is not None:
                area_ids.add(v)
            if v := _text(row.get("area_code")):
                area_codes.add(v)
            if v := _text(row.get("vehicle")):
                plates.add(normalise_plate(v))
            if (v := _as_int(row.get("transfer"))) is not None:
                transfers.add(v)
            if (v := _as_int(row.get("plant"))) is not None:
                plants.add(v)
        site_cols = ("id", "code", "area_path", "community_id", "closed_on", "name")
        for chunk in _chunks(sorted(site_ids)):
            for s in Site.objects.filter(pk__in=chunk).values_list(*site_cols):
                self.sites[s[0]] = s
        for chunk in _chunks(sorted(site_codes)):
            for s in Site.objects.filter(code__in=chunk).values_list(*site_cols):
                self.site_codes.setdefault(s[1], []).append(s)
        area_cols = ("id", "code", "path", "kind", "closed_on", "name")
        for chunk in _chunks(sorted(area_ids)):
            for a in Area.objects.filter(pk__in=chunk).values_list(*area_cols):
                self.areas[a[0]] = a
        for chunk in _chunks(sorted(area_codes)):
            for a in Area.objects.filter(code__in=chunk).values_list(*area_cols):
                self.area_codes[a[1]] = a
        for chunk in _chunks(sorted(plates)):
            for v in Vehicle.objects.filter(plate__in=chunk).values_list(
                "plate", "id", "hauler_id", "stream", "closed_on", "status"
            ):
                self.vehicles[v[0]] = v
        for chunk in _chunks(sorted(transfers)):
            self.transfers.update(
                IntermediateFacility.objects.filter(pk__in=chunk).values_list("id", "closed_on")
            )
        for chunk in _chunks(sorted(plants)):
            self.plants.update(TerminalFacility.objects.filter(pk__in=chunk).values_list("id", "closed_on"))
        self.categories = dict(Category.objects.values_list("code", "id"))

    # --- one row --------------------------------------------------------------------------------
    def check(self, index: int, row) -> Checked:
        if not isinstance(row, dict):
            raise RowError({"record": _("A record must be a JSON object.")})
        errors: dict[str, str] = {}
        unknown = [k for k in row if k not in _FIELD_SET]
        if unknown:
            errors["record"] = _("Unknown field(s): {fields}.").format(
                fields=", ".join(sorted(map(str, unknown)))
            )

        client_id = _text(row.get("client_id"))
        if len(client_id) > 64:
            errors["client_id"] = _("A client record id has at most 64 characters.")
        elif not client_id and self.require_client_id:
            errors["client_id"] = _(
                "Give every record a client record id, so that a retry is not counted twice."
            )

        occurred_at = self._when(row.get("occurred_at"), errors)
        day = occurred_at.astimezone(self.tz).date() if occurred_at else None
        if day is not None:
            if occurred_at > self.latest:
                errors["occurred_at"] = _("{value} is in the future.").format(value=row.get("occurred_at"))
            elif day < self.earliest:
                errors["occurred_at"] = _("{value} is more than {days} days ago.").format(
                    value=row.get("occurred_at"), days=settings.FENLEI_COLLECTION_MAX_AGE_DAYS
                )

        site, area = self._source(row, errors)

        stream = self._stream(row.get("stream"), errors)
        category_id = None
        if cat := _text(row.get("category")):
            category_id = self.categories.get(cat)
            if category_id is None:
                errors["category"] = _("There is no category with the code “{code}”.").format(code=cat)

        bins = bin_volume = None
        estimated = False
        weight = self._decimal(row.get("weight_kg"), "weight_kg", errors)
        if row.get("bins") not in (None, ""):
            bins = _as_int(row.get("bins"))
            if bins is None or not 0 < bins <= 1000:
                errors["bins"] = _("Bins must be a whole number between 1 and 1000.")
        if row.get("bin_volume_l") not in (None, ""):
            bin_volume = _as_int(row.get("bin_volume_l"))
            if bin_volume is None or not 0 < bin_volume <= 10000:
                errors["bin_volume_l"] = _("A bin's volume is a whole number of litres between 1 and 10000.")
        if weight is None and "weight_kg" not in errors:
            if bins and bin_volume and stream:
                weight = (bins * bin_volume * kg_per_litre(stream)).quantize(Decimal("0.01"))
                estimated = True
            elif "bins" not in errors and "bin_volume_l" not in errors:
                errors["weight_kg"] = _("Give the weight in kg, or the number of bins and their volume.")
        if weight is not None and "weight_kg" not in errors:
            if weight <= 0:
                errors["weight_kg"] = _("The weight must be more than 0 kg (given: {value}).").format(
                    value=weight
                )
            elif weight > self.max_kg:
                errors["weight_kg"] = _("{value} kg is more than one load can weigh ({max} kg).").format(
                    value=weight, max=self.max_kg
                )
            else:
                weight = weight.quantize(Decimal("0.01"))

        vehicle_id = vehicle_stream = None
        hauler_id = _as_int(row.get("hauler")) if row.get("hauler") not in (None, "") else None
        if row.get("hauler") not in (None, "") and hauler_id is None:
            errors["hauler"] = _("The hauler is given by its number.")
        if plate := _text(row.get("vehicle")):
            v = self.vehicles.get(normalise_plate(plate))
            if v is None:
                errors["vehicle"] = _("No vehicle with the plate {plate} is registered.").format(plate=plate)
            else:
                _plate, vehicle_id, v_hauler, vehicle_stream, closed_on, _status = v
                if self.hauler_id is not None and v_hauler != self.hauler_id:
                    errors["vehicle"] = _("The vehicle {plate} belongs to another hauler.").format(
                        plate=plate
                    )
                elif hauler_id is not None and v_hauler != hauler_id:
                    errors["vehicle"] = _("The vehicle {plate} does not belong to hauler {hauler}.").format(
                        plate=plate, hauler=hauler_id
                    )
                elif closed_on is not None and day is not None and closed_on < day:
                    errors["vehicle"] = _("The vehicle {plate} was retired on {date}.").format(
                        plate=plate, date=closed_on
                    )
                hauler_id = v_hauler
        elif self.vehicle_id is not None:
            vehicle_id = self.vehicle_id
        if self.hauler_id is not None:
            if hauler_id is not None and hauler_id != self.hauler_id:
                errors["hauler"] = _("A device reports for its own hauler only.")
            hauler_id = self.hauler_id

        trip_key = _text(row.get("trip"))
        if len(trip_key) > 64:
            errors["trip"] = _("A client trip id has at most 64 characters.")
        elif trip_key and vehicle_id is None and "vehicle" not in errors:
            errors["trip"] = _("A pick-up on a trip names its vehicle.")
        seq = None
        if row.get("seq") not in (None, ""):
            seq = _as_int(row.get("seq"))
            if seq is None or not 0 <= seq <= 32767:
                errors["seq"] = _("The order on the trip is a whole number.")

        transfer_id = self._facility(row, "transfer", self.transfers, errors)
        plant_id = self._facility(row, "plant", self.plants, errors)

        grade = ""
        if g := _text(row.get("grade")):
            grade = GRADE_WORDS.get(g) or (g.lower() if g.lower() in Grade.values else "")
            if not grade:
                errors["grade"] = _(
                    "“{value}” is not a grade: use 好, 一般 or 差 (good, fair, poor)."
                ).format(value=g)

        if errors:
            raise RowError(errors)
        late = (self.today - day).days > self.late_days
        site_id = site[0] if site else None
        area_id, area_path = (site[3], site[2]) if site else (area[0], area[2])
        digest = hashlib.blake2b(
            "|".join(
                map(
                    str,
                    (
                        occurred_at.isoformat(),
                        site_id,
                        area_id,
                        stream,
                        category_id,
                        weight,
                        bins,
                        bin_volume,
                        vehicle_id,
                        hauler_id,
                        trip_key,
                        seq,
                        transfer_id,
                        plant_id,
                        grade,
                    ),
                )
            ).encode(),
            digest_size=8,
        ).hexdigest()
        return Checked(
            index,
            client_id,
            occurred_at,
            day,
            site_id,
            area_id,
            area_path,
            stream,
            category_id,
            weight,
            bins,
            bin_volume,
            estimated,
            vehicle_id,
            vehicle_stream,
            hauler_id,
            trip_key,
            seq,
            transfer_id,
            plant_id,
            grade,
            late,
            digest,
            int(weight * 1000),
        )

    # --- parts ----------------------------------------------------------------------------------
    def _when(self, value, errors) -> datetime.datetime | None:
        if value in (None, ""):
            errors["occurred_at"] = _("Give the time of collection.")
            return None
        if isinstance(value, datetime.datetime):
            when = value
        elif isinstance(value, datetime.date):
            when = datetime.datetime.combine(value, datetime.time())
        else:
            text = str(value).strip()
            try:  # the ISO form devices send is read by the fast C parser; the rest by Django's
                when = datetime.datetime.fromisoformat(text) if len(text) > 10 else None
            except ValueError:
                when = None
            if when is None:
                when = self._parse_loose(text)
            if when is None:
                errors["occurred_at"] = _("“{value}” is not a time (use 2026-11-28T07:30:00+08:00).").format(
                    value=text[:40]
                )
                return None
        if when.tzinfo is None:
            when = timezone.make_aware(when, self.tz)
        return when

    @staticmethod
    def _parse_loose(text: str) -> datetime.datetime | None:
        """A time as people write it: "2026-06-15 07:30", "2026-06-15T07:30:00", a date alone."""
        try:
            when = parse_datetime(text.replace(" ", "T", 1) if "T" not in text else text)
            if when is None and (d := parse_date(text)) is not None:
                when = datetime.datetime.combine(d, datetime.time())
        except ValueError:
            return None
        return when

    def _source(self, row, errors):
        site = area = None
        has_site = row.get("site") not in (None, "") or _text(row.get("site_code"))
        has_area = row.get("area") not in (None, "") or _text(row.get("area_code"))
        if has_site and has_area:
            errors["site"] = _("Give either a site or an area, not both.")
            return None, None
        if not has_site and not has_area:
            errors["site"] = _("Give the site (or, for an area-level point, the community or street).")
            return None, None
        if has_site:
            if row.get("site") not in (None, ""):
                sid = _as_int(row.get("site"))
                site = self.sites.get(sid) if sid is not None else None
                if site is None:
                    errors["site"] = _("There is no site number {value}.").format(value=row.get("site"))
                    return None, None
            else:
                code = _text(row.get("site_code"))
                found = self.site_codes.get(code, [])
                if self.within is not None:
                    found = [s for s in found if any(s[2].startswith(p) for p in self.within)] or found
                if not found:
                    errors["site"] = _("There is no site with the code {code}.").format(code=code)
                    return None, None
                if len(found) > 1:
                    errors["site"] = _("The code {code} names several sites: give the site's number.").format(
                        code=code
                    )
                    return None, None
                site = found[0]
            if site[4] is not None:
                errors["site"] = _("“{site}” is closed.").format(site=site[5])
            path = site[2]
        else:
            if row.get("area") not in (None, ""):
                aid = _as_int(row.get("area"))
                area = self.areas.get(aid) if aid is not None else None
                if area is None:
                    errors["area"] = _("There is no area number {value}.").format(value=row.get("area"))
                    return None, None
            else:
                code = _text(row.get("area_code"))
                area = self.area_codes.get(code)
                if area is None:
                    errors["area"] = _("There is no area with the code {code}.").format(code=code)
                    return None, None
            from fenlei.org.choices import KIND_LEVEL

            if KIND_LEVEL[area[3]] not in (AreaLevel.STREET, AreaLevel.COMMUNITY):
                errors["area"] = _("An area-level point is a community or a street, not “{area}”.").format(
                    area=area[5]
                )
            elif area[4] is not None:
                errors["area"] = _("“{area}” is closed.").format(area=area[5])
            path = area[2]
        if self.within is not None and not any(path.startswith(p) for p in self.within):
            # named by what the row gave (its number or code), never by the name of a place the
            # sender may not see
            key = "site" if site else "area"
            given = row.get(key) if row.get(key) not in (None, "") else row.get(f"{key}_code")
            errors[key] = _("“{value}” is outside the places you may report for.").format(value=given)
        return site, area

    def _stream(self, value, errors) -> str:
        text = _text(value)
        if not text:
            errors["stream"] = _("Give the stream.")
            return ""
        code = text if text in self.codes else self.stream_names.get(text.lower())
        if code is None:
            errors["stream"] = _("“{value}” is not one of the streams: {codes}.").format(
                value=text[:30], codes=", ".join(sorted(self.codes))
            )
            return ""
        return code

    def _decimal(self, value, field, errors) -> Decimal | None:
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            errors[field] = _("“{value}” is not a number.").format(value=value)
            return None
        try:
            d = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            errors[field] = _("“{value}” is not a number.").format(value=str(value)[:30])
            return None
        if not d.is_finite():
            errors[field] = _("“{value}” is not a number.").format(value=str(value)[:30])
            return None
        return d

    def _facility(self, row, field, known, errors) -> int | None:
        value = row.get(field)
        if value in (None, ""):
            return None
        fid = _as_int(value)
        if fid is None or fid not in known:
            errors[field] = _("There is no facility number {value}.").format(value=value)
            return None
        return fid
