"""A small streaming .xlsx writer: rows go straight into the zipped sheet, in constant memory.

openpyxl builds a cell object per value even in its write-only mode, which at 100,000 rows × 14
columns is most of an export's time. The ledgers need much less: sheets of plain values with a
styled header row, column widths and a frozen first row. This module writes the SpreadsheetML
parts for that directly:

- strings as inline strings (no shared-string table to keep in memory), characters XML 1.0 cannot
  carry removed; a string is never a formula;
- int, float and Decimal as numbers; bool as a boolean; date and datetime as real Excel dates with a
  date format (aware datetimes in the local time zone); None as an empty cell;
- the header row bold, on a green fill (white text) for required columns, grey otherwise;
- drop-down lists on whole columns (data validations of type "list", a warning on other values).

Use it as a context manager::

    with XlsxWriter(fileobj) as book:
        sheet = book.sheet("投放点", widths=[14, 20], header=["街道", "名称"], required=[True, False])
        sheet.append(["城关街道", "一号投放点"])
        sheet.close()

Sheets are written one after the other (a sheet is complete when the next starts or the book closes).
"""

from __future__ import annotations

import datetime
import decimal
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape, quoteattr

_EPOCH = datetime.datetime(1899, 12, 30)
_EPOCH_DATE = _EPOCH.date()
# XML 1.0 allows tab, newline and carriage return below 0x20, and neither surrogates nor U+FFFE/F.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPACE_AT_EDGE = re.compile(r"^\s|\s$")
_BUFFER_ROWS = 500

#: Cell styles (indices into cellXfs of the styles part below).
_STYLE_DATE = 1
_STYLE_DATETIME = 2
_STYLE_HEADER = 3
_STYLE_HEADER_REQUIRED = 4

_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
    '<fonts count="3">'
    '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><color rgb="FF000000"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/><family val="2"/></font>'
    "</fonts>"
    '<fills count="4">'
    '<fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDE3EA"/><bgColor indexed="64"/></patternFill></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FF1A7F4B"/><bgColor indexed="64"/></patternFill></fill>'
    "</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="3" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)

_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def column_letter(index: int) -> str:
    """The letters of the 1-based column `index` (1 → A, 27 → AA)."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_PLAIN = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]|^\s|\s$")


def _text(value: str) -> str:
    if _PLAIN.search(value) is None:  # most cells: nothing to escape, remove or keep
        return f"<is><t>{value}</t></is>"
    value = _ILLEGAL.sub("", value)
    space = ' xml:space="preserve"' if _SPACE_AT_EDGE.search(value) else ""
    return f"<is><t{space}>{escape(value)}</t></is>"


def _serial(value: datetime.date) -> str:
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            from django.utils import timezone

            value = timezone.localtime(value).replace(tzinfo=None)
        delta = value - _EPOCH
        return repr(delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400)
    return str((value - _EPOCH_DATE).days)


def _cell(ref: str, value) -> str:
    """The XML of one cell at `ref`. An empty cell is written too, so that every row has all the
    sheet's columns for readers that go by the cells they find."""
    if value is None or value == "":
        return f'<c r="{ref}"/>'
    kind = type(value)
    if kind is str:
        return f'<c r="{ref}" t="inlineStr">{_text(value)}</c>'
    if kind is int:
        return f'<c r="{ref}"><v>{value}</v></c>'
    if kind is bool:
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if kind is float or kind is decimal.Decimal:
        number = float(value)
        if not math.isfinite(number):
            return f'<c r="{ref}"/>'
        return f'<c r="{ref}"><v>{number!r}</v></c>'
    if kind is datetime.date:
        return f'<c r="{ref}" s="{_STYLE_DATE}"><v>{_serial(value)}</v></c>'
    if kind is datetime.datetime:
        return f'<c r="{ref}" s="{_STYLE_DATETIME}"><v>{_serial(value)}</v></c>'
    # subclasses and anything else (lazy translations, enums …)
    if isinstance(value, bool):
        return _cell(ref, bool(value))
    if isinstance(value, int):
        return _cell(ref, int(value))
    if isinstance(value, float | decimal.Decimal):
        return _cell(ref, float(value))
    if isinstance(value, datetime.datetime):
        return f'<c r="{ref}" s="{_STYLE_DATETIME}"><v>{_serial(value)}</v></c>'
    if isinstance(value, datetime.date):
        return f'<c r="{ref}" s="{_STYLE_DATE}"><v>{_serial(value)}</v></c>'
    return _cell(ref, str(value))


