"""Notifications: an in-app inbox for every user, and channels that carry the same message further.

An app registers the kinds of message it sends, once, with their text:

    notify.register("order_new", gettext_lazy("New rectification order {number} at {target}: {item}"))

and sends one inside the transaction of the change it reports:

    notify.send(users, "order_new", params={...}, url=order.get_absolute_url(), key=f"order_new:{order.pk}")

`send` writes one inbox row per user (a `key` already sent to a user is skipped, so a retried job
never notifies twice) and, once the transaction commits, hands the new rows to every channel named
in FENLEI_NOTIFY_CHANNELS. A channel is any object with a `name` and `deliver(notifications)`; the
e-mail channel ships here, and a WeCom or DingTalk webhook is one more class:

    class WeComChannel(Channel):
        name = "wecom"
        def deliver(self, notifications): ...   # POST each text to the group's webhook

    notify.CHANNELS["wecom"] = WeComChannel()
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fenlei.core.models import Notification

log = logging.getLogger(__name__)

#: kind -> its message (a lazy translation with {placeholders}).
KINDS: dict[str, object] = {}
#: kind -> {placeholder: choices}: placeholders sent as a choice's value and shown as its label, so a
#: message reads in the reader's language whatever the sender's.
LABELLED: dict[str, dict[str, type]] = {}


def register(kind: str, message, *, labels: dict[str, type] | None = None) -> None:
    KINDS[kind] = message
    if labels:
        LABELLED[kind] = labels


def render(kind: str, params: dict) -> str:
    message = KINDS.get(kind)
    if message is None:
        return kind
    params = dict(params)
    for name, choices in LABELLED.get(kind, {}).items():
        if name in params:
            params[name] = str(dict(choices.choices).get(params[name], params[name]))
    try:
        return str(message).format(**params)
    except (KeyError, IndexError, ValueError):
        return str(message)


class Channel:
    """Carries new notifications somewhere besides the inbox."""

    name = ""

    def deliver(self, notifications: list[Notification]) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class EmailChannel(Channel):
    """One e-mail per notification to the user's address (users without one are skipped)."""

    name = "email"

    def deliver(self, notifications: list[Notification]) -> None:
        messages = []
        with translation.override(settings.LANGUAGE_CODE):
            for n in notifications:
                address = (n.user.email or "").strip()
                if not address:
                    continue
                text = n.text
                link = n.url
                if link and settings.FENLEI_SITE_URL:
                    link = settings.FENLEI_SITE_URL.rstrip("/") + link
                body = f"{text}\n\n{link}\n" if link else f"{text}\n"
                subject = _("[fenlei] {text}").format(text=text)[:150]
                messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [address]))
        if messages:
            send_mass_mail(messages, fail_silently=False)


CHANNELS: dict[str, Channel] = {"email": EmailChannel()}


def _dispatch(ids: list[int]) -> None:
    rows = list(Notification.objects.filter(pk__in=ids).select_related("user"))
    for name in settings.FENLEI_NOTIFY_CHANNELS:
        channel = CHANNELS.get(name)
        if channel is None:
            log.warning("notification channel %r is not known", name)
            continue
        try:
            channel.deliver(rows)
        except Exception:  # a channel that fails never undoes the change it reports
            log.exception("notification channel %s failed", name)


def send(users: Iterable, kind: str, *, params: dict | None = None, url: str = "", key: str) -> int:
    """Put one message in the inbox of each of `users` (once per key and user); channels follow on
    commit. Returns how many users were newly notified."""
    if kind not in KINDS:
        raise ValueError(f"notification kind {kind!r} is not registered")
    targets = {u.pk: u for u in users if u is not None and getattr(u, "is_active", True)}
    if not targets:
        return 0
    already = set(Notification.objects.filter(user_id__in=targets, key=key).values_list("user_id", flat=True))
    now = timezone.now()
    rows = [
        Notification(user_id=pk, kind=kind, params=params or {}, url=url, key=key[:120], created_at=now)
        for pk in targets
        if pk not in already
    ]
    if not rows:
        return 0
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(
        Notification.objects.filter(user_id__in=[r.user_id for r in rows], key=key[:120]).values_list(
            "pk", flat=True
        )
    )
    transaction.on_commit(lambda: _dispatch(ids))
    return len(rows)


# --- the inbox ----------------------------------------------------------------------------------


def inbox(user):
    """The user's notifications, newest first (only ever the user's own)."""
    return Notification.objects.filter(user=user)


def unread_count(user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all of them when `ids` is None)."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
