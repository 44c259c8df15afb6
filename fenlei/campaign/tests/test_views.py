"""The campaign's pages under frozen time (Monday 2026-08-03): the entry, the campaign page with its
coverage, burn-up, forecast and units at risk (hand-worked numbers, a bounded number of queries), a
unit's checklist flipping with the people ledger, evidence submitted, returned and verified through
the pages with real files, an item's responsible person and target date, and the refusals."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fenlei.campaign import services
from fenlei.campaign.choices import EvidenceState, ItemState
from fenlei.campaign.models import Campaign, CoverageDay, Evidence, Item, Unit
from fenlei.campaign.tests.conftest import activity, group, point, supervisor, two_rule_campaign
from fenlei.core.models import Attachment, AuditEntry
from fenlei.core.services import close
from fenlei.core.testing import files
from fenlei.org import services as org
from fenlei.org.models import Area

D = datetime.date

pytestmark = pytest.mark.django_db


@pytest.fixture
def en(client_for):
    """client_for in English (the assertions read English text)."""

    def make(name):
        c = client_for(name)
        c.cookies["fenlei_language"] = "en"
        return c

    return make


def item_of(campaign, area, code) -> Item:
    return Item.objects.get(unit__campaign=campaign, unit__area=area, requirement__code=code)


def state_on_page(html: str, code: str) -> str:
    """The state of the checklist item `code` as the unit page shows it."""
    found = re.search(rf'data-code="{code}" data-state="(\w+)"', html)
    assert found, f"no item {code} on the page"
    return found.group(1)


def page_text(response) -> str:
    return response.content.decode()


def _day(campaign, area, day, covered, communities):
    CoverageDay.objects.create(
        campaign=campaign,
        area=area,
        area_path=area.path,
        day=day,
        communities=communities,
        covered=covered,
        households=communities * 1000,
        covered_households=covered * 1000,
    )


@pytest.fixture
def paced(world, now):
    """On 7-06 the district had 1 of 4 covered (a1, in street A) and street B none; by today b1 is
    covered too. District: 1 gained in 28 days, 2 left → 56 days → 9-28, on track (needed 2 in 58
    days). Street A gained nothing: at risk, so its uncovered a2 is at risk; street B: 1 in 28 days,
    1 left → 8-31."""
    c = two_rule_campaign(world)
    _day(c, world.district, D(2026, 7, 6), 1, 4)
    _day(c, world.street_a, D(2026, 7, 6), 1, 2)
    _day(c, world.street_b, D(2026, 7, 6), 0, 2)
    for area in (world.community_a1, world.community_b1):
        group(area, world.alice)
        activity(area, world.alice, on=D(2026, 7, 30))
    services.refresh(c)
    return c


# --- the entry -----------------------------------------------------------------------------------------


def test_the_entry_sends_the_office_to_the_campaign_and_a_unit_to_its_checklist(world, campaign, client_for):
    detail = reverse("campaign:detail", args=[campaign.pk])
    index = reverse("campaign:index")
    assert client_for("alice").get(index)["Location"] == detail
    assert client_for("leo").get(index)["Location"] == detail
    assert client_for("sam").get(index)["Location"] == reverse(
        "campaign:unit", args=[campaign.pk, world.street_a.pk]
    )
    assert client_for("cora").get(index)["Location"] == reverse(
        "campaign:unit", args=[campaign.pk, world.community_a1.pk]
    )
    for name in ("ada", "mia", "nina"):  # no area role: no campaign of theirs
        response = client_for(name).get(index)
        assert response.status_code == 200 and b'id="no-campaign"' in response.content
    assert client_for(None).get(index).status_code == 302


def test_without_a_campaign_the_office_is_offered_to_set_one_up(world, en):
    response = en("alice").get(reverse("campaign:index"))
    assert response.status_code == 200
    assert "There is no campaign for your area yet." in page_text(response)
    assert reverse("campaign:add") in page_text(response)
    response = en("sam").get(reverse("campaign:index"))
    assert reverse("campaign:add") not in page_text(response)


# --- the campaign page ---------------------------------------------------------------------------------


def test_the_campaign_page_shows_coverage_the_burnup_the_forecast_and_the_units_at_risk(world, paced, en):
    response = en("alice").get(reverse("campaign:detail", args=[paced.pk]))
    assert response.status_code == 200
    html = page_text(response)
    # coverage: 2 of 4 communities, 2,000 of 4,000 households
    assert "<span data-covered>2</span> / 4" in html and 'id="coverage-pct">50.0%' in html
    assert "2000 / 4000" in html and 'id="households-pct">50.0%' in html
    # the forecast: 9-28 at 1 community in 28 days, on track; 2 needed in 58 days (0.24 a week)
    assert 'id="forecast-date">2026-09-28<' in html
    assert "On track for the deadline" in html
    assert re.search(r'id="forecast-needed">0\.2 communities a week', html)
    # the burn-up: an inline SVG with the target, the deadline and the forecast
    svg = html[html.index("<svg") : html.index("</svg>")]
    for part in ('id="burnup-target"', 'id="burnup-deadline"', 'id="burnup-forecast"', 'id="burnup-line"'):
        assert part in svg
    assert 'viewBox="0 0 420 240"' in svg and "Deadline 9/30" in svg
    assert "<script" not in html.split("<main", 1)[1]
    assert "2 of 4 communities covered on 2026-08-03" in html  # the text summary
    # street A is at risk and comes first; street B is on track
    children = html[html.index('id="children"') :]
    assert children.index("甲街道") < children.index("乙街道")
    assert re.search(rf'data-area="{world.street_a.pk}" class="risk"', html)
    assert not re.search(rf'data-area="{world.street_b.pk}" class="risk"', html)
    # units at risk: a2, because its street will miss the deadline at its pace
    at_risk = html[html.index('id="at-risk"') : html.index('id="behind"')]
    assert "甲二社区" in at_risk and "乙二村" not in at_risk
    assert "甲街道 will miss the deadline at its pace" in at_risk
    assert reverse("campaign:unit", args=[paced.pk, world.community_a2.pk]) in at_risk
    behind = html[html.index('id="behind"') : html.index('id="demo"')]
    assert "甲二社区" in behind and "乙二村" in behind and "甲一社区" not in behind
    # missing demonstration sites, and the links to the other campaign pages
    assert reverse("campaign:demo-list", args=[paced.pk]) + f"?area={world.district.pk}" in html
    for name in ("campaign:requirements", "campaign:snapshots"):
        assert reverse(name, args=[paced.pk]) in html
    assert reverse("campaign:list") in html


def test_the_countdown_marks_the_current_phase_and_the_past(world, paced, en):
    html = page_text(en("alice").get(reverse("campaign:detail", args=[paced.pk])))
    states = re.findall(r'<li class="cd cd-(\w+)', html)
    # 6-30 phase done, 6-30 assessment without its snapshot overdue, 9-30 phase current, the rest ahead
    assert states == ["done", "overdue", "current", "ahead", "ahead", "ahead"]
    assert "in 58 days" in html and "34 days ago" in html


def test_a_street_page_lists_its_communities(world, paced, en):
    response = en("sam").get(reverse("campaign:detail", args=[paced.pk]))  # sam's widest area: 甲街道
    html = page_text(response)
    assert response.status_code == 200 and "甲街道" in html
    communities = html[html.index('id="communities"') :]
    for area in (world.community_a1, world.community_a2):
        assert reverse("campaign:unit", args=[paced.pk, area.pk]) in communities
    assert "乙一社区" not in html
    assert 'id="forecast-verdict">Not at this pace' in html  # street A gained nothing in the window
    assert reverse("campaign:unit", args=[paced.pk, world.street_a.pk]) in html  # its own checklist


def test_the_campaign_page_refuses_bad_and_foreign_areas(world, paced, en, client_for):
    url = reverse("campaign:detail", args=[paced.pk])
    response = en("alice").get(url + "?area=abc")
    assert response.status_code == 400 and "Area: Enter a whole number." in page_text(response)
    assert client_for("sam").get(url + f"?area={world.street_b.pk}").status_code == 404
    other = org.area_create(area=Area(name="西山区", kind="district"), by=None)
    assert client_for("alice").get(url + f"?area={other.pk}").status_code == 404
    assert client_for("alice").get(url + f"?area={world.street_b.pk}").status_code == 200
    for name in ("ada", "hal", "mia", "nina"):
        assert client_for(name).get(url).status_code == 404
    assert client_for("cora").get(url).status_code == 200  # the campaign is read from below


def test_the_campaign_page_costs_the_same_queries_for_more_communities(
    world, paced, client_for, django_assert_max_num_queries
):
    """The page's queries do not grow with the units: the same count for 4 communities and for 14."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("campaign:detail", args=[paced.pk])
    alice = client_for("alice")
    alice.get(url)  # warm: sessions, content types
    with CaptureQueriesContext(connection) as small:
        assert alice.get(url).status_code == 200
    for i in range(5):
        for street in (world.street_a, world.street_b):
            org.area_create(
                area=Area(name=f"{street.name}新{i}社区", kind="community", parent=street), by=None
            )
    services.ensure_units(paced)
    services.refresh(paced)
    with CaptureQueriesContext(connection) as large:
        assert alice.get(url).status_code == 200
    assert len(large) == len(small)
    with django_assert_max_num_queries(21):  # 20 today: the session, the user's roles and the inbox included
        alice.get(url)


