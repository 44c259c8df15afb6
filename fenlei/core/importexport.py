"""Excel import and export, declared once per ledger.

A ledger declares its columns (Chinese headers, a parser and an exporter each) and how a row
finds the record it updates. Import reads an .xlsx, validates **every** row first and reports
row + column + value + reason for each problem; only a file without problems is written, in one
transaction, with the audit log written in bulk (face "import"). Export writes exactly the rows of
a (scoped, filtered) queryset with the same columns, streamed row by row into the sheet
(fenlei.core.xlsx).
"""

from __future__ import annotations

import datetime
import decimal
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fenlei.core import audit
from fenlei.core.models import AuditAction, Face

MAX_ROWS = 200_000
#: How often (in rows) `plan` and `commit` report their progress.
PROGRESS_EVERY = 500
#: progress(done, total): `total` is 0 while it is not known.
Progress = Callable[[int, int], None]
#: Rows looked up before they are checked together (existing records loaded in one query).
CHECK_BATCH = 1000


class CellError(Exception):
    """A cell's value cannot be used; the message says why. `column` names the column's key when the
    error is raised outside that column's parser (e.g. a look-up across several cells)."""

    def __init__(self, message: str, column: str | None = None):
        super().__init__(message)
        self.column = column


@dataclass
class RowError:
    row: int  # the spreadsheet's row number (the header is row 1)
    column: str  # the column's header
    value: str
    reason: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}


class ImportFileError(Exception):
    """The file as a whole cannot be read (not xlsx, too large, wrong headers)."""


# --- cell parsers -------------------------------------------------------------------------------


def normalise(value: Any) -> Any:
    """Full-width characters to half-width, trimmed strings; None for empty cells."""
    if value is None:
        return None
    if isinstance(value, str):
        value = unicodedata.normalize("NFKC", value).strip()
        return value or None
    return value


def parse_text(value, *, max_length: int | None = None) -> str:
    text = "" if value is None else str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if max_length and len(text) > max_length:
        raise CellError(_("Longer than {n} characters.").format(n=max_length))
    return text


_NUMBER = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*([A-Za-z\u4e00-\u9fff]{0,3})$")


def parse_int(value, *, minimum: int | None = 0, units: Iterable[str] = ()) -> int | None:
    """A whole number; accepts full-width digits, thousands separators and a listed unit ("120L")."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError(_("Not a whole number."))
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise CellError(_("Not a whole number."))
        number = int(value)
    else:
        text = str(value).replace(",", "").replace("，", "")
        m = _NUMBER.match(text)
        if not m or (m.group(2) and m.group(2).lower() not in {u.lower() for u in units}):
            raise CellError(_("Not a whole number."))
        try:
            number = int(m.group(1))
        except ValueError:
            raise CellError(_("Not a whole number.")) from None
    if minimum is not None and number < minimum:
        raise CellError(_("Must be at least {n}.").format(n=minimum))
    return number


def parse_decimal(value, *, minimum=None, maximum=None, places: int = 6) -> decimal.Decimal | None:
    if value is None:
        return None
    try:
        number = decimal.Decimal(str(value).replace(",", "")).quantize(decimal.Decimal(1).scaleb(-places))
    except (decimal.InvalidOperation, ValueError):
        raise CellError(_("Not a number.")) from None
    if minimum is not None and number < minimum:
        raise CellError(_("Must be at least {n}.").format(n=minimum))
    if maximum is not None and number > maximum:
        raise CellError(_("Must be at most {n}.").format(n=maximum))
    return number


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


def parse_date(value) -> datetime.date | None:
    """A date as Chinese offices write it: 2025-06-30, 2025/6/30, 2025年6月30日, 20250630, an Excel date or serial."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return _EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise CellError(_("Not a date."))
    text = str(value).strip()
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                return datetime.date(*(int(g) for g in m.groups()))
            except ValueError:
                raise CellError(_("No such date.")) from None
    raise CellError(_("Not a date (write it as 2025-06-30, 2025/6/30 or 2025年6月30日)."))


_TRUE = {"是", "有", "y", "yes", "true", "1", "√", "✓"}
_FALSE = {"否", "无", "n", "no", "false", "0", "×", ""}


