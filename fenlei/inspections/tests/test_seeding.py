"""The demo seeder's inspections: every state of an order, escalation at both levels, consistent
step chains, scores as `services.score` gives them, readable photos where the faces look for them,
today's rounds for the demo inspector and orders waiting for the demo site manager."""

import datetime
import io
import time
from collections import defaultdict

import pytest
from django.utils import timezone
from PIL import Image

from fenlei.accounts.models import User
from fenlei.core import scoping
from fenlei.core.attachments import of_row
from fenlei.core.audit import using_face
from fenlei.core.models import Attachment, AuditAction, AuditEntry, Face, Notification
from fenlei.core.roles import Action
from fenlei.inspections import seeding, services
from fenlei.inspections.choices import OPEN_STATES, TRANSITIONS, Escalation, OrderState, Step
from fenlei.inspections.models import (
    Inspection,
    PlanEntry,
    RectificationEvent,
    RectificationOrder,
)
from fenlei.org.seeding import seed_world

#: Seeding "now": Monday 2026-06-15, 09:30.
NOW = datetime.datetime(2026, 6, 15, 9, 30)


@pytest.fixture
def seeded(time_machine):
    time_machine.move_to(timezone.make_aware(NOW), tick=False)
    reports = []
    real = seeding.seed_inspections

    def timed(*args, **kwargs):
        report = real(*args, **kwargs)
        reports.append(report)
        return report

    started = time.monotonic()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(seeding, "seed_inspections", timed)
        with using_face(Face.CLI):
            seed_world(scale="tiny")
    (report,) = reports
    print(f"\ninspections seeded in {sum(report.timings.values()):.1f}s of {time.monotonic() - started:.1f}s")
    print(report.timings)
    return report


@pytest.mark.django_db
def test_every_state_escalation_and_a_consistent_chain(seeded):
    today = timezone.localdate()
    # the orders of inspections (the demo's residents' reports issue a few more: fenlei.public)
    orders = list(RectificationOrder.objects.filter(inspection__isnull=False).select_related("area"))
    from_reports = [
        str(pk) for pk in RectificationOrder.objects.filter(inspection=None).values_list("pk", flat=True)
    ]
    assert {o.state for o in orders} == set(OrderState.values)
    assert {o.escalation for o in orders} == set(Escalation.values)
    assert RectificationOrder.objects.filter(repeat_of__isnull=False).exists()

    events = defaultdict(list)
    for e in RectificationEvent.objects.order_by("order_id", "at", "pk"):
        events[e.order_id].append(e)
    for order in orders:
        chain = events[order.pk]
        assert (
            chain[0].step == Step.ISSUE
            and chain[0].from_state == ""
            and chain[0].to_state == OrderState.PENDING
        )
        assert chain[0].at == order.issued_at and chain[0].by_id == order.issued_by_id
        for before, event in zip(chain, chain[1:], strict=False):
            sources, to, _capacity = TRANSITIONS[event.step]
            assert event.from_state == before.to_state, (order.number, event.step)
            assert event.from_state in sources and event.to_state == to, (order.number, event.step)
            assert event.at >= before.at
        assert chain[-1].to_state == order.state, order.number
        steps = [e.step for e in chain]
        assert order.went_overdue == (Step.OVERDUE in steps)
        assert (order.closed_at is not None) == (order.state == OrderState.CLOSED)
        if order.state in (OrderState.SUBMITTED, OrderState.CLOSED):
            assert order.answered_at is not None
        levels = [e.data["level"] for e in chain if e.step == Step.ESCALATE]
        assert order.escalation == (max(levels) if levels else Escalation.NONE)
        assert (order.escalated_at is not None) == bool(levels)
        # as the daily run leaves it: nothing open past its deadline that is not marked overdue
        if order.state in OPEN_STATES - {OrderState.OVERDUE}:
            assert order.deadline >= today, order.number
        assert order.deadline == services.deadline_for(order.severity, order.inspection.day)
        if order.repeat_of_id:
            earlier = order.repeat_of
            assert earlier.item.code == order.item.code and earlier.target_key == order.target_key
            assert earlier.issued_at < order.issued_at
    # each order and inspection is audited as created, through the command's face
    for model, n in ((Inspection, Inspection.objects.count()), (RectificationOrder, len(orders))):
        created = AuditEntry.objects.filter(
            content_type__model=model._meta.model_name, action=AuditAction.CREATE
        ).exclude(object_id__in=from_reports if model is RectificationOrder else [])
        assert created.count() == n
    assert set(AuditEntry.objects.values_list("face", flat=True)) == {Face.CLI}
    assert AuditEntry.objects.filter(
        content_type__model="rectificationorder", action=AuditAction.UPDATE
    ).count() == sum(len(c) - 1 for c in events.values())