def test_the_campaign_page_judges_stale_units_first(world, paced, en):
    """A ledger write marks a2 dirty; the page brings it current before it counts."""
    group(world.community_a2, world.alice)
    activity(world.community_a2, world.alice, on=D(2026, 8, 1))
    assert Unit.objects.get(campaign=paced, area=world.community_a2).dirty
    html = page_text(en("alice").get(reverse("campaign:detail", args=[paced.pk])))
    assert "<span data-covered>3</span> / 4" in html


# --- a unit's checklist --------------------------------------------------------------------------------


def test_a_rule_item_flips_on_the_unit_page_with_the_supervisor_ledger(world, campaign, en):
    cora, a1 = world.cora, world.community_a1
    url = reverse("campaign:unit", args=[campaign.pk, a1.pk])
    pt = point(a1, cora)
    html = page_text(en("cora").get(url))
    assert state_on_page(html, "supervisors") == ItemState.UNMET
    assert "1 of 1 drop-off points have no supervisor: 1号投放点." in html
    row = supervisor(pt, cora)
    Unit.objects.filter(campaign=campaign).update(dirty=False)  # the page judges the unit anyway
    html = page_text(en("cora").get(url))
    assert state_on_page(html, "supervisors") == ItemState.MET
    assert "Every drop-off point (1) has a supervisor." in html
    close(row, by=cora)
    Unit.objects.filter(campaign=campaign).update(dirty=False)
    html = page_text(en("cora").get(url))
    assert state_on_page(html, "supervisors") == ItemState.UNMET


