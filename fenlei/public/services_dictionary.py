"""Writes of the item dictionary and of the answers residents report wrong.

Residents send "this answer is wrong" (`feedback_submit`): the lookup is run again here, so the row
holds what fenlei answered at that moment, never what the sender claims it answered. The district
office keeps the dictionary (`item_create`, `item_update`, `item_deactivate`, `item_reactivate`) and
answers the reports: it fixes the entry (`feedback_fix`: the item saved and the reports of that
question or that item closed with the reply, in one transaction) or keeps the answer
(`feedback_dismiss`). Every change is audited in the transaction that makes it; who may take which
action is checked by the faces through the scoping function (reference data: only the district
office changes it).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fenlei.core import audit
from fenlei.core import services as core_services
from fenlei.core.models import AuditAction
from fenlei.public import limits
from fenlei.public.choices import UNKNOWN, FeedbackState, ItemCategory
from fenlei.public.lookup import lookup
from fenlei.public.models import Feedback, Item

#: The longest question a report may name (as the lookup reads it).
MAX_QUERY = 40
MAX_NOTE = 200
MAX_REPLY = 200

#: The legal moves of a report: the office fixes the entry or keeps the answer, once.
FEEDBACK_TRANSITIONS: dict[str, frozenset[str]] = {
    FeedbackState.OPEN: frozenset({FeedbackState.FIXED, FeedbackState.DISMISSED}),
    FeedbackState.FIXED: frozenset(),
    FeedbackState.DISMISSED: frozenset(),
}


def clean_query(text: str) -> str:
    """The question as the queue groups it: surrounding space removed, inner runs of space as one."""
    return " ".join((text or "").split())


# --- residents ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    feedback: Feedback
    #: False when the same client had already reported the same question and it is still open.
    created: bool


def feedback_submit(
    *, query: str, client: str, suggested: str = "", note: str = "", now: datetime.datetime | None = None
) -> Sent:
    """Record a resident's "this answer is wrong" for `query` with what the lookup answers now.

    The same question sent again by the same client while its report is open is not stored twice
    (the first report is answered). Over the per-client limits it is refused (ValidationError,
    code "limit").
    """
    query = clean_query(query)
    suggested = (suggested or "").strip()
    note = " ".join((note or "").split())
    errors = {}
    if not query:
        errors["query"] = _("Give the item you asked about.")
    elif len(query) > MAX_QUERY:
        errors["query"] = _("The item's name is too long (at most {n} characters).").format(n=MAX_QUERY)
    if suggested and suggested not in ItemCategory.values:
        errors["suggested"] = _("Choose one of the categories offered.")
    if len(note) > MAX_NOTE:
        errors["note"] = _("The note is too long (at most {n} characters).").format(n=MAX_NOTE)
    if errors:
        raise ValidationError(errors)
    answer = lookup(query)
    with transaction.atomic():
        same = Feedback.objects.filter(client=client, query=query, state=FeedbackState.OPEN).first()
        if same is not None:
            return Sent(same, False)
        limits.check(
            Feedback.objects.all(),
            client,
            per_hour=settings.FENLEI_PUBLIC_FEEDBACK_PER_HOUR,
            per_day=settings.FENLEI_PUBLIC_FEEDBACK_PER_DAY,
            now=now,
        )
        item = None
        if answer.category != UNKNOWN and answer.item:
            item = Item.objects.filter(name=answer.item).first()
        feedback = Feedback(
            query=query,
            item=item,
            answered=answer.category,
            source=answer.source,
            suggested=suggested,
            note=note,
            client=client,
        )
        feedback.full_clean()
        feedback.save()
        audit.log(feedback, AuditAction.CREATE, by=None)
    return Sent(feedback, True)


# --- the dictionary ----------------------------------------------------------------------------------


def _refuse_taken_name(item: Item) -> None:
    """A name another item has, or an other name this change adds that another item already has
    (as its name or as an other name: the lookup's answer would then depend on which came first).
    Only the other names the change adds are checked, so entries shipped that way can still be edited;
    a name may equal another item's other name (the name wins)."""
    from fenlei.public.text import normal

    name = normal(item.name)
    aliases = {normal(a) for a in (item.aliases or []) if normal(a)}
    others = Item.objects.exclude(pk=item.pk)
    if item.name and others.filter(name=name).exists():
        raise ValidationError({"name": _("Another item already has this name.")})
    before = set()
    if item.pk:
        stored = Item.objects.filter(pk=item.pk).values_list("aliases", flat=True).first()
        before = {normal(a) for a in stored or []}
    added = aliases - before
    if not added:
        return
    taken = sorted(others.filter(name__in=added).values_list("name", flat=True))
    if taken:
        raise ValidationError(
            {"aliases": _("Already the name of another item: {names}.").format(names="、".join(taken))}
        )
    used = {normal(a): other for other, names in others.values_list("name", "aliases") for a in names or []}
    taken = sorted(n for n in added if n in used)
    if taken:
        raise ValidationError(
            {
                "aliases": _("Already other names of other items: {names}.").format(
                    names="、".join(f"{n}（{used[n]}）" for n in taken)
                )
            }
        )


def item_create(*, item: Item, by, note: str = "") -> Item:
    """Add an item to the dictionary (the lookup answers it at once)."""
    with transaction.atomic():
        item.clean()
        _refuse_taken_name(item)
        return core_services.create(item, by=by, note=note)


def item_update(*, item: Item, by, data: dict | None = None, note: str = "") -> Item:
    """Change an item (name, category, other names, advice); the lookup answers the new way at once."""
    with transaction.atomic():
        for field, value in (data or {}).items():
            setattr(item, field, value)
        item.clean()
        _refuse_taken_name(item)
        return core_services.update(item, by=by, note=note)


def item_deactivate(*, item: Item, by, note: str = "") -> Item:
    """Take an item out of use: the lookup stops answering it; the row and its history stay."""
    with transaction.atomic():
        item = Item.objects.select_for_update().get(pk=item.pk)
        if not item.active:
            raise ValidationError(_("This item is already out of use."))
        item.active = False
        item.save(update_fields=["active", "updated_at"])
        audit.log(item, AuditAction.CLOSE, by=by, changes={"active": [True, False]}, note=note)
    return item


def item_reactivate(*, item: Item, by, note: str = "") -> Item:
    """Put an item back in use."""
    with transaction.atomic():
        item = Item.objects.select_for_update().get(pk=item.pk)
        if item.active:
            raise ValidationError(_("This item is in use."))
        item.active = True
        item.save(update_fields=["active", "updated_at"])
        audit.log(item, AuditAction.REOPEN, by=by, changes={"active": [False, True]}, note=note)
    return item


# --- the office answers the reports ------------------------------------------------------------------


def _reply(reply: str, *, required: bool) -> str:
    reply = " ".join((reply or "").split())
    if required and not reply:
        raise ValidationError({"reply": _("Say why the answer is kept.")})
    if len(reply) > MAX_REPLY:
        raise ValidationError(
            {"reply": _("The reply is too long (at most {n} characters).").format(n=MAX_REPLY)}
        )
    return reply


def _close(rows: list[Feedback], state: str, *, by, reply: str) -> list[Feedback]:
    """Move `rows` (locked, all open) to `state`, with one audit entry each."""
    now = timezone.now()
    for row in rows:
        if state not in FEEDBACK_TRANSITIONS[row.state]:
            raise ValidationError(_("This report has already been answered."))
        row.state, row.handled_by, row.handled_at, row.reply = state, by, now, reply
        row.updated_at = now  # bulk_update does not touch auto_now fields
    Feedback.objects.bulk_update(rows, ["state", "handled_by", "handled_at", "reply", "updated_at"])
    audit.log_bulk(
        rows,
        AuditAction.UPDATE,
        by=by,
        changes_for=lambda r: {
            "state": [FeedbackState.OPEN.value, state],
            "reply": ["", reply],
        },
    )
    return rows


def open_reports(*, query: str, item: Item | None = None) -> list[Feedback]:
    """The open reports of `query` (and of `item`, when given), locked for the change."""
    q = Q(query=query)
    if item is not None and item.pk is not None:
        q |= Q(item=item)
    return list(Feedback.objects.select_for_update().filter(q, state=FeedbackState.OPEN).order_by("pk"))


def feedback_fix(
    *, feedback: Feedback, item: Item, by, data: dict | None = None, reply: str = ""
) -> tuple[Item, list[Feedback]]:
    """Fix the entry a report is about and close the reports it answers, in one transaction.

    `item` is the entry to change (an existing item, changed by `data`) or a new one (no pk yet:
    created). Every open report of the same question, and every open report the changed item had
    answered, is marked fixed with `reply`. Returns the saved item and the reports closed.
    """
    reply = _reply(reply, required=False)
    with transaction.atomic():
        current = Feedback.objects.select_for_update().get(pk=feedback.pk)
        if current.state != FeedbackState.OPEN:
            raise ValidationError(_("This report has already been answered."))
        if item.pk is None:
            for field, value in (data or {}).items():
                setattr(item, field, value)
            item = item_create(item=item, by=by, note=_("Fixed from a resident's report"))
        else:
            item = item_update(item=item, by=by, data=data, note=_("Fixed from a resident's report"))
        rows = open_reports(query=current.query, item=item)
        closed = _close(rows, FeedbackState.FIXED, by=by, reply=reply)
    return item, closed


def feedback_dismiss(*, feedback: Feedback, by, reply: str) -> list[Feedback]:
    """Keep the answer: every open report of the same question is closed with `reply` (required)."""
    reply = _reply(reply, required=True)
    with transaction.atomic():
        current = Feedback.objects.select_for_update().get(pk=feedback.pk)
        if current.state != FeedbackState.OPEN:
            raise ValidationError(_("This report has already been answered."))
        rows = open_reports(query=current.query)
        return _close(rows, FeedbackState.DISMISSED, by=by, reply=reply)
