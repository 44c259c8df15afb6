"""The inspector's phone pages: the submit endpoint the page's script posts to, the nearby list, the
start page's search, the form, the list and one inspection's page with its photos."""

from __future__ import annotations

import datetime
import json
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from fenlei.core import attachments
from fenlei.core.testing import files
from fenlei.facilities.models import DropOffPoint
from fenlei.inspections import services
from fenlei.inspections.choices import Result, TargetType
from fenlei.inspections.models import Inspection, RectificationOrder
from fenlei.inspections.tests.conftest import A1_GARDEN, inspect

pytestmark = pytest.mark.django_db

SUBMIT = "inspections:inspect-submit"


def client_for(client, user):
    client.force_login(user)
    client.cookies["fenlei_language"] = "en"
    return client


def body(site, *, fail=(), photos=(), client_id=None, answers=None, **extra):
    """The form the page's script posts: every item answered (`fail` as problems), with `photos`
    as [(code, taken_at or None, bytes)]."""
    version = services.template_for(TargetType.SITE, site)
    if answers is None:
        answers = []
        for item in version.items.all():
            if item.purity:
                answers.append({"code": item.code, "purity": [90, 95]})
            else:
                answers.append(
                    {"code": item.code, "result": Result.FAIL if item.code in fail else Result.PASS}
                )
    now = timezone.now()
    data = {
        "client_id": str(client_id or uuid.uuid4()),
        "target_type": TargetType.SITE,
        "target_id": str(site.pk),
        "version_id": str(version.pk),
        "started_at": (now - datetime.timedelta(minutes=15)).isoformat(),
        "finished_at": now.isoformat(),
        "latitude": str(A1_GARDEN[0]),
        "longitude": str(A1_GARDEN[1]),
        "accuracy_m": "12",
        "note": "",
        "answers": json.dumps(answers),
        "photo_meta": json.dumps(
            [
                {
                    "code": code,
                    "taken_at": at.isoformat() if at else None,
                    "latitude": 31.2346,
                    "longitude": 121.47,
                }
                for code, at, _ in photos
            ]
        ),
        "photo": [files.upload(f"{code}.jpg", data, "image/jpeg") for code, _, data in photos],
        **extra,
    }
    return data


def jpeg():
    return files.image_bytes(gps=False)


def test_a_whole_inspection_is_kept_with_its_photo_and_order(client, world, garden, now):
    c = client_for(client, world.ian)
    response = c.post(reverse(SUBMIT), body(garden, fail=["F2"], photos=[("F2", now, jpeg())]))
    assert response.status_code == 201, response.json()
    data = response.json()
    inspection = Inspection.objects.get()
    assert data["created"] and data["id"] == inspection.pk and data["url"] == inspection.get_absolute_url()
    assert data["problems"] == 1 and data["far"] is False and data["passed"] is True
    order = RectificationOrder.objects.get()
    assert data["orders"] == [{"number": order.number, "url": order.get_absolute_url()}]
    photo = attachments.of_row(inspection).get()
    assert photo.part == "F2" and photo.taken_at == now and float(photo.latitude) == pytest.approx(31.2346)
    assert inspection.face == "web" and inspection.accuracy_m == 12


def test_the_same_draft_twice_is_one_inspection(client, world, garden, now):
    c = client_for(client, world.ian)
    draft = uuid.uuid4()
    first = c.post(reverse(SUBMIT), body(garden, fail=["F2"], photos=[("F2", now, jpeg())], client_id=draft))
    again = c.post(reverse(SUBMIT), body(garden, fail=["F2"], photos=[("F2", now, jpeg())], client_id=draft))
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["created"] is False and again.json()["id"] == first.json()["id"]
    assert Inspection.objects.count() == 1 and RectificationOrder.objects.count() == 1


def test_a_file_that_is_not_an_image_is_refused(client, world, garden, now):
    c = client_for(client, world.ian)
    response = c.post(
        reverse(SUBMIT), body(garden, fail=["F2"], photos=[("F2", now, b"%PDF-1.4 not a photo")])
    )
    assert response.status_code == 400
    assert "photos" in response.json()["errors"]
    assert not Inspection.objects.exists()


