"""The demonstration sites' pages under frozen time (2026-08-03), through the fixture world: cora
applies for 甲一花园 with a real file, sam reviews it, alice accepts it with a scoring sheet and names
it; a failing re-check revokes it; the list of units still lacking a kind follows. Refusals: a
return without a reason, the wrong capacity (403), outside the scope (404), a step the state does
not allow (400), a scoring sheet the inspection refuses (400, what was entered kept)."""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from fenlei.campaign import services
from fenlei.campaign.choices import DemoState, DemoStep
from fenlei.campaign.models import DemoEvent, DemoSite
from fenlei.core import attachments
from fenlei.core.models import AuditEntry
from fenlei.core.testing import files
from fenlei.core.testing.world import PASSWORD
from fenlei.inspections import services as inspections
from fenlei.inspections.choices import TargetType
from fenlei.inspections.models import Inspection
from fenlei.org import services as org
from fenlei.org.models import Site, SiteKind

pytestmark = pytest.mark.django_db


# --- helpers -------------------------------------------------------------------------------------------


def list_url(campaign, area=None, **query):
    url = reverse("campaign:demo-list", args=[campaign.pk])
    params = {**({"area": area.pk} if area is not None else {}), **query}
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def apply_url(campaign):
    return reverse("campaign:demo-apply", args=[campaign.pk])


def step_url(demo, step):
    return reverse("campaign:demo-step", args=[demo.pk, step])


@pytest.fixture
def client(client_for):
    """client("cora") -> a client signed in as that persona, reading the pages in English."""

    def make(name):
        c = client_for(name)
        c.cookies["fenlei_language"] = "en"
        return c

    return make


def version_of(site):
    return inspections.template_for(TargetType.SITE, site)


def sheet(site, *, fail=(), na=(), photos=None, note="", client_id=None, **extra) -> dict:
    """The POST of a scoring sheet for `site`: every item answered, `fail` as problems, `na` not
    applicable, the rest passing; purity items get two clean bins (or one dirty one when failed).
    `photos`: {code: [uploaded files]}."""
    data = {"client_id": str(client_id or uuid.uuid4()), "note": note}
    for item in version_of(site).items.all():
        code = item.code
        if item.purity:
            if code in na:
                data[f"na_{code}"] = "on"
            else:
                data[f"purity_{code}"] = "60, 95" if code in fail else "90, 95"
        else:
            data[f"result_{code}"] = "fail" if code in fail else "na" if code in na else "pass"
        data[f"note_{code}"] = "桶满溢" if code in fail else ""
    for code, uploads in (photos or {}).items():
        data[f"photo_{code}"] = uploads
        data[f"taken_at_{code}"] = timezone.now().isoformat()  # as the page's script sends it
    data.update(extra)
    return data


def photo(name="problem.jpg", **kwargs):
    return files.upload(name, files.image_bytes(gps=False, **kwargs), "image/jpeg")


def text(response) -> str:
    return response.content.decode()


def lacking_areas(response) -> set[int]:
    """The areas listed as still lacking a kind."""
    section = text(response).split('id="lacking"', 1)[1]
    return {int(pk) for pk in re.findall(r'<tr data-area="(\d+)"', section)}


def applied(world, campaign, site="a1_estate", note="申报示范点") -> DemoSite:
    return services.apply_demo(campaign=campaign, site=world.sites[site], by=world.cora, note=note)


def reviewed(world, campaign, site="a1_estate") -> DemoSite:
    return services.demo_step(applied(world, campaign, site), DemoStep.REVIEW, by=world.sam)


# --- the whole way ---------------------------------------------------------------------------------------


