"""The streaming workbook writer: what openpyxl (and so Excel and WPS) reads back from it."""

import datetime
import io
import os
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from fenlei.core.testing.excel import exported
from fenlei.core.xlsx import XlsxWriter, column_letter
from fenlei.facilities.importexport import DropOffPointLedger
from fenlei.facilities.models import DropOffPoint


def _book(rows, **sheet):
    buf = io.BytesIO()
    with XlsxWriter(buf) as book:
        ws = book.sheet("表一", widths=[10, 22.5, 8], **sheet)
        ws.append_header(["甲", "乙", "丙"], [True, False, False])
        for row in rows:
            ws.append(row)
    buf.seek(0)
    return buf


def test_column_letters():
    assert [column_letter(i) for i in (1, 2, 26, 27, 52, 53, 702, 703)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]


def test_values_read_back_as_written():
    aware = timezone.make_aware(datetime.datetime(2025, 6, 30, 8, 15, 30))
    rows = [
        ["城关街道", 120, 31.230001],
        [Decimal("120.500000"), Decimal("-0.25"), True],
        [datetime.date(2025, 6, 30), datetime.datetime(2025, 6, 30, 18, 5), aware],
        ["a & b <c> \"d\" 'e'", "  two spaces ", "=SUM(A1:A2)"],
        ["bell\x07 and nul\x00 dropped", "行一\n行二", None],
        ["", 0, False],
    ]
    wb = openpyxl.load_workbook(_book(rows))
    ws = wb["表一"]
    got = [list(r) for r in ws.iter_rows(values_only=True)]
    assert got[0] == ["甲", "乙", "丙"]
    assert got[1:] == [
        ["城关街道", 120, 31.230001],
        [120.5, -0.25, True],
        [
            datetime.datetime(2025, 6, 30),
            datetime.datetime(2025, 6, 30, 18, 5),
            datetime.datetime(2025, 6, 30, 8, 15, 30),  # an aware time in the local zone
        ],
        ["a & b <c> \"d\" 'e'", "  two spaces ", "=SUM(A1:A2)"],  # a string is never a formula
        ["bell and nul dropped", "行一\n行二", None],
        [None, 0, False],
    ]
    assert ws["A4"].number_format == "yyyy-mm-dd" and ws["A4"].is_date
    assert ws["B4"].is_date and ws["A2"].data_type == "s" and ws["B2"].data_type == "n"
    assert ws["C5"].data_type == "s" and ws["C5"].value == "=SUM(A1:A2)"
    # the header: bold, white on green where required, black on grey elsewhere; widths; frozen row
    assert (
        ws["A1"].font.b and ws["A1"].font.color.rgb == "FFFFFFFF" and ws["A1"].fill.fgColor.rgb == "FF1A7F4B"
    )
    assert ws["B1"].font.b and ws["B1"].fill.fgColor.rgb == "FFDDE3EA"
    assert not ws["A2"].font.b
    assert ws.column_dimensions["A"].width == 10 and ws.column_dimensions["B"].width == 22.5
    assert ws.freeze_panes == "A2"
    # the read-only reader (what the importer uses) sees the same rows
    ro = openpyxl.load_workbook(_book(rows), read_only=True)
    assert [list(r) for r in ro.worksheets[0].iter_rows(values_only=True)] == got


def test_a_book_is_a_valid_package_of_several_sheets():
    buf = io.BytesIO()
    with XlsxWriter(buf) as book:
        book.sheet("投放点").append(["x"])
        book.sheet("说明:[注]").append(["y"])
    buf.seek(0)
    with zipfile.ZipFile(buf) as z:
        assert z.testzip() is None
        assert {"[Content_Types].xml", "xl/workbook.xml", "xl/styles.xml", "xl/worksheets/sheet2.xml"} <= set(
            z.namelist()
        )
    wb = openpyxl.load_workbook(buf)
    assert wb.sheetnames == ["投放点", "说明注"]
    assert wb["说明注"]["A1"].value == "y"


def test_a_failed_write_is_not_a_book():
    buf = io.BytesIO()
    with pytest.raises(RuntimeError), XlsxWriter(buf) as book:
        book.sheet("x").append(["a"])
        raise RuntimeError("the query failed")
    buf.seek(0)
    with pytest.raises((KeyError, zipfile.BadZipFile)):
        openpyxl.load_workbook(buf)