def test_a_photo_without_a_time_is_refused(client, world, garden, now):
    c = client_for(client, world.ian)
    response = c.post(reverse(SUBMIT), body(garden, fail=["F2"], photos=[("F2", None, jpeg())]))
    assert response.status_code == 400
    assert any("no time" in m for m in response.json()["errors"]["photos"])
    assert not Inspection.objects.exists()


def test_a_problem_without_a_photo_is_refused(client, world, garden, now):
    c = client_for(client, world.ian)
    response = c.post(reverse(SUBMIT), body(garden, fail=["F2"]))
    assert response.status_code == 400
    assert any("F2" in m and "photo" in m for m in response.json()["errors"]["photos"])
    assert not Inspection.objects.exists() and not RectificationOrder.objects.exists()


def test_an_answer_not_allowed_is_refused_with_the_item_named(client, world, garden, now):
    c = client_for(client, world.ian)
    version = services.template_for(TargetType.SITE, garden)
    answers = [
        {"code": i.code, "purity": [95]}
        if i.purity
        else {"code": i.code, "result": "maybe" if i.code == "F1" else "pass"}
        for i in version.items.all()
    ]
    answers.append({"code": "ZZ9", "result": "pass"})
    response = c.post(reverse(SUBMIT), body(garden, answers=answers))
    assert response.status_code == 400
    messages = response.json()["errors"]["answers"]
    assert any("F1" in m and "maybe" in m for m in messages)
    assert any("ZZ9" in m for m in messages)


def test_unreadable_fields_are_named(client, world, garden, now):
    c = client_for(client, world.ian)
    data = body(garden, started_at="yesterday", latitude="north", answers=None)
    data["answers"] = "{not json"
    response = c.post(reverse(SUBMIT), data)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"started_at", "latitude", "answers"} <= set(errors)
    assert "yesterday" in errors["started_at"][0]


def test_a_target_outside_the_scope_is_not_found(client, world, now):
    c = client_for(client, world.ian)
    response = c.post(reverse(SUBMIT), body(world.sites["b1_estate"]))
    assert response.status_code == 404
    assert "target" in response.json()["errors"]
    assert not Inspection.objects.exists()


def test_a_reader_may_not_submit(client, world, garden, now):
    c = client_for(client, world.leo)
    assert c.post(reverse(SUBMIT), body(garden)).status_code == 403
    assert not Inspection.objects.exists()


def test_a_hauler_item_takes_the_hauler_chosen(client, world, garden, now):
    c = client_for(client, world.ian)
    version = services.template_for(TargetType.SITE, garden)
    answers = [
        {"code": i.code, "purity": [95]}
        if i.purity
        else {
            "code": i.code,
            "result": "fail" if i.code == "C1" else "pass",
            "hauler_id": world.other_hauler.pk if i.code == "C1" else None,
        }
        for i in version.items.all()
    ]
    response = c.post(reverse(SUBMIT), body(garden, answers=answers, photos=[("C1", now, jpeg())]))
    assert response.status_code == 201, response.json()
    assert RectificationOrder.objects.get().hauler == world.other_hauler


# --- nearby, search, the form -----------------------------------------------------------------------


def _point(world, name, community, lat, lng):
    point = DropOffPoint(name=name, area=community, latitude=lat, longitude=lng)
    point.full_clean()
    point.save()
    return point


def test_nearby_is_scoped_and_sorted_by_distance(client, world, garden, now):
    far_point = _point(world, "甲二远点", world.community_a2, Decimal("31.250000"), Decimal("121.470000"))
    near_point = _point(world, "甲一近点", world.community_a1, Decimal("31.236000"), Decimal("121.470000"))
    b1 = world.sites["b1_estate"]
    b1.latitude, b1.longitude = Decimal("31.234600"), Decimal("121.470000")  # the closest, but 乙街道
    b1.save(update_fields=["latitude", "longitude"])
    c = client_for(client, world.ian)
    response = c.get(reverse("inspections:inspect-nearby"), {"lat": "31.2346", "lng": "121.47"})
    assert response.status_code == 200
    targets = response.json()["targets"]
    assert [(t["type"], t["id"]) for t in targets] == [
        ("site", garden.pk),
        ("dropoff", near_point.pk),
        ("dropoff", far_point.pk),
    ]
    assert targets[0]["distance_m"] < targets[1]["distance_m"] < targets[2]["distance_m"]
    assert targets[0]["url"] == reverse("inspections:inspect-form", args=["site", garden.pk])
    assert c.get(reverse("inspections:inspect-nearby"), {"lat": "x"}).status_code == 400


