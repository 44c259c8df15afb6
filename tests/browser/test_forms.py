"""A form's errors appear next to the field they are about, and nothing is saved."""

from fenlei.org.models import Site, SiteKind
from tests.browser.conftest import in_chinese, login


def test_site_form_errors_sit_next_to_their_fields(browser_world, page):
    world = browser_world
    community = world.community_a1
    kind = SiteKind.objects.get(code="open-estate")
    before = Site.objects.count()
    login(page, "cora")

    page.goto(f"/org/sites/add/?community={community.pk}")
    assert page.locator("select[name=community]").input_value() == str(community.pk)
    page.fill("input[name=name]", "甲一花园")
    page.select_option("select[name=kind]", str(kind.pk))
    page.fill("input[name=households]", "120")
    page.fill("input[name=population]", "300")
    with page.expect_navigation():
        page.click("form.form .actions button[type=submit]")

    name_field = page.locator("div.field[data-field='name']")
    expected = in_chinese("A site named “{name}” already exists in this community.").format(name="甲一花园")
    assert "has-error" in name_field.get_attribute("class")
    assert name_field.locator("p.error").inner_text() == expected
    assert page.locator("div.field.has-error").count() == 1
    assert Site.objects.count() == before
    # What was typed is kept.
    assert page.locator("input[name=households]").input_value() == "120"

    page.fill("input[name=name]", "甲一新苑")
    page.fill("input[name=population]", "-5")
    with page.expect_navigation():
        page.click("form.form .actions button[type=submit]")

    population_field = page.locator("div.field[data-field='population']")
    assert "has-error" in population_field.get_attribute("class")
    assert population_field.locator("p.error").inner_text().strip()
    assert page.locator("div.field[data-field='name'] p.error").count() == 0
    assert Site.objects.count() == before
    assert not Site.objects.filter(name="甲一新苑").exists()