def test_from_application_to_plaque_and_a_failed_recheck(world, campaign, client, now):
    cora, sam, alice = client("cora"), client("sam"), client("alice")
    a1, street_a = world.community_a1, world.street_a
    estate = world.sites["a1_estate"]

    # 甲一社区 lacks its managed-estate demonstration site; cora may apply
    r = cora.get(list_url(campaign))
    assert r.status_code == 200
    assert a1.pk in lacking_areas(r) and 'id="apply"' in text(r)
    assert "Managed residential estate" in text(r).split('id="lacking"', 1)[1]

    # the application page offers 甲一花园 (a managed estate), not 甲一小学 (a school: no demonstration kind)
    r = cora.get(apply_url(campaign))
    assert r.status_code == 200
    assert f'value="{estate.pk}"' in text(r)
    assert f'value="{world.sites["a1_school"].pk}"' not in text(r)
    r = cora.get(apply_url(campaign) + f"?site={estate.pk}")
    assert f'value="{estate.pk}" selected' in text(r)

    # cora applies with a real file
    scan = files.upload("申报材料.pdf", files.pdf_bytes(), "application/pdf")
    r = cora.post(apply_url(campaign), {"site": estate.pk, "note": "垃圾分类工作扎实", "files": [scan]})
    assert r.status_code == 302
    demo = DemoSite.objects.get(site=estate)
    assert r["Location"] == demo.get_absolute_url()
    assert (demo.state, demo.kind, demo.note) == (DemoState.APPLIED, "managed", "垃圾分类工作扎实")
    kept = attachments.of_row(demo, "evidence").get()
    assert kept.name == "申报材料.pdf" and kept.uploaded_by == world.cora

    # its page shows the file (served through the page, in scope) and no step for cora
    r = cora.get(demo.get_absolute_url())
    assert r.status_code == 200
    file_url = reverse("campaign:demo-file", args=[demo.pk, kept.pk])
    assert file_url in text(r) and 'id="steps"' not in text(r)
    r = cora.get(file_url)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert b"".join(r.streaming_content).startswith(b"%PDF-")

    # sam: a return needs a reason (the field is named), then he passes the review
    r = sam.get(demo.get_absolute_url())
    assert f'href="{step_url(demo, "review")}"' in text(r) and f'href="{step_url(demo, "return")}"' in text(r)
    r = sam.post(step_url(demo, "return"), {"note": ""})
    assert r.status_code == 400
    assert "Reason" in text(r) and "Give the reason" in text(r)
    demo.refresh_from_db()
    assert demo.state == DemoState.APPLIED
    r = sam.post(step_url(demo, "review"), {"note": "材料齐全，初审通过"})
    assert r.status_code == 302
    demo.refresh_from_db()
    assert demo.state == DemoState.REVIEWED

    # alice: the scoring sheet lists every item of the site's checklist with the campaign's pass mark
    r = alice.get(step_url(demo, "accept"))
    assert r.status_code == 200
    version = version_of(estate)
    for item in version.items.all():
        assert f'id="item-{item.code}"' in text(r)
    assert "Pass mark: 90 out of 100" in text(r)
    assert 'name="purity_Q1"' in text(r) and 'name="result_Q2"' in text(r)
    r = alice.post(step_url(demo, "accept"), sheet(estate, note="验收检查"), follow=True)
    assert r.status_code == 200
    demo.refresh_from_db()
    assert demo.state == DemoState.ACCEPTED and demo.score == 100
    assert demo.inspection.site == estate and demo.inspection.inspector == world.alice
    assert "Score 100.0 (pass mark 90): Accepted, awaiting naming." in text(r)
    assert demo.inspection.get_absolute_url() in text(r)  # the timeline links the scoring sheet

    # naming needs a plaque number
    r = alice.post(step_url(demo, "name"), {"plaque": "", "note": ""})
    assert r.status_code == 400 and "Give the plaque number." in text(r)
    r = alice.post(step_url(demo, "name"), {"plaque": "DH-2026-001", "note": "授牌"}, follow=True)
    demo.refresh_from_db()
    assert demo.state == DemoState.NAMED and demo.plaque == "DH-2026-001"
    assert demo.named_on == datetime.date(2026, 8, 3) and demo.recheck_due == datetime.date(2027, 2, 3)
    assert 'data-state="named"' in text(r) and "DH-2026-001" in text(r)

    # 甲一社区 no longer lacks a kind; 甲街道 still lacks an open-compound site (甲二小区 is one)
    r = alice.get(list_url(campaign))
    assert a1.pk not in lacking_areas(r) and street_a.pk in lacking_areas(r)
    assert f'data-demo="{demo.pk}" data-state="named"' in text(r)

    # a re-check with a vetoed problem (and its photo) revokes the title
    r = alice.get(step_url(demo, "recheck"))
    assert r.status_code == 200 and "A failed re-check revokes the title." in text(r)
    data = sheet(estate, fail=["Q2"], photos={"Q2": [photo()]}, taken_at_Q2=timezone.now().isoformat())
    r = alice.post(step_url(demo, "recheck"), data, follow=True)
    demo.refresh_from_db()
    assert demo.state == DemoState.REVOKED and demo.revoked_on == datetime.date(2026, 8, 3)
    assert demo.inspection.vetoed
    assert "one-vote veto has a problem: Revoked." in text(r)
    assert attachments.of_row(demo.inspection, "photo").get().part == "Q2"
    r = alice.get(list_url(campaign))
    assert a1.pk in lacking_areas(r)

    steps = list(DemoEvent.objects.filter(demo=demo).values_list("step", "to_state", "by__username"))
    assert steps == [
        ("apply", "applied", "cora"),
        ("review", "reviewed", "sam"),
        ("accept", "accepted", "alice"),
        ("name", "named", "alice"),
        ("recheck", "revoked", "alice"),
    ]
    audited = list(
        AuditEntry.objects.filter(content_type__model="demosite", object_id=str(demo.pk))
        .order_by("pk")
        .values_list("action", "user__username", "face")
    )
    assert audited == [
        ("create", "cora", "web"),
        ("attach", "cora", "web"),
        ("update", "sam", "web"),
        ("update", "alice", "web"),
        ("update", "alice", "web"),
        ("update", "alice", "web"),
    ]
    r = alice.get(demo.get_absolute_url())
    assert text(r).count("<tr data-step=") == 5


