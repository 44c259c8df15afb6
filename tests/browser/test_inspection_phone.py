"""An inspector on a phone: picks 甲一花园 from the targets nearby, marks a problem with a photo,
fills a purity item and sends the inspection; then inspects offline, and the draft waiting on the
phone is sent once the phone is online again."""

from __future__ import annotations

import os
from decimal import Decimal

from fenlei.core.testing.files import image_bytes
from tests.browser.conftest import PHONE, in_chinese, login

#: 甲一花园's position in the test (a point in 上海); the phone stands some 30 m from it.
GARDEN = (Decimal("31.234567"), Decimal("121.470000"))
PHONE_AT = {"latitude": 31.2348, "longitude": 121.4701, "accuracy": 12}
OUTBOX_EMPTY = "JSON.parse(localStorage.getItem('fenlei.inspect.outbox') || '[]').length === 0"


def _answer_all(page, version, *, fail=(), purity=("92", "88")):
    for item in version.items.all():
        if item.purity:
            page.fill(f"#item-{item.code} .bin-value >> nth=0", purity[0])
            for n, value in enumerate(purity[1:], start=1):
                page.click(f"#item-{item.code} .add-bin")
                page.fill(f"#item-{item.code} .bin-value >> nth={n}", value)
        else:
            result = "fail" if item.code in fail else "pass"
            page.check(f"#item-{item.code} input[value={result}]")


def test_an_inspection_on_a_phone_online_then_offline(browser_world, make_page, tmp_path):
    from fenlei.core import attachments
    from fenlei.inspections import services
    from fenlei.inspections.choices import TargetType
    from fenlei.inspections.models import Inspection, RectificationOrder

    w = browser_world
    garden = w.sites["a1_estate"]
    garden.latitude, garden.longitude = GARDEN
    garden.save(update_fields=["latitude", "longitude"])
    version = services.template_for(TargetType.SITE, garden)

    page = make_page(PHONE)
    context = page.context
    context.grant_permissions(["geolocation"])
    context.set_geolocation(PHONE_AT)
    login(page, "ian")

    # the start page lists 甲一花园 among the targets nearby
    page.goto("/inspections/inspect/")
    nearby = page.locator(f"#nearby-list a[data-target='site-{garden.pk}']")
    nearby.wait_for()
    assert "甲一花园" in nearby.inner_text()
    with page.expect_navigation():
        nearby.click()
    assert page.url.endswith(f"/inspections/inspect/site/{garden.pk}/")

    # F2 a problem with a photo, the purity of two bins, everything else passes
    _answer_all(page, version, fail=["F2"])
    page.fill("#item-F2 .note", "桶满溢")
    page.set_input_files(
        "#item-F2 .photo-input", files=[{"name": "f2.jpg", "mimeType": "image/jpeg", "buffer": image_bytes()}]
    )
    page.locator("#item-F2 .thumb img").wait_for()
    assert "pass" in page.get_attribute("#item-Q1 .purity-result", "class")
    page.fill("#item-Q1 .bin-value >> nth=1", "70")
    assert "fail" in page.get_attribute("#item-Q1 .purity-result", "class")
    page.fill("#item-Q1 .bin-value >> nth=1", "88")
    page.wait_for_function("document.getElementById('position').textContent.length > 0")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shots = os.environ.get("FENLEI_SCREENSHOT_DIR", str(tmp_path))
    page.screenshot(path=f"{shots}/inspection-phone.png", full_page=True)

    page.click("#send")
    page.locator("#result-orders a").wait_for()
    inspection = Inspection.objects.get(inspector=w.ian)
    assert inspection.problems == 1 and inspection.distance_m is not None and not inspection.far
    order = RectificationOrder.objects.get(inspection=inspection)
    assert order.item.code == "F2" and page.locator("#result-orders a").inner_text() == order.number
    photo = attachments.of_row(inspection).get()
    assert photo.part == "F2" and photo.taken_at is not None
    assert float(photo.latitude) == PHONE_AT["latitude"] and float(photo.longitude) == PHONE_AT["longitude"]
    assert [a.purity for a in inspection.answers.filter(item__code="Q1")] == [[92.0, 88.0]]
    assert page.evaluate(OUTBOX_EMPTY)

    # offline: the draft waits on the phone, and is sent (once) from the start page when online
    page.goto(f"/inspections/inspect/site/{garden.pk}/")
    _answer_all(page, version, purity=("95",))
    context.set_offline(True)
    page.click("#send")
    page.locator("#status.queued").wait_for()
    assert in_chinese("Saved on this phone; it is sent automatically once online.") in page.inner_text(
        "#status"
    )
    client_id = page.evaluate("JSON.parse(localStorage.getItem('fenlei.inspect.outbox'))[0].client_id")
    page.close()
    assert Inspection.objects.filter(inspector=w.ian).count() == 1

    context.set_offline(False)
    again = context.new_page()
    again.goto("/inspections/inspect/")
    again.wait_for_function(OUTBOX_EMPTY)
    assert Inspection.objects.filter(inspector=w.ian, client_id=client_id).count() == 1
    assert Inspection.objects.filter(inspector=w.ian).count() == 2
    assert again.locator("#outbox").is_hidden()
