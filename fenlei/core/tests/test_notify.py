"""Notifications: one inbox row per user and key, channels after the commit, text in the reader's language."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy

from fenlei.core import notify
from fenlei.core.models import Notification

pytestmark = pytest.mark.django_db

notify.register(
    "test.hello", gettext_lazy("Rectification order {number} at {target} is due tomorrow ({deadline})")
)


def _send(users, key="k1"):
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True), transaction.atomic():
        return notify.send(
            users,
            "test.hello",
            params={"number": "ZG1", "target": "甲一花园", "deadline": "2026-06-18"},
            url="/inspections/orders/1/",
            key=key,
        )


def test_a_key_reaches_a_user_once_and_email_follows_the_commit(world, settings):
    settings.FENLEI_NOTIFY_CHANNELS = ["email"]
    world.mia.email = "mia@example.org"
    world.mia.save()
    assert _send([world.mia, world.cora]) == 2
    assert _send([world.mia, world.cora]) == 0  # a retried job notifies nobody twice
    assert Notification.objects.count() == 2
    assert [m.to for m in mail.outbox] == [["mia@example.org"]]  # cora has no address
    assert "ZG1" in mail.outbox[0].subject and "/inspections/orders/1/" in mail.outbox[0].body


def test_nothing_is_sent_when_the_change_rolls_back(world, settings, django_capture_on_commit_callbacks):
    settings.FENLEI_NOTIFY_CHANNELS = ["email"]
    world.mia.email = "mia@example.org"
    world.mia.save()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify.send([world.mia], "test.hello", params={}, key="k2")
        raise RuntimeError
    assert not callbacks
    assert not Notification.objects.exists() and not mail.outbox


def test_the_text_is_in_the_readers_language_and_read_marks(world):
    _send([world.mia])
    note = notify.inbox(world.mia).get()
    with translation.override("en"):
        assert note.text.startswith("Rectification order ZG1 at 甲一花园")
    assert notify.unread_count(world.mia) == 1 and notify.unread_count(world.cora) == 0
    assert notify.mark_read(world.cora) == 0  # never another user's
    assert notify.mark_read(world.mia, [note.pk]) == 1 and notify.unread_count(world.mia) == 0


def test_a_failing_channel_never_undoes_the_change(world, settings):
    class Broken(notify.Channel):
        name = "broken"

        def deliver(self, notifications):
            raise ConnectionError("webhook down")

    notify.CHANNELS["broken"] = Broken()
    settings.FENLEI_NOTIFY_CHANNELS = ["broken"]
    try:
        assert _send([world.mia]) == 1
    finally:
        del notify.CHANNELS["broken"]
    assert Notification.objects.filter(user=world.mia).count() == 1


def test_an_unregistered_kind_is_refused(world):
    with pytest.raises(ValueError), transaction.atomic():
        notify.send([world.mia], "nobody.knows", key="x")