def test_a_return_and_a_failed_acceptance_go_back_to_the_community(world, campaign, client):
    demo = applied(world, campaign)
    r = client("sam").post(step_url(demo, "return"), {"note": "缺少照片"})
    assert r.status_code == 302
    demo.refresh_from_db()
    assert demo.state == DemoState.RETURNED

    cora = client("cora")
    r = cora.get(demo.get_absolute_url())
    assert f'href="{step_url(demo, "resubmit")}"' in text(r)
    r = cora.post(step_url(demo, "resubmit"), {"note": "已补充照片"})
    assert r.status_code == 302
    demo.refresh_from_db()
    assert demo.state == DemoState.APPLIED and demo.note == "已补充照片"

    demo = services.demo_step(demo, DemoStep.REVIEW, by=world.sam)
    fail = [i.code for i in version_of(demo.site).items.all() if not i.purity and not i.veto][:4]
    photos = {code: [photo(f"{code}.jpg")] for code in fail}
    r = client("alice").post(step_url(demo, "accept"), sheet(demo.site, fail=fail, photos=photos))
    assert r.status_code == 302
    demo.refresh_from_db()
    assert demo.state == DemoState.FAILED and demo.score < campaign.demo_pass_mark
    # a photo sent without a time is dated by its arrival
    taken = set(attachments.of_row(demo.inspection, "photo").values_list("taken_at", flat=True))
    assert taken == {timezone.now()}
    r = cora.post(step_url(demo, "resubmit"), {"note": ""})
    assert r.status_code == 302
    demo.refresh_from_db()
    assert demo.state == DemoState.APPLIED


# --- the scoring sheet's refusals ---------------------------------------------------------------------------


def test_a_problem_without_its_photo_shows_the_sheet_again_with_what_was_entered(world, campaign, client):
    demo = reviewed(world, campaign)
    alice = client("alice")
    data = sheet(demo.site, fail=["F2"], note="复查意见", note_P1="宣传栏新")
    r = alice.post(step_url(demo, "accept"), data)
    assert r.status_code == 400
    assert "Item F2 has a problem: take at least one photo of it." in text(r)
    assert re.search(r'name="result_F2" value="fail" checked', text(r))
    assert re.search(r'name="result_P1" value="pass" checked', text(r))
    assert 'value="宣传栏新"' in text(r) and "复查意见" in text(r) and 'value="90, 95"' in text(r)
    assert f'value="{data["client_id"]}"' in text(r)  # the same draft: sent twice, kept once
    demo.refresh_from_db()
    assert demo.state == DemoState.REVIEWED and demo.inspection is None
    assert not Inspection.objects.exists()


