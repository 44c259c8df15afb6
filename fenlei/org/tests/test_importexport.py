"""The sites ledger in Excel: round trip, all-or-nothing, messages that name row and column, scope."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from fenlei.core.importexport import CellError, ImportFileError, parse_date, parse_int
from fenlei.core.models import AuditEntry, Face, ImportJob, ImportState
from fenlei.core.testing.excel import exported
from fenlei.org.importexport import SiteLedger
from fenlei.org.models import Site


def workbook(rows, headers=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers or [c.header for c in SiteLedger.columns])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "sites.xlsx"
    return buf


def row(
    name="新苑",
    community="甲一社区",
    street="甲街道",
    kind="物业小区",
    households=300,
    population=800,
    **extra,
):
    values = {
        "街道": street,
        "社区": community,
        "名称": name,
        "类型": kind,
        "户数": households,
        "人口": population,
    }
    values.update(extra)
    return [values.get(c.header) for c in SiteLedger.columns]


def read_back(book):
    wb = openpyxl.load_workbook(book)
    return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]


def test_export_then_import_changes_nothing(world):
    ledger = SiteLedger()
    book = exported(ledger, ledger.export_queryset(Site.objects.all()))
    rows = read_back(book)
    assert rows[0] == [c.header for c in SiteLedger.columns]
    assert len(rows) == 1 + Site.objects.count()
    plan = ledger.plan(book, world.alice)
    assert plan.ok, plan.errors
    assert (len(plan.creates), len(plan.updates), plan.unchanged) == (0, 0, 8)


def test_import_creates_and_updates_audited_as_import(world):
    ledger = SiteLedger()
    plan = ledger.plan(workbook([row(), row(name="甲一花园", households=450, population=1200)]), world.cora)
    assert plan.ok, [e.as_dict() for e in plan.errors]
    assert (len(plan.creates), len(plan.updates)) == (1, 1)
    summary = ledger.commit(plan, world.cora)
    assert summary["create"] == 1 and summary["update"] == 1
    created = Site.objects.get(name="新苑")
    assert created.area_path == world.community_a1.path
    updated = Site.objects.get(name="甲一花园")
    assert updated.households == 450
    entries = AuditEntry.objects.filter(face=Face.IMPORT, user=world.cora)
    assert {(e.object_repr, e.action) for e in entries} == {("新苑", "create"), ("甲一花园", "update")}
    assert entries.get(action="update").changes["households"] == [200, 450]


def test_one_bad_row_writes_nothing_and_is_named(world):
    before = Site.objects.count()
    plan = SiteLedger().plan(
        workbook([row(), row(name="乙", households="about 100"), row(name="丙")]), world.cora
    )
    assert not plan.ok
    assert [(e.row, e.column, e.value) for e in plan.errors] == [(3, "户数", "about 100")]
    with pytest.raises(ValueError):
        SiteLedger().commit(plan, world.cora)
    assert Site.objects.count() == before


def test_values_as_offices_write_them(world):
    plan = SiteLedger().plan(
        workbook([row(households="１２０", population="300人", 纬度="30.25")]), world.cora
    )
    assert plan.ok, [e.as_dict() for e in plan.errors]
    site = plan.creates[0]
    assert (site.households, site.population, site.latitude) == (120, 300, Decimal("30.250000"))


@pytest.mark.parametrize(
    ("persona", "values", "column", "reason_part"),
    [
        (
            "cora",
            {"community": "甲二社区"},
            "社区",
            "No community",
        ),  # outside cora's community: not even visible
        ("sam", {"community": "不存在社区"}, "社区", "No community"),
        ("cora", {"kind": "城堡"}, "类型", "Unknown kind"),
        ("leo", {"name": "甲一花园"}, "", "may not change"),  # leo sees it but is read-only
        ("leo", {"name": "新苑"}, "社区", "may not add"),
    ],
)
def test_scope_and_lookups(world, persona, values, column, reason_part):
    from django.utils import translation

    kwargs = dict(values)
    with translation.override("en"):
        plan = SiteLedger().plan(workbook([row(**kwargs)]), world.users[persona])
    assert not plan.ok
    assert plan.errors[0].column == column
    assert reason_part in plan.errors[0].reason


def test_duplicate_rows_and_missing_cells(world):
    plan = SiteLedger().plan(workbook([row(), row(), row(name=None)]), world.alice)
    assert [(e.row, e.column) for e in plan.errors] == [(3, "名称"), (4, "名称")]


def test_model_rules_apply_to_imports(world):
    plan = SiteLedger().plan(workbook([row(name="新学校", kind="学校")]), world.alice)
    assert [(e.row, e.column) for e in plan.errors] == [(2, "行业主管部门")]


def test_file_problems(world):
    with pytest.raises(ImportFileError, match="xlsx"):
        SiteLedger().plan(io.BytesIO(b"name,kind\n"), world.alice)
    with pytest.raises(ImportFileError):
        SiteLedger().plan(workbook([["x"]], headers=["名字", "类别"]), world.alice)


def test_parsers():
    assert parse_date("2025/6/30") == datetime.date(2025, 6, 30)
    assert parse_date("2025年6月30日") == datetime.date(2025, 6, 30)
    assert parse_date(45838) == datetime.date(2025, 6, 30)  # Excel serial
    assert parse_date("20250630") == datetime.date(2025, 6, 30)
    with pytest.raises(CellError):
        parse_date("2025-02-30")
    assert parse_int("１２０") == 120
    assert parse_int("120L", units=("L",)) == 120
    assert parse_int("1,200") == 1200
    with pytest.raises(CellError):
        parse_int("120L")
    with pytest.raises(CellError):
        parse_int("-3")


def test_web_import_dry_run_then_commit(world, client_for):
    c = client_for("cora")
    r = c.post(
        reverse("org:site-import"), {"file": workbook([row(), row(name="坏", population="x")])}, follow=True
    )
    assert r.status_code == 200 and "import-errors" in r.content.decode()
    assert r.context["job"].error_count == 1 and not r.context["job"].ready
    assert not Site.objects.filter(name="新苑").exists()
    r = c.post(reverse("org:site-import"), {"file": workbook([row()])})
    assert r.status_code == 302
    job = ImportJob.objects.get(pk=r.url.rstrip("/").rsplit("/", 1)[1])
    assert job.ready and job.user == world.cora and not Site.objects.filter(name="新苑").exists()
    assert 'id="import-commit"' in c.get(r.url).content.decode()
    confirm = reverse("core:import-job-confirm", args=[job.pk])
    assert client_for("sam").post(confirm).status_code == 404  # another user's job is out of sight
    r = c.post(confirm)
    assert r.status_code == 302 and r.url == reverse("org:site-list")
    assert AuditEntry.objects.filter(object_repr="新苑", face=Face.IMPORT).exists()
    job.refresh_from_db()
    assert job.state == ImportState.DONE and job.summary["create"] == 1
    r = c.post(confirm)  # a second click writes nothing more
    assert r.status_code == 302 and Site.objects.filter(name="新苑").count() == 1


def test_web_import_refuses_what_is_not_a_workbook(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client_for("cora").post(
        reverse("org:site-import"), {"file": SimpleUploadedFile("sites.csv", b"name,kind\n")}
    )
    assert r.status_code == 400 and "xlsx" in r.context["file_error"]
    assert not ImportJob.objects.exists()


def test_web_export_is_scoped_and_filtered(world, client_for):
    r = client_for("sam").get(reverse("org:site-export"))
    assert r.status_code == 200
    body = b"".join(r.streaming_content)
    rows = list(openpyxl.load_workbook(io.BytesIO(body)).worksheets[0].iter_rows(values_only=True))
    assert sorted(r[2] for r in rows[1:]) == sorted(["甲一花园", "甲一小学", "甲二小区", "甲二饭店"])
    r = client_for("sam").get(reverse("org:site-export"), {"q": "花园"})
    rows = list(
        openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content)))
        .worksheets[0]
        .iter_rows(values_only=True)
    )
    assert [r[2] for r in rows[1:]] == ["甲一花园"]
    assert client_for("mia").get(reverse("org:site-import")).status_code == 403


def test_template_download(world, client_for):
    r = client_for("cora").get(reverse("org:site-import-template"))
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    assert [c.value for c in wb.worksheets[0][1]] == [c.header for c in SiteLedger.columns]


def test_cli_import(world, tmp_path):
    path = tmp_path / "sites.xlsx"
    path.write_bytes(workbook([row(name="命令行小区")]).getvalue())
    call_command("import_xlsx", "sites", str(path), "--user", "cora")
    assert not Site.objects.filter(name="命令行小区").exists()  # dry run
    call_command("import_xlsx", "sites", str(path), "--user", "cora", "--commit")
    assert AuditEntry.objects.filter(object_repr="命令行小区", face=Face.IMPORT).exists()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook([row(name="x", households="many")]).getvalue())
    with pytest.raises(CommandError, match="nothing written"):
        call_command("import_xlsx", "sites", str(bad), "--user", "cora", "--commit")
