"""Bad input to the inspections API: each is refused with a 400 naming the field and the reason (or
403/404 by the rules), and nothing is kept."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from fenlei.core.testing import files
from fenlei.inspections.models import Inspection, RectificationOrder
from fenlei.inspections.tests.conftest import inspect
from fenlei.inspections.tests.test_api_flow import _fresh_throttles, client_for, photo, submission, submit

__all__ = ["_fresh_throttles"]

URL = "inspections-api:inspection-list"


def nothing_kept():
    return not Inspection.objects.exists() and not RectificationOrder.objects.exists()


def test_a_file_that_is_not_an_image_is_refused(world, garden, now):
    body = {
        "data": json.dumps(submission(garden)),
        "photos": [files.upload("F2.jpg", b"%PDF-1.4 not a photo at all", "image/jpeg")],
    }
    response = client_for(world.ian).post(reverse(URL), body, format="multipart")
    assert response.status_code == 400
    assert "F2.jpg" in " ".join(response.json()["photos"])
    assert nothing_kept()


def test_an_image_over_the_upload_limit_is_refused(world, garden, now, settings):
    settings.FENLEI_MAX_UPLOAD_MB = 0.0001  # about 100 bytes: every photo is too large
    response = submit(client_for(world.ian), submission(garden))
    assert response.status_code == 400
    assert "p0.jpg" in " ".join(response.json()["photos"])
    assert nothing_kept()


def test_a_photo_without_a_time_is_refused(world, garden, now):
    data = submission(garden)
    del data["photos"][0]["taken_at"]
    response = submit(client_for(world.ian), data)
    assert response.status_code == 400
    assert "no time" in " ".join(response.json()["photos"])
    assert nothing_kept()


def test_more_photos_described_than_sent(world, garden, now):
    response = submit(client_for(world.ian), submission(garden), n_files=0)
    assert response.status_code == 400
    assert "1 photos are described but 0 files were sent" in response.json()["photos"][0]


def test_a_problem_without_its_photo_is_refused(world, garden, now):
    response = submit(client_for(world.ian), submission(garden, photo_codes=[]))
    assert response.status_code == 400
    assert "F2" in " ".join(response.json()["photos"])
    assert nothing_kept()


def test_a_target_outside_the_inspectors_scope_is_refused(world, now):
    other = world.sites["b1_estate"]
    other.latitude, other.longitude = 31.2, 121.4
    other.save(update_fields=["latitude", "longitude"])
    response = submit(client_for(world.ian), submission(other))
    assert response.status_code == 400
    # outside the inspector's scope: refused without naming the place
    assert f"No site you may see has the id {other.pk}" in response.json()["target"][0]
    assert other.name not in response.json()["target"][0]
    assert nothing_kept()


def test_malformed_data_names_the_fields(world, garden, now):
    client = client_for(world.ian)
    response = client.post(reverse(URL), {"data": "{not json"}, format="multipart")
    assert response.status_code == 400 and "not valid JSON" in response.json()["data"][0]
    response = client.post(reverse(URL), {"data": json.dumps({"target_type": "tree"})}, format="multipart")
    assert response.status_code == 400
    assert {"client_id", "target_type", "target_id", "answers"} <= set(response.json())


def test_the_same_draft_twice_is_kept_once(world, garden, now):
    client = client_for(world.ian)
    data = submission(garden)
    first = submit(client, data)
    again = submit(client, data)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert Inspection.objects.count() == 1 and RectificationOrder.objects.count() == 1


def test_a_json_submission_without_photos(world, garden, now):
    response = client_for(world.ian).post(
        reverse(URL), submission(garden, fail=(), photo_codes=[]), format="json"
    )
    assert response.status_code == 201, response.json()


def test_who_may_submit(world, garden, now):
    assert submit(client_for(world.mia), submission(garden)).status_code == 403
    assert submit(client_for(world.nina), submission(garden)).status_code == 403


# --- steps --------------------------------------------------------------------------------------


@pytest.fixture
def order(world, garden, now):
    inspection, _ = inspect(world.ian, garden, fail=["F2"])
    return inspection.orders.get()


def step(client, order, name, data=None, **kwargs):
    return client.post(
        reverse("inspections-api:order-step", args=[order.pk, name]), data or {}, format="json", **kwargs
    )


def test_a_step_the_state_does_not_allow(world, order):
    response = step(client_for(world.ian), order, "verify")
    assert response.status_code == 400
    assert "cannot be" in response.json()["step"][0]


def test_an_unknown_step(world, order):
    response = step(client_for(world.ian), order, "explode")
    assert response.status_code == 400 and "step" in response.json()


def test_an_answer_without_an_after_photo(world, order):
    response = step(client_for(world.mia), order, "answer", {"note": "已清理"})
    assert response.status_code == 400
    assert "photo" in response.json()["photos"][0]


def test_the_wrong_capacity(world, order):
    # ian verifies, he does not answer for the site; mia does not verify her own answer
    body = {"data": json.dumps({"photos": [{"taken_at": timezone.now().isoformat()}]}), "photos": [photo()]}
    url = reverse("inspections-api:order-step", args=[order.pk, "answer"])
    response = client_for(world.ian).post(url, body, format="multipart")
    assert response.status_code == 403
    assert "the responsible unit" in response.json()["detail"]
    assert step(client_for(world.leo), order, "start").status_code == 403  # may view, not change


def test_a_reroute_needs_a_reason(world, order):
    assert step(client_for(world.mia), order, "start").status_code == 200
    response = step(client_for(world.ian), order, "reroute", {"responsible": "community"})
    assert response.status_code == 400 and "note" in response.json()


def test_outside_the_scope(world, order):
    assert step(client_for(world.olly), order, "start").status_code == 404
    assert (
        client_for(world.olly).get(reverse("inspections-api:order-detail", args=[order.pk])).status_code
        == 404
    )
    photo_pk = order.inspection and order.inspection.pk
    assert (
        client_for(world.hal).get(reverse("inspections-api:inspection-detail", args=[photo_pk])).status_code
        == 404
    )


def test_another_rows_photo_is_not_found(world, order):
    from fenlei.core import attachments

    att = attachments.of_row(order.inspection, "photo").get()
    client = client_for(world.ian)
    assert (
        client.get(
            reverse("inspections-api:inspection-photo", args=[order.inspection.pk, att.pk])
        ).status_code
        == 200
    )
    assert client.get(reverse("inspections-api:order-photo", args=[order.pk, att.pk])).status_code == 404


def test_bad_query_parameters(world, now):
    client = client_for(world.ian)
    response = client.get(reverse("inspections-api:target-nearby"), {"lat": "north"})
    assert response.status_code == 400 and {"lat", "lng"} <= set(response.json())
    response = client.get(reverse("inspections-api:plan-list"), {"day": "yesterday"})
    assert response.status_code == 400 and "day" in response.json()
    response = client.post(reverse("notifications-api:notification-read"), {}, format="json")
    assert response.status_code == 400 and "ids" in response.json()


def test_the_schema_describes_the_api_without_warnings():
    """The whole project's schema: a component named like another app's would only warn there."""
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS, "drf-spectacular warned while describing the API"
    submit_op = schema["paths"]["/api/inspections/inspections/"]["post"]
    assert "multipart/form-data" in submit_op["requestBody"]["content"]
    assert {"200", "201", "400"} <= set(submit_op["responses"])
    steps = schema["paths"]["/api/inspections/orders/{id}/steps/{step}/"]["post"]
    assert {"400", "403", "404"} <= set(steps["responses"])
    assert "/api/notifications/read/" in schema["paths"]
