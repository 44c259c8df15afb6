"""A demonstration site from application to plaque, in Chromium: cora applies for 甲一花园 with a
scan, sam passes the street's review, alice fills the scoring sheet on a phone (every item passing)
and sees the site accepted, then names it with a plaque number; the site's page shows it named with
its timeline, and 甲一社区 no longer lacks a kind. Screenshots of the sheet (phone) and the list
go to FENLEI_SCREENSHOT_DIR when it is set."""

from __future__ import annotations

import os
from pathlib import Path

from django.urls import reverse
from django.utils import timezone

from fenlei.campaign import services
from fenlei.campaign.choices import DemoState
from fenlei.campaign.models import DemoSite
from fenlei.core import attachments
from fenlei.core.testing import files
from fenlei.inspections import services as inspections
from fenlei.inspections.choices import TargetType
from tests.browser.conftest import DESKTOP, PHONE, in_chinese, login

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def _shots(tmp_path) -> Path:
    return Path(os.environ.get("FENLEI_SCREENSHOT_DIR", str(tmp_path)))


def test_a_demonstration_site_from_application_to_plaque(browser_world, make_page, tmp_path):
    world = browser_world
    campaign = services.create_campaign(area=world.district, year=timezone.localdate().year, by=world.alice)
    estate = world.sites["a1_estate"]
    list_url = reverse("campaign:demo-list", args=[campaign.pk])

    # cora applies for 甲一花园 with a scan of the application
    page = make_page(DESKTOP)
    login(page, "cora")
    page.goto(list_url)
    assert page.locator(f"#lacking-units tr[data-area='{world.community_a1.pk}']").is_visible()
    with page.expect_navigation():
        page.click("#apply")
    page.select_option("select[name=site]", str(estate.pk))
    page.fill("textarea[name=note]", "小区定时定点投放，督导员全天在岗，居民参与率高")
    page.set_input_files(
        "input[name=files]",
        [{"name": "申报材料.pdf", "mimeType": "application/pdf", "buffer": files.pdf_bytes()}],
    )
    with page.expect_navigation():
        page.click("#apply-form button[type=submit]")
    demo = DemoSite.objects.get(site=estate)
    assert page.url.endswith(demo.get_absolute_url())
    assert page.locator("#demo-state").get_attribute("data-state") == DemoState.APPLIED
    assert page.locator("#files .gallery li").count() == 1
    assert attachments.of_row(demo, "evidence").get().name == "申报材料.pdf"

    # sam passes the street's review
    page = make_page(DESKTOP)
    login(page, "sam")
    page.goto(demo.get_absolute_url())
    with page.expect_navigation():
        page.click("#steps a[data-step='review']")
    page.fill("textarea[name=note]", "材料齐全，初审通过")
    with page.expect_navigation():
        page.click("#step-form button[type=submit]")
    assert page.locator("#demo-state").get_attribute("data-state") == DemoState.REVIEWED

    # alice fills the scoring sheet on her phone: every item passes
    page = make_page(PHONE)
    login(page, "alice")
    page.goto(demo.get_absolute_url())
    with page.expect_navigation():
        page.click("#steps a[data-step='accept']")
    assert "90" in page.locator("#pass-mark").inner_text()
    version = inspections.template_for(TargetType.SITE, estate)
    for item in version.items.all():
        row = page.locator(f"#item-{item.code}")
        if item.purity:
            row.locator(f"input[name=purity_{item.code}]").fill("92, 96")
        else:
            row.locator("label.choice.pass").click()
            assert row.locator("input[value=pass]").is_checked()
    page.fill("#item-F2 input[name=note_F2]", "容器洁净")
    # a photo of a passing item: the page dates it when it is chosen
    page.set_input_files(
        "#item-F2 input[type=file]",
        [{"name": "容器.jpg", "mimeType": "image/jpeg", "buffer": files.image_bytes(gps=False)}],
    )
    assert page.locator("#item-F2 input[name=taken_at_F2]").input_value()
    assert "容器.jpg" in page.locator("#item-F2 .photo-info").inner_text()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.screenshot(path=str(_shots(tmp_path) / "demo-site-sheet.png"), full_page=True)
    with page.expect_navigation():
        page.click("#submit-sheet")
    assert page.url.endswith(demo.get_absolute_url())
    assert page.locator("#demo-state").get_attribute("data-state") == DemoState.ACCEPTED
    assert "100.0" in page.locator("ul.messages").inner_text()
    assert "100.0" in page.locator("#demo-score").inner_text()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    # and names it with a plaque number
    with page.expect_navigation():
        page.click("#steps a[data-step='name']")
    page.fill("input[name=plaque]", "DH-2026-001")
    with page.expect_navigation():
        page.click("#step-form button[type=submit]")
    state = page.locator("#demo-state")
    assert state.get_attribute("data-state") == DemoState.NAMED
    assert state.inner_text() == in_chinese("Named")
    assert page.locator("#demo-plaque").inner_text() == "DH-2026-001"
    steps = page.locator("#timeline tr[data-step]")
    assert [steps.nth(i).get_attribute("data-step") for i in range(steps.count())] == [
        "apply",
        "review",
        "accept",
        "name",
    ]
    assert page.locator("#timeline tr[data-step='accept'] a").get_attribute("href") == (
        DemoSite.objects.get(pk=demo.pk).inspection.get_absolute_url()
    )
    demo.refresh_from_db()
    assert (demo.state, demo.plaque, demo.score) == (DemoState.NAMED, "DH-2026-001", 100)
    kept = attachments.of_row(demo.inspection, "photo").get()
    assert kept.part == "F2" and abs((timezone.now() - kept.taken_at).total_seconds()) < 120

    # the district's list: named, and 甲一社区 no longer lacks a kind
    page = make_page(DESKTOP)
    login(page, "alice")
    page.goto(list_url)
    assert page.locator(f"#demo-sites tr[data-demo='{demo.pk}']").get_attribute("data-state") == "named"
    assert page.locator(f"#lacking-units tr[data-area='{world.community_a1.pk}']").count() == 0
    assert page.locator(f"#lacking-units tr[data-area='{world.street_a.pk}']").is_visible()
    page.screenshot(path=str(_shots(tmp_path) / "demo-sites.png"), full_page=True)
