"""The campaign API under frozen time (2026-08-03): the overview's numbers are the selector's, evidence
goes submit → return → submit → verify, a demonstration site goes from application to revocation, and
bad input is refused with the field and the reason (or 403/404 by the rules)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from fenlei.campaign import selectors, services
from fenlei.campaign.choices import DemoState, EvidenceState, ItemState, Level, Method
from fenlei.campaign.models import CoverageDay, DemoEvent, DemoSite, Evidence, Item, Unit
from fenlei.campaign.tests.conftest import activity, group, point, supervisor, two_rule_campaign
from fenlei.core.models import AuditEntry
from fenlei.core.services import close
from fenlei.core.testing import files
from fenlei.inspections import services as inspections
from fenlei.inspections.choices import TargetType
from fenlei.inspections.models import Inspection

D = datetime.date

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def client_for(user, language="en") -> APIClient:
    client = APIClient()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    client.cookies["fenlei_language"] = language
    return client


def url(name, *args) -> str:
    return reverse(f"campaign-api:{name}", args=args)


def item(campaign, area, code) -> Item:
    return Item.objects.get(unit__campaign=campaign, unit__area=area, requirement__code=code)


def pdf(name="方案.pdf"):
    return files.upload(name, files.pdf_bytes(), "application/pdf")


def kept(campaign, area, day, communities, covered):
    return CoverageDay(
        campaign=campaign,
        area=area,
        area_path=area.path,
        day=day,
        communities=communities,
        covered=covered,
    )


@pytest.fixture
def behind(world, now):
    """a1 covered (before the window), b1 covered in the window; a2 lacks its publicity, whose target
    date (7-31) has passed; b2 has nothing. 甲街道 gained nothing in the 28 days: at risk."""
    c = two_rule_campaign(world, publicity_due=(7, 31), street_demo=True)
    CoverageDay.objects.bulk_create(
        [
            kept(c, world.district, D(2026, 7, 6), 4, 1),
            kept(c, world.street_a, D(2026, 7, 6), 2, 1),
            kept(c, world.street_b, D(2026, 7, 6), 2, 0),
            kept(c, world.district, D(2026, 7, 20), 4, 1),
        ]
    )
    for area in (world.community_a1, world.community_b1, world.community_a2):
        group(area, world.alice)
    for area in (world.community_a1, world.community_b1):
        activity(area, world.alice, on=D(2026, 7, 30))
    services.refresh(c)
    return c


# --- campaigns and the overview -------------------------------------------------------------------


def test_campaigns_list_and_detail_with_the_checklist(world, campaign):
    cora = client_for(world.cora)
    listed = cora.get(url("campaign-list")).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == campaign.pk
    body = cora.get(url("campaign-detail", campaign.pk)).json()
    assert body["coverage_deadline"] == "2026-09-30" and body["year"] == 2026
    assert [p["code"] for p in body["phases"]] == ["mobilise", "implement", "assess"]
    assert [p["current"] for p in body["phases"]] == [False, True, False]
    assert [m["is_assessment"] for m in body["milestones"]] == [True, False, True]
    reqs = {r["code"]: r for r in body["requirements"]}
    assert reqs["publicity"]["rule_label"] == "Publicity held recently"
    assert reqs["publicity"]["params"] == {"days": 30, "count": 1}
    assert reqs["plan"]["method"] == Method.EVIDENCE and reqs["plan"]["rule_label"] == ""
    assert reqs["street-group"]["level"] == Level.STREET
    # the site manager and the authority hold no area role: no campaign for them
    assert client_for(world.mia).get(url("campaign-detail", campaign.pk)).status_code == 404
    assert client_for(world.ada).get(url("campaign-list")).json()["count"] == 0


def test_the_overview_numbers_are_the_selectors(world, behind):
    body = client_for(world.alice).get(url("campaign-overview", behind.pk)).json()
    ov = selectors.overview(behind, world.district)
    assert body["area"]["id"] == world.district.pk and body["today"] == "2026-08-03"
    assert body["coverage"] == {
        "communities": 4,
        "covered": 2,
        "pct": 50.0,
        "households": 4000,
        "covered_households": 2000,
        "households_pct": 50.0,
    }
    assert (ov.coverage.covered, ov.coverage.pct) == (2, 50.0)
    fc = body["forecast"]
    assert (fc["covered"], fc["remaining"], fc["date"], fc["on_track"]) == (
        ov.forecast.covered,
        ov.forecast.remaining,
        ov.forecast.date.isoformat(),
        ov.forecast.on_track,
    )
    # by hand: 1 on 7-06 → 2 today: 1/28 a day, 2 left → 56 days → 9-28, on track
    assert fc["date"] == "2026-09-28" and fc["pace_per_day"] == pytest.approx(1 / 28, abs=1e-4)
    assert fc["pace_per_week"] == pytest.approx(0.25) and fc["needed_per_day"] == pytest.approx(
        2 / 58, abs=1e-4
    )
    children = [(c["area"]["name"], c["coverage"]["covered"], c["at_risk"]) for c in body["children"]]
    assert children == [(ch.area.name, ch.coverage.covered, ch.at_risk) for ch in ov.children]
    assert children == [("甲街道", 1, True), ("乙街道", 1, False)]
    assert body["children"][1]["forecast"]["date"] == "2026-08-31"
    assert body["burnup"] == [{"day": d.isoformat(), "covered": n} for d, n in ov.burnup]
    assert body["burnup"][-1] == {"day": "2026-08-03", "covered": 2}
    # a2 is overdue (publicity due 7-31); b2 too (nothing at all, fewer met: first): both are at risk
    assert (
        [u["area"]["name"] for u in body["at_risk"]]
        == [u.area.name for u in ov.at_risk]
        == ["乙二村", "甲二社区"]
    )
    assert {u["reason"] for u in body["at_risk"]} == {"overdue"}
    assert body["at_risk_count"] == ov.at_risk_count == 2
    assert body["behind_count"] == ov.behind_count == 2
    assert body["missing_demo_count"] == ov.missing_demo_count == 6
    assert (body["streets_missing_demo"], body["communities_missing_demo"]) == (2, 4)
    first = body["missing_demo"][0]
    assert first["level"] == Level.STREET and set(first["missing"]) == {"managed", "open"}
    assert "Managed residential estate" in first["missing_labels"]
    labels = [c["label"] for c in body["countdown"]]
    assert "Organisation and implementation" in labels
    assert [c["days_left"] for c in body["countdown"] if c["current"]] == [58]
    # the lists the counts link to hold exactly those units
    alice = client_for(world.alice)
    risky = alice.get(body["at_risk_list"]).json()
    assert risky["count"] == body["at_risk_count"]
    assert {u["id"] for u in risky["results"]} == {u.pk for u in ov.at_risk}
    assert alice.get(body["behind_list"]).json()["count"] == body["behind_count"]


def test_a_street_sees_its_own_overview_and_units(world, behind):
    sam = client_for(world.sam)
    body = sam.get(url("campaign-overview", behind.pk)).json()
    ov = selectors.overview(behind, world.street_a)
    assert body["area"]["id"] == world.street_a.pk and body["children"] == []
    assert body["coverage"]["communities"] == 2 and body["coverage"]["covered"] == 1
    # 甲街道 gained nothing in the window: its uncovered community is at risk
    assert not body["forecast"]["on_track"] and body["forecast"]["pace_per_day"] == 0
    assert body["at_risk_count"] == ov.at_risk_count == 1
    units = sam.get(url("campaign-units", behind.pk), {"at_risk": "true"}).json()
    assert [u["area"]["name"] for u in units["results"]] == ["甲二社区"]
    everything = sam.get(url("campaign-units", behind.pk)).json()
    assert [u["area"]["name"] for u in everything["results"]] == ["甲街道", "甲一社区", "甲二社区"]
    assert sam.get(url("campaign-units", behind.pk), {"at_risk": "false"}).json()["count"] == 2
    streets = sam.get(url("campaign-units", behind.pk), {"level": 2}).json()["results"]
    assert [u["level"] for u in streets] == [Level.STREET]
    covered = sam.get(url("campaign-units", behind.pk), {"covered": "true"}).json()["results"]
    assert [u["area"]["name"] for u in covered] == ["甲一社区"]
    # the district, or 乙街道, lie outside sam's scope
    assert sam.get(url("campaign-overview", behind.pk), {"area": world.district.pk}).status_code == 404
    assert sam.get(url("campaign-units", behind.pk), {"area": world.street_b.pk}).status_code == 404


def test_the_overview_brings_stale_units_current_first(world, behind):
    alice = client_for(world.alice)
    assert alice.get(url("campaign-overview", behind.pk)).json()["coverage"]["covered"] == 2
    activity(world.community_a2, world.alice, on=D(2026, 8, 1))  # a2 now has both
    assert Unit.objects.get(campaign=behind, area=world.community_a2).dirty
    body = alice.get(url("campaign-overview", behind.pk)).json()
    assert body["coverage"]["covered"] == 3 and body["at_risk_count"] == 1


def test_a_unit_is_judged_afresh_and_says_what_to_do_next(world, campaign):
    cora = client_for(world.cora)
    a1 = Unit.objects.get(campaign=campaign, area=world.community_a1)
    body = cora.get(url("unit-detail", a1.pk)).json()
    items = {i["requirement"]["code"]: i for i in body["items"]}
    assert body["level"] == Level.COMMUNITY and body["total"] == len(items) == 8
    sup = items["supervisors"]
    assert (sup["met"], sup["state"], sup["explanation"]) == (
        False,
        ItemState.UNMET,
        "No drop-off point is recorded here.",
    )
    assert sup["target_date"] == "2026-09-30" and not sup["overdue"]
    assert items["group"]["overdue"]  # due 6-30, not met
    assert body["next_steps"][0] == items["group"]["id"]  # the earliest target date first
    assert items["plan"]["may_submit_evidence"] and not items["plan"]["may_verify_evidence"]
    assert items["plan"]["evidence"].endswith(url("item-evidence", items["plan"]["id"]))
    assert items["group"]["evidence"] is None and not items["group"]["may_submit_evidence"]
    # a drop-off point with its supervisor: the item flips at once, with a link to the records
    pt = point(world.community_a1, world.cora)
    sup_row = supervisor(pt, world.cora)
    body = cora.get(url("unit-detail", a1.pk)).json()
    sup = next(i for i in body["items"] if i["requirement"]["code"] == "supervisors")
    assert sup["met"] and sup["state"] == ItemState.MET and sup["met_since"] == "2026-08-03"
    assert sup["links"] and sup["links"][0]["url"].startswith("http")
    assert sup["id"] not in body["next_steps"]
    # and back when the supervisor row is closed; the item's own page says so too
    close(sup_row, by=world.cora)
    detail = cora.get(url("item-detail", sup["id"])).json()
    assert not detail["met"] and "1 of 1 drop-off points have no supervisor" in detail["explanation"]
    # sam (the street) may verify the plan's evidence, not submit it
    plan = client_for(world.sam).get(url("item-detail", items["plan"]["id"])).json()
    assert plan["may_verify_evidence"] and not plan["may_submit_evidence"]


# --- evidence ---------------------------------------------------------------------------------------


def test_evidence_submit_return_submit_verify(world, campaign):
    cora, sam = client_for(world.cora), client_for(world.sam)
    plan = item(campaign, world.community_a1, "plan")
    evidence_url = url("item-evidence", plan.pk)
    response = cora.post(evidence_url, {"note": "甲一社区实施方案", "files": [pdf()]}, format="multipart")
    assert response.status_code == 201, response.json()
    first = response.json()
    assert first["state"] == EvidenceState.SUBMITTED and first["submitted_by"] == "cora"
    assert [f["name"] for f in first["files"]] == ["方案.pdf"]
    assert first["files"][0]["uploaded_at"] == first["submitted_at"] == "2026-08-03T09:00:00+08:00"
    read = sam.get(first["files"][0]["url"])
    assert read.status_code == 200 and read["Content-Type"] == "application/pdf"
    assert b"".join(read.streaming_content).startswith(b"%PDF")
    assert cora.get(url("item-detail", plan.pk)).json()["state"] == ItemState.SUBMITTED
    # a second submission while the first awaits: refused
    again = cora.post(evidence_url, {"note": "再交一次"}, format="json")
    assert again.status_code == 400 and "already awaiting" in again.json()["non_field_errors"][0]
    # returned without a reason: refused; with one: returned
    decide = url("evidence-decide", first["id"])
    refused = sam.post(decide, {"verify": False}, format="json")
    assert refused.status_code == 400 and refused.json()["note"] == ["Say why the evidence is returned."]
    returned = sam.post(decide, {"verify": False, "note": "缺少盖章"}, format="json")
    assert returned.status_code == 200, returned.json()
    assert returned.json()["state"] == EvidenceState.RETURNED and returned.json()["decided_by"] == "sam"
    detail = cora.get(url("item-detail", plan.pk)).json()
    assert detail["state"] == ItemState.RETURNED and "缺少盖章" in detail["explanation"]
    # decided once: not again
    assert sam.post(decide, {"verify": True}, format="json").status_code == 400
    # submitted again, verified
    second = cora.post(
        evidence_url, {"note": "盖章版", "files": [pdf("盖章版.pdf")]}, format="multipart"
    ).json()
    assert (
        client_for(world.cora)
        .post(url("evidence-decide", second["id"]), {"verify": True}, format="json")
        .status_code
        == 403
    )
    assert (
        client_for(world.olly)
        .post(url("evidence-decide", second["id"]), {"verify": True}, format="json")
        .status_code
        == 404
    )
    verified = client_for(world.alice).post(
        url("evidence-decide", second["id"]), {"verify": True}, format="json"
    )
    assert verified.status_code == 200 and verified.json()["state"] == EvidenceState.VERIFIED
    detail = cora.get(url("item-detail", plan.pk)).json()
    assert detail["met"] and detail["state"] == ItemState.MET
    listed = cora.get(evidence_url).json()
    assert [e["state"] for e in listed["results"]] == [EvidenceState.VERIFIED, EvidenceState.RETURNED]
    # every step audited, through the API
    entries = list(
        AuditEntry.objects.filter(content_type__model="evidence", action__in=["create", "update"])
        .order_by("id")
        .values_list("action", "user__username", "face")
    )
    assert entries == [
        ("create", "cora", "api"),
        ("update", "sam", "api"),
        ("create", "cora", "api"),
        ("update", "alice", "api"),
    ]
    history = cora.get(url("evidence-history", second["id"])).json()
    assert history["count"] >= 2


def test_evidence_input_refused_with_the_field_and_the_reason(world, campaign):
    cora = client_for(world.cora)
    plan = item(campaign, world.community_a1, "plan")
    evidence_url = url("item-evidence", plan.pk)
    # not a file type the slot takes
    page = files.upload("方案.html", files.HTML, "application/pdf")
    response = cora.post(evidence_url, {"note": "方案", "files": [page]}, format="multipart")
    assert response.status_code == 400 and "方案.html" in " ".join(response.json()["files"])
    zipped = files.upload("方案.zip", files.zip_bytes(), "application/zip")
    assert cora.post(evidence_url, {"files": [zipped]}, format="multipart").status_code == 400
    # neither a note nor a file
    response = cora.post(evidence_url, {"note": "  "}, format="json")
    assert response.status_code == 400 and "files" in response.json()
    # a rule-based item takes no evidence
    group_item = item(campaign, world.community_a1, "group")
    response = cora.post(url("item-evidence", group_item.pk), {"note": "有领导小组"}, format="json")
    assert response.status_code == 400 and "judged from the records" in response.json()["non_field_errors"][0]
    # the street does not submit for its community; 乙街道 does not see it
    response = client_for(world.sam).post(evidence_url, {"note": "方案"}, format="json")
    assert response.status_code == 403 and "Only the unit itself" in response.json()["detail"]
    assert client_for(world.olly).post(evidence_url, {"note": "方案"}, format="json").status_code == 404
    assert client_for(world.olly).get(url("item-detail", plan.pk)).status_code == 404
    assert not Evidence.objects.exists()


# --- demonstration sites ------------------------------------------------------------------------------


def sheet(version, *, fail=()) -> list[dict]:
    out = []
    for i in version.items.all():
        if i.purity:
            out.append({"code": i.code, "purity": [60, 95] if i.code in fail else [90, 95]})
        else:
            out.append({"code": i.code, "result": "fail" if i.code in fail else "pass"})
    return out


def test_a_demonstration_site_from_application_to_revocation(world, campaign):
    cora, sam, alice = client_for(world.cora), client_for(world.sam), client_for(world.alice)
    estate = world.sites["a1_estate"]
    response = cora.post(
        url("demo-site-list"),
        {"campaign": campaign.pk, "site": estate.pk, "note": "垃圾分类工作扎实", "files": [pdf("申报.pdf")]},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    demo = response.json()
    assert (demo["kind"], demo["state"], demo["site"]["name"]) == ("managed", DemoState.APPLIED, "甲一花园")
    assert cora.get(demo["files"][0]["url"]).status_code == 200
    # sam reviews: the steps he may take
    steps = sam.get(url("demo-site-steps", demo["id"])).json()
    assert steps["state"] == DemoState.APPLIED
    assert [s["step"] for s in steps["steps"]] == ["review", "return"]
    assert [s["needs_note"] for s in steps["steps"]] == [False, True]
    assert cora.get(url("demo-site-steps", demo["id"])).json()["steps"] == []
    take = url("demo-site-steps", demo["id"])
    response = sam.post(take, {"step": "review", "note": "初审通过"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == DemoState.REVIEWED
    # alice accepts with the scoring sheet
    steps = alice.get(take).json()["steps"]
    assert [s["step"] for s in steps] == ["accept"] and steps[0]["needs_sheet"]
    version = inspections.template_for(TargetType.SITE, estate)
    assert alice.get(steps[0]["checklist"]).json()["number"] == version.number
    response = alice.post(take, {"step": "accept", "answers": sheet(version)}, format="json")
    assert response.status_code == 200, response.json()
    accepted = response.json()
    assert accepted["state"] == DemoState.ACCEPTED and float(accepted["score"]) >= campaign.demo_pass_mark
    assert alice.get(accepted["inspection"]["url"]).json()["target"]["id"] == estate.pk
    # named: the plaque number is needed
    response = alice.post(take, {"step": "name"}, format="json")
    assert response.status_code == 400 and response.json()["plaque"] == ["Give the plaque number."]
    response = alice.post(take, {"step": "name", "plaque": "DH-2026-001"}, format="json")
    named = response.json()
    assert (named["state"], named["plaque"], named["recheck_due"]) == (
        DemoState.NAMED,
        "DH-2026-001",
        "2027-02-03",
    )
    demo_item = cora.get(url("item-detail", item(campaign, world.community_a1, "demo").pk)).json()
    assert demo_item["met"], demo_item["explanation"]
    # the re-check fails (photos of the problems sent with the sheet): the title is revoked
    veto = [i.code for i in version.items.all() if i.veto][:1]
    fail = veto or [i.code for i in version.items.all() if not i.purity]
    data = {"step": "recheck", "answers": sheet(version, fail=fail), "photos": []}
    photos = []
    for code in fail:
        data["photos"].append({"code": code, "taken_at": timezone.now().isoformat()})
        photos.append(files.upload(f"{code}.jpg", files.image_bytes(gps=False), "image/jpeg"))
    response = alice.post(take, {"data": json.dumps(data), "photos": photos}, format="multipart")
    assert response.status_code == 200, response.json()
    revoked = response.json()
    assert (revoked["state"], revoked["revoked_on"]) == (DemoState.REVOKED, "2026-08-03")
    assert [(e["step"], e["to_state"]) for e in revoked["events"]] == [
        ("apply", "applied"),
        ("review", "reviewed"),
        ("accept", "accepted"),
        ("name", "named"),
        ("recheck", "revoked"),
    ]
    assert revoked["events"][-1]["inspection"]["id"] == revoked["inspection"]["id"]
    assert Inspection.objects.filter(site=estate).count() == 2
    assert not cora.get(url("item-detail", item(campaign, world.community_a1, "demo").pk)).json()["met"]
    assert set(DemoEvent.objects.filter(demo_id=demo["id"]).values_list("face", flat=True)) == {"api"}
    # the list filters by state and kind, and lists what mia (the site's manager) sees
    listed = client_for(world.mia).get(url("demo-site-list"), {"state": "revoked", "kind": "managed"}).json()
    assert [d["id"] for d in listed["results"]] == [demo["id"]]
    assert client_for(world.olly).get(url("demo-site-list")).json()["count"] == 0


def test_demonstration_site_steps_refused(world, campaign):
    cora, sam, alice = client_for(world.cora), client_for(world.sam), client_for(world.alice)
    demo = services.apply_demo(campaign=campaign, site=world.sites["a1_estate"], by=world.cora, note="申报")
    take = url("demo-site-steps", demo.pk)
    # wrong capacity: the community does not review, the street does not accept
    response = cora.post(take, {"step": "review"}, format="json")
    assert response.status_code == 403 and "the street" in response.json()["detail"]
    # a step the state does not allow
    response = alice.post(take, {"step": "name", "plaque": "X"}, format="json")
    assert response.status_code == 400 and "cannot be taken" in response.json()["non_field_errors"][0]
    # no such step; no step at all; the application is not a step
    assert "step" in sam.post(take, {"step": "fly"}, format="json").json()
    assert sam.post(take, {}, format="json").json()["step"] == ["This field is required."]
    assert sam.post(take, {"step": "apply"}, format="json").status_code == 400
    # returning needs a reason
    response = sam.post(take, {"step": "return"}, format="json")
    assert response.status_code == 400 and response.json()["note"] == ["Give the reason."]
    # a scoring sheet with items missing names them, and nothing is kept
    sam.post(take, {"step": "review"}, format="json")
    response = alice.post(
        take, {"step": "accept", "answers": [{"code": "F1", "result": "pass"}]}, format="json"
    )
    assert response.status_code == 400 and "Items not answered" in " ".join(response.json()["answers"])
    assert not Inspection.objects.exists()
    assert DemoSite.objects.get(pk=demo.pk).state == DemoState.REVIEWED
    # the multipart part `data` must be JSON
    response = alice.post(take, {"data": "{not json"}, format="multipart")
    assert response.status_code == 400 and "data" in response.json()
    # outside the scope
    assert client_for(world.olly).post(take, {"step": "review"}, format="json").status_code == 404
    assert client_for(world.olly).get(url("demo-site-detail", demo.pk)).status_code == 404


def test_applications_refused(world, campaign):
    cora = client_for(world.cora)
    apply = url("demo-site-list")
    school = world.sites["a1_school"]
    response = cora.post(apply, {"campaign": campaign.pk, "site": school.pk, "note": "学校"}, format="json")
    assert response.status_code == 400 and "cannot be a demonstration site" in response.json()["kind"][0]
    other = world.sites["b1_estate"]  # 乙一社区's: not cora's to see
    response = cora.post(apply, {"campaign": campaign.pk, "site": other.pk, "note": "申报"}, format="json")
    assert response.status_code == 400 and response.json()["site"] == [
        f"No site you may see has the id {other.pk}."
    ]
    estate = world.sites["a1_estate"]
    response = cora.post(apply, {"campaign": campaign.pk, "site": estate.pk}, format="json")
    assert response.status_code == 400 and "note" in response.json()
    response = cora.post(apply, {"campaign": 999999, "site": estate.pk, "note": "申报"}, format="json")
    assert response.status_code == 400 and "campaign" in response.json()
    bad = files.upload("申报.pdf", files.zip_bytes(), "application/pdf")
    response = cora.post(
        apply,
        {"campaign": campaign.pk, "site": estate.pk, "note": "申报", "files": [bad]},
        format="multipart",
    )
    assert response.status_code == 400 and "files" in response.json()
    # the street may add demonstration sites somewhere, but the community applies
    response = client_for(world.sam).post(
        apply, {"campaign": campaign.pk, "site": estate.pk, "note": "申报"}, format="json"
    )
    assert response.status_code == 403
    assert client_for(world.leo).post(apply, {}, format="json").status_code == 403
    assert not DemoSite.objects.exists()
    # twice: refused
    assert (
        cora.post(
            apply, {"campaign": campaign.pk, "site": estate.pk, "note": "申报"}, format="json"
        ).status_code
        == 201
    )
    response = cora.post(apply, {"campaign": campaign.pk, "site": estate.pk, "note": "再报"}, format="json")
    assert response.status_code == 400 and "already has an application" in response.json()["site"][0]


# --- places, snapshots, the language -------------------------------------------------------------------


def test_a_place_outside_the_campaign_or_not_an_area(world, campaign):
    from tests.matrix import outside_district, superuser

    superuser(world)
    outside_district(world)
    root = client_for(world.users["root"])
    response = root.get(url("campaign-overview", campaign.pk), {"area": world.street_c.pk})
    assert response.status_code == 404  # an area beside the campaign's is not one of its places
    assert root.get(url("campaign-overview", campaign.pk)).json()["area"]["id"] == world.district.pk
    alice = client_for(world.alice)
    response = alice.get(url("campaign-overview", campaign.pk), {"area": "甲"})
    assert response.status_code == 400 and response.json()["area"] == [
        "“area” must be the number of an area, not “甲”."
    ]
    assert alice.get(url("campaign-overview", campaign.pk), {"area": world.street_c.pk}).status_code == 404
    assert alice.get(url("campaign-units", campaign.pk), {"level": 7}).status_code == 400
    # xavier, of another district, sees no campaign of 东湖区
    assert client_for(world.users["xavier"]).get(url("campaign-overview", campaign.pk)).status_code == 404


def test_a_snapshot_compared_with_today(world, now):
    c = two_rule_campaign(world, publicity_due=(7, 31), street_demo=True)
    group(world.community_a1, world.alice, on=D(2026, 7, 1))
    activity(world.community_a1, world.alice, on=D(2026, 7, 20))
    snap = services.take_snapshot(c, on=D(2026, 6, 30), name="半年度考核", by=world.alice)
    alice = client_for(world.alice)
    listed = alice.get(url("campaign-snapshots", c.pk)).json()
    assert [(s["name"], s["on"], s["taken_by"]) for s in listed["results"]] == [
        ("半年度考核", "2026-06-30", "alice")
    ]
    body = alice.get(url("snapshot-detail", snap.pk)).json()
    cmp = selectors.compare(snap, world.district)
    assert (body["compare"]["then"]["covered"], body["compare"]["now"]["covered"]) == (0, 1)
    assert body["compare"]["now"]["covered"] == cmp.now.covered
    assert body["compare"]["changed_count"] == cmp.changed_count == 2
    assert {
        (ch["area"]["name"], ch["code"], ch["then_met"], ch["now_met"]) for ch in body["compare"]["changed"]
    } == {
        ("甲一社区", "group", False, True),
        ("甲一社区", "publicity", False, True),
    }
    # for 乙街道: nothing changed there
    body = alice.get(url("snapshot-detail", snap.pk), {"area": world.street_b.pk}).json()
    assert body["compare"]["area"]["id"] == world.street_b.pk and body["compare"]["changed_count"] == 0
    assert (
        client_for(world.olly).get(url("snapshot-detail", snap.pk)).json()["compare"]["area"]["id"]
        == world.street_b.pk
    )


def test_messages_follow_the_language(world, campaign):
    demo = services.apply_demo(campaign=campaign, site=world.sites["a1_estate"], by=world.cora, note="申报")
    take = url("demo-site-steps", demo.pk)
    english = client_for(world.sam).post(take, {}, format="json").json()["step"]
    chinese = client_for(world.sam, language="zh-hans").post(take, {}, format="json").json()["step"]
    assert english == ["This field is required."] and chinese != english


# --- query counts -----------------------------------------------------------------------------------


def test_lists_keep_their_query_count(world, campaign, django_assert_max_num_queries):
    alice, cora = client_for(world.alice), client_for(world.cora)
    services.refresh(campaign)
    units = url("campaign-units", campaign.pk)
    alice.get(units)  # warm the caches (content types, the session)
    with django_assert_max_num_queries(10):
        assert alice.get(units).json()["count"] == 6
    overview = url("campaign-overview", campaign.pk)
    alice.get(overview)
    with django_assert_max_num_queries(20):  # 6 of ours (session, user, roles, campaign, area, stale units)
        assert alice.get(overview).status_code == 200
    demos = url("demo-site-list")
    services.apply_demo(
        campaign=campaign, site=world.sites["a1_estate"], by=world.cora, note="申报", files=[pdf()]
    )
    cora.get(demos)
    with django_assert_max_num_queries(10):
        assert cora.get(demos).json()["count"] == 1

    def count_with_more():
        from fenlei.org import services as org
        from fenlei.org.models import Site, SiteKind

        for n in range(3):
            site = org.site_create(
                site=Site(
                    name=f"甲一新苑{n}",
                    kind=SiteKind.objects.get(code="office-building"),
                    community=world.community_a1,
                ),
                by=None,
            )
            services.apply_demo(campaign=campaign, site=site, by=world.cora, note="申报", files=[pdf()])

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        cora.get(demos)
    count_with_more()
    with CaptureQueriesContext(connection) as many:
        assert cora.get(demos).json()["count"] == 4
    assert len(many) == len(few)
    plan = item(campaign, world.community_a1, "plan")
    evidence = url("item-evidence", plan.pk)
    services.submit_evidence(plan, by=world.cora, note="方案", files=[pdf()])
    with CaptureQueriesContext(connection) as few:
        cora.get(evidence)
    services.decide_evidence(Evidence.objects.get(), by=world.sam, verify=False, note="缺少盖章")
    services.submit_evidence(plan, by=world.cora, note="方案", files=[pdf(), pdf("附件.pdf")])
    with CaptureQueriesContext(connection) as many:
        assert cora.get(evidence).json()["count"] == 2
    assert len(many) == len(few)


# --- OpenAPI ----------------------------------------------------------------------------------------


def test_openapi_schema_of_the_campaign_api_has_no_warnings():
    from django.urls import include, path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/campaign/", include("fenlei.campaign.api.urls"))])
    schema = generator.get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS, "drf-spectacular warned while describing /api/campaign/"
    schemas = schema["components"]["schemas"]
    # each choice set is named once
    assert schemas["CampaignItemStateEnum"]["enum"] == ItemState.values
    assert set(schemas["DemoStateEnum"]["enum"]) == set(DemoState.values)
    units = schema["paths"]["/api/campaign/campaigns/{id}/units/"]["get"]
    assert {p["name"] for p in units["parameters"]} >= {"area", "level", "covered", "at_risk", "page"}
    assert "PaginatedUnitList" in str(units["responses"]["200"])
    steps = schema["paths"]["/api/campaign/demo-sites/{id}/steps/"]["post"]["requestBody"]["content"]
    assert set(steps) == {"application/json", "multipart/form-data"}
