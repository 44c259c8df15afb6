"""Signing in, and where each person lands."""

from tests.browser.conftest import login


def test_wrong_password_shows_an_error_and_stays_on_the_login_page(browser_world, page):
    login(page, "sam", "not-the-password")

    assert page.url.endswith("/accounts/login/")
    error = page.locator("form.login .errorbox[role=alert]")
    assert error.is_visible()
    assert error.inner_text().strip()
    assert page.locator("nav.mainnav").count() == 0  # still signed out


def test_right_password_lands_on_the_users_own_area(browser_world, page):
    login(page, "sam")

    street = browser_world.street_a
    assert page.url.endswith(street.get_absolute_url())
    assert page.locator("h1").inner_text().startswith("甲街道")
    assert page.locator("nav.mainnav").is_visible()
    # Only what sam may see: 甲街道's two communities, nothing of 乙街道.
    names = page.locator("#children tbody td:first-child a").all_inner_texts()
    assert sorted(names) == ["甲一社区", "甲二社区"]
