"""Fixtures for the browser tests: one Chromium per worker, a fresh context per test, the fixture world
served by pytest-django's live server.

Chromium comes from the system (Debian's `chromium` on PATH): Playwright cannot download its own
browser here. Without it the tests are skipped locally and fail in CI (when `CI` is set).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from fenlei.core.testing.world import PASSWORD

HERE = Path(__file__).resolve().parent

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


def _chromium_or_bail() -> str:
    path = shutil.which("chromium")
    if path:
        return path
    reason = "no `chromium` on PATH (Debian: apt-get install chromium); the browser tests need it"
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="package")
def browser():
    """One headless Chromium for the browser tests of this worker (closed after the last of them).

    Playwright's sync API marks its asyncio loop as running in this thread between calls, and Django
    reacts to a running loop in two ways: it refuses ORM calls (lifted here through
    DJANGO_ALLOW_ASYNC_UNSAFE: the tests are plain synchronous code), and it hands out *new*
    database connections, kept per async context. Those would not be the connections the test
    database was set up on (and, with SQLite in memory, shared with the live server's thread), so
    the existing connection objects are put back in place for the time Playwright runs.
    """
    executable = _chromium_or_bail()
    from django.db import connections
    from playwright.sync_api import sync_playwright

    originals = {alias: connections[alias] for alias in connections}
    saved_flag = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    pw = sync_playwright().start()
    try:
        for alias, connection in originals.items():
            connections[alias] = connection
        chromium = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        pw.stop()
        if saved_flag is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved_flag


@pytest.fixture
def fast_passwords(settings):
    """A cheap password hash: the world has ten users and every test signs in (settings are
    process-wide, so the live server's thread checks passwords with it too)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def browser_world(browser, live_server, django_db_serialized_rollback, fast_passwords, world):
    """The fixture world, committed, so the live server's thread sees it.

    The live server needs real transactions (pytest-django makes the test transactional because it
    uses `live_server`); the database is flushed after each test, so the rows the migrations put
    there (site kinds, categories) are restored from a snapshot before each one.
    """
    return world


@pytest.fixture
def make_page(browser, live_server):
    """make_page(viewport=PHONE) -> a page in a fresh context (own cookies) against the live server."""
    contexts = []

    def make(viewport=DESKTOP):
        context = browser.new_context(base_url=live_server.url, viewport=viewport, locale="zh-CN")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(make_page):
    """A desktop-sized page in a fresh browser context."""
    return make_page()


def login(page, username: str, password: str = PASSWORD):
    """Sign in through the login form (as a person would) and wait for the page it lands on."""
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form.login button[type=submit]")


def in_chinese(message: str) -> str:
    """What the Chinese UI shows for an English msgid (the msgid itself until it is translated)."""
    from django.utils import translation

    with translation.override("zh-hans"):
        return translation.gettext(message)


def facts(page) -> dict[str, str]:
    """The <dl class="facts"> of the page as {label: value}."""
    return page.eval_on_selector(
        "dl.facts",
        """dl => Object.fromEntries([...dl.querySelectorAll('dt')].map(
               dt => [dt.textContent.trim(), dt.nextElementSibling.textContent.trim()]))""",
    )


def crumbs(page) -> list[str]:
    """The labels of the breadcrumb trail, top first."""
    return [
        t.strip()
        for t in page.locator("nav.breadcrumbs > a, nav.breadcrumbs > span:not(.sep)").all_inner_texts()
    ]
