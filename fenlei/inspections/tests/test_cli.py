"""`fenlei inspections deadlines|order`: the same services as the pages, audited as the command line."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from fenlei.core.models import AuditEntry
from fenlei.core.testing import files
from fenlei.inspections.choices import Escalation, OrderState, Step
from fenlei.inspections.models import RectificationOrder
from fenlei.inspections.tests.conftest import inspect

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(world, garden, now):
    inspection, _ = inspect(world.ian, garden, fail=["F2"])
    return inspection.orders.get()


def run(*args) -> str:
    out = io.StringIO()
    with translation.override("en"):
        call_command("inspections", *args, stdout=out)
    return out.getvalue()


def test_deadlines_prints_the_counts_and_escalates(order):
    text = run("deadlines", "--today", (order.deadline + datetime.timedelta(days=1)).isoformat())
    assert "overdue: 1, escalated to the street: 1" in text
    order.refresh_from_db()
    assert order.state == OrderState.OVERDUE and order.escalation == Escalation.STREET
    assert order.events.get(step=Step.ESCALATE).face == "system"
    assert "overdue: 0" in run(
        "deadlines", "--today", (order.deadline + datetime.timedelta(days=1)).isoformat()
    )
    text = run("deadlines", "--today", (order.deadline + datetime.timedelta(days=8)).isoformat())
    assert "escalated to the district: 1" in text
    order.refresh_from_db()
    assert order.escalation == Escalation.DISTRICT


def test_a_bad_day_is_refused(order):
    with pytest.raises(CommandError, match="not a date"):
        run("deadlines", "--today", "tomorrow")


def test_answer_with_a_photo_then_verify(order, tmp_path):
    photo = tmp_path / "after.jpg"
    photo.write_bytes(files.image_bytes(gps=False))
    taken = timezone.now().isoformat()
    text = run("order", order.number, "answer", "--by", "mia", "--photo", str(photo), "--taken-at", taken)
    assert order.number in text
    order.refresh_from_db()
    assert order.state == OrderState.SUBMITTED
    assert order.events.get(step=Step.ANSWER).face == "cli"
    assert AuditEntry.objects.filter(face="cli").exists()
    run("order", order.number, "verify", "--by", "ian", "--note", "已复核")
    order.refresh_from_db()
    assert order.state == OrderState.CLOSED


def test_refusals_print_the_reason_and_fail(order, tmp_path):
    with pytest.raises(CommandError, match="at least one photo"):
        run("order", order.number, "answer", "--by", "mia")
    photo = tmp_path / "after.jpg"
    photo.write_bytes(files.image_bytes(gps=False))
    with pytest.raises(CommandError, match="carries no time"):
        run("order", order.number, "answer", "--by", "mia", "--photo", str(photo))
    with pytest.raises(CommandError, match="Only the inspector"):
        run("order", order.number, "verify", "--by", "mia")
    with pytest.raises(CommandError, match="Say why"):
        run("order", order.number, "reroute", "--by", "ian", "--to", "street")
    with pytest.raises(CommandError, match="no rectification order"):
        run("order", "ZG-none", "start", "--by", "mia")
    with pytest.raises(CommandError, match="no active user"):
        run("order", order.number, "start", "--by", "nobody")
    assert RectificationOrder.objects.get(pk=order.pk).state == OrderState.PENDING


def test_reroute_to_the_street(order, world):
    run("order", order.number, "reroute", "--by", "ian", "--to", "street", "--note", "街道负责")
    order.refresh_from_db()
    assert order.responsible == "street" and order.responsible_area == world.street_a