def test_the_unit_page_says_what_to_do_next_and_where_each_item_stands(world, campaign, en):
    a1 = world.community_a1
    group(a1, world.cora)
    response = en("cora").get(reverse("campaign:unit", args=[campaign.pk, a1.pk]))
    html = page_text(response)
    assert response.status_code == 200
    assert "Not covered yet" in html
    assert state_on_page(html, "group") == ItemState.MET
    assert state_on_page(html, "plan") == ItemState.MISSING
    # next steps: the unmet items, the ones due 6-30 (overdue) before those due 9-30 and 11-30
    steps = html[html.index('id="next"') : html.index('id="checklist"')]
    codes = re.findall(r'<li data-code="([\w-]+)"', steps)
    assert codes[:4] == ["plan", "containers", "demo", "supervisors"] and codes[-1] == "inspected"
    assert "group" not in codes
    assert "was due 2026-06-30" in steps
    # the evidence item opens its page; the records of a rule item are linked
    plan = item_of(campaign, a1, "plan")
    assert reverse("campaign:item", args=[plan.pk]) + "#evidence" in html
    assert reverse("people:group-list") not in steps  # a1's group exists: it links the group itself
    assert reverse("campaign:item-edit", args=[plan.pk]) in html  # cora keeps her items


def test_a_street_unit_page_lists_its_communities(world, campaign, en, client_for):
    url = reverse("campaign:unit", args=[campaign.pk, world.street_a.pk])
    html = page_text(en("sam").get(url))
    assert state_on_page(html, "street-plan") == ItemState.MISSING
    section = html[html.index('id="communities"') :]
    for area in (world.community_a1, world.community_a2):
        assert reverse("campaign:unit", args=[campaign.pk, area.pk]) in section
    assert "乙一社区" not in section
    assert reverse("campaign:detail", args=[campaign.pk]) + f"?area={world.street_a.pk}" in html
    html = page_text(en("ian").get(url))  # the inspector reads, but keeps nothing
    assert "campaign/items/" in html and "/edit/" not in html
    assert client_for("cora").get(url).status_code == 404
    assert client_for("olly").get(url).status_code == 404