@pytest.mark.django_db
def test_scores_answers_and_orders_match_the_services(seeded):
    failed = 0
    inspections = Inspection.objects.select_related("version").prefetch_related("answers", "version__items")
    for inspection in inspections:
        answers = list(inspection.answers.all())
        items = list(inspection.version.items.all())
        assert {a.item_id for a in answers} == {i.pk for i in items}
        scored = services.score(inspection.version, {a.item_id: a.result for a in answers})
        assert (inspection.score, inspection.vetoed, inspection.passed, inspection.problems) == (
            scored.score,
            scored.vetoed,
            scored.passed,
            scored.problems,
        )
        for a in answers:
            assert a.points == scored.points[a.item_id]
            if a.purity:
                assert a.result == services.purity_result(a.purity)
        assert inspection.received_at >= inspection.finished_at >= inspection.started_at
        failed += scored.problems
    # one order per problem, addressed as submit addresses it
    assert RectificationOrder.objects.filter(inspection__isnull=False).count() == failed
    assert not Inspection.objects.filter(passed=True, vetoed=True).exists()
    assert (
        Inspection.objects.filter(passed=False).exists() and Inspection.objects.filter(passed=True).exists()
    )
    current = {
        (i.target_type, i.site.kind_id if i.site_id and i.target_type == "site" else None): i.version_id
        for i in Inspection.objects.select_related("site")
    }
    for (target_type, kind_id), version_id in current.items():
        probe = type("Probe", (), {"kind_id": kind_id})() if kind_id else None
        assert services.template_for(target_type, probe).pk == version_id


@pytest.mark.django_db
def test_photos_are_readable_images_in_the_right_slots(seeded):
    photos = Attachment.objects.filter(content_type__model="inspection", slot="photo")
    after = Attachment.objects.filter(content_type__model="rectificationorder", slot="after")
    assert photos.exists() and after.exists()
    answered = set(RectificationEvent.objects.filter(step=Step.ANSWER).values_list("pk", "order_id"))
    for att in [*photos, *after]:
        with att.file.open("rb") as f:
            data = f.read()
        assert 1_000 < len(data) < 30_000
        image = Image.open(io.BytesIO(data))
        image.verify()
        assert image.format == "JPEG"
        assert att.taken_at is not None and att.latitude is not None
    for att in photos:
        inspection = Inspection.objects.get(pk=att.object_id)
        assert att.part in set(inspection.version.items.values_list("code", flat=True))
        assert inspection.started_at <= att.taken_at <= inspection.finished_at
    for att in after:
        assert (int(att.part), att.object_id) in answered
    # every problem of the last days has its photo, and the order is placed where it was taken
    recent = RectificationOrder.objects.filter(
        inspection__isnull=False, issued_at__gte=timezone.now() - datetime.timedelta(days=7)
    )
    assert recent.exists()
    for order in recent:
        shots = of_row(order.inspection, "photo").filter(part=order.item.code)
        assert shots.exists(), order.number
        assert (order.latitude, order.longitude) == (shots[0].latitude, shots[0].longitude)


@pytest.mark.django_db
def test_demo_users_have_rounds_orders_and_an_inbox(seeded):
    today = timezone.localdate()
    inspector = User.objects.get(username="inspector")
    plan = PlanEntry.objects.filter(inspector=inspector, day=today)
    assert plan.exists()
    mine = scoping.for_user(inspector, Action.VIEW, PlanEntry)
    assert set(plan.values_list("pk", flat=True)) <= set(mine.values_list("pk", flat=True))
    assert services.inspectable_areas(inspector).filter(pk__in=plan.values("area")).count() == (
        plan.values("area").distinct().count()
    )
    assert Inspection.objects.filter(inspector=inspector).exists()

    manager = User.objects.get(username="site_manager")
    waiting = scoping.for_user(manager, Action.CHANGE, RectificationOrder).filter(state__in=OPEN_STATES)
    assert waiting.exists()
    assert any(services.allowed_steps(manager, order) for order in waiting)

    for username in ("inspector", "site_manager"):
        inbox = Notification.objects.filter(user__username=username)
        assert inbox.exists(), username
    assert Notification.objects.filter(read_at__isnull=True).exists()
    assert Notification.objects.filter(read_at__isnull=False).exists()
    # the inspectors of the other streets and of the district's vehicles exist, without a password
    others = User.objects.filter(username__startswith="inspector-")
    assert others.exists() and not any(u.has_usable_password() for u in others)
    assert Inspection.objects.filter(target_type="vehicle").exists()
    assert Inspection.objects.filter(target_type="dropoff").exists()
