"""Collection records in Excel: the weighing sheets streets and hauliers keep, in and out.

A row is one load: its day (and time), its source named as the office names it — 街道, 社区 and the
site (来源单位) within the community, or no site for an area-level point — its stream, its weight (or
bins × volume), the vehicle, the hauler, the destination and the hauler's grade of the sorting.
The names are resolved within the importing user's scope; each row is then checked by the one
definition of a valid record (`validation.Checker`) and the sheet is written through
`services.ingest` (face "import"): totals, trips, alarms and the audit (one submission per sheet)
as for every other face.

Rows are only ever added, and a row already stored is never counted twice:
- 记录编号 is the row's client record id. A row without one gets an id derived from its content
  (the second of two identical rows gets a second id: two loads of the same size are two loads),
  so importing the same sheet again finds every row already there;
- a row that describes a record already stored for the same source on the same day — whoever
  entered it, e.g. a device's record exported and imported back — is already there as well (each
  stored record stands for one row at most).
As in every ledger, a sheet with any refused row writes nothing.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fenlei.collection import services
from fenlei.collection.choices import MIXED, EntryFace, Grade
from fenlei.collection.models import Record
from fenlei.collection.validation import Checked, Checker
from fenlei.collection.validation import RowError as RecordRefused
from fenlei.core import audit
from fenlei.core.importexport import (
    CHECK_BATCH,
    PROGRESS_EVERY,
    CellError,
    Column,
    ImportContext,
    Ledger,
    Plan,
    RowError,
    parse_date,
    parse_int,
    parse_text,
)
from fenlei.core.models import Face
from fenlei.core.roles import Action
from fenlei.core.scoping import for_user, scope_q
from fenlei.facilities.models import IntermediateFacility, TerminalFacility, normalise_plate
from fenlei.org.choices import KIND_LEVEL, AreaLevel
from fenlei.org.models import Area, Hauler, Site
from fenlei.taxonomy.naming import PROFILES, streams

#: Names looked up in one query (SQLite's bound on a statement's parameters, with room to spare).
_CHUNK = 400


# --- words of the sheet --------------------------------------------------------------------------


def stream_names() -> list[str]:
    """The streams as the sheet writes them (Chinese, the district's naming), and 混合."""
    return [s.name for s in streams()] + ["混合"]


def stream_words() -> dict[str, str]:
    """Every name a sheet may give a stream → its code: the district's names, the other local names
    of the same national category (湿垃圾 = 厨余垃圾 = 易腐垃圾 …), short forms, English, codes."""
    from fenlei.taxonomy.models import Category

    national = {
        code: (name, name_en)
        for code, name, name_en in Category.objects.values_list("code", "name", "name_en")
    }
    words: dict[str, str] = {}
    for s in streams():
        names = {s.code, s.name, s.short, s.name_en, s.short_en, *national.get(s.category, ())}
        for profile in PROFILES.values():
            names.update(profile.get(s.category, ()))
        names |= {n.removesuffix("垃圾") for n in names if n.endswith("垃圾") and len(n) > 3}
        for name in names:
            words.setdefault(name.lower(), s.code)
    for name in (MIXED, "混合", "混合垃圾", "Mixed waste", "混收"):
        words[name.lower()] = MIXED
    return words


GRADE_NAMES = ["好", "一般", "差"]
_GRADE_OF = {Grade.GOOD: "好", Grade.FAIR: "一般", Grade.POOR: "差"}


# --- cells ---------------------------------------------------------------------------------------


def _text(max_length: int | None = None):
    def parse(value, ctx):
        return parse_text(value, max_length=max_length) if value is not None else ""

    return parse


def _day(value, ctx):
    if isinstance(value, datetime.datetime):
        return value  # a date cell with a time: the time counts when 时间 is empty
    if isinstance(value, int) and 19000101 <= value <= 29991231:
        value = str(value)  # 20260615 typed as a number, not an Excel date serial
    return parse_date(value)


_CLOCK = re.compile(r"^(\d{1,2}):(\d{1,2})?(?::(\d{1,2}))?:?$")


def _time(value, ctx) -> datetime.time | None:
    """A time of day: an Excel time, 7:30, 07:30:15, 7点30分, 7时."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.time()
    if isinstance(value, datetime.time):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not 0 <= value < 1:
            raise CellError(_("Not a time of day (write it as 07:30)."))
        seconds = min(round(value * 86400), 86399)
        return datetime.time(seconds // 3600, seconds % 3600 // 60, seconds % 60)
    text = re.sub(r"[点时分]", ":", str(value).replace("秒", "").replace(" ", ""))
    m = _CLOCK.match(text)
    if not m:
        raise CellError(_("Not a time of day (write it as 07:30)."))
    hour, minute, second = (int(g or 0) for g in m.groups())
    if hour > 23 or minute > 59 or second > 59:
        raise CellError(_("No such time of day."))
    return datetime.time(hour, minute, second)


_WEIGHT = re.compile(r"^([+-]?\d+(?:\.\d+)?)(kg|公斤|千克|t|吨)?$", re.IGNORECASE)


def _weight(value, ctx) -> Decimal | None:
    """Kilograms as a number; "120.5kg", "120.5公斤" and "1.2吨" are understood. Whether the weight
    is plausible is the record's rule, not the cell's."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError(_("Not a number of kilograms (write it as 120.5)."))
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    m = _WEIGHT.match(str(value).replace(",", "").replace(" ", ""))
    if not m:
        raise CellError(_("Not a number of kilograms (write it as 120.5)."))
    try:
        number = Decimal(m.group(1))
    except InvalidOperation:
        raise CellError(_("Not a number of kilograms (write it as 120.5).")) from None
    if (m.group(2) or "").lower() in ("t", "吨"):
        number *= 1000
    return number


def _count(units):
    def parse(value, ctx):
        return parse_int(value, minimum=None, units=units)

    return parse


def _stream(value, ctx) -> str:
    words = ctx.cache.get("stream_words")
    if words is None:
        words = ctx.cache["stream_words"] = stream_words()
    code = words.get(parse_text(value).lower())
    if code is None:
        raise CellError(_("Not a stream; use one of: {names}.").format(names="、".join(stream_names())))
    return code


def _export_only(value, ctx):
    return None


# --- export --------------------------------------------------------------------------------------


def _street(record) -> str:
    area = record.area
    if KIND_LEVEL[area.kind] == AreaLevel.COMMUNITY:
        return area.parent.name if area.parent_id else ""
    return area.name


def _community(record) -> str:
    return record.area.name if KIND_LEVEL[record.area.kind] == AreaLevel.COMMUNITY else ""


def _local_time(record):
    when = timezone.localtime(record.occurred_at)
    if (when.hour, when.minute, when.second) == (0, 0, 0):
        return ""
    return when.strftime("%H:%M:%S" if when.second else "%H:%M")


def _chinese(labels: dict, build):
    """An exporter reading a Chinese label from `labels`, filled once per export by `build()`."""

    def export(value):
        if not labels:
            with translation.override("zh-hans"):
                labels.update(build())
        return labels.get(value, value)

    return export


class RecordLedger(Ledger):
    """The records sheet: rows are added through `services.ingest`, never matched and updated."""

    model = Record
    name = "records"
    sheet_title = "收运记录"
    updates_records = False
    unchanged_label = gettext_lazy("Already there")
    import_help = gettext_lazy(
        "Importing the same sheet again adds nothing twice: a row already stored (by its record "
        "number, or by the same source, day, time, stream and weight) is counted as already there."
    )

    def __init__(self) -> None:
        stream_label = _chinese({}, lambda: {s.code: s.name for s in streams()} | {MIXED: "混合"})
        face_label = _chinese({}, lambda: {code: str(label) for code, label in EntryFace.choices})
        self.columns = [
            Column(
                "date",
                "日期",
                _day,
                lambda r: r.day,
                required=True,
                help=gettext_lazy("The day of collection: 2026-06-15, 2026/6/15 or 2026年6月15日."),
                width=12,
            ),
            Column(
                "time",
                "时间",
                _time,
                _local_time,
                help=gettext_lazy("Optional: the time of collection, e.g. 07:30."),
                width=9,
            ),
            Column(
                "street",
                "街道",
                _text(),
                _street,
                required=True,
                help=gettext_lazy("The street (or town) of the source."),
                width=14,
            ),
            Column(
                "community",
                "社区",
                _text(),
                _community,
                help=gettext_lazy("The community or village; empty for a street-level collection point."),
                width=14,
            ),
            Column(
                "site",
                "来源单位",
                _text(),
                lambda r: r.site.name if r.site_id else "",
                help=gettext_lazy(
                    "The site within the community (estate, school, restaurant …); empty when the "
                    "community (or street) itself is the collection point."
                ),
                width=18,
            ),
            Column(
                "stream",
                "类别",
                _stream,
                lambda r: stream_label(r.stream),
                required=True,
                help=gettext_lazy(
                    "The stream: 湿垃圾, 干垃圾, 可回收物, 有害垃圾 or 混合 (local names are understood)."
                ),
                width=10,
                choices=stream_names,
            ),
            Column(
                "weight",
                "重量(kg)",
                _weight,
                lambda r: r.weight_kg,
                help=gettext_lazy(
                    "The weight in kilograms; or leave it empty and give the bins and their volume."
                ),
                width=10,
            ),
            Column(
                "bins",
                "桶数",
                _count(("桶", "个")),
                lambda r: r.bins,
                help=gettext_lazy(
                    "Optional: the number of bins (with their volume: the weight is estimated)."
                ),
                width=8,
            ),
            Column(
                "volume",
                "桶容积(L)",
                _count(("L", "升")),
                lambda r: r.bin_volume_l,
                help=gettext_lazy("The volume of one bin in litres, e.g. 240."),
                width=10,
            ),
            Column(
                "plate",
                "车牌",
                _text(20),
                lambda r: r.vehicle.plate if r.vehicle_id else "",
                help=gettext_lazy("Optional: the plate of a registered vehicle, e.g. 浙A10001."),
                width=12,
            ),
            Column(
                "hauler",
                "收运单位",
                _text(100),
                lambda r: r.hauler.name if r.hauler_id else "",
                help=gettext_lazy("Optional: the hauler's name; the vehicle must be one of its vehicles."),
                width=16,
            ),
            Column(
                "transfer",
                "中转站",
                _text(100),
                lambda r: r.transfer.name if r.transfer_id else "",
                help=gettext_lazy("Optional: the transfer station the load went to."),
                width=16,
            ),
            Column(
                "plant",
                "处理厂",
                _text(100),
                lambda r: r.plant.name if r.plant_id else "",
                help=gettext_lazy("Optional: the treatment plant the load went to."),
                width=16,
            ),
            Column(
                "grade",
                "分类质量",
                _text(10),
                lambda r: _GRADE_OF.get(r.grade, ""),
                help=gettext_lazy("Optional: the hauler's grade of the sorting: 好, 一般 or 差."),
                width=9,
                choices=lambda: GRADE_NAMES,
            ),
            Column(
                "number",
                "记录编号",
                _text(),
                lambda r: r.client_id,
                help=gettext_lazy(
                    "Optional: your own number of the record. A row imported again with the same "
                    "number is not counted twice; without a number, the row's content says it."
                ),
                width=20,
            ),
            Column(
                "face",
                "录入方式",
                _export_only,
                lambda r: face_label(r.face),
                help=gettext_lazy("Filled by the export; ignored by the import."),
                width=10,
            ),
            Column(
                "state",
                "状态",
                _export_only,
                _state,
                help=gettext_lazy(
                    "Filled by the export (voided, marked for follow-up); ignored by the import."
                ),
                width=16,
            ),
        ]

    # --- export --------------------------------------------------------------------------------
    def export_queryset(self, queryset):
        return queryset.select_related(
            "area__parent", "site", "vehicle", "hauler", "transfer", "plant"
        ).order_by("day", "occurred_at", "pk")

    # --- import --------------------------------------------------------------------------------
    def plan(self, fileobj, user, *, progress=None) -> Plan:
        ctx = ImportContext(user=user)
        check = _SheetCheck(self, user, ctx)
        plan = Plan()
        batch: list = []
        for number, raw in self.read(fileobj):
            plan.rows += 1
            if progress is not None and plan.rows % PROGRESS_EVERY == 0:
                progress(number - 1, self.rows_hint)
            values, errors = self.parse_cells(number, raw, ctx)
            if errors:
                plan.errors.extend(errors)
                continue
            batch.append((number, raw, values))
            if len(batch) >= CHECK_BATCH:
                check(plan, batch)
                batch = []
        check(plan, batch)
        plan.errors.sort(key=lambda e: e.row)
        if progress is not None:
            progress(plan.rows, plan.rows)
        return plan

    def commit(self, plan: Plan, user, *, progress=None) -> dict:
        """Add the plan's new rows through `services.ingest`, all or none."""
        if not plan.ok:
            raise ValueError("a plan with errors is never written")
        summary = plan.summary()
        if not plan.creates:
            return summary
        if progress is not None:
            progress(0, len(plan.creates))
        with transaction.atomic(), audit.using_face(Face.IMPORT):
            result = services.ingest(
                plan.creates,
                face=EntryFace.IMPORT,
                by=user,
                within=services.writable_paths(user),
                note=_("Excel import"),
            )
            if result.rejected:  # the data changed between the check and the write: nothing is kept
                raise RuntimeError(f"{len(result.rejected)} rows were refused while being written")
        if progress is not None:
            progress(len(plan.creates), len(plan.creates))
        summary["create"] = result.accepted
        summary["unchanged"] += len(result.duplicates)
        return summary

    def result_message(self, summary: dict) -> str:
        return _("Imported: {create} records added, {unchanged} already there.").format(
            **{"create": 0, "unchanged": 0, **summary}
        )


def _state(record) -> str:
    """Voided or marked for follow-up, in Chinese like the rest of the sheet."""
    if record.voided_at is None and not record.follow_up:
        return ""
    with translation.override("zh-hans"):
        if record.voided_at is not None:
            return _("voided: {reason}").format(reason=record.void_reason)
        if record.follow_up_note:
            return _("for follow-up: {note}").format(note=record.follow_up_note)
        return _("for follow-up")


# --- checking a sheet ----------------------------------------------------------------------------

_MANY = object()


def _pick(found: list[tuple[int, object]]):
    """The one id among (id, closed_on) candidates (an open one before closed ones); None or _MANY."""
    open_ = [pk for pk, closed in found if closed is None]
    ids = open_ or [pk for pk, _closed in found]
    if not ids:
        return None
    return ids[0] if len(ids) == 1 else _MANY


def _chunks(values, size: int = _CHUNK):
    values = sorted(values)
    for i in range(0, len(values), size):
        yield values[i : i + size]


class _Names:
    """The sheet's names → ids, within the importing user's scope; looked up a batch of rows at a
    time, each name once per import."""

    def __init__(self, user):
        self.user = user
        self.asked: dict[str, set] = defaultdict(set)
        self.sites: dict[tuple, list] = defaultdict(list)  # (street, community, site) → [(id, closed)]
        self.communities: dict[tuple, list] = defaultdict(list)  # (street, community)
        self.streets: dict[str, list] = defaultdict(list)
        self.haulers: dict[str, list] = defaultdict(list)
        self.transfers: dict[str, list] = defaultdict(list)
        self.plants: dict[str, list] = defaultdict(list)
        self._facility_q: dict = {}

    def _new(self, kind: str, names) -> list[str]:
        fresh = {n for n in names if n and n not in self.asked[kind]}
        self.asked[kind] |= fresh
        return list(fresh)

    def load(self, rows: list[dict]) -> None:
        by_level = {level: [k for k, v in KIND_LEVEL.items() if v == level] for level in AreaLevel.values}
        for chunk in _chunks(self._new("site", (v.get("site") for v in rows))):
            found = for_user(self.user, Action.VIEW, Site.objects.filter(name__in=chunk)).values_list(
                "id", "name", "community__name", "community__parent__name", "closed_on"
            )
            for pk, name, community, street, closed in found:
                self.sites[(street, community, name)].append((pk, closed))
        names = (v.get("community") for v in rows if not v.get("site"))
        for chunk in _chunks(self._new("community", names)):
            found = for_user(
                self.user,
                Action.VIEW,
                Area.objects.filter(name__in=chunk, kind__in=by_level[AreaLevel.COMMUNITY]),
            ).values_list("id", "name", "parent__name", "closed_on")
            for pk, name, street, closed in found:
                self.communities[(street, name)].append((pk, closed))
        names = (v.get("street") for v in rows if not v.get("site") and not v.get("community"))
        for chunk in _chunks(self._new("street", names)):
            found = for_user(
                self.user,
                Action.VIEW,
                Area.objects.filter(name__in=chunk, kind__in=by_level[AreaLevel.STREET]),
            ).values_list("id", "name", "closed_on")
            for pk, name, closed in found:
                self.streets[name].append((pk, closed))
        for chunk in _chunks(self._new("hauler", (v.get("hauler") for v in rows))):
            found = for_user(self.user, Action.VIEW, Hauler.objects.filter(name__in=chunk))
            for pk, name, closed in found.values_list("id", "name", "closed_on"):
                self.haulers[name].append((pk, closed))
        for key, model, table in (
            ("transfer", IntermediateFacility, self.transfers),
            ("plant", TerminalFacility, self.plants),
        ):
            for chunk in _chunks(self._new(key, (v.get(key) for v in rows))):
                found = model.objects.filter(self._facilities(model), name__in=chunk)
                for pk, name, closed in found.values_list("id", "name", "closed_on"):
                    table[name].append((pk, closed))

    def _facilities(self, model) -> Q:
        """The facilities a sheet may name: those the user sees, and those placed in an area above
        the user's (a district's plant, seen from a street)."""
        if model not in self._facility_q:
            q = scope_q(self.user, Action.VIEW, model)
            if q is not None and not q:  # everything
                self._facility_q[model] = Q()
            else:
                above = set()
                for a in self.user.role_assignments.filter(active=True, area__isnull=False).select_related(
                    "area"
                ):
                    path = a.area.path
                    above |= {path[: i + 1] for i, ch in enumerate(path) if ch == "."}
                q_above = Q(area_path__in=sorted(above))
                self._facility_q[model] = q_above if q is None else q | q_above
        return self._facility_q[model]

    def source(self, v: dict) -> tuple[dict | None, tuple[str, str] | None]:
        """The row's source as the checker's keys ({"site": id} or {"area": id}), or the column
        key and the reason it cannot be found."""
        street, community, site = v["street"], v.get("community", ""), v.get("site", "")
        if site:
            if not community:
                return None, ("community", _("Give the community of the site “{site}”.").format(site=site))
            found = _pick(self.sites.get((street, community, site), []))
            if found is None:
                return None, (
                    "site",
                    _("No site “{site}” in {community}, {street} within your scope.").format(
                        site=site, community=community, street=street
                    ),
                )
            if found is _MANY:
                return None, (
                    "site",
                    _(
                        "Several sites are called “{site}” in {community}, {street}: ask the office to tell them apart."
                    ).format(site=site, community=community, street=street),
                )
            return {"site": found}, None
        if community:
            found = _pick(self.communities.get((street, community), []))
            if found is None:
                return None, (
                    "community",
                    _("No community “{community}” in street “{street}” within your scope.").format(
                        community=community, street=street
                    ),
                )
            if found is _MANY:
                return None, (
                    "community",
                    _("Several communities are called “{community}” in “{street}”.").format(
                        community=community, street=street
                    ),
                )
            return {"area": found}, None
        found = _pick(self.streets.get(street, []))
        if found is None:
            return None, ("street", _("No street “{street}” within your scope.").format(street=street))
        if found is _MANY:
            return None, (
                "street",
                _(
                    "Several streets are called “{street}” within your scope: import from an account of one district."
                ).format(street=street),
            )
        return {"area": found}, None

    def one(self, key: str, name: str) -> tuple[int | None, str | None]:
        """The id of the hauler, transfer station or plant called `name`, or why there is none."""
        table = {"hauler": self.haulers, "transfer": self.transfers, "plant": self.plants}[key]
        found = _pick(table.get(name, []))
        if found is None:
            what = {
                "hauler": _("No hauler “{name}” is registered."),
                "transfer": _("No transfer station “{name}” that you may name."),
                "plant": _("No treatment plant “{name}” that you may name."),
            }[key]
            return None, what.format(name=name)
        if found is _MANY:
            return None, _("Several are called “{name}”.").format(name=name)
        return found, None


#: The checker's keys → the sheet's columns (the message of a record's rule names its column).
_COLUMN_OF = {
    "client_id": "number",
    "stream": "stream",
    "weight_kg": "weight",
    "bins": "bins",
    "bin_volume_l": "volume",
    "vehicle": "plate",
    "hauler": "hauler",
    "transfer": "transfer",
    "plant": "plant",
    "grade": "grade",
}


@dataclass(slots=True)
class _Row:
    number: int
    raw: dict
    values: dict
    row: dict
    checked: Checked | None = None
    derived: bool = False


def _content(
    occurred_at, site_id, area_id, stream, weight, bins, volume, vehicle, hauler, transfer, plant, grade
):
    """What a sheet says about a load (to recognise a stored record by its content)."""
    return (
        occurred_at.replace(microsecond=0),
        site_id,
        area_id,
        stream,
        Decimal(weight).quantize(Decimal("0.01")),
        bins,
        volume,
        vehicle,
        hauler,
        transfer,
        plant,
        grade,
    )


_CANDIDATE_FIELDS = (
    "pk",
    "digest",
    "client_id",
    "day",
    "occurred_at",
    "site_id",
    "area_id",
    "stream",
    "weight_kg",
    "bins",
    "bin_volume_l",
    "vehicle_id",
    "hauler_id",
    "transfer_id",
    "plant_id",
    "grade",
)


class _SheetCheck:
    """Checks a sheet a batch of rows at a time, remembering across batches what it has seen."""

    def __init__(self, ledger: RecordLedger, user, ctx: ImportContext):
        self.ledger = ledger
        self.user = user
        self.names = _Names(user)
        self.checker = Checker(within=services.writable_paths(user))
        self.origin = services.origin_of(user=user)
        self.headers = {c.key: c.header for c in ledger.columns}
        self.occurrences: dict[str, int] = defaultdict(int)  # digest → rows of that content so far
        self.numbers: dict[str, tuple[int, str]] = {}  # client id → (sheet row, digest)
        self.consumed: set[int] = set()  # stored records already standing for a row

    def error(self, plan: Plan, item: _Row, key: str, reason: str) -> None:
        value = item.raw.get(key)
        shown = (
            "" if value is None else (value.isoformat() if hasattr(value, "isoformat") else str(value)[:100])
        )
        plan.errors.append(RowError(item.number, self.headers.get(key, ""), shown, reason))

    def __call__(self, plan: Plan, batch: list) -> None:
        if not batch:
            return
        self.names.load([values for _n, _r, values in batch])
        items = []
        for number, raw, values in batch:
            item = _Row(number, raw, values, {})
            if self._translate(plan, item):
                items.append(item)
        self.checker.load([item.row for item in items])
        valid = []
        for index, item in enumerate(items):
            try:
                item.checked = self.checker.check(index, item.row)
            except RecordRefused as exc:
                errors = exc.errors
                if "vehicle" in errors and item.row.get("hauler") is not None:
                    errors["vehicle"] = self._other_hauler(item) or errors["vehicle"]
                for field, message in errors.items():
                    self.error(plan, item, self._column(field, item), message)
                continue
            valid.append(item)
        self._compare(plan, valid)

    def _other_hauler(self, item: _Row) -> str | None:
        """The checker's "not this hauler's vehicle", with the haulers' names instead of their numbers."""
        vehicle = self.checker.vehicles.get(normalise_plate(item.row["vehicle"] or ""))
        if vehicle is None or vehicle[2] == item.row["hauler"]:
            return None
        owner = for_user(self.user, Action.VIEW, Hauler.objects.filter(pk=vehicle[2])).values_list(
            "name", flat=True
        )
        if not owner:
            return None
        return _("The vehicle {plate} belongs to {owner}, not to {hauler}.").format(
            plate=item.values["plate"], owner=owner[0], hauler=item.values["hauler"]
        )

    def _column(self, field: str, item: _Row) -> str:
        if field == "occurred_at":
            today = timezone.localdate(self.checker.now)
            day = item.values["date"]
            day = day.date() if isinstance(day, datetime.datetime) else day
            return "time" if item.values.get("time") is not None and day <= today else "date"
        if field == "site":
            return (
                "site"
                if item.values.get("site")
                else ("community" if item.values.get("community") else "street")
            )
        if field == "area":
            return "community" if item.values.get("community") else "street"
        return _COLUMN_OF.get(field, "")

    def _translate(self, plan: Plan, item: _Row) -> bool:
        """The row in the checker's keys; False (and its problems noted) when a name is unknown."""
        v = item.values
        ok = True
        source, problem = self.names.source(v)
        if problem:
            self.error(plan, item, *problem)
            ok = False
        ids = {}
        for key in ("hauler", "transfer", "plant"):
            if v.get(key):
                ids[key], reason = self.names.one(key, v[key])
                if reason:
                    self.error(plan, item, key, reason)
                    ok = False
        if not ok:
            return False
        day, time = v["date"], v.get("time")
        if isinstance(day, datetime.datetime):
            when = day if time is None else datetime.datetime.combine(day.date(), time)
        else:
            when = datetime.datetime.combine(day, time or datetime.time())
        item.row = {
            "occurred_at": timezone.make_aware(when) if timezone.is_naive(when) else when,
            **source,
            "stream": v["stream"],
            "weight_kg": v.get("weight"),
            "bins": v.get("bins"),
            "bin_volume_l": v.get("volume"),
            "vehicle": v.get("plate") or None,
            "hauler": ids.get("hauler"),
            "transfer": ids.get("transfer"),
            "plant": ids.get("plant"),
            "grade": v.get("grade") or None,
            "client_id": v.get("number", ""),
        }
        return True

    def _compare(self, plan: Plan, items: list[_Row]) -> None:
        """Sort the valid rows into new ones and ones already stored (or refused as an edited copy)."""
        fresh = []
        for item in items:
            c = item.checked
            if not c.client_id:
                self.occurrences[c.digest] += 1
                k = self.occurrences[c.digest]
                c.client_id = f"xl-{c.digest}" + (f"-{k}" if k > 1 else "")
                item.row["client_id"] = c.client_id
                item.derived = True
            earlier = self.numbers.get(c.client_id)
            if earlier is not None:
                if earlier[1] == c.digest:
                    plan.unchanged += 1  # the same record twice in the sheet: it counts once
                else:
                    self.error(
                        plan,
                        item,
                        "number",
                        _("Row {row} has the same record number with other content.").format(row=earlier[0]),
                    )
                continue
            self.numbers[c.client_id] = (item.number, c.digest)
            fresh.append(item)
        if not fresh:
            return
        stored = {}
        for chunk in _chunks({item.checked.client_id for item in fresh}):
            stored.update(
                (cid, (pk, digest))
                for cid, pk, digest in Record.objects.filter(
                    origin=self.origin, client_id__in=chunk
                ).values_list("client_id", "pk", "digest")
            )
        candidates = self._candidates([item.checked for item in fresh])
        left = []
        for item in fresh:  # first the rows this user stored before, by their record number
            c = item.checked
            hit = stored.get(c.client_id)
            if hit is None:
                left.append(item)
            elif hit[1] == c.digest:
                self.consumed.add(hit[0])
                plan.unchanged += 1
            else:
                self.error(
                    plan,
                    item,
                    "number",
                    _(
                        "A record with the number {id} is already stored with other content: "
                        "correct that record instead of importing it again."
                    ).format(id=c.client_id),
                )
        for item in left:  # then the records stored for the same source and day, whoever entered them
            c = item.checked
            key = (c.site_id, c.area_id, c.day)
            content = _content(
                c.occurred_at,
                c.site_id,
                c.area_id,
                c.stream,
                c.weight_kg,
                c.bins,
                c.bin_volume_l,
                c.vehicle_id,
                c.hauler_id,
                c.transfer_id,
                c.plant_id,
                c.grade,
            )
            same = next(
                (
                    r
                    for r in candidates.get(key, ())
                    if r[0] not in self.consumed and (r[1] == c.digest or _content(*r[4:]) == content)
                ),
                None,
            )
            if same is not None:
                self.consumed.add(same[0])
                plan.unchanged += 1
                continue
            if not item.derived and any(r[2] == c.client_id for r in candidates.get(key, ())):
                self.error(
                    plan,
                    item,
                    "number",
                    _(
                        "A record with the number {id} is already stored for this source and day with "
                        "other content: correct that record instead of importing it again."
                    ).format(id=c.client_id),
                )
                continue
            plan.creates.append(item.row)

    def _candidates(self, checked: list[Checked]) -> dict[tuple, list]:
        """The stored records (voided ones too) of the rows' sources on the rows' days, by
        (site, area, day): a few queries through the (site, day) and (area path, day) indexes."""
        sites, areas, days = set(), {}, set()
        for c in checked:
            days.add(c.day)
            if c.site_id:
                sites.add(c.site_id)
            else:
                areas[c.area_id] = c.area_path
        found = defaultdict(list)

        def add(rows):
            for r in rows:
                found[(r[5], r[6], r[3])].append(r)

        for day_chunk in _chunks(days):
            for chunk in _chunks(sites):
                add(
                    Record.objects.filter(site_id__in=chunk, day__in=day_chunk)
                    .order_by("pk")
                    .values_list(*_CANDIDATE_FIELDS)
                )
            for chunk in _chunks(areas):
                add(
                    Record.objects.filter(
                        area_path__in=sorted({areas[a] for a in chunk}),
                        day__in=day_chunk,
                        area_id__in=chunk,
                        site__isnull=True,
                    )
                    .order_by("pk")
                    .values_list(*_CANDIDATE_FIELDS)
                )
        return found


LEDGERS = {"collection-records": RecordLedger}
