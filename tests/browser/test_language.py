"""The UI speaks Chinese by default and switches to English and back with the header button."""

from tests.browser.conftest import in_chinese, login


def _switch(page, code):
    with page.expect_navigation():
        page.click(f"header button[data-lang='{code}']")


def test_switch_language_and_back(browser_world, page):
    login(page, "alice")
    here = page.url
    home_link = page.locator("nav.mainnav a[data-nav='home']")

    assert page.get_attribute("html", "lang") == "zh-CN"
    assert home_link.inner_text() == in_chinese("Home")
    assert page.locator("header button[data-lang='zh-hans']").count() == 0

    _switch(page, "en")
    assert page.url == here  # the switch returns to the same page
    assert page.get_attribute("html", "lang") == "en"
    assert home_link.inner_text() == "Home"

    # The choice sticks for the next pages.
    page.goto(browser_world.street_a.get_absolute_url())
    assert page.get_attribute("html", "lang") == "en"

    _switch(page, "zh-hans")
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert home_link.inner_text() == in_chinese("Home")
