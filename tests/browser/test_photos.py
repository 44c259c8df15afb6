"""A community officer adds photos to a drop-off point from a phone-sized page and sees them."""

from fenlei.core import attachments, audit
from fenlei.core.models import AuditAction
from fenlei.core.testing import files
from fenlei.facilities.models import DropOffPoint
from tests.browser.conftest import PHONE, login


def test_community_officer_uploads_photos_on_a_drop_off_point(browser_world, make_page):
    world = browser_world
    point = DropOffPoint(name="东门投放点", area=world.community_a1, households_served=200)
    point.full_clean()
    point.save()
    page = make_page(viewport=PHONE)
    login(page, "cora")
    page.goto(point.get_absolute_url())
    form = page.locator("form.upload")
    assert form.locator("input[capture=environment]").get_attribute("accept") == "image/*"
    chooser = form.locator("input[type=file][multiple]")
    chooser.set_input_files(
        [
            {
                "name": "东门.jpg",
                "mimeType": "image/jpeg",
                "buffer": files.image_bytes("JPEG", size=(640, 480)),
            },
            {"name": "桶.png", "mimeType": "image/png", "buffer": files.image_bytes("PNG", size=(300, 300))},
        ]
    )
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.url.endswith(point.get_absolute_url() + "#files")
    gallery = page.locator("#files .gallery img")
    assert gallery.count() == 2
    page.wait_for_function(
        "() => [...document.querySelectorAll('#files .gallery img')].every(i => i.naturalWidth > 0)"
    )
    assert [a.name for a in attachments.of_row(point)] == ["东门.jpg", "桶.png"]
    assert audit.history(point).filter(action=AuditAction.ATTACH, user=world.cora).count() == 2
    # a file that is not an image is refused on the page, naming it
    chooser = page.locator("form.upload input[type=file][multiple]")
    chooser.set_input_files([{"name": "假照片.jpg", "mimeType": "image/jpeg", "buffer": files.HTML}])
    with page.expect_navigation():
        page.locator("form.upload button[type=submit]").click()
    assert "假照片.jpg" in page.locator("#files [role=alert]").inner_text()
    assert attachments.of_row(point).count() == 2
