"""A street officer uploads a large sites sheet: the check runs in the background while the page shows
its progress; the officer leaves, comes back through "My imports", confirms, watches the write reach
the end and finds the rows in the list."""

import openpyxl

from fenlei.core.models import AuditEntry, Face, ImportJob, ImportState
from fenlei.org.models import Site
from tests.browser.conftest import in_chinese, login

ROWS = 3000
#: How long the check or the write may take on a busy machine.
WAIT_MS = 180_000


def _sheet(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["街道", "社区", "名称", "类型", "户数"])
    for i in range(ROWS):
        ws.append(["甲街道", "甲一社区" if i % 2 else "甲二社区", f"批量小区{i:04d}", "物业小区", 100 + i])
    wb.save(path)
    return str(path)


def test_large_import_in_the_background(browser_world, page, tmp_path, settings):
    settings.FENLEI_IMPORT_RUNNER = "thread"
    settings.FENLEI_IMPORT_INLINE_ROWS = 100
    login(page, "sam")
    page.goto("/org/sites/import/")
    page.set_input_files("input[name=file]", _sheet(tmp_path / "sites.xlsx"))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/imports/" in page.url
    job_url = page.url
    assert page.locator("#import-progress progress").count() == 1  # the check has only just begun
    # The bar is polled while the rows are checked; when the check ends the page reloads with the result.
    page.wait_for_selector("#error-count", timeout=WAIT_MS)
    assert page.locator("#error-count").inner_text() == "0"
    assert page.locator("#count-create").inner_text() == str(ROWS)
    assert not Site.objects.filter(name__startswith="批量小区").exists()

    # Leave, and come back through the navigation.
    page.goto("/")
    with page.expect_navigation():
        page.click("nav.mainnav >> text=" + in_chinese("My imports"))
    with page.expect_navigation():
        page.click("#import-jobs a")
    assert page.url == job_url

    with page.expect_navigation():
        page.click("#import-commit")
    assert page.locator("#job-state").get_attribute("data-state") == ImportState.COMMITTING
    assert page.locator("#import-progress progress").count() == 1
    page.wait_for_selector("#job-state[data-state=done]", timeout=WAIT_MS)
    job = ImportJob.objects.get()
    assert job.state == ImportState.DONE and job.summary["create"] == ROWS
    assert Site.objects.filter(name__startswith="批量小区").count() == ROWS
    assert AuditEntry.objects.filter(object_repr__startswith="批量小区", face=Face.IMPORT).count() == ROWS

    with page.expect_navigation():
        page.click("#import-done-list")
    page.fill("input[name=q]", "批量小区0001")
    with page.expect_navigation():
        page.press("input[name=q]", "Enter")
    assert page.locator("main table").inner_text().count("批量小区0001") == 1