def test_the_unit_page_refusals(world, campaign, client_for):
    a1 = reverse("campaign:unit", args=[campaign.pk, world.community_a1.pk])
    for name in ("olly", "ada", "hal", "mia", "nina"):
        assert client_for(name).get(a1).status_code == 404, name
    assert client_for(None).get(a1).status_code == 302
    other = org.area_create(area=Area(name="西山区", kind="district"), by=None)
    assert client_for("alice").get(reverse("campaign:unit", args=[campaign.pk, other.pk])).status_code == 404


def test_the_unit_page_costs_a_bounded_number_of_queries(
    world, campaign, client_for, django_assert_max_num_queries
):
    url = reverse("campaign:unit", args=[campaign.pk, world.community_a1.pk])
    cora = client_for("cora")
    cora.get(url)
    with django_assert_max_num_queries(36):  # the unit judged afresh by every rule, then read
        assert cora.get(url).status_code == 200


# --- evidence through the pages --------------------------------------------------------------------------


def _pdf(name="方案.pdf"):
    return SimpleUploadedFile(name, files.pdf_bytes(), content_type="application/pdf")


def _photo(name="盖章页.jpg"):
    return SimpleUploadedFile(name, files.image_bytes(), content_type="image/jpeg")


def test_evidence_is_submitted_returned_and_verified_through_the_pages(world, campaign, en, client_for):
    a1 = world.community_a1
    plan = item_of(campaign, a1, "plan")
    item_url = reverse("campaign:item", args=[plan.pk])
    submit = reverse("campaign:evidence-submit", args=[plan.pk])

    # cora's page offers the form; sam's offers nothing to decide yet
    assert 'id="evidence-form"' in page_text(en("cora").get(item_url))
    assert 'id="decide-form"' not in page_text(en("sam").get(item_url))

    # a file of the wrong kind: the page again, the file named
    response = en("cora").post(
        submit,
        {
            "note": "方案",
            "files": [SimpleUploadedFile("x.zip", files.zip_bytes(), content_type="application/zip")],
        },
    )
    assert response.status_code == 400 and "x.zip" in page_text(response)
    assert not Evidence.objects.filter(item=plan).exists()
    # nothing at all: the files are asked for
    response = en("cora").post(submit, {"note": ""})
    assert response.status_code == 400
    assert "Attach the evidence (a file) or describe it." in page_text(response)

    response = en("cora").post(submit, {"note": "甲一社区实施方案（盖章）", "files": [_pdf(), _photo()]})
    assert response.status_code == 302 and response["Location"] == item_url + "#evidence"
    ev = Evidence.objects.get(item=plan)
    assert ev.state == EvidenceState.SUBMITTED and ev.submitted_by == world.cora
    stored = list(Attachment.objects.filter(object_id=ev.pk, slot="evidence").order_by("pk"))
    assert [a.mime_type for a in stored] == ["application/pdf", "image/jpeg"]
    plan.refresh_from_db()
    assert plan.state == ItemState.SUBMITTED

    # the files are on the page and read through the item
    html = page_text(en("sam").get(item_url))
    assert 'id="decide-form"' in html and "方案.pdf" in html
    pdf_url = reverse("campaign:evidence-file", args=[ev.pk, stored[0].pk])
    assert pdf_url in html
    got = client_for("sam").get(pdf_url)
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF")
    thumb = client_for("cora").get(reverse("campaign:evidence-thumbnail", args=[ev.pk, stored[1].pk]))
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert client_for("olly").get(pdf_url).status_code == 404
    # a file is read only through the evidence it belongs to
    assert (
        client_for("alice").get(reverse("campaign:evidence-file", args=[ev.pk + 1, stored[0].pk])).status_code
        == 404
    )
    assert (
        client_for("alice")
        .get(reverse("campaign:evidence-file", args=[ev.pk, stored[1].pk + 100]))
        .status_code
        == 404
    )

    # a second submission while the first awaits: refused, said
    assert 'id="awaiting"' in page_text(en("cora").get(item_url))
    response = en("cora").post(submit, {"note": "again"})
    assert response.status_code == 400 and "Evidence is already awaiting verification." in page_text(response)

    decide = reverse("campaign:evidence-decide", args=[ev.pk])
    assert client_for("cora").post(decide, {"decision": "verify"}).status_code == 403  # not the level above
    assert client_for("leo").post(decide, {"decision": "verify"}).status_code == 403
    assert client_for("olly").post(decide, {"decision": "verify"}).status_code == 404
    # a return needs its reason
    response = en("sam").post(decide, {"decision": "return", "note": ""})
    assert response.status_code == 400 and "Say why the evidence is returned." in page_text(response)
    response = en("sam").post(decide, {"decision": "maybe"})
    assert response.status_code == 400 and "Decision:" in page_text(response)
    assert en("sam").post(decide, {"decision": "return", "note": "缺少盖章页"}).status_code == 302
    plan.refresh_from_db()
    assert plan.state == ItemState.RETURNED and "缺少盖章页" in plan.explanation
    html = page_text(en("cora").get(item_url))
    assert "缺少盖章页" in html and 'id="evidence-form"' in html
    # deciding it again: already decided
    response = en("sam").post(decide, {"decision": "verify"})
    assert response.status_code == 400 and "already decided" in page_text(response)

    assert en("cora").post(submit, {"note": "盖章版", "files": [_pdf("盖章版.pdf")]}).status_code == 302
    ev2 = Evidence.objects.filter(item=plan).latest("pk")
    assert (
        en("alice")
        .post(reverse("campaign:evidence-decide", args=[ev2.pk]), {"decision": "verify"})
        .status_code
        == 302
    )
    plan.refresh_from_db()
    assert plan.met and plan.state == ItemState.MET
    html = page_text(en("cora").get(reverse("campaign:unit", args=[campaign.pk, a1.pk])))
    assert state_on_page(html, "plan") == ItemState.MET
    # every step is in the item's history, audited with who did it
    entries = AuditEntry.objects.filter(content_type__model="evidence").order_by("pk")
    assert [(e.action, e.user.username) for e in entries if e.action != "attach"] == [
        ("create", "cora"),
        ("update", "sam"),
        ("create", "cora"),
        ("update", "alice"),
    ]
    html = page_text(en("cora").get(item_url))
    history = html[html.index('id="history"') :]
    assert history.count("<tr>") >= 5  # header + the entries (files added included)


