"""The inspection and rectification services: one whole inspection or nothing, the order's state
machine, deadlines and escalation."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from fenlei.core import attachments
from fenlei.core.models import AuditEntry, Notification
from fenlei.inspections import services
from fenlei.inspections.choices import Escalation, OrderState, Responsible, Step
from fenlei.inspections.models import Inspection, RectificationEvent, RectificationOrder
from fenlei.inspections.tests.conftest import inspect, timed_photo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The messages asserted below are the English ones."""
    with translation.override("en"):
        yield


def test_a_failed_item_becomes_an_order_addressed_to_the_site(world, garden, now):
    inspection, created = inspect(world.ian, garden, fail=["F2", "Q2"])
    assert created and inspection.problems == 2 and inspection.vetoed  # Q2 is a veto item
    assert not inspection.passed and inspection.distance_m == 0 and not inspection.far
    # points: everything passed except F2 (10) and Q2 (10) out of 100
    assert inspection.score == Decimal("80.0")
    orders = {o.item.code: o for o in RectificationOrder.objects.filter(inspection=inspection)}
    assert (
        orders["F2"].responsible == Responsible.SITE and orders["F2"].responsible_area == world.community_a1
    )
    assert orders["F2"].deadline == datetime.date(2026, 6, 18)  # major: 3 working days
    assert orders["Q2"].severity == "critical" and orders["Q2"].deadline == datetime.date(2026, 6, 16)
    assert [e.step for e in orders["F2"].events.all()] == [Step.ISSUE]
    assert Notification.objects.filter(user=world.mia, kind="inspections.order_new").count() == 2
    assert Notification.objects.filter(user=world.cora, kind="inspections.order_new").count() == 2
    assert len(attachments.of_row(inspection)) == 2


def test_a_draft_sent_twice_is_kept_once(world, garden, now):
    draft = uuid.uuid4()
    first, created = inspect(world.ian, garden, fail=["F2"], client_id=draft)
    again, created_again = inspect(world.ian, garden, fail=["F2"], client_id=draft)
    assert created and not created_again and again.pk == first.pk
    assert Inspection.objects.count() == 1 and RectificationOrder.objects.count() == 1


def test_a_problem_without_a_photo_is_refused_and_nothing_is_kept(world, garden, now):
    with pytest.raises(ValidationError) as exc:
        inspect(world.ian, garden, fail=["F2"], photos=[])
    assert "F2" in str(exc.value)
    assert not Inspection.objects.exists() and not RectificationOrder.objects.exists()


def test_a_photo_stripped_of_its_time_is_refused(world, garden, now):
    bare = services.PhotoIn(file=timed_photo().file, code="F2")
    with pytest.raises(ValidationError) as exc:
        inspect(world.ian, garden, fail=["F2"], photos=[bare])
    assert "no time" in str(exc.value)


def test_a_target_outside_the_inspectors_scope_is_refused(world, garden, now):
    other = world.sites["b1_estate"]
    with pytest.raises(ValidationError) as exc:
        inspect(world.ian, other)
    # a place the inspector cannot see is not named, only its id
    assert services.target_refusal(exc.value) == services.TARGET_MISSING
    assert f"No site you may see has the id {other.pk}" in str(exc.value) and other.name not in str(exc.value)
    # a place it sees but may not inspect is named: mia manages 甲一花园 and inspects nowhere
    with pytest.raises(ValidationError) as exc:
        inspect(world.mia, garden)
    assert services.target_refusal(exc.value) == services.TARGET_OUTSIDE
    assert "outside the places you may inspect" in str(exc.value)
    assert not Inspection.objects.exists()


def test_an_item_answered_by_the_hauler_names_the_hauler(world, garden, now):
    with pytest.raises(ValidationError) as exc:
        inspect(world.ian, garden, fail=["C1"])
    assert "choose which hauler" in str(exc.value)


def test_far_away_inspection_is_marked(world, garden, now):
    inspection, _ = inspect(world.ian, garden, lat=Decimal("31.250000"), lng=Decimal("121.470000"))
    assert inspection.distance_m > 1500 and inspection.far