def parse_bool(value) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(_("Write 是 or 否."))


def parse_choice(choices):
    """A parser for a cell holding one of `choices` (TextChoices) by its Chinese label, or its code."""

    by_label: dict = {}  # the Chinese labels, looked up once (not once per cell)

    def parse(value, ctx):
        text = parse_text(value)
        if not by_label:
            from django.utils import translation

            with translation.override("zh-hans"):
                by_label.update({str(label): code for code, label in choices.choices})
        if text in by_label:
            return by_label[text]
        if text in choices.values:
            return text
        raise CellError(_("Use one of: {values}.").format(values="、".join(by_label)))

    return parse


def export_choice(choices, attr: str):
    """An exporter writing `obj.<attr>` as its Chinese label (the labels looked up once per export)."""
    labels: dict = {}

    def export(obj):
        value = getattr(obj, attr)
        if value in (None, ""):
            return ""
        if not labels:
            from django.utils import translation

            with translation.override("zh-hans"):
                labels.update({code: str(label) for code, label in choices.choices})
        return labels.get(value, value)

    return export


# --- declarations -------------------------------------------------------------------------------


@dataclass
class Column:
    """One column of a ledger's sheet."""

    key: str
    header: str  # the Chinese header, as it stands in the sheet
    parse: Callable[[Any, ImportContext], Any]
    export: Callable[[models.Model], Any]
    required: bool = False
    help: str = ""
    width: int = 14
    #: The values a drop-down offers in the template and the export (called when the sheet is written).
    choices: Callable[[], list[str]] | None = None


@dataclass
class ImportContext:
    """What parsers may look at: the importing user and look-up caches (filled once per import)."""

    user: Any
    cache: dict = field(default_factory=dict)


@dataclass
class Plan:
    """The outcome of validating a file: rows to create, rows to update, errors."""

    creates: list = field(default_factory=list)
    updates: list = field(default_factory=list)  # (instance, changes)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> dict:
        return {
            "rows": self.rows,
            "create": len(self.creates),
            "update": len(self.updates),
            "unchanged": self.unchanged,
            "errors": len(self.errors),
        }


