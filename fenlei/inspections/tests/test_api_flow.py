"""The whole flow through the API: ian submits an inspection with photos, mia answers an order with an
after photo, ian verifies it; another order goes overdue and climbs to the street (sam) and then the
district (alice)."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from fenlei.core.testing import files
from fenlei.inspections import services
from fenlei.inspections.choices import Escalation, OrderState, Result, TargetType
from fenlei.inspections.models import Inspection, RectificationOrder


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


def photo(name="photo.jpg"):
    return files.upload(name, files.image_bytes(gps=False), "image/jpeg")


def submission(site, *, fail=("F2",), client_id=None, photo_codes=None) -> dict:
    version = services.template_for(TargetType.SITE, site)
    answers = []
    for item in version.items.all():
        if item.purity:
            answers.append({"code": item.code, "purity": [90, 95]})
        else:
            answers.append(
                {
                    "code": item.code,
                    "result": Result.FAIL if item.code in fail else Result.PASS,
                    "note": "桶满溢" if item.code in fail else "",
                }
            )
    now = timezone.now()
    codes = list(fail) if photo_codes is None else photo_codes
    return {
        "client_id": str(client_id or uuid.uuid4()),
        "target_type": "site",
        "target_id": site.pk,
        "started_at": (now - datetime.timedelta(minutes=20)).isoformat(),
        "finished_at": now.isoformat(),
        "latitude": float(site.latitude),
        "longitude": float(site.longitude),
        "accuracy_m": 12,
        "answers": answers,
        "photos": [
            {
                "code": code,
                "taken_at": (now - datetime.timedelta(minutes=5)).isoformat(),
                "latitude": float(site.latitude),
                "longitude": float(site.longitude),
            }
            for code in codes
        ],
    }


def submit(client, data, n_files=None):
    n = len(data["photos"]) if n_files is None else n_files
    body = {"data": json.dumps(data), "photos": [photo(f"p{i}.jpg") for i in range(n)]}
    return client.post(reverse("inspections-api:inspection-list"), body, format="multipart")


def test_inspect_answer_verify_then_escalate(world, garden, now, time_machine):
    ian = client_for(world.ian)
    response = submit(ian, submission(garden, fail=("F1", "F2")))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["problems"] == 2
    assert len(body["orders"]) == 2
    shot = body["photos"][0]
    assert shot["part"] in ("F1", "F2") and shot["taken_at"] and shot["latitude"]
    assert ian.get(shot["url"]).status_code == 200
    assert ian.get(shot["thumbnail_url"]).status_code == 200
    assert {a["code"] for a in body["answers"]} >= {"F1", "F2"}

    # mia (甲一花园) sees both orders as hers to answer
    mia = client_for(world.mia)
    mine = mia.get(reverse("inspections-api:order-list"), {"waiting_for_me": "true"}).json()
    assert mine["count"] == 2
    first, second = sorted(mine["results"], key=lambda o: o["number"])
    assert "answer" in first["allowed_steps"] and "verify" not in first["allowed_steps"]

    # she answers the first with an after photo
    step = reverse("inspections-api:order-step", args=[first["id"], "answer"])
    meta = {
        "note": "已清理",
        "photos": [{"taken_at": timezone.now().isoformat(), "latitude": 31.2345, "longitude": 121.47}],
    }
    response = mia.post(step, {"data": json.dumps(meta), "photos": [photo("after.jpg")]}, format="multipart")
    assert response.status_code == 200, response.json()
    answered = response.json()
    assert answered["state"] == OrderState.SUBMITTED
    after = [p for e in answered["events"] for p in e["photos"]]
    assert len(after) == 1 and mia.get(after[0]["url"]).status_code == 200

    # ian verifies: closed
    assert (
        "verify"
        in ian.get(reverse("inspections-api:order-detail", args=[first["id"]])).json()["allowed_steps"]
    )
    response = ian.post(
        reverse("inspections-api:order-step", args=[first["id"], "verify"]), {}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == OrderState.CLOSED
    events = ian.get(reverse("inspections-api:order-events", args=[first["id"]])).json()
    assert [e["step"] for e in events] == ["issue", "answer", "verify"]

    # the second goes overdue and is escalated to the street: sam sees it
    time_machine.move_to(timezone.make_aware(datetime.datetime(2026, 6, 19, 6, 0)), tick=False)
    services.run_deadlines(today=datetime.date(2026, 6, 19))
    sam = client_for(world.sam)
    escalated = sam.get(reverse("inspections-api:order-escalated")).json()
    assert [o["id"] for o in escalated["results"]] == [second["id"]]
    assert escalated["results"][0]["escalation"] == Escalation.STREET
    inbox = sam.get(reverse("notifications-api:notification-list")).json()
    texts = [n["text"] for n in inbox["results"] if n["kind"] == "inspections.order_escalated"]
    assert texts and second["number"] in texts[0] and "escalated to you" in texts[0]

    # and then the district: alice
    time_machine.move_to(timezone.make_aware(datetime.datetime(2026, 6, 24, 6, 0)), tick=False)
    services.run_deadlines(today=datetime.date(2026, 6, 24))
    alice = client_for(world.alice)
    found = alice.get(reverse("inspections-api:order-escalated"), {"escalation": 2}).json()
    assert [o["id"] for o in found["results"]] == [second["id"]]
    kinds = [n["kind"] for n in alice.get(reverse("notifications-api:notification-list")).json()["results"]]
    assert "inspections.order_escalated" in kinds
    # the inbox is each user's own: mia has none of sam's messages
    mia_inbox = client_for(world.mia).get(reverse("notifications-api:notification-list")).json()["results"]
    assert all(n["kind"] != "inspections.order_escalated" for n in mia_inbox)
    # read them all
    sam = client_for(world.sam)  # a new session: the old one has expired with the days
    response = sam.post(reverse("notifications-api:notification-read"), {"all": True}, format="json")
    assert response.status_code == 200 and response.json()["unread"] == 0
    assert sam.get(reverse("notifications-api:notification-list"), {"unread": "true"}).json()["count"] == 0


def test_notifications_read_in_the_request_language(world, garden, now):
    client = client_for(world.ian)
    assert submit(client, submission(garden)).status_code == 201
    zh = client_for(world.mia, language="zh-hans").get(reverse("notifications-api:notification-list")).json()
    en = client_for(world.mia).get(reverse("notifications-api:notification-list")).json()
    assert zh["count"] == en["count"] == 1
    assert en["results"][0]["text"].startswith("New rectification order")


def test_lists_filter_and_keep_their_query_count(world, garden, now, django_assert_max_num_queries):
    ian = client_for(world.ian)
    for _ in range(3):
        assert submit(ian, submission(garden)).status_code == 201
    assert submit(ian, submission(garden, fail=(), photo_codes=[])).status_code == 201
    url = reverse("inspections-api:inspection-list")
    assert ian.get(url, {"far": "false"}).json()["count"] == 4
    assert (
        ian.get(url, {"passed": "true"}).json()["count"] + ian.get(url, {"passed": "false"}).json()["count"]
        == 4
    )
    assert (
        ian.get(url, {"site": garden.pk, "since": "2026-06-15", "until": "2026-06-15"}).json()["count"] == 4
    )
    assert ian.get(url, {"area": world.street_b.pk}).json()["count"] == 0
    assert ian.get(reverse("inspections-api:order-list"), {"repeat": "true"}).json()["count"] == 2
    with django_assert_max_num_queries(12):
        assert ian.get(url).status_code == 200
    with django_assert_max_num_queries(14):
        assert ian.get(reverse("inspections-api:order-list")).json()["count"] == 3
    assert Inspection.objects.count() == 4 and RectificationOrder.objects.count() == 3


def test_targets_nearby_and_by_name(world, garden, now):
    ian = client_for(world.ian)
    url = reverse("inspections-api:target-nearby")
    near = ian.get(url, {"lat": 31.2346, "lng": 121.4701}).json()
    assert near[0]["type"] == "site" and near[0]["id"] == garden.pk and near[0]["distance_m"] < 50
    assert ian.get(url, {"lat": 0, "lng": 0}).json() == []
    # mia may not inspect: nothing near her either
    assert client_for(world.mia).get(url, {"lat": 31.2346, "lng": 121.4701}).json() == []
    found = ian.get(reverse("inspections-api:target-list"), {"q": garden.name[:3]}).json()
    assert garden.pk in [t["id"] for t in found if t["type"] == "site"]
    # a site of 乙街道 is not ian's to inspect
    other = world.sites["b1_estate"]
    assert other.pk not in [
        t["id"] for t in ian.get(reverse("inspections-api:target-list"), {"q": other.name}).json()
    ]


def test_checklists_read_and_revise(world, now):
    from fenlei.inspections.models import ChecklistTemplate

    template = ChecklistTemplate.objects.filter(current__isnull=False).first()
    ian = client_for(world.ian)
    detail = ian.get(reverse("inspections-api:checklist-detail", args=[template.pk])).json()
    assert detail["current"]["items"] and detail["versions"]
    number = detail["current"]["number"]
    body = {"items": [{"code": "X1", "concern": "facilities", "text": "桶", "points": 10}], "note": "test"}
    url = reverse("inspections-api:checklist-revise", args=[template.pk])
    assert ian.post(url, body, format="json").status_code == 403
    response = client_for(world.alice).post(url, body, format="json")
    assert response.status_code == 201 and response.json()["number"] == number + 1
    old = ian.get(reverse("inspections-api:checklist-version", args=[template.pk, number]))
    assert old.status_code == 200 and old.json()["number"] == number


def test_plan_of_the_day(world, garden, now):
    from fenlei.inspections.models import PlanEntry

    PlanEntry.objects.create(
        day=datetime.date(2026, 6, 15),
        inspector=world.ian,
        target_key=f"site:{garden.pk}",
        **services.target_fields(TargetType.SITE, garden),
    )
    ian = client_for(world.ian)
    plan = ian.get(reverse("inspections-api:plan-list")).json()
    assert len(plan) == 1 and plan[0]["target"]["id"] == garden.pk and plan[0]["inspection"] is None
    assert submit(ian, submission(garden, fail=(), photo_codes=[])).status_code == 201
    assert ian.get(reverse("inspections-api:plan-list")).json()[0]["inspection"] is not None
    assert ian.get(reverse("inspections-api:plan-list"), {"day": "2026-06-16"}).json() == []
    assert client_for(world.sam).get(reverse("inspections-api:plan-list")).json() == []
