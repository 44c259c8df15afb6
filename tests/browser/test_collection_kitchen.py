"""The kitchen-waste chain on a phone: a street officer finds a restaurant's manifests from the
kitchen-waste page and records the plant's receipt; a bad weight is refused next to its field."""

import datetime
from decimal import Decimal

from django.utils import timezone

from fenlei.collection import services
from fenlei.collection.choices import EntryFace, ManifestState
from fenlei.collection.models import Manifest
from fenlei.facilities.models import TerminalFacility, Vehicle
from fenlei.units.models import RestaurantRecord
from tests.browser.conftest import PHONE, in_chinese, login

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def _save(obj):
    obj.full_clean()
    obj.save()
    return obj


def _chain(world):
    """甲二饭店 under contract with 绿洁环卫, with two pick-ups (yesterday and this morning)."""
    _save(Vehicle(plate="浙A10001", hauler=world.hauler, stream="wet"))
    plant = _save(
        TerminalFacility(
            name="东湖湿垃圾处理厂", kind="biochemical", area=world.district, daily_capacity_t=300
        )
    )
    site = world.sites["a2_restaurant"]
    today = timezone.localdate()
    _save(
        RestaurantRecord(
            area=site.community,
            site=site,
            hauler=world.hauler,
            contract_number="LJ-2026-017",
            commitment_signed=True,
            commitment_signed_on=today - datetime.timedelta(days=60),
        )
    )
    now = timezone.now()
    rows = [
        {
            "site": site.pk,
            "stream": "wet",
            "weight_kg": kg,
            "occurred_at": (now - datetime.timedelta(hours=hours)).isoformat(),
            "vehicle": "浙A10001",
            "plant": plant.pk,
            "client_id": f"b{hours}",
        }
        for kg, hours in ((42, 26), (38.5, 2))
    ]
    result = services.ingest(rows, face=EntryFace.API, within=[world.district.path])
    assert result.accepted == 2, result.rejected
    return site


def test_a_street_officer_receives_a_manifest_on_a_phone(browser_world, make_page):
    site = _chain(browser_world)
    page = make_page(PHONE)
    login(page, "sam")

    page.goto("/collection/kitchen/")
    row = page.locator(f"#restaurants tr[data-site='{site.pk}']")
    assert row.is_visible()
    assert "甲二饭店" in row.inner_text()
    assert page.evaluate(NO_SIDEWAYS_SCROLL), page.evaluate(
        "[document.documentElement.scrollWidth, innerWidth]"
    )

    with page.expect_navigation():
        row.locator("td[data-label] a[href*='manifests']").click()
    numbers = page.locator("#manifests tr[data-number]")
    assert numbers.count() == 2
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    newest = Manifest.objects.order_by("-record__occurred_at").first()
    with page.expect_navigation():
        page.click(f"#manifests a:text('{newest.number}')")
    assert newest.number in page.locator("h1").inner_text()
    assert "甲二饭店" in page.locator("#chain").inner_text()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    form = page.locator("#receive form")
    form.locator("input[name=received_kg]").fill("-5")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    field = page.locator("div.field[data-field='received_kg']")
    assert "has-error" in field.get_attribute("class")
    expected = in_chinese("The weight received must be more than 0 kg (given: {value}).").format(value="-5")
    assert field.locator("p.error").inner_text() == expected
    newest.refresh_from_db()
    assert newest.state == ManifestState.ISSUED

    page.fill("input[name=received_kg]", "37.9")
    with page.expect_navigation():
        page.click("form.form .actions button[type=submit]")
    assert page.url.endswith(newest.get_absolute_url())
    newest.refresh_from_db()
    assert (newest.state, newest.received_kg) == (ManifestState.RECEIVED, Decimal("37.90"))
    assert page.locator("#receive").count() == 0
    assert "-0.60" in page.locator("#difference").inner_text()
