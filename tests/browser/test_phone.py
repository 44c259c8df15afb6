"""At a phone's width (375 × 812) the pages fit the screen and the menu folds behind a toggle."""

from tests.browser.conftest import PHONE, login

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def test_pages_fit_a_phone_and_the_menu_opens(browser_world, make_page):
    page = make_page(PHONE)
    login(page, "alice")
    assert page.url.endswith(browser_world.district.get_absolute_url())
    assert page.evaluate(NO_SIDEWAYS_SCROLL), page.evaluate(
        "[document.documentElement.scrollWidth, innerWidth]"
    )

    menu = page.locator("nav.mainnav")
    toggle = page.locator("label.nav-toggle-label")
    assert toggle.is_visible()
    assert menu.is_hidden()
    toggle.click()
    assert menu.is_visible()
    assert menu.locator("a[data-nav='sites']").is_visible()
    toggle.click()
    assert menu.is_hidden()

    page.goto(browser_world.sites["a1_school"].get_absolute_url())
    assert page.locator("h1").inner_text().startswith("甲一小学")
    assert page.evaluate(NO_SIDEWAYS_SCROLL), page.evaluate(
        "[document.documentElement.scrollWidth, innerWidth]"
    )
