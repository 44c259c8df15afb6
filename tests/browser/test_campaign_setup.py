"""The campaign set-up pages in a browser: at a phone's width they fit the screen; the office adds a
checklist line through the form and finds it in the checklist."""

from __future__ import annotations

import datetime
import os

from django.urls import reverse

from tests.browser.conftest import DESKTOP, PHONE, login

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"
#: Set to a folder to keep a screenshot of each page (for a person to look at).
SHOTS = os.environ.get("FENLEI_SHOTS")


def _campaign(w):
    from django.utils import timezone

    from fenlei.campaign import services

    today = timezone.localdate()
    campaign = services.create_campaign(area=w.district, year=today.year, by=w.alice)
    services.refresh(campaign)
    services.record_day(campaign)
    snapshot = services.take_snapshot(
        campaign, on=today - datetime.timedelta(days=1), name="昨日快照", by=w.alice
    )
    return campaign, snapshot


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_the_set_up_pages_fit_a_phone(browser_world, make_page):
    campaign, snapshot = _campaign(browser_world)
    req = campaign.requirements.get(code="publicity")
    pages = {
        "list": reverse("campaign:list"),
        "add": reverse("campaign:add"),
        "edit": reverse("campaign:edit", args=[campaign.pk]),
        "requirements": reverse("campaign:requirements", args=[campaign.pk]),
        "requirement-edit": reverse("campaign:requirement-edit", args=[req.pk]),
        "snapshots": reverse("campaign:snapshots", args=[campaign.pk]),
        "snapshot": reverse("campaign:snapshot", args=[snapshot.pk]),
    }
    for size, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = make_page(viewport)
        login(page, "alice")
        for name, url in pages.items():
            response = page.goto(url)
            assert response.status == 200, (name, response.status)
            _shot(page, f"{size}-{name}")
            assert page.evaluate(NO_SIDEWAYS_SCROLL), (
                name,
                page.evaluate("[document.documentElement.scrollWidth, innerWidth]"),
            )


def test_the_office_adds_a_line_and_finds_it_in_the_checklist(browser_world, page):
    campaign, _snapshot = _campaign(browser_world)
    login(page, "alice")
    page.goto(reverse("campaign:requirement-add", args=[campaign.pk]))
    page.fill("input[name=code]", "publicity-14")
    page.fill("input[name=name]", "近14天两次宣传")
    page.select_option("select[name=method]", "rule")
    page.select_option("select[name=rule]", "publicity")
    page.fill("input[name=days]", "14")
    page.fill("input[name=count]", "2")
    page.fill("input[name=due_on]", campaign.coverage_deadline.isoformat())
    page.fill("input[name=responsible]", "社区宣传委员")
    with page.expect_navigation():
        page.click("#requirement-form button[type=submit]")
    assert page.url.endswith(reverse("campaign:requirements", args=[campaign.pk]))
    row = page.locator("tr[data-code='publicity-14']")
    assert "近14天两次宣传" in row.inner_text()
    assert "14" in row.locator("td.params").inner_text()
