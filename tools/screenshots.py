"""Take the screenshots in docs/screenshots/ from a running fenlei that holds the demo district.

    fenlei seed --scale district            # once, on a fresh database
    fenlei runserver 127.0.0.1:8000         # in another terminal
    python tools/screenshots.py --base-url http://127.0.0.1:8000 --out docs/screenshots

It signs in as the demo district admin (see `fenlei demo_logins`) and saves, in the Chinese UI: the
sign-in page, the district's page and one site's page, each at a desktop width (1280 × 900) and a
phone width (375 × 812), as full-page PNGs. Needs Playwright and the system's `chromium`
(Debian: apt-get install chromium fonts-noto-cjk); Playwright's own browser download is not used.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

DEMO_USERNAME = "district_admin"
DEMO_PASSWORD = "fenlei-demo-2026"  # fenlei.org.seeding.DEMO_PASSWORD
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WIDTHS = {
    "desktop": {"width": 1280, "height": 900},
    "phone": {"width": 375, "height": 812},
}


class ScreenshotError(Exception):
    pass


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--base-url", default="http://127.0.0.1:8000", help="where fenlei runs (default: %(default)s)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("docs/screenshots"),
        help="folder for the PNGs (default: %(default)s)",
    )
    parser.add_argument("--username", default=DEMO_USERNAME, help="who signs in (default: %(default)s)")
    parser.add_argument(
        "--password",
        default=os.environ.get("FENLEI_DEMO_PASSWORD", DEMO_PASSWORD),
        help="their password (default: the demo password, or $FENLEI_DEMO_PASSWORD)",
    )
    parser.add_argument("--language", default="zh-CN", help="the browser's language (default: %(default)s)")
    return parser.parse_args(argv)


def warn_without_cjk_font() -> None:
    """Chinese text renders as empty boxes without a CJK font: say so before taking pictures of it."""
    if not shutil.which("fc-list"):
        return
    found = subprocess.run(
        ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False
    ).stdout
    if not found.strip():
        print(
            "warning: no Chinese font is installed (Debian: apt-get install fonts-noto-cjk); "
            "the screenshots will show boxes instead of Chinese text",
            file=sys.stderr,
        )


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form.login button[type=submit]")
    if "/accounts/login/" in page.url:
        raise ScreenshotError(
            f"could not sign in as {username!r}: is the demo district seeded (fenlei seed)?"
        )


def open_child(page) -> None:
    """Follow the first link in the page's table of children (streets, communities or sites)."""
    link = page.locator("#children tbody a").first
    if link.count() == 0:
        raise ScreenshotError(f"{page.url} lists nothing to open")
    with page.expect_navigation():
        link.click()


def find_pages(page) -> dict[str, str]:
    """The district page (where the district admin lands) and the first site found below it."""
    district = page.url
    open_child(page)  # a street
    open_child(page)  # a community
    open_child(page)  # a site
    if "/org/sites/" not in page.url:
        raise ScreenshotError(f"expected a site's page, got {page.url}")
    return {"district": district, "site": page.url}


def shoot(page, url: str, path: Path) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready")
    page.screenshot(path=str(path), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    note = f"  (scrolls sideways by {overflow}px)" if overflow > 0 else ""
    print(f"{path}{note}")


def main(argv=None) -> int:
    args = parse_args(argv)
    chromium = shutil.which("chromium")
    if not chromium:
        print("no `chromium` on PATH (Debian: apt-get install chromium)", file=sys.stderr)
        return 2
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("Playwright is not installed (pip install playwright)", file=sys.stderr)
        return 2
    warn_without_cjk_font()
    args.out.mkdir(parents=True, exist_ok=True)
    base_url = args.base_url.rstrip("/")

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            pages = None
            for name, viewport in WIDTHS.items():
                context = browser.new_context(base_url=base_url, viewport=viewport, locale=args.language)
                context.set_default_timeout(30_000)
                page = context.new_page()
                shoot(page, "/accounts/login/", args.out / f"login-{name}.png")
                sign_in(page, args.username, args.password)
                if pages is None:
                    pages = find_pages(page)
                for what, url in pages.items():
                    shoot(page, url, args.out / f"{what}-{name}.png")
                context.close()
        except (ScreenshotError, PlaywrightError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
