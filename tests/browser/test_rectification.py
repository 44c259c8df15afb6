"""Rectification on a phone: an inspection with two problems; mia (site manager) answers one order
with a photo from the camera input, which the page dates and places (geolocation); ian verifies it
and it closes. The other order goes overdue and is escalated to the street (sam's inbox and the
escalated list) and then to the district (alice's escalated list, the screenshot for the docs)."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

from django.urls import reverse

from fenlei.core.testing import files
from fenlei.inspections import services
from fenlei.inspections.choices import Escalation, OrderState, Step
from fenlei.inspections.models import RectificationOrder
from tests.browser.conftest import DESKTOP, PHONE, TIMEOUT_MS, login

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def _phone_with_position(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        locale="zh-CN",
        geolocation={"latitude": 31.234567, "longitude": 121.470100},
        permissions=["geolocation"],
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context


def _inspect(world):
    from fenlei.inspections.tests.conftest import A1_GARDEN, inspect

    garden = world.sites["a1_estate"]
    garden.latitude, garden.longitude = A1_GARDEN
    garden.save(update_fields=["latitude", "longitude"])
    inspection, _ = inspect(world.ian, garden, fail=["F2", "Q2"])
    return {o.item.code: o for o in inspection.orders.all()}


def test_answer_verify_and_escalate(browser_world, browser, live_server, make_page, tmp_path):
    world = browser_world
    orders = _inspect(world)
    answered, late = orders["F2"], orders["Q2"]

    # mia answers on her phone: the camera input, the time and the place filled in by the page
    context = _phone_with_position(browser, live_server)
    try:
        page = context.new_page()
        login(page, "mia")
        page.goto(reverse("inspections:order-list"))
        assert page.locator(f"tr[data-order='{answered.number}']").is_visible()
        assert page.evaluate(NO_SIDEWAYS_SCROLL)
        page.goto(answered.get_absolute_url())
        form = page.locator("form[data-step='answer']")
        photo = tmp_path / "after.jpg"
        photo.write_bytes(files.image_bytes(gps=False))
        form.locator("input[name=photo_0]").set_input_files(str(photo))
        page.wait_for_function("document.querySelector('[name=latitude_0]').value !== ''", timeout=TIMEOUT_MS)
        assert form.locator("input[name=taken_at_0]").input_value()
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert page.locator("#order-state").get_attribute("data-state") == OrderState.SUBMITTED
        assert page.locator("#after .distance").count() == 1
        assert page.evaluate(NO_SIDEWAYS_SCROLL)
    finally:
        context.close()

    answered.refresh_from_db()
    assert answered.state == OrderState.SUBMITTED
    assert answered.events.get(step=Step.ANSWER).data["distance_m"] < 50

    # ian verifies: closed
    page = make_page(DESKTOP)
    login(page, "ian")
    page.goto(answered.get_absolute_url())
    with page.expect_navigation():
        page.locator("form[data-step='verify'] button[type=submit]").click()
    assert page.locator("#order-state").get_attribute("data-state") == OrderState.CLOSED
    answered.refresh_from_db()
    assert answered.state == OrderState.CLOSED

    # the other order goes overdue: escalated to the street
    run = services.run_deadlines(
        today=late.deadline + datetime.timedelta(days=1),
        now=_noon(late.deadline + datetime.timedelta(days=1)),
    )
    assert run.to_street == 1
    late.refresh_from_db()
    assert late.state == OrderState.OVERDUE and late.escalation == Escalation.STREET

    page = make_page(DESKTOP)
    login(page, "sam")
    assert page.locator("#inbox-unread").is_visible()
    page.goto(reverse("core:inbox"))
    item = page.locator("#inbox li[data-kind='inspections.order_escalated']")
    assert late.number in item.inner_text()
    with page.expect_navigation():
        item.locator("a").click()
    assert page.url.endswith(late.get_absolute_url())
    page.goto(reverse("inspections:order-escalated"))
    assert page.locator(f"#escalated tr[data-order='{late.number}'][data-level='1']").is_visible()

    # past the street's working days: escalated to the district
    later = late.deadline + datetime.timedelta(days=10)
    services.run_deadlines(today=later, now=_noon(later))
    late.refresh_from_db()
    assert late.escalation == Escalation.DISTRICT
    assert RectificationOrder.objects.filter(escalation=Escalation.DISTRICT).count() == 1

    page = make_page(DESKTOP)
    login(page, "alice")
    page.goto(reverse("inspections:order-escalated"))
    assert page.locator(f"#escalated tr[data-order='{late.number}'][data-level='2']").is_visible()
    shots = Path(os.environ.get("FENLEI_SCREENSHOT_DIR", str(tmp_path)))
    page.screenshot(path=str(shots / "escalated-orders.png"), full_page=True)


def _noon(day):
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))