class Sheet:
    """One worksheet being written; rows are appended in order."""

    def __init__(self, stream, *, widths: Sequence[float] = (), freeze_header: bool = True):
        self._stream = stream
        self._row = 0
        self._letters: list[str] = []
        self._buffer: list[str] = []
        self._validations: list[str] = []
        self.closed = False
        head = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_NS_MAIN}">']
        if freeze_header:
            head.append(
                '<sheetViews><sheetView workbookViewId="0">'
                '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
                "</sheetView></sheetViews>"
            )
        else:
            head.append('<sheetViews><sheetView workbookViewId="0"/></sheetViews>')
        head.append('<sheetFormatPr defaultRowHeight="15"/>')
        if widths:
            head.append("<cols>")
            head.extend(
                f'<col min="{i}" max="{i}" width="{float(w)!r}" customWidth="1"/>'
                for i, w in enumerate(widths, start=1)
            )
            head.append("</cols>")
        head.append("<sheetData>")
        self._stream.write("".join(head).encode())

    def _refs(self, n: int) -> list[str]:
        while len(self._letters) < n:
            self._letters.append(column_letter(len(self._letters) + 1))
        return self._letters

    def append(self, values: Iterable) -> None:
        """Write the next row."""
        values = list(values)
        self._row += 1
        n = str(self._row)
        letters = self._refs(len(values))
        cells = []
        for i, value in enumerate(values):
            kind = type(value)
            if kind is str and value:  # the common cases first, inline
                cells.append(f'<c r="{letters[i]}{n}" t="inlineStr">{_text(value)}</c>')
            elif kind is int:
                cells.append(f'<c r="{letters[i]}{n}"><v>{value}</v></c>')
            else:
                cells.append(_cell(letters[i] + n, value))
        self._buffer.append(f'<row r="{n}">{"".join(cells)}</row>')
        if len(self._buffer) >= _BUFFER_ROWS:
            self._flush()

    def append_header(self, values: Sequence[str], required: Sequence[bool] = ()) -> None:
        """Write the next row as a header: bold, green for the required columns, grey for the others."""
        self._row += 1
        n = str(self._row)
        letters = self._refs(len(values))
        cells = "".join(
            f'<c r="{letters[i]}{n}" s="{_STYLE_HEADER_REQUIRED if i < len(required) and required[i] else _STYLE_HEADER}"'
            f' t="inlineStr">{_text(str(v))}</c>'
            for i, v in enumerate(values)
        )
        self._buffer.append(f'<row r="{n}">{cells}</row>')

    def add_list(self, column: int, values: Sequence[str], *, first_row: int = 2) -> None:
        """Offer a drop-down of `values` in the 1-based `column`, from `first_row` to the sheet's end.

        Other values stay possible (Excel warns, it does not refuse): an import may accept synonyms.
        Excel keeps a list of at most 255 characters; values cannot contain commas or quotes.
        """
        values = [str(v) for v in values]
        listed = ",".join(values)
        if not values or any("," in v or '"' in v for v in values) or len(listed) > 255:
            raise ValueError("a drop-down lists 1 to 255 characters of values without commas or quotes")
        letter = column_letter(column)
        self._validations.append(
            '<dataValidation type="list" errorStyle="warning" allowBlank="1" showErrorMessage="1"'
            f' sqref="{letter}{first_row}:{letter}1048576"><formula1>"{escape(listed)}"</formula1>'
            "</dataValidation>"
        )

    @property
    def rows(self) -> int:
        return self._row

    def _flush(self) -> None:
        if self._buffer:
            self._stream.write("".join(self._buffer).encode())
            self._buffer = []

    def close(self) -> None:
        if not self.closed:
            self._flush()
            tail = "</sheetData>"
            if self._validations:
                tail += f'<dataValidations count="{len(self._validations)}">{"".join(self._validations)}</dataValidations>'
            self._stream.write(f"{tail}</worksheet>".encode())
            self._stream.close()
            self.closed = True


class XlsxWriter:
    """A workbook written to `fileobj` (a path or a seekable binary file), sheet after sheet."""

    def __init__(self, fileobj, *, compresslevel: int = 1):
        self._zip = zipfile.ZipFile(
            fileobj, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel
        )
        self._titles: list[str] = []
        self._current: Sheet | None = None

    def sheet(self, title: str, *, widths: Sequence[float] = (), freeze_header: bool = True) -> Sheet:
        """Start the next sheet (closing the one before). Excel allows 31 characters, without []:*?/\\."""
        if self._current is not None:
            self._current.close()
        title = re.sub(r"[\[\]:*?/\\]", "", title)[:31] or f"Sheet{len(self._titles) + 1}"
        self._titles.append(title)
        stream = self._zip.open(f"xl/worksheets/sheet{len(self._titles)}.xml", "w")
        self._current = Sheet(stream, widths=widths, freeze_header=freeze_header)
        return self._current

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
            self._current = None
        if not self._titles:
            self.sheet("Sheet1", freeze_header=False).close()
        n = len(self._titles)
        sheets = "".join(
            f'<sheet name={quoteattr(t)} sheetId="{i}" r:id="rId{i}"/>' for i, t in enumerate(self._titles, 1)
        )
        parts = {
            "[Content_Types].xml": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                + "".join(
                    f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                    for i in range(1, n + 1)
                )
                + '<Override PartName="/xl/styles.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                '<Override PartName="/docProps/app.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
                "</Types>"
            ),
            "_rels/.rels": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<Relationships xmlns="{_NS_PKG_REL}">'
                f'<Relationship Id="rId1" Type="{_NS_REL}/officeDocument" Target="xl/workbook.xml"/>'
                f'<Relationship Id="rId2" Type="{_NS_REL}/extended-properties" Target="docProps/app.xml"/>'
                "</Relationships>"
            ),
            "docProps/app.xml": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
                "<Application>fenlei</Application></Properties>"
            ),
            "xl/workbook.xml": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<workbook xmlns="{_NS_MAIN}" xmlns:r="{_NS_REL}">'
                '<bookViews><workbookView activeTab="0"/></bookViews>'
                f"<sheets>{sheets}</sheets></workbook>"
            ),
            "xl/_rels/workbook.xml.rels": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<Relationships xmlns="{_NS_PKG_REL}">'
                + "".join(
                    f'<Relationship Id="rId{i}" Type="{_NS_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                    for i in range(1, n + 1)
                )
                + f'<Relationship Id="rId{n + 1}" Type="{_NS_REL}/styles" Target="styles.xml"/>'
                "</Relationships>"
            ),
            "xl/styles.xml": _STYLES,
        }
        for name, text in parts.items():
            self._zip.writestr(name, text)
        self._zip.close()

    def __enter__(self) -> XlsxWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:  # a failure: release the file without finishing the book
            if self._current is not None:
                self._current.closed = True
                self._current._stream.close()
            self._zip.close()