def test_search_finds_targets_by_name_within_the_scope(client, world, now):
    c = client_for(client, world.ian)
    page = c.get(reverse("inspections:inspect-start"), {"q": "花园"}).content.decode()
    assert "甲一花园" in page and "乙一花园" not in page


def test_the_form_shows_the_checklist_grouped_with_a_camera(client, world, garden, now):
    c = client_for(client, world.ian)
    response = c.get(reverse("inspections:inspect-form", args=["site", garden.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'capture="environment"' in page and 'data-code="F2"' in page and 'data-purity="1"' in page
    assert "hauler-select" in page  # C1 is answered by the hauler
    assert (
        c.get(reverse("inspections:inspect-form", args=["site", world.sites["b1_estate"].pk])).status_code
        == 404
    )
    assert c.get(reverse("inspections:inspect-form", args=["planet", 1])).status_code == 404


def test_a_target_without_a_checklist_is_refused_clearly(client, world, now):
    from fenlei.inspections.models import ChecklistTemplate

    ChecklistTemplate.objects.filter(target_type=TargetType.DROPOFF).update(active=False)
    point = _point(world, "甲一点", world.community_a1, None, None)
    c = client_for(client, world.ian)
    response = c.get(reverse("inspections:inspect-form", args=["dropoff", point.pk]))
    assert response.status_code == 400
    assert "No checklist is in use" in response.content.decode()


# --- the list and the page of one inspection --------------------------------------------------------


def test_the_detail_shows_answers_photos_position_and_orders(client, world, garden, now):
    inspection, _ = inspect(world.ian, garden, fail=["F2"])
    c = client_for(client, world.mia)
    page = c.get(inspection.get_absolute_url()).content.decode()
    order = inspection.orders.get()
    assert order.number in page and reverse("inspections:order-detail", args=[order.pk]) in page
    assert "0 m from the target" in page
    photo = attachments.of_row(inspection).get()
    assert reverse("inspections:inspection-thumb", args=[inspection.pk, photo.pk]) in page
    assert c.get(reverse("inspections:inspection-file", args=[inspection.pk, photo.pk])).status_code == 200
    assert c.get(reverse("inspections:inspection-thumb", args=[inspection.pk, photo.pk])).status_code == 200


def test_the_detail_says_when_the_position_is_unknown(client, world, now):
    site = world.sites["a1_school"]
    inspection, _ = services.submit(
        by=world.ian,
        target_type=TargetType.SITE,
        target_id=site.pk,
        client_id=uuid.uuid4(),
        answers=[
            services.AnswerIn(code=i.code, purity=[95])
            if i.purity
            else services.AnswerIn(code=i.code, result="pass")
            for i in services.template_for(TargetType.SITE, site).items.all()
        ],
    )
    page = client_for(client, world.ian).get(inspection.get_absolute_url()).content.decode()
    assert "position unknown" in page


def test_the_list_is_scoped_and_filters(client, world, garden, now):
    mine, _ = inspect(world.ian, garden)
    failed, _ = inspect(world.ian, garden, fail=["Q2"])
    outside, _ = inspect(world.olly, world.sites["b1_estate"], lat=None, lng=None)
    c = client_for(client, world.ian)
    page = c.get(reverse("inspections:inspection-list")).content.decode()
    assert f'data-inspection="{mine.pk}"' in page and f'data-inspection="{outside.pk}"' not in page
    assert 'id="start-inspection"' in page
    page = c.get(reverse("inspections:inspection-list"), {"passed": "false"}).content.decode()
    assert f'data-inspection="{failed.pk}"' in page and f'data-inspection="{mine.pk}"' not in page
    page = client_for(client, world.mia).get(reverse("inspections:inspection-list")).content.decode()
    assert 'id="start-inspection"' not in page