def test_an_unanswered_item_and_a_missing_purity_are_named(world, campaign, client):
    demo = reviewed(world, campaign)
    data = sheet(demo.site)
    del data["result_S1"]
    data["purity_Q1"] = ""
    r = client("alice").post(step_url(demo, "accept"), data)
    assert r.status_code == 400
    assert "Item S1: answer pass, problem or not applicable." in text(r)
    assert "Item Q1: give the purity (%) of at least one bin, or mark it not applicable." in text(r)
    assert 'class="sheet-item has-error" id="item-S1"' in text(r)
    assert 'class="sheet-item has-error" id="item-Q1"' in text(r)
    assert 'class="sheet-item" id="item-S2"' in text(r)


def test_a_photo_whose_camera_time_is_old_is_refused_and_the_photos_must_be_chosen_again(
    world, campaign, client, now
):
    demo = reviewed(world, campaign)
    old = photo(taken_at=timezone.localtime(now - datetime.timedelta(days=2)).replace(tzinfo=None))
    data = sheet(demo.site, fail=["F2"], photos={"F2": [old]}, taken_at_F2="")  # the camera's time only
    r = client("alice").post(step_url(demo, "accept"), data)
    assert r.status_code == 400
    assert "not during this inspection" in text(r)
    assert 'id="photos-lost"' in text(r)
    demo.refresh_from_db()
    assert demo.state == DemoState.REVIEWED


def test_a_photo_with_no_time_at_all_is_refused(world, campaign, client, now):
    demo = reviewed(world, campaign)
    data = sheet(demo.site, fail=["F2"], photos={"F2": [photo()]}, taken_at_F2="")
    r = client("alice").post(step_url(demo, "accept"), data)
    assert r.status_code == 400
    assert not Inspection.objects.exists()
    demo.refresh_from_db()
    assert demo.state == DemoState.REVIEWED


def test_a_photo_time_the_page_garbled_is_named(world, campaign, client):
    demo = reviewed(world, campaign)
    data = sheet(demo.site, fail=["F2"], photos={"F2": [photo()]}, taken_at_F2="yesterday")
    r = client("alice").post(step_url(demo, "accept"), data)
    assert r.status_code == 400
    assert "Item F2: “yesterday” is not a time the photo was taken (ISO 8601)." in text(r)
    assert not Inspection.objects.exists()


def test_a_purity_that_is_not_a_number_is_refused(world, campaign, client):
    demo = reviewed(world, campaign)
    r = client("alice").post(step_url(demo, "accept"), sheet(demo.site, purity_Q1="abc"))
    assert r.status_code == 400
    assert "Item Q1: “abc” is not a purity between 0 and 100." in text(r)


# --- who may do what ------------------------------------------------------------------------------------


def test_the_wrong_capacity_is_403_and_outside_the_scope_404(world, campaign, client):
    demo = applied(world, campaign)
    assert client("cora").get(step_url(demo, "review")).status_code == 403
    assert client("cora").post(step_url(demo, "review"), {"note": ""}).status_code == 403
    assert client("alice").get(step_url(demo, "review")).status_code == 403  # the street reviews
    assert client("leo").get(step_url(demo, "review")).status_code == 403
    assert client("mia").get(demo.get_absolute_url()).status_code == 200  # her site
    assert client("mia").get(step_url(demo, "review")).status_code == 403
    assert client("sam").get(step_url(demo, "accept")).status_code == 403
    for name in ("olly", "ada", "nina"):
        assert client(name).get(demo.get_absolute_url()).status_code == 404, name
        assert client(name).post(step_url(demo, "review"), {"note": ""}).status_code == 404, name
    demo.refresh_from_db()
    assert demo.state == DemoState.APPLIED
    assert client("alice").get(apply_url(campaign)).status_code == 403  # not a community
    assert client("sam").get(apply_url(campaign)).status_code == 403
    assert client("mia").get(apply_url(campaign)).status_code == 404  # does not see the campaign