def test_answer_verify_close(world, garden, now):
    inspection, _ = inspect(world.ian, garden, fail=["F2"])
    order = inspection.orders.get()
    with pytest.raises(ValidationError):  # an answer needs an "after" photo
        services.transition(order, Step.ANSWER, by=world.mia)
    with pytest.raises(PermissionDenied):  # the inspector does not answer for the site
        services.transition(order, Step.ANSWER, by=world.ian, photos=[timed_photo()])
    order = services.transition(
        order, Step.ANSWER, by=world.mia, photos=[timed_photo(lat=garden.latitude, lng=garden.longitude)]
    )
    assert order.state == OrderState.SUBMITTED
    with pytest.raises(PermissionDenied):  # the site does not verify its own answer
        services.transition(order, Step.VERIFY, by=world.mia)
    order = services.transition(order, Step.VERIFY, by=world.ian)
    assert order.state == OrderState.CLOSED and order.closed_at is not None
    with pytest.raises(ValidationError):  # closed is closed
        services.transition(order, Step.RETURN, by=world.ian, note="again")
    steps = list(order.events.values_list("step", "from_state", "to_state"))
    assert steps == [
        (Step.ISSUE, "", OrderState.PENDING),
        (Step.ANSWER, OrderState.PENDING, OrderState.SUBMITTED),
        (Step.VERIFY, OrderState.SUBMITTED, OrderState.CLOSED),
    ]
    assert (
        AuditEntry.objects.filter(object_id=str(order.pk), content_type__model="rectificationorder").count()
        >= 3
    )


def test_overdue_goes_to_the_street_then_the_district(world, garden, now, time_machine):
    inspection, _ = inspect(world.ian, garden, fail=["F2"])
    order = inspection.orders.get()
    time_machine.move_to(timezone.make_aware(datetime.datetime(2026, 6, 19, 6, 0)), tick=False)
    run = services.run_deadlines()
    order.refresh_from_db()
    assert run.overdue == 1 and run.to_street == 1
    assert order.state == OrderState.OVERDUE and order.escalation == Escalation.STREET
    assert Notification.objects.filter(user=world.sam, kind="inspections.order_escalated").exists()
    assert services.run_deadlines().overdue == 0  # nothing twice
    time_machine.move_to(timezone.make_aware(datetime.datetime(2026, 6, 24, 6, 0)), tick=False)
    run = services.run_deadlines()
    order.refresh_from_db()
    assert run.to_district == 1 and order.escalation == Escalation.DISTRICT
    assert Notification.objects.filter(user=world.alice, kind="inspections.order_escalated").exists()
    assert RectificationEvent.objects.filter(order=order, step=Step.ESCALATE).count() == 2


def test_reroute_needs_a_reason_and_a_new_unit(world, garden, now):
    inspection, _ = inspect(world.ian, garden, fail=["F2"])
    order = inspection.orders.get()
    with pytest.raises(ValidationError):
        services.transition(order, Step.REROUTE, by=world.ian, responsible=Responsible.COMMUNITY)
    order = services.transition(
        order, Step.REROUTE, by=world.ian, responsible=Responsible.COMMUNITY, note="开放区域由社区负责"
    )
    assert order.responsible == Responsible.COMMUNITY and order.state == OrderState.PENDING
    assert Step.ANSWER in services.allowed_steps(world.cora, order)
    assert Step.ANSWER not in services.allowed_steps(world.mia, order)


def test_repeat_problem_is_marked(world, garden, now):
    first, _ = inspect(world.ian, garden, fail=["F2"])
    second, _ = inspect(world.ian, garden, fail=["F2"])
    assert second.orders.get().repeat_of == first.orders.get()


def test_waiting_for_follows_the_capacities(world, garden, now):
    inspection, _ = inspect(world.ian, garden, fail=["F2", "Q2"])
    orders = list(inspection.orders.all())
    for user in (world.mia, world.cora, world.ian, world.sam, world.alice, world.hal, world.olly):
        waiting = set(services.waiting_for(user).values_list("pk", flat=True))
        by_rule = {o.pk for o in orders if services.allowed_steps(user, o) and o.state != "closed"}
        # reroute alone (a verifier's step on an open order) is not "waiting"
        by_rule = {
            pk
            for pk in by_rule
            if any(
                s in ("start", "answer", "verify", "return")
                for s in services.allowed_steps(user, RectificationOrder.objects.get(pk=pk))
            )
        }
        assert waiting == by_rule, user
    services.transition(orders[0], Step.ANSWER, by=world.mia, photos=[timed_photo()])
    assert set(services.waiting_for(world.ian).values_list("pk", flat=True)) == {orders[0].pk}
    assert set(services.waiting_for(world.mia).values_list("pk", flat=True)) == {orders[1].pk}
