"""Walking down the area tree from the district page to a site."""

from tests.browser.conftest import crumbs, facts, in_chinese, login


def _open_child(page, name):
    with page.expect_navigation():
        page.locator("#children").get_by_role("link", name=name, exact=True).click()
    assert page.locator("h1").inner_text().startswith(name)


def test_district_admin_walks_down_to_a_site(browser_world, page):
    world = browser_world
    login(page, "alice")
    assert page.url.endswith(world.district.get_absolute_url())
    assert page.locator("h1").inner_text().startswith("东湖区")
    assert crumbs(page) == ["东湖区"]

    _open_child(page, "甲街道")
    assert page.url.endswith(world.street_a.get_absolute_url())
    assert crumbs(page) == ["东湖区", "甲街道"]
    assert page.locator("nav.breadcrumbs a").all_inner_texts() == ["东湖区"]

    _open_child(page, "甲一社区")
    assert crumbs(page) == ["东湖区", "甲街道", "甲一社区"]
    assert sorted(page.locator("#children tbody td:first-child a").all_inner_texts()) == [
        "甲一小学",
        "甲一花园",
    ]

    _open_child(page, "甲一花园")
    site = world.sites["a1_estate"]
    assert page.url.endswith(site.get_absolute_url())
    assert crumbs(page) == ["东湖区", "甲街道", "甲一社区", "甲一花园"]
    shown = facts(page)
    assert shown[in_chinese("Community")] == "甲一社区"
    assert shown[in_chinese("Property company")] == "甲一物业"
    stats = dict(
        zip(
            page.locator(".stats .stat .lbl").all_inner_texts(),
            page.locator(".stats .stat .num").all_inner_texts(),
            strict=True,
        )
    )
    assert stats[in_chinese("Households")] == "200"
    assert stats[in_chinese("Population")] == "500"

    # The breadcrumbs lead back up.
    with page.expect_navigation():
        page.locator("nav.breadcrumbs").get_by_role("link", name="甲街道", exact=True).click()
    assert page.url.endswith(world.street_a.get_absolute_url())
