"""The campaign in the browser: alice reads the campaign page (coverage, the burn-up against the
deadline, the forecast, the units at risk); cora, on her phone, finds the supervisors item of 甲一社区
not met, adds the missing supervisor in the people ledger through its form, and sees the item met
(and her community covered); she closes the supervisor row and the item is not met again.

The campaign is placed around today (the demo's way: every date moved), so that today is 3 August of
the campaign's year: the half-year milestone lies behind, the coverage deadline 58 days ahead.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

from django.urls import reverse
from django.utils import timezone

from fenlei.accounts import services as accounts
from fenlei.accounts.models import User
from fenlei.campaign import services
from fenlei.campaign.models import CoverageDay
from fenlei.campaign.tests.conftest import activity, containers, group, point, supervisor
from fenlei.collection.models import AreaDay
from fenlei.core.roles import Role
from fenlei.core.testing.world import PASSWORD
from fenlei.people.models import Supervisor
from fenlei.taxonomy.naming import streams
from tests.browser.conftest import DESKTOP, PHONE, crumbs, in_chinese, login

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def _covered_but_supervisors(campaign, area, admin, verifier, *, today):
    """Everything a community needs for coverage, but a supervisor at its drop-off point."""
    group(area, admin, on=today - datetime.timedelta(days=90))
    containers(area, admin, on=today - datetime.timedelta(days=90))
    activity(area, admin, on=today - datetime.timedelta(days=3))
    for stream in streams():
        for back in range(3):
            AreaDay.objects.create(
                area=area,
                day=today - datetime.timedelta(days=back),
                stream=stream.code,
                grams=500_000,
                records=2,
            )
    evidence = services.submit_evidence(
        _item(campaign, area, "plan"), by=admin, note=f"{area.name}实施方案", files=[]
    )
    services.decide_evidence(evidence, by=verifier, verify=True)
    return point(area, admin, on=today - datetime.timedelta(days=90))


def _item(campaign, area, code):
    from fenlei.campaign.models import Item

    return Item.objects.get(unit__campaign=campaign, unit__area=area, requirement__code=code)


def _mid_campaign(world):
    """The campaign, today its 3 August; b1 covered three weeks ago, a1 missing only a supervisor; the
    burn-up kept weekly back to the start (0 covered until b1)."""
    today = timezone.localdate()
    shift = (today - datetime.date(today.year, 8, 3)).days
    campaign = services.create_campaign(
        area=world.district, year=today.year, by=world.alice, shift_days=shift
    )
    bea = User.objects.create_user(username="bea", password=PASSWORD, display_name="Bea")
    accounts.assign(user=bea, role=Role.COMMUNITY_ADMIN, target=world.community_b1, by=None)
    b1_point = _covered_but_supervisors(campaign, world.community_b1, bea, world.olly, today=today)
    supervisor(b1_point, bea, name="赵督导")
    a1_point = _covered_but_supervisors(campaign, world.community_a1, world.cora, world.sam, today=today)
    services.refresh(campaign)
    rows = []
    day = today - datetime.timedelta(days=7)
    while day >= campaign.starts_on:
        b1 = 1 if day >= today - datetime.timedelta(days=21) else 0
        for area, communities, covered in (
            (world.district, 4, b1),
            (world.street_a, 2, 0),
            (world.street_b, 2, b1),
        ):
            rows.append(
                CoverageDay(
                    campaign=campaign,
                    area=area,
                    area_path=area.path,
                    day=day,
                    communities=communities,
                    covered=covered,
                    households=communities * 1000,
                    covered_households=covered * 1000,
                )
            )
        day -= datetime.timedelta(days=7)
    CoverageDay.objects.bulk_create(rows)
    return campaign, a1_point


def _shots(tmp_path) -> Path:
    return Path(os.environ.get("FENLEI_SCREENSHOT_DIR", str(tmp_path)))


def _supervisors_state(page) -> str:
    return page.locator("li.citem[data-code='supervisors']").get_attribute("data-state")


def test_the_campaign_page_and_a_rule_item_that_follows_the_ledger(browser_world, make_page, tmp_path):
    world = browser_world
    campaign, a1_point = _mid_campaign(world)

    # alice: the campaign page, from the menu
    page = make_page(DESKTOP)
    login(page, "alice")
    page.goto(reverse("campaign:index"))
    assert page.url.endswith(campaign.get_absolute_url())
    assert page.locator("#coverage-pct").inner_text() == "25.0%"
    svg = page.locator("#burnup svg")
    assert svg.is_visible()
    assert page.locator("#burnup-deadline").count() == 1 and page.locator("#burnup-target").count() == 1
    assert page.locator("#burnup-forecast").count() == 1
    assert svg.get_attribute("role") == "img"
    # one community in the 28 days: three left → 84 days, 26 past the deadline
    forecast = (timezone.localdate() + datetime.timedelta(days=84)).isoformat()
    assert page.locator("#forecast-date").inner_text() == forecast
    assert page.locator("#forecast").get_attribute("data-state") == "late"
    at_risk = page.locator("#at-risk")
    assert at_risk.is_visible()
    for name in ("甲一社区", "甲二社区", "乙二村"):
        assert at_risk.locator(f"li[data-area] a:text-is('{name}')").is_visible()
    assert page.locator("#children tr[data-risk]").count() == 1  # 甲街道 gained nothing in 28 days
    page.screenshot(path=str(_shots(tmp_path) / "campaign.png"), full_page=True)

    # the same page fits a phone: the chart scales to the screen's width
    phone = make_page(PHONE)
    login(phone, "alice")
    phone.goto(campaign.get_absolute_url())
    box = phone.locator("#burnup svg").bounding_box()
    assert 300 <= box["width"] <= PHONE["width"]
    assert phone.evaluate(NO_SIDEWAYS_SCROLL), phone.evaluate(
        "[document.documentElement.scrollWidth, innerWidth]"
    )
    phone.screenshot(path=str(_shots(tmp_path) / "campaign-phone.png"), full_page=True)

    # cora, on her phone: her checklist, the supervisors item not met
    page = make_page(PHONE)
    login(page, "cora")
    page.goto(reverse("campaign:index"))
    unit_url = reverse("campaign:unit", args=[campaign.pk, world.community_a1.pk])
    assert page.url.endswith(unit_url)
    assert crumbs(page) == [in_chinese("Campaigns"), campaign.name, "甲一社区"]
    assert _supervisors_state(page) == "unmet"
    assert page.locator("#unit-status").get_attribute("data-covered") == "0"
    assert page.locator("#next li[data-code='supervisors']").is_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL), page.evaluate(
        "[document.documentElement.scrollWidth, innerWidth]"
    )
    page.screenshot(path=str(_shots(tmp_path) / "campaign-unit-phone.png"), full_page=True)

    # she adds the supervisor at the point through the people ledger's form
    page.goto(reverse("people:supervisor-add") + f"?area={world.community_a1.pk}")
    page.fill("input[name=name]", "钱督导")
    page.fill("input[name=phone]", "13900000001")
    page.select_option("select[name=point]", str(a1_point.pk))
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()
    row = Supervisor.objects.get(name="钱督导")
    assert page.url.endswith(row.get_absolute_url())

    page.goto(unit_url)
    assert _supervisors_state(page) == "met"
    assert page.locator("#unit-status").get_attribute("data-covered") == "1"
    assert page.locator("#next li[data-code='supervisors']").count() == 0

    # she closes the row: the item is not met again
    page.goto(reverse("people:supervisor-close", args=[row.pk]))
    page.fill("textarea[name=note]", "调岗")
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()
    row.refresh_from_db()
    assert row.closed_on == timezone.localdate()
    page.goto(unit_url)
    assert _supervisors_state(page) == "unmet"
    assert page.locator("#unit-status").get_attribute("data-covered") == "0"
    page.locator("li.citem[data-code='supervisors'] a.citem-name").click()
    page.wait_for_url(f"**{_item(campaign, world.community_a1, 'supervisors').get_absolute_url()}")
    assert page.locator("#item-state").get_attribute("data-state") == "unmet"
    assert "1号投放点" in page.locator("#explanation").inner_text()