class Ledger:
    """The Excel face of one model. Subclasses declare `model`, `columns`, `sheet_title`, and
    implement `lookup` (the existing record a row stands for, or None) and `build` (apply values)."""

    model: type[models.Model]
    columns: list[Column]
    sheet_title: str = "Sheet"
    name: str = ""
    #: The column a duplicate row is reported on (default: the first).
    name_column: str | None = None
    #: Whether a row may change an existing record (a ledger whose rows are only ever added says no).
    updates_records: bool = True
    #: What the check calls the rows that change nothing.
    unchanged_label = gettext_lazy("Unchanged")
    #: What the import page says about this ledger besides the common help.
    import_help = ""

    # --- to implement --------------------------------------------------------------------------
    def prepare(self, ctx: ImportContext) -> None:
        """Load the look-ups parsers need, once per import (within the user's scope)."""

    def lookup(self, values: dict, ctx: ImportContext):
        """The existing record the row stands for, or its primary key (the plan then loads the
        records of a batch of rows in one query, see `load_existing`), or None for a new one."""
        raise NotImplementedError

    def load_existing(self, pks: list, ctx: ImportContext) -> dict:
        """{pk: record} for primary keys that `lookup` returned (already within the user's scope)."""
        return self.model._default_manager.in_bulk(pks)

    def build(self, instance, values: dict, ctx: ImportContext):
        for key, value in values.items():
            setattr(instance, key, value)
        return instance

    def may_change(self, instance, ctx: ImportContext) -> bool:
        """Whether the importing user may change this existing record."""
        return True

    def mark_checked(self, instance, values: dict, ctx: ImportContext) -> None:
        """Tell `instance` which of its uniqueness checks the ledger's look-ups have already answered
        (see `Model.unique_checked`); by default none."""

    def create(self, objs: list, ctx: ImportContext) -> list:
        return self.model._default_manager.bulk_create(objs, batch_size=1000)

    # --- reading -------------------------------------------------------------------------------
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def read(self, fileobj) -> Iterator[tuple[int, dict]]:
        """(row number, {key: raw value}) for every non-empty row of the first sheet."""
        import openpyxl

        size = getattr(fileobj, "size", None)
        if size is None:
            fileobj.seek(0, 2)
            size = fileobj.tell()
            fileobj.seek(0)
        limit_mb = settings.FENLEI_MAX_IMPORT_MB
        if size > limit_mb * 1024 * 1024:
            raise ImportFileError(
                _("The file is {mb:.1f} MB; the largest accepted is {limit} MB.").format(
                    mb=size / 1024 / 1024, limit=limit_mb
                )
            )
        head = fileobj.read(4)
        fileobj.seek(0)
        if head != b"PK\x03\x04":
            raise ImportFileError(
                _("This is not an Excel workbook (.xlsx). Save the sheet as .xlsx and try again.")
            )
        try:
            wb = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise ImportFileError(_("The workbook cannot be read ({error}).").format(error=exc)) from None
        ws = wb.worksheets[0]
        self.rows_hint = max((ws.max_row or 1) - 1, 0)  # from the sheet's dimension: blank rows included
        rows = ws.iter_rows(values_only=True)
        try:
            header_row = next(rows)
        except StopIteration:
            raise ImportFileError(_("The sheet is empty.")) from None
        found = [normalise(h) for h in header_row]
        while found and found[-1] is None:
            found.pop()
        by_header = {normalise(c.header): c for c in self.columns}
        unknown = [h for h in found if h is not None and h not in by_header]
        missing = [c.header for c in self.columns if c.required and normalise(c.header) not in found]
        if unknown or missing:
            parts = []
            if missing:
                parts.append(_("missing columns: {cols}").format(cols="、".join(missing)))
            if unknown:
                parts.append(_("unknown columns: {cols}").format(cols="、".join(str(u) for u in unknown)))
            raise ImportFileError(
                _(
                    "The headers do not match the template ({problems}). Download the template and "
                    "keep its first row."
                ).format(problems="; ".join(parts))
            )
        index = [(i, by_header[h].key) for i, h in enumerate(found) if h is not None]
        for number, row in enumerate(rows, start=2):
            if number - 1 > MAX_ROWS:
                raise ImportFileError(_("The file has more than {n} rows.").format(n=MAX_ROWS))
            values = {key: normalise(row[i]) if i < len(row) else None for i, key in index}
            if all(v is None for v in values.values()):
                continue
            yield number, values
        wb.close()

    # --- validating ----------------------------------------------------------------------------
    def plan(self, fileobj, user, *, progress: Progress | None = None) -> Plan:
        ctx = ImportContext(user=user)
        self.prepare(ctx)
        plan = Plan()
        seen: dict = {}
        pending: list = []
        for number, raw in self.read(fileobj):
            plan.rows += 1
            if progress is not None and plan.rows % PROGRESS_EVERY == 0:
                progress(number - 1, self.rows_hint)
            values, row_errors = self.parse_cells(number, raw, ctx)
            if row_errors:
                plan.errors.extend(row_errors)
                continue
            try:
                existing = self.lookup(values, ctx)
            except CellError as exc:
                header = next((c.header for c in self.columns if c.key == exc.column), "")
                plan.errors.append(
                    RowError(number, header, _show(raw.get(exc.column)) if exc.column else "", str(exc))
                )
                continue
            key = self.natural_key(values)
            if key in seen:
                named = next((c for c in self.columns if c.key == self.name_column), self.columns[0])
                plan.errors.append(
                    RowError(
                        number,
                        named.header,
                        _show(raw.get(named.key)),
                        _("Duplicate of row {row}.").format(row=seen[key]),
                    )
                )
                continue
            seen[key] = number
            pending.append((number, existing, values, raw))
            if len(pending) >= CHECK_BATCH:
                self._check_pending(plan, pending, ctx)
        self._check_pending(plan, pending, ctx)
        plan.errors.sort(key=lambda e: e.row)  # rows are checked in batches; errors by row
        if progress is not None:
            progress(plan.rows, plan.rows)
        return plan

    def parse_cells(self, number: int, raw: dict, ctx: ImportContext) -> tuple[dict, list[RowError]]:
        """The row's cells through their columns' parsers: ({key: value}, the cells' problems)."""
        values, errors = {}, []
        for column in self.columns:
            if column.key not in raw:
                continue
            value = raw[column.key]
            if value is None and column.required:
                errors.append(RowError(number, column.header, "", _("This cell is required.")))
                continue
            try:
                values[column.key] = column.parse(value, ctx)
            except CellError as exc:
                errors.append(RowError(number, column.header, _show(value), str(exc)))
        return values, errors

    def result_message(self, summary: dict) -> str:
        """What the user is told once a confirmed file is written."""
        return _("Imported: {create} added, {update} changed, {unchanged} unchanged.").format(
            **{"create": 0, "update": 0, "unchanged": 0, **summary}
        )

    def _check_pending(self, plan: Plan, pending: list, ctx: ImportContext) -> None:
        """Check a batch of looked-up rows, first loading (in one query) the records that a look-up
        gave by primary key."""
        pks = [
            existing for _n, existing, _v, _r in pending if existing is not None and not _is_record(existing)
        ]
        loaded = self.load_existing(pks, ctx) if pks else {}
        for number, existing, values, raw in pending:
            if existing is not None and not _is_record(existing):
                existing = loaded.get(existing)  # None if it was deleted meanwhile: a new row
            self._check(plan, number, existing, values, raw, ctx)
        pending.clear()

    def natural_key(self, values: dict):
        return tuple(values.get(c.key) for c in self.columns[:2])

    def _check(self, plan: Plan, number: int, existing, values: dict, raw: dict, ctx: ImportContext) -> None:
        if existing is not None and not self.may_change(existing, ctx):
            plan.errors.append(RowError(number, "", "", _("You may not change this record.")))
            return
        instance = existing if existing is not None else self.model()
        before = instance.audit_snapshot() if existing is not None else None
        self.build(instance, values, ctx)
        self.mark_checked(instance, values, ctx)
        try:
            validate(instance, check_unique=existing is not None)
        except ValidationError as exc:
            headers = {c.key: c.header for c in self.columns}
            for key, messages in exc.message_dict.items():
                header = headers.get(key, "")
                for message in messages:
                    plan.errors.append(RowError(number, header, _show(raw.get(key)), message))
            return
        if existing is None:
            plan.creates.append(instance)
            return
        changes = audit.diff(before, instance.audit_snapshot())
        if changes:
            plan.updates.append((instance, changes))
        else:
            plan.unchanged += 1

    # --- writing -------------------------------------------------------------------------------
    def commit(self, plan: Plan, user, *, progress: Progress | None = None) -> dict:
        """Write a valid plan in one transaction, with the audit log in bulk."""
        if not plan.ok:
            raise ValueError("a plan with errors is never written")
        ctx = ImportContext(user=user)
        total, step = len(plan.creates) + len(plan.updates), PROGRESS_EVERY if progress else MAX_ROWS
        with transaction.atomic(), audit.using_face(Face.IMPORT):
            for start in range(0, len(plan.creates), step):
                created = self.create(plan.creates[start : start + step], ctx)
                audit.log_bulk(created, AuditAction.CREATE, by=user)
                if progress is not None:
                    progress(start + len(created), total)
            if plan.updates:
                fields = sorted({f for _obj, changes in plan.updates for f in changes} | {"updated_at"})
                objs = [obj for obj, _changes in plan.updates]
                for obj in objs:
                    obj.updated_at = datetime.datetime.now(datetime.UTC)
                changes_by_pk = {obj.pk: changes for obj, changes in plan.updates}
                for start in range(0, len(objs), step):
                    chunk = objs[start : start + step]
                    self.model._default_manager.bulk_update(chunk, fields, batch_size=1000)
                    audit.log_bulk(
                        chunk, AuditAction.UPDATE, by=user, changes_for=lambda o: changes_by_pk[o.pk]
                    )
                    if progress is not None:
                        progress(len(plan.creates) + start + len(chunk), total)
        return plan.summary()

    # --- export --------------------------------------------------------------------------------
    def export(self, queryset, *, template: bool = False) -> str:
        """Write the rows of `queryset` (already scoped and filtered) to a temporary .xlsx; returns its
        path (the caller removes the file)."""
        import os

        fd, path = tempfile.mkstemp(suffix=".xlsx", prefix="fenlei-export-")
        try:
            with os.fdopen(fd, "wb") as fh:
                self.write(fh, queryset, template=template)
        except BaseException:
            os.unlink(path)
            raise
        return path

    def write(self, fileobj, queryset, *, template: bool = False) -> int:
        """Write the rows of `queryset` as a workbook to the binary file `fileobj`, streaming (constant
        memory); with `template`, no rows and a second sheet explaining the columns. Returns the
        number of rows written."""
        from fenlei.core.xlsx import XlsxWriter

        columns = self.columns
        with XlsxWriter(fileobj) as book:
            sheet = book.sheet(self.sheet_title, widths=[c.width for c in columns])
            sheet.append_header([c.header for c in columns], [c.required for c in columns])
            for index, column in enumerate(columns, start=1):
                if column.choices is not None:
                    sheet.add_list(index, column.choices())
            if template:
                notes = book.sheet("说明", widths=[16, 6, 60])  # the sheets speak Chinese, like the offices
                notes.append_header(["列", "必填", "说明"])
                for column in columns:
                    notes.append([column.header, "是" if column.required else "", str(column.help)])
                return 0
            exporters = [c.export for c in columns]
            for obj in lean(queryset).iterator(chunk_size=2000):
                sheet.append([export(obj) for export in exporters])
            return sheet.rows - 1