def test_evidence_refusals(world, campaign, en, client_for):
    plan = item_of(campaign, world.community_a1, "plan")
    submit = reverse("campaign:evidence-submit", args=[plan.pk])
    assert (
        client_for("sam").post(submit, {"note": "x"}).status_code == 403
    )  # the street does not submit for a1
    assert client_for("alice").post(submit, {"note": "x"}).status_code == 403
    assert client_for("olly").post(submit, {"note": "x"}).status_code == 404
    assert client_for("cora").get(submit).status_code == 405
    rule_item = item_of(campaign, world.community_a1, "group")
    response = en("cora").post(reverse("campaign:evidence-submit", args=[rule_item.pk]), {"note": "x"})
    assert response.status_code == 400
    assert "This requirement is judged from the records: it takes no evidence." in page_text(response)
    assert not Evidence.objects.exists()
    assert client_for(None).post(submit, {"note": "x"}).status_code == 302


def test_the_item_page_explains_the_rule_and_refuses_outsiders(world, campaign, en, client_for):
    item = item_of(campaign, world.community_a1, "publicity")
    url = reverse("campaign:item", args=[item.pk])
    html = page_text(en("ian").get(url))
    assert "Publicity held recently" in html  # the rule's label
    assert "No publicity activity in the last 30 days (the last one: never)." in html
    assert "days = 30" in html
    assert reverse("publicity:activity-list") + f"?community={world.community_a1.pk}" in html
    assert 'id="item-edit"' not in html  # an inspector reads only
    for name in ("olly", "ada", "hal", "mia", "nina"):
        assert client_for(name).get(url).status_code == 404, name


