"""A resident's report becomes a rectification order and the reporter sees its status change.

On a phone-sized Chromium, without signing in, a resident picks the street and the community, says
what is wrong and where, takes a photo (a real JPEG) and lets the page add the phone's position; the
page gives the report's number and the follow link. sam (street admin) signs in, finds the report in
the queue and turns it into an order with the target and item the page suggests. mia (the site's
manager) answers the order with an "after" photo and ian verifies it; each time the reporter reloads
the follow link and sees the new phase, and never a staff name.
"""

from __future__ import annotations

import io

from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw

from fenlei.core.testing import files
from fenlei.inspections import services
from fenlei.inspections.choices import OrderState, Step
from fenlei.public.choices import ReportState
from fenlei.public.models import ResidentReport
from tests.browser.conftest import DESKTOP, PHONE, TIMEOUT_MS, login

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def _jpeg(path):
    """A photo of an overflowing bin, as a camera would save it (a real JPEG written by Pillow)."""
    img = Image.new("RGB", (640, 480), (200, 200, 190))
    draw = ImageDraw.Draw(img)
    draw.rectangle((200, 180, 320, 400), fill=(30, 120, 60), outline=(0, 0, 0))
    draw.ellipse((180, 120, 360, 220), fill=(90, 90, 90))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    path.write_bytes(out.getvalue())
    return path


def _status(page) -> tuple[str, str]:
    node = page.locator("#report-status")
    return node.get_attribute("data-status"), node.get_attribute("data-phase") or ""


def test_a_residents_report_becomes_an_order_and_the_reporter_follows_it(
    browser_world, browser, live_server, make_page, tmp_path
):
    world = browser_world
    garden = world.sites["a1_estate"]

    # the resident, on a phone that allows its position
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        locale="zh-CN",
        geolocation={"latitude": 31.234567, "longitude": 121.4701},
        permissions=["geolocation"],
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        phone = context.new_page()
        phone.goto(reverse("reports:new"))
        with phone.expect_navigation():
            phone.select_option("#street", str(world.street_a.pk))
        with phone.expect_navigation():
            phone.select_option("#community", str(world.community_a1.pk))
        assert phone.locator("#where").inner_text().startswith("甲街道")
        form = phone.locator("#report-form")
        form.locator("input[name=kind][value=overflow]").check()
        form.locator("select[name=target]").select_option(f"site:{garden.pk}")
        form.locator("input[name=place]").fill("5号楼东侧")
        form.locator("textarea[name=description]").fill("垃圾桶满溢，周边都是垃圾袋")
        form.locator("#photo-0").set_input_files(str(_jpeg(tmp_path / "bin.jpg")))
        phone.wait_for_function(
            "document.querySelector('#report-form [name=latitude]').value !== ''", timeout=TIMEOUT_MS
        )
        assert phone.evaluate(NO_SIDEWAYS_SCROLL)
        with phone.expect_navigation():
            form.locator("#send").click()
        assert phone.locator("#sent").is_visible()
        link = phone.locator("#follow-link").get_attribute("href")
        number = phone.locator("#report-number").inner_text()
        assert "/report/s/" in link and _status(phone) == (ReportState.RECEIVED, "")
        assert phone.evaluate(NO_SIDEWAYS_SCROLL)
        phone.screenshot(path=str(tmp_path / "report-sent.png"), full_page=True)

        report = ResidentReport.objects.get(number=number)
        assert report.site == garden and report.accuracy_m is not None
        assert str(report.latitude) == "31.234567"

        # sam turns it into an order from the queue, with the suggested target and item
        office = make_page(DESKTOP)
        login(office, "sam")
        office.goto(reverse("reports:queue"))
        with office.expect_navigation():
            office.locator(f"tr[data-report='{number}'] a").first.click()
        assert office.locator("#photos img").count() == 1
        assert office.locator("#order-form select[name=item]").input_value()
        with office.expect_navigation():
            office.locator("#order-form button[type=submit]").click()
        assert office.locator("#report-state").get_attribute("data-state") == ReportState.ORDERED
        report.refresh_from_db()
        order = report.order
        assert order.site == garden and order.state == OrderState.PENDING
        office.goto(order.get_absolute_url())
        assert office.locator("#from-report").inner_text().endswith(number)
        assert office.locator("#before img").count() == 1  # the resident's photo

        phone.goto(link)
        assert _status(phone) == (ReportState.ORDERED, "open")
        assert phone.locator("#report-deadline").inner_text() == order.deadline.isoformat()

        # mia answers it, ian verifies: the reporter sees each phase
        after = services.PhotoIn(
            file=files.upload("after.jpg", files.image_bytes(gps=False), "image/jpeg"),
            taken_at=timezone.now(),
            latitude=31.234567,
            longitude=121.4701,
        )
        services.transition(order, Step.ANSWER, by=world.mia, photos=[after], note="物业已清运")
        phone.reload()
        assert _status(phone) == (ReportState.ORDERED, "fixed")
        services.transition(order, Step.VERIFY, by=world.ian, note="督导员内部意见")
        phone.reload()
        assert _status(phone) == (ReportState.ORDERED, "closed")
        steps = phone.locator("#report-timeline li[data-step]")
        assert [steps.nth(i).get_attribute("data-step") for i in range(steps.count())] == [
            Step.ISSUE,
            Step.ANSWER,
            Step.VERIFY,
        ]
        text = phone.locator("main").inner_text()
        for hidden in ("Sam", "Mia", "Ian", "物业已清运", "督导员内部意见", order.number):
            assert hidden not in text, hidden
        assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    finally:
        context.close()
