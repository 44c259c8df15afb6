"""The rectification orders' pages: the list and its filters ("waiting for me" as the service sees
it), an order's page, its steps through the service (400 for a refusal, 403 for the wrong capacity,
404 outside the scope), its photos, and the escalated list."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fenlei.core.testing import files
from fenlei.inspections import services
from fenlei.inspections.choices import Escalation, OrderState, Step
from fenlei.inspections.models import RectificationOrder
from fenlei.inspections.tests.conftest import inspect

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["fenlei_language"] = "en"
    return client


@pytest.fixture
def orders(world, garden, now):
    inspection, _ = inspect(world.ian, garden, fail=["F2", "Q2"])
    return {o.item.code: o for o in inspection.orders.all()}


def answer_data(at=None, name="after.jpg"):
    at = at or timezone.now()
    return {
        "note": "清理干净",
        "photo_0": files.upload(name, files.image_bytes(gps=False), "image/jpeg"),
        "taken_at_0": at.isoformat(),
        "latitude_0": "31.234567",
        "longitude_0": "121.470100",
    }


def step_url(order, step):
    return reverse("inspections:order-step", args=[order.pk, step])


def test_list_and_waiting_for_me(world, orders):
    url = reverse("inspections:order-list")
    page = client_for(world.mia).get(url)
    assert page.status_code == 200
    for o in orders.values():
        assert o.number in page.content.decode()
    assert client_for(world.olly).get(url).content.decode().count("data-order=") == 0
    mine = client_for(world.mia).get(url, {"mine": "on"}).content.decode()
    assert orders["F2"].number in mine
    # answered: now waiting for the verifier, not for mia
    services.transition(orders["F2"], Step.ANSWER, by=world.mia, photos=[_photo()])
    mine = client_for(world.mia).get(url, {"mine": "on"}).content.decode()
    assert orders["F2"].number not in mine and orders["Q2"].number in mine
    assert orders["F2"].number in client_for(world.ian).get(url, {"mine": "on"}).content.decode()
    assert client_for(world.nina).get(url).status_code == 403


def _photo():
    from fenlei.inspections.tests.conftest import timed_photo

    return timed_photo("after.jpg", lat=31.234567, lng=121.47)


def test_waiting_for_me_matches_allowed_steps(world, orders):
    services.transition(orders["F2"], Step.ANSWER, by=world.mia, photos=[_photo()])
    all_orders = list(RectificationOrder.objects.all())
    for name in ("alice", "leo", "sam", "cora", "ada", "ian", "hal", "mia", "olly", "nina"):
        user = world.users[name]
        # re-routing (open to a verifier on every open order) alone does not make an order wait for one
        expected = {o.pk for o in all_orders if set(services.allowed_steps(user, o)) - {Step.REROUTE}}
        got = set(services.waiting_for(user).values_list("pk", flat=True))
        assert got == expected, name


def test_filters(world, orders):
    url = reverse("inspections:order-list")
    alice = client_for(world.alice)
    assert orders["F2"].number in alice.get(url, {"phase": "open"}).content.decode()
    assert "data-order=" not in alice.get(url, {"phase": "closed"}).content.decode()
    assert "data-order=" not in alice.get(url, {"overdue": "true"}).content.decode()
    assert "data-order=" not in alice.get(url, {"repeat": "true"}).content.decode()
    assert alice.get(url, {"street": world.street_b.pk}).status_code == 200
    assert "data-order=" not in alice.get(url, {"street": world.street_b.pk}).content.decode()
    assert "data-order=" not in alice.get(url, {"responsible": "hauler"}).content.decode()


def test_detail_shows_problem_photos_timeline_and_forms(world, orders):
    order = orders["F2"]
    page = client_for(world.mia).get(order.get_absolute_url())
    text = page.content.decode()
    assert page.status_code == 200
    assert order.summary in text and "甲一花园" in text
    assert 'data-step="start"' in text and 'data-step="answer"' in text and 'data-step="verify"' not in text
    before = reverse("inspections:order-before-file", args=[order.pk, 0])[: -len("0/")]
    assert before in text
    assert "3 days left" in text
    # ian verifies: no form to answer
    text = client_for(world.ian).get(order.get_absolute_url()).content.decode()
    assert 'data-step="answer"' not in text and 'data-step="reroute"' in text


def test_answer_then_verify_through_the_pages(world, orders):
    order = orders["F2"]
    mia = client_for(world.mia)
    response = mia.post(step_url(order, Step.ANSWER), answer_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    order.refresh_from_db()
    assert order.state == OrderState.SUBMITTED
    text = mia.get(order.get_absolute_url()).content.decode()
    assert "m from the problem&#x27;s photo" in text or "m from the problem's photo" in text
    after = order.events.get(step=Step.ANSWER)
    assert after.data["distance_m"] >= 0
    photo = services.attachments.of_row(order, "after").get()
    assert mia.get(reverse("inspections:order-file", args=[order.pk, photo.pk])).status_code == 200
    assert (
        client_for(world.olly).get(reverse("inspections:order-file", args=[order.pk, photo.pk])).status_code
        == 404
    )
    ian = client_for(world.ian)
    assert ian.post(step_url(order, Step.VERIFY), {"note": ""}).status_code == 302
    order.refresh_from_db()
    assert order.state == OrderState.CLOSED


def test_an_answer_without_a_photo_is_400(world, orders):
    response = client_for(world.mia).post(step_url(orders["F2"], Step.ANSWER), {"note": "done"})
    assert response.status_code == 400
    assert "at least one photo" in response.content.decode()
    orders["F2"].refresh_from_db()
    assert orders["F2"].state == OrderState.PENDING


def test_a_photo_without_a_time_is_400(world, orders):
    data = answer_data()
    data["taken_at_0"] = ""
    response = client_for(world.mia).post(step_url(orders["F2"], Step.ANSWER), data)
    assert response.status_code == 400
    assert "carries no time" in response.content.decode()


def test_a_bad_time_names_the_photo(world, orders):
    data = answer_data()
    data["taken_at_0"] = "yesterday"
    response = client_for(world.mia).post(step_url(orders["F2"], Step.ANSWER), data)
    assert response.status_code == 400
    assert "Photo 1" in response.content.decode()


def test_a_step_the_state_does_not_allow_is_400(world, orders):
    # ian may verify, but the order has not been answered
    response = client_for(world.ian).post(step_url(orders["F2"], Step.VERIFY), {})
    assert response.status_code == 400
    assert "cannot be" in response.content.decode()
    response = client_for(world.ian).post(step_url(orders["F2"], "dance"), {})
    assert response.status_code == 400


def test_return_without_a_reason_is_400(world, orders):
    services.transition(orders["F2"], Step.ANSWER, by=world.mia, photos=[_photo()])
    ian = client_for(world.ian)
    response = ian.post(step_url(orders["F2"], Step.RETURN), {"note": " "})
    assert response.status_code == 400
    assert "Say why" in response.content.decode()
    assert ian.post(step_url(orders["F2"], Step.RETURN), {"note": "照片不清楚"}).status_code == 302
    orders["F2"].refresh_from_db()
    assert orders["F2"].state == OrderState.RETURNED


def test_the_wrong_capacity_is_403_and_outside_the_scope_404(world, orders):
    order = orders["F2"]
    # mia answers for the site but does not verify; ian verifies but does not answer
    assert client_for(world.mia).post(step_url(order, Step.VERIFY), {}).status_code == 403
    assert client_for(world.ian).post(step_url(order, Step.ANSWER), answer_data()).status_code == 403
    # leo reads everything but changes nothing
    assert client_for(world.leo).post(step_url(order, Step.START), {}).status_code == 403
    # the system's steps are no one's
    assert client_for(world.alice).post(step_url(order, Step.ESCALATE), {}).status_code == 403
    # olly's street does not hold it
    assert client_for(world.olly).post(step_url(order, Step.START), {}).status_code == 404
    assert client_for(world.olly).get(order.get_absolute_url()).status_code == 404
    assert client_for(world.mia).get(step_url(order, Step.START)).status_code == 405


def test_reroute_to_the_street(world, orders):
    order = orders["F2"]
    response = client_for(world.ian).post(
        step_url(order, Step.REROUTE),
        {"responsible": "street", "area": world.street_a.pk, "note": "街道负责"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    order.refresh_from_db()
    assert order.responsible == "street" and order.responsible_area == world.street_a
    response = client_for(world.ian).post(step_url(order, Step.REROUTE), {"responsible": "community"})
    assert response.status_code == 400


def test_escalated_list(world, orders, now):
    url = reverse("inspections:order-escalated")
    assert "data-order=" not in client_for(world.alice).get(url).content.decode()
    deadline = orders["Q2"].deadline
    services.run_deadlines(today=deadline + datetime.timedelta(days=1))
    q2 = RectificationOrder.objects.get(pk=orders["Q2"].pk)
    assert q2.escalation == Escalation.STREET
    text = client_for(world.sam).get(url).content.decode()
    assert q2.number in text and "甲一社区" in text
    assert q2.number not in client_for(world.olly).get(url).content.decode()
    text = client_for(world.alice).get(url, {"level": Escalation.DISTRICT}).content.decode()
    assert q2.number not in text
