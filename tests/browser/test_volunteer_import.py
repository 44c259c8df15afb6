"""A community officer imports a volunteers sheet with an error, sees the row and column named,
fixes the sheet and imports it again."""

import openpyxl

from fenlei.core.models import AuditEntry, Face
from fenlei.people.importexport import VolunteerLedger
from fenlei.people.models import Volunteer
from tests.browser.conftest import in_chinese, login


def _sheet(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([c.header for c in VolunteerLedger.columns])
    for values in rows:
        ws.append([values.get(c.header) for c in VolunteerLedger.columns])
    wb.save(path)
    return str(path)


def test_import_with_an_error_then_fixed(browser_world, page, tmp_path):
    login(page, "cora")
    good = {"街道": "甲街道", "社区": "甲一社区", "姓名": "王芳", "类型": "volunteer", "电话": "13812345678"}
    bad = {**good, "姓名": "李强", "加入日期": "去年"}
    page.goto("/people/volunteer/import/")
    page.set_input_files("input[name=file]", _sheet(tmp_path / "bad.xlsx", [good, bad]))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    errors = page.locator("#import-errors tbody tr")
    assert errors.count() == 1
    cells = errors.first.locator("td").all_inner_texts()
    assert cells[0] == "3" and cells[1] == "加入日期" and cells[2] == "去年"
    assert not Volunteer.objects.exists()

    assert page.locator("#import-commit").count() == 0
    with page.expect_navigation():
        page.click("text=" + in_chinese("Upload a corrected file"))
    bad["加入日期"] = "2025年6月30日"
    page.set_input_files("input[name=file]", _sheet(tmp_path / "fixed.xlsx", [good, bad]))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("#error-count").inner_text() == "0"
    with page.expect_navigation():
        page.click("#import-commit")
    assert sorted(Volunteer.objects.values_list("name", flat=True)) == ["李强", "王芳"]
    assert AuditEntry.objects.filter(content_type__model="volunteer", face=Face.IMPORT).count() == 2
    assert "/people/volunteer/" in page.url