def test_a_step_the_state_does_not_allow_is_400_and_an_unknown_step_404(world, campaign, client):
    demo = applied(world, campaign)
    r = client("alice").get(step_url(demo, "name"))
    assert r.status_code == 400
    assert "“Name (award the plaque)” cannot be taken while the site is" in text(r)
    r = client("alice").post(step_url(demo, "accept"), sheet(demo.site))
    assert r.status_code == 400 and 'id="step-refused"' in text(r)
    assert not Inspection.objects.exists()
    r = client("sam").get(step_url(demo, "resubmit"))
    assert r.status_code == 403  # the community resubmits
    assert client("sam").get(step_url(demo, "apply")).status_code == 404
    assert client("sam").get(step_url(demo, "delete")).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(world, campaign):
    from django.test import Client

    demo = applied(world, campaign)
    for url in (list_url(campaign), apply_url(campaign), demo.get_absolute_url(), step_url(demo, "review")):
        r = Client().get(url)
        assert r.status_code == 302 and "/accounts/login/" in r["Location"], url


# --- the application -----------------------------------------------------------------------------------


def test_application_errors_name_the_field(world, campaign, client):
    cora = client("cora")
    r = cora.post(apply_url(campaign), {"site": "", "note": "x"})
    assert r.status_code == 400 and "Choose the site that applies." in text(r)
    r = cora.post(apply_url(campaign), {"site": world.sites["a1_school"].pk, "note": "x"})
    assert r.status_code == 400 and "the site is not one you may apply for" in text(r)
    r = cora.post(apply_url(campaign), {"site": world.sites["b1_estate"].pk, "note": "x"})  # another street's
    assert r.status_code == 400 and "the site is not one you may apply for" in text(r)
    r = cora.post(apply_url(campaign), {"site": world.sites["a1_estate"].pk, "note": " "})
    assert r.status_code == 400
    assert "Describe the site&#x27;s sorting work or attach the application materials." in text(r)
    bad = files.upload("材料.pdf", files.zip_bytes(), "application/pdf")
    r = cora.post(apply_url(campaign), {"site": world.sites["a1_estate"].pk, "note": "x", "files": [bad]})
    assert r.status_code == 400
    assert "材料.pdf" in text(r) and 'data-field="files"' in text(r)
    assert not DemoSite.objects.exists()


def test_a_site_with_a_live_application_is_not_offered_again(world, campaign, client):
    demo = applied(world, campaign)
    cora = client("cora")
    r = cora.get(apply_url(campaign))
    assert r.status_code == 200
    assert 'id="no-sites"' in text(r) and f'data-demo="{demo.pk}"' in text(r)
    r = cora.post(apply_url(campaign), {"site": demo.site_id, "note": "again"})
    assert r.status_code == 400
    # an office building added to 甲一社区 can apply, as an office demonstration site
    tower = org.site_create(
        site=Site(
            name="甲一大厦", kind=SiteKind.objects.get(code="office-building"), community=world.community_a1
        ),
        by=world.cora,
    )
    r = cora.post(apply_url(campaign), {"site": tower.pk, "note": "写字楼分类"})
    assert r.status_code == 302
    assert DemoSite.objects.get(site=tower).kind == "office"


# --- the list -------------------------------------------------------------------------------------------


def test_the_list_counts_filters_and_stays_in_scope(world, campaign, client, now):
    a1 = applied(world, campaign)
    alice = client("alice")
    r = alice.get(list_url(campaign))
    assert r.status_code == 200
    assert f'data-demo="{a1.pk}"' in text(r)
    assert re.search(r'data-state="applied"><span class="num">1</span>', text(r))
    r = alice.get(list_url(campaign, state="named"))
    assert f'data-demo="{a1.pk}"' not in text(r) and "No demonstration site matches the filters." in text(r)
    r = alice.get(list_url(campaign, kind="managed"))
    assert f'data-demo="{a1.pk}"' in text(r)
    r = alice.get(list_url(campaign, kind="bogus"))
    assert r.status_code == 200 and f'data-demo="{a1.pk}"' in text(r)  # a bad filter is left out, and named
    assert 'class="errorbox"' in text(r)
    r = alice.get(list_url(campaign, world.street_b))
    assert f'data-demo="{a1.pk}"' not in text(r)
    assert world.street_b.pk in lacking_areas(r) and world.street_a.pk not in lacking_areas(r)
    # sam sees his street; 乙街道 is outside his scope; olly does not see 甲一花园's application
    assert client("sam").get(list_url(campaign, world.street_b)).status_code == 404
    r = client("olly").get(list_url(campaign))
    assert r.status_code == 200 and f'data-demo="{a1.pk}"' not in text(r)
    assert world.community_b1.pk in lacking_areas(r) and world.community_a1.pk not in lacking_areas(r)
    assert 'id="apply"' not in text(r)
    for name in ("ada", "hal", "mia", "nina"):
        assert client(name).get(list_url(campaign)).status_code == 404, name
    assert alice.get(list_url(campaign) + "?area=x").status_code == 400


