"""A page outside one's area does not exist as far as the browser can tell."""

from tests.browser.conftest import in_chinese, login


def test_street_admin_gets_404_for_the_other_street(browser_world, page):
    login(page, "sam")
    response = page.goto(browser_world.street_b.get_absolute_url())

    assert response.status == 404
    assert page.locator("main h1").inner_text() == in_chinese("Not found")
    assert "乙街道" not in page.content()
    assert page.locator("nav.mainnav").is_visible()  # still signed in, with the usual shell
