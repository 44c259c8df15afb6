"""On a phone (390 × 844): a community officer enters a collection record, sees it in the list; the
same form sent again counts nothing twice; a street officer corrects it and voids it — and the
district's daily totals follow each step."""

from decimal import Decimal

from django.utils import timezone

from fenlei.collection.models import AreaDay, Record
from tests.browser.conftest import in_chinese, login

PHONE = {"width": 390, "height": 844}
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def day_total(area, stream="wet"):
    row = AreaDay.objects.filter(area=area, day=timezone.localdate(), stream=stream).first()
    return (row.grams, row.records) if row else (0, 0)


def test_enter_see_correct_and_void_on_a_phone(browser_world, make_page):
    world = browser_world
    estate = world.sites["a1_estate"]

    # cora enters a record at 甲一花园
    page = make_page(PHONE)
    login(page, "cora")
    page.goto("/collection/records/add/")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.select_option("select[name=source]", f"site:{estate.pk}")
    page.click("label.big-choice:has(input[name=stream][value=wet])")
    page.fill("input[name=weight_kg]", "85.5")
    page.click("label.big-choice:has(input[name=grade][value=fair])")
    sent = page.evaluate("Object.fromEntries(new FormData(document.getElementById('entry-form')))")
    with page.expect_navigation():
        page.click("#save-record")
    record = Record.objects.get()
    assert page.url.endswith(record.get_absolute_url())
    assert (record.weight_kg, record.grade, record.face) == (Decimal("85.50"), "fair", "form")
    assert day_total(world.community_a1) == (85_500, 1)
    assert day_total(world.district) == (85_500, 1)
    assert page.locator("ul.messages").inner_text().startswith(in_chinese("Saved: {record}").split("{")[0])

    # the same form sent again (a double tap, a retry on a slow line) is counted once
    again = page.request.post("/collection/records/add/", form=sent, max_redirects=0)
    assert again.status == 302 and again.headers["location"] == record.get_absolute_url()
    assert Record.objects.count() == 1 and day_total(world.community_a1) == (85_500, 1)

    # … and it is in her list, first, as a card that fits the phone
    page.goto("/collection/records/")
    first = page.locator("#records tbody tr").first
    assert first.get_attribute("data-record") == str(record.pk)
    assert "85.50" in first.inner_text() and "甲一花园" in first.inner_text()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    # sam corrects it: 80 kg, with a reason
    page = make_page(PHONE)
    login(page, "sam")
    page.goto(record.get_absolute_url())
    with page.expect_navigation():
        page.click("#correct")
    page.fill("input[name=weight_kg]", "80")
    with page.expect_navigation():
        page.click("#correct-form button[type=submit]")
    assert page.locator("div.field[data-field=note] p.error").is_visible()  # a reason is needed
    record.refresh_from_db()
    assert record.weight_kg == Decimal("85.50")
    page.fill("textarea[name=note]", "地磅读数有误")
    with page.expect_navigation():
        page.click("#correct-form button[type=submit]")
    assert page.url.endswith(record.get_absolute_url())
    record.refresh_from_db()
    assert record.weight_kg == Decimal("80.00")
    assert day_total(world.community_a1) == (80_000, 1)
    assert day_total(world.street_a) == (80_000, 1)
    assert "地磅读数有误" in page.locator("#history").inner_text()

    # … and voids it: it leaves the totals and the list
    with page.expect_navigation():
        page.click("#void")
    page.fill("textarea[name=reason]", "重复录入")
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    record.refresh_from_db()
    assert record.voided_at is not None
    assert day_total(world.community_a1) == (0, 0)
    assert day_total(world.district) == (0, 0)
    assert page.locator("#void-tag").is_visible()
    page.goto("/collection/records/")
    assert page.locator("#records").count() == 0
    page.goto("/collection/records/?voided=void")
    assert page.locator("#records tbody tr").first.get_attribute("data-record") == str(record.pk)