def test_a_named_site_whose_recheck_has_come_is_highlighted(world, campaign, client, time_machine):
    demo = reviewed(world, campaign)
    version = version_of(demo.site)
    from fenlei.inspections.tests.conftest import answers_for

    demo = services.demo_step(
        demo, DemoStep.ACCEPT, by=world.alice, sheet=services.Sheet(answers=answers_for(version), photos=[])
    )
    demo = services.demo_step(demo, DemoStep.NAME, by=world.alice, plaque="DH-1")
    alice = client("alice")
    r = alice.get(list_url(campaign))
    assert f'data-demo="{demo.pk}" data-state="named">' in text(r)  # not due for months
    time_machine.move_to(timezone.make_aware(datetime.datetime(2027, 1, 20, 9)), tick=False)
    alice = _signed_in(world.alice)  # the session of 2026 has expired by then
    r = alice.get(list_url(campaign))
    assert f'data-demo="{demo.pk}" data-state="named" class="recheck-soon"' in text(r)
    time_machine.move_to(timezone.make_aware(datetime.datetime(2027, 2, 4, 9)), tick=False)
    alice = _signed_in(world.alice)
    r = alice.get(list_url(campaign))
    assert f'data-demo="{demo.pk}" data-state="named" class="recheck-due"' in text(r)
    r = alice.get(list_url(campaign, due="yes"))
    assert f'data-demo="{demo.pk}"' in text(r)
    r = alice.get(demo.get_absolute_url())
    assert 'class="tag due"' in text(r)
    assert f'href="{step_url(demo, "recheck")}"' in text(r) and f'href="{step_url(demo, "revoke")}"' in text(
        r
    )


def test_a_revocation_needs_a_reason(world, campaign, client):
    demo = reviewed(world, campaign)
    from fenlei.inspections.tests.conftest import answers_for

    demo = services.demo_step(
        demo,
        DemoStep.ACCEPT,
        by=world.alice,
        sheet=services.Sheet(answers=answers_for(version_of(demo.site)), photos=[]),
    )
    alice = client("alice")
    r = alice.post(step_url(demo, "revoke"), {"note": " "})
    assert r.status_code == 400 and "Give the reason" in text(r)
    r = alice.post(step_url(demo, "revoke"), {"note": "弄虚作假"})
    assert r.status_code == 302
    demo.refresh_from_db()
    assert demo.state == DemoState.REVOKED and demo.events.last().note == "弄虚作假"


def test_the_list_reads_a_constant_number_of_queries(world, campaign, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def apply(key):
        site = world.sites[key]
        services.apply_demo(
            campaign=campaign, site=site, by=_community_admin(world, site.community), note="x"
        )

    for key in ("a1_estate", "a2_open"):
        apply(key)
    alice = client("alice")
    alice.get(list_url(campaign))  # judges the stale units once
    with CaptureQueriesContext(connection) as first:
        alice.get(list_url(campaign))
    assert len(first) <= 25, [q["sql"] for q in first.captured_queries]
    for key in ("b1_estate", "b2_group"):
        apply(key)
    alice.get(list_url(campaign))
    with CaptureQueriesContext(connection) as second:
        r = alice.get(list_url(campaign))
    assert len(second) == len(first)
    assert r.content.decode().count("<tr data-demo=") == 4


def _community_admin(world, community):
    from fenlei.accounts import services as accounts
    from fenlei.accounts.models import User
    from fenlei.core.roles import Role

    user = User.objects.create_user(username=f"admin{community.pk}", password=PASSWORD)
    accounts.assign(user=user, role=Role.COMMUNITY_ADMIN, target=community, by=None)
    return user


def _signed_in(user):
    from django.test import Client

    c = Client()
    c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    c.cookies["fenlei_language"] = "en"
    return c
