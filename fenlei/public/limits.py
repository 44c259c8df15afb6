"""Limits on what one client may send to the public pages (no CAPTCHA: throttled instead).

A client is known by a one-way digest of its address (never the address itself), kept on each row it
sends, so the limits count rows in the database and hold across every web process.
"""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


def client_address(request) -> str:
    """The sender's address: the nearest hop our own proxy saw when behind one, else the socket's."""
    if settings.FENLEI_BEHIND_PROXY:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "") or "-"


def client_digest(request) -> str:
    """A digest of the sender's address, salted with the site's secret (not reversible to it)."""
    raw = f"{settings.SECRET_KEY}|{client_address(request)}".encode()
    return hashlib.sha256(raw).hexdigest()


def check(
    queryset, client: str, *, per_hour: int, per_day: int, now: datetime.datetime | None = None
) -> None:
    """Refuse (ValidationError) when `client` has sent `per_hour` rows of `queryset` in the last hour
    or `per_day` in the last day. `queryset` must have `client` and `created_at`."""
    now = now or timezone.now()
    recent = queryset.filter(client=client, created_at__gte=now - datetime.timedelta(days=1)).values_list(
        "created_at", flat=True
    )[: per_day + 1]
    times = list(recent)
    if len(times) >= per_day:
        raise ValidationError(
            _("Too many sent from this connection today (at most %(n)s a day). Try again tomorrow."),
            code="limit",
            params={"n": per_day},
        )
    if sum(t >= now - datetime.timedelta(hours=1) for t in times) >= per_hour:
        raise ValidationError(
            _("Too many sent from this connection in the last hour (at most %(n)s). Try again later."),
            code="limit",
            params={"n": per_hour},
        )
