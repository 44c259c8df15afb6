"""A community officer adds a drop-off point on the form (the site list follows the chosen area)."""

from fenlei.facilities.models import DropOffPoint
from tests.browser.conftest import login


def test_community_officer_adds_a_drop_off_point(browser_world, page):
    world = browser_world
    login(page, "cora")
    page.goto("/facilities/dropoff/add/")
    page.fill("input[name=name]", "东门投放点")
    with page.expect_response(lambda r: "/org/site-options/" in r.url):
        page.select_option("select[name=area]", str(world.community_a1.pk))
    # htmx filled the site select with 甲一社区's sites
    page.select_option("select[name=site]", str(world.sites["a1_estate"].pk))
    page.fill("input[name=households_served]", "320")
    page.fill("input[name=opening_hours]", "07:00-09:00")
    with page.expect_navigation():
        page.click("form.form .actions button[type=submit]")
    point = DropOffPoint.objects.get(name="东门投放点")
    assert point.site == world.sites["a1_estate"] and point.area == world.community_a1
    assert page.url.endswith(point.get_absolute_url())
    page.goto("/facilities/dropoff/")
    assert page.locator("#ledger").inner_text().count("东门投放点") == 1