# --- an item's responsible person and target date -----------------------------------------------------------


def test_the_unit_sets_an_items_responsible_person_and_target_date(world, campaign, en, client_for):
    item = item_of(campaign, world.community_a1, "supervisors")
    url = reverse("campaign:item-edit", args=[item.pk])
    assert en("cora").get(url).status_code == 200
    response = en("cora").post(url, {"responsible": "  王主任 ", "due_on": "2027-01-15"})
    assert response.status_code == 400
    assert "The target date must fall within the campaign (2026-01-01 to 2026-11-30)." in page_text(response)
    response = en("cora").post(url, {"responsible": "王主任", "due_on": "not a date"})
    assert response.status_code == 400 and "Enter a valid date." in page_text(response)
    Unit.objects.filter(campaign=campaign).update(dirty=False)
    response = en("cora").post(url, {"responsible": "  王主任 ", "due_on": "2026-08-31"})
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    item.refresh_from_db()
    assert (item.responsible, item.due_on, item.target_date) == ("王主任", D(2026, 8, 31), D(2026, 8, 31))
    entry = AuditEntry.objects.filter(content_type__model="item", object_id=str(item.pk)).get()
    assert entry.user == world.cora and entry.changes["responsible"] == ["", "王主任"]
    assert Unit.objects.get(campaign=campaign, area=world.community_a1).dirty
    assert Unit.objects.get(campaign=campaign, area=world.street_a).dirty  # and the street above it
    html = page_text(en("cora").get(reverse("campaign:unit", args=[campaign.pk, world.community_a1.pk])))
    assert "王主任" in html and "2026-08-31" in html
    # the levels above may too; readers and outsiders may not
    assert client_for("sam").post(url, {"responsible": "李主任", "due_on": ""}).status_code == 302
    item.refresh_from_db()
    assert item.due_on is None and item.target_date == D(2026, 9, 30)
    for name, status in (("leo", 403), ("ian", 403), ("olly", 404), ("mia", 404)):
        assert client_for(name).get(url).status_code == status, name
        assert client_for(name).post(url, {"responsible": "x"}).status_code == status, name