def _is_record(value) -> bool:
    return isinstance(value, models.Model)


def resolved_relations(instance: models.Model) -> set[str]:
    """The foreign keys of `instance` that hold an object read from the database (by an importer's
    look-ups): their existence needs no query of its own. A key with `limit_choices_to` is not among
    them (that condition is checked by the query)."""
    names = set()
    for f in instance._meta.concrete_fields:
        if f.many_to_one and f.is_cached(instance) and not f.get_limit_choices_to():
            related = f.get_cached_value(instance)
            if related is not None and not related._state.adding and related.pk is not None:
                names.add(f.name)
    return names


def validate(instance: models.Model, *, check_unique: bool) -> None:
    """`instance.full_clean()` as an import needs it, raising the same ValidationError: the fields
    (without the existence query of keys the importer resolved itself), `clean()`, and with
    `check_unique` the unique checks and constraints (a new row's are left to the importer's own
    look-ups and to the database)."""
    errors: dict = {}
    try:
        instance.clean_fields(exclude=resolved_relations(instance))
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    try:
        instance.clean()
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if check_unique:
        from django.core.exceptions import NON_FIELD_ERRORS

        failed = {name for name in errors if name != NON_FIELD_ERRORS}
        try:
            instance.validate_unique(exclude=failed)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        failed = {name for name in errors if name != NON_FIELD_ERRORS}
        try:
            instance.validate_constraints(exclude=failed)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def lean(queryset):
    """`queryset` without the columns no export reads: each model's `export_defer` (the timestamps),
    and for the models it reaches through `select_related` also their `related_export_defer` (an
    area's or a site's own figures, when a row only names it). Fewer columns to fetch and convert."""
    deferred = list(getattr(queryset.model, "export_defer", ()))

    def walk(model, tree: dict, prefix: str) -> None:
        for name, subtree in tree.items():
            related = model._meta.get_field(name).related_model
            names = {*getattr(related, "export_defer", ()), *getattr(related, "related_export_defer", ())}
            deferred.extend(f"{prefix}{name}__{f}" for f in sorted(names))
            walk(related, subtree, f"{prefix}{name}__")

    if isinstance(queryset.query.select_related, dict):
        walk(queryset.model, queryset.query.select_related, "")
    return queryset.defer(*deferred) if deferred else queryset


def _show(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return str(value)[:100]


IMPORT_HELP = gettext_lazy(
    "Fill the template's sheet, one record per row. Every row is checked before anything is written: "
    "if any row has a problem, nothing is saved and each problem is listed with its row and column."
)