@pytest.fixture
def points(world):
    made = []
    for i, (area, site) in enumerate(
        [
            (world.community_a1, world.sites["a1_estate"]),
            (world.community_b1, None),
            (world.community_a1, None),
        ]
    ):
        p = DropOffPoint(
            name=f"{area.name}{i}号点",
            area=area,
            site=site,
            households_served=100 + i,
            latitude=Decimal("30.123456") if i != 1 else None,
            in_use_since=datetime.date(2023, 5, i + 1) if i else None,
            supervisor="张三 & 李四" if i == 2 else "",
        )
        p.full_clean()
        p.save()
        made.append(p)
    return made


def test_export_reads_back_as_the_columns_export(world, points):
    ledger = DropOffPointLedger()
    qs = ledger.export_queryset(DropOffPoint.objects.all())
    rows = list(openpyxl.load_workbook(exported(ledger, qs)).worksheets[0].iter_rows(values_only=True))
    assert list(rows[0]) == ledger.headers()

    def as_read(value):
        if value in ("", None):
            return None
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, datetime.date):
            return datetime.datetime.combine(value, datetime.time())
        return value

    assert [list(r) for r in rows[1:]] == [[as_read(c.export(o)) for c in ledger.columns] for o in qs]
    # and the file goes back in unchanged
    plan = ledger.plan(exported(ledger, qs), world.alice)
    assert plan.ok and plan.unchanged == 3 and not plan.creates and not plan.updates


def test_export_to_a_path_is_the_callers_to_remove(world, points):
    ledger = DropOffPointLedger()
    path = ledger.export(ledger.export_queryset(DropOffPoint.objects.all()))
    try:
        assert openpyxl.load_workbook(path).worksheets[0].max_row == 4
    finally:
        os.unlink(path)


def test_template_has_the_headers_and_an_explanation(world, client_for):
    r = client_for("cora").get(reverse("facilities:dropoff-import-template"))
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    assert wb.sheetnames == ["投放点", "说明"]
    assert [c.value for c in wb["投放点"][1]] == DropOffPointLedger().headers()
    assert wb["投放点"].max_row == 1
    assert [r[0] for r in wb["说明"].iter_rows(min_row=2, values_only=True)] == DropOffPointLedger().headers()


def test_the_export_view_leaves_no_file_even_unclosed(world, client_for, points, tmp_path, monkeypatch):
    """The download streams from an anonymous temporary file: nothing stays on disk, whether or not
    the response is ever closed."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    r = client_for("alice").get(reverse("facilities:dropoff-export"))
    assert r.status_code == 200
    assert list(tmp_path.iterdir()) == []
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    assert wb.worksheets[0].max_row == 4


def _queries(ledger, queryset) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        exported(ledger, ledger.export_queryset(queryset))
    return len(ctx.captured_queries)


def test_every_ledger_exports_with_its_lean_query(world, points):
    """The export leaves out the columns no ledger reads; whatever a column does read is fetched
    with the rows (never a query per row)."""
    from fenlei.core.management.commands.import_xlsx import ledgers
    from fenlei.org.importexport import SiteLedger
    from fenlei.org.models import Site

    for ledger_class in ledgers().values():
        ledger = ledger_class()
        model = ledger.model
        book = exported(ledger, ledger.export_queryset(model._default_manager.all()))
        assert openpyxl.load_workbook(book).worksheets[0].max_row == 1 + model._default_manager.count()
    for ledger, model in ((DropOffPointLedger(), DropOffPoint), (SiteLedger(), Site)):
        first = model._default_manager.order_by("pk")[:1].get()
        assert model._default_manager.count() > 2
        assert _queries(ledger, model._default_manager.all()) == _queries(
            ledger, model._default_manager.filter(pk=first.pk)
        )


def test_drop_down_lists_read_back_and_refuse_what_excel_cannot_hold():
    buf = io.BytesIO()
    with XlsxWriter(buf) as book:
        ws = book.sheet("表一")
        ws.append_header(["类别", "质量"])
        ws.add_list(1, ["湿垃圾", "干垃圾"])
        ws.add_list(2, ["好", "一般", "差"], first_row=3)
        ws.append(["湿垃圾", "好"])
        with pytest.raises(ValueError):
            ws.add_list(3, ["a,b"])
        with pytest.raises(ValueError):
            ws.add_list(3, ["长" * 256])
    buf.seek(0)
    sheet = openpyxl.load_workbook(buf).worksheets[0]
    lists = {str(v.sqref): (v.type, v.formula1, v.errorStyle) for v in sheet.data_validations.dataValidation}
    assert lists == {
        "A2:A1048576": ("list", '"湿垃圾,干垃圾"', "warning"),
        "B3:B1048576": ("list", '"好,一般,差"', "warning"),
    }
    assert [c.value for c in sheet[2]] == ["湿垃圾", "好"]