def test_the_pages_read_in_chinese_by_default(world, campaign, client_for):
    response = client_for("cora").get(reverse("campaign:unit", args=[campaign.pk, world.community_a1.pk]))
    assert response.status_code == 200 and 'lang="zh-CN"' in page_text(response)


def test_a_campaign_of_another_district_is_not_found(world, now, client_for):
    other = org.area_create(area=Area(name="西山区", kind="district"), by=None)
    c = services.create_campaign(area=other, year=2026, by=None)
    assert Campaign.objects.count() == 1
    assert client_for("alice").get(reverse("campaign:detail", args=[c.pk])).status_code == 404


# --- the burn-up's layout -----------------------------------------------------------------------------------


DEADLINE = D(2026, 9, 30)


def _forecast(series, total, today):
    return services.forecast(series, total, today=today, deadline=DEADLINE, window=28)


def test_the_burnup_is_laid_out_from_the_start_to_past_the_deadline():
    """1-1 … 9-30 plus 17 days of room (272 days ÷ 16): 289 days over 420 − 14 − 23 = 383 units."""
    from fenlei.campaign import charts

    today = D(2026, 8, 3)
    series = [(D(2026, 7, 6), 1), (today, 2)]
    fc = _forecast(series, 4, today)  # 1 in 28 days, 2 left → 9-28
    chart = charts.burnup_chart(
        series,
        total=4,
        start=D(2026, 1, 1),
        ends=D(2026, 11, 30),
        deadline=D(2026, 9, 30),
        today=today,
        forecast=fc,
    )
    assert (chart.x0, chart.x1, chart.y0, chart.y1) == (23.0, 406.0, 18.0, 208.0)

    def x(day):
        return round(23 + 383 * (day - D(2026, 1, 1)).days / 289, 1)

    assert chart.deadline_x == x(D(2026, 9, 30))
    assert chart.line == f"{x(D(2026, 7, 6))},160.5 {x(today)},113.0"  # 1 and 2 of 4 on 190 units
    assert chart.forecast == (x(today), 113.0, x(D(2026, 9, 28)), 18.0) and chart.forecast_label == "9/28"
    assert not chart.stalled_label
    # 40 units a month: a label every second month
    assert [t.label for t in chart.x_ticks] == ["1/1", "3/1", "5/1", "7/1", "9/1"]
    assert [t.label for t in chart.y_ticks] == ["0", "2", "4"]


@pytest.fixture
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


def test_a_forecast_past_the_campaign_is_drawn_to_the_edge_and_no_pace_is_said(english):
    from fenlei.campaign import charts

    today = D(2026, 8, 3)
    series = [(D(2026, 7, 6), 0), (today, 1)]
    fc = _forecast(series, 40, today)  # 1 in 28 days, 39 left → 1,092 days: long after 11-30
    chart = charts.burnup_chart(
        series,
        total=40,
        start=D(2026, 1, 1),
        ends=D(2026, 11, 30),
        deadline=D(2026, 9, 30),
        today=today,
        forecast=fc,
    )
    # the axis ends at the campaign's end (+ 20 days of room); the line stops there, at 1 + 139/28
    assert chart.forecast is not None and chart.forecast[2] == chart.x1
    assert chart.forecast_label == "→ " + fc.date.isoformat()
    reached = 1 + (D(2026, 12, 20) - today).days / 28
    assert chart.forecast[3] == round(chart.y1 - (chart.y1 - chart.y0) * reached / 40, 1)
    stalled = charts.burnup_chart(
        [(D(2026, 7, 6), 1), (today, 1)],
        total=40,
        start=D(2026, 1, 1),
        ends=D(2026, 11, 30),
        deadline=D(2026, 9, 30),
        today=today,
        forecast=_forecast([(D(2026, 7, 6), 1), (today, 1)], 40, today),
    )
    assert stalled.forecast is None and stalled.stalled_label == "not at this pace"
