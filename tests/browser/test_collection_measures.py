"""The collection overview as a community officer sees it on a phone: her community's tonnage, rates
and sites, each site opening its own figures, and nothing wider than the screen."""

import datetime
import os

from django.utils import timezone

from tests.browser.conftest import PHONE, login

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def _records(world):
    from fenlei.collection import services
    from fenlei.collection.choices import EntryFace

    first = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)  # last day of last month
    estate, school = world.sites["a1_estate"], world.sites["a1_school"]
    rows = []
    for i, (site, stream, kg) in enumerate(
        [(estate, "wet", 300), (estate, "dry", 200), (school, "wet", 40), (estate, "recyclable", 60)]
    ):
        day = first - datetime.timedelta(days=i)
        rows.append(
            {
                "client_id": f"b{i}",
                "occurred_at": f"{day.isoformat()}T08:00:00+08:00",
                "site": site.pk,
                "stream": stream,
                "weight_kg": kg,
            }
        )
    result = services.ingest(rows, face=EntryFace.FORM, by=world.alice)
    assert result.rejected == []
    return first


def test_a_community_officer_reads_her_figures_on_a_phone(browser_world, make_page, tmp_path):
    day = _records(browser_world)
    page = make_page(PHONE)
    login(page, "cora")
    page.goto(f"/collection/?kind=month&date={day.isoformat()}")
    assert page.locator("h1").inner_text().endswith("甲一社区")
    # 300 + 200 + 40 + 60 kg; 厨余分出率 (300 + 40) ÷ (340 + 200)
    assert page.locator("#headline .stat .num").first.inner_text() == "600.0"
    assert page.locator("#headline [data-rate=food_share] .num").inner_text() == "63.0%"
    assert page.evaluate(NO_SIDEWAYS_SCROLL), page.evaluate(
        "[document.documentElement.scrollWidth, innerWidth]"
    )
    page.screenshot(
        path=os.environ.get("FENLEI_SCREENSHOT_DIR", str(tmp_path)) + "/collection-phone.png", full_page=True
    )
    with page.expect_navigation():
        page.locator("#children a", has_text="甲一花园").click()
    assert page.locator("h1").inner_text().endswith("甲一花园")
    assert page.locator("#headline .stat .num").first.inner_text() == "560.0"
    # outside her community: not found
    response = page.goto(f"/collection/?area={browser_world.street_a.pk}")
    assert response.status == 404


def test_the_office_reads_the_district_and_its_quality(browser_world, make_page, tmp_path):
    day = _records(browser_world)
    page = make_page()
    login(page, "alice")
    page.goto(f"/collection/?kind=month&date={day.isoformat()}")
    assert page.locator("#period-picker select[name=kind]").input_value() == "month"
    assert page.locator("#children tbody tr").count() == 2  # 甲街道, 乙街道
    shots = os.environ.get("FENLEI_SCREENSHOT_DIR", str(tmp_path))
    page.screenshot(path=f"{shots}/collection-desktop.png", full_page=True)
    with page.expect_navigation():
        page.locator("#quality a").click()
    assert page.locator("#quality-units tbody tr").count() == 2
    page.screenshot(path=f"{shots}/collection-quality.png", full_page=True)
    # the period picker: the quarter around the same day
    page.select_option("#period-picker select[name=kind]", "quarter")
    with page.expect_navigation():
        page.click("#period-picker button")
    assert "kind=quarter" in page.url
