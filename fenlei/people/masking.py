"""Personal data (phone numbers, ID numbers) masked for everyone who does not keep the ledger.

The rule, in one place: a user sees a row's personal data in full when it may change that row
(`can(user, "change", obj)`); everyone else who may see the row (the district leader, the inspector,
a site manager …) sees it masked — `138****1234`, `3301**********1234` — on pages, in the API, in
Excel exports and in the row's history.

Lists ask the question once for all their rows: `with_keeper(queryset, user)` annotates each row
with `viewer_keeps`, computed in SQL from the same scope filter `can()` uses, so a list costs no
query per row. Each model names its personal fields in `personal_fields` ({field: PHONE or ID}).
"""

from __future__ import annotations

from django.db.models import BooleanField, Case, Q, Value, When

from fenlei.core.roles import Action
from fenlei.core.scoping import can, scope_q

PHONE = "phone"
ID = "id"

#: The annotation `with_keeper` adds.
KEEPS = "viewer_keeps"


def mask_phone(value: str) -> str:
    """`13812341234` → `138****1234`; shorter numbers keep their last two characters."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) >= 8:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    return "*" * max(len(value) - 2, 1) + value[-2:]


def mask_id(value: str) -> str:
    """`330102199001011234` → `3301**********1234`."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) > 8:
        return value[:4] + "*" * (len(value) - 8) + value[-4:]
    return "*" * len(value)


MASKS = {PHONE: mask_phone, ID: mask_id}


def mask(kind: str, value) -> str:
    return MASKS[kind]("" if value is None else str(value))


def keeper_q(user, model) -> Q | None:
    """The rows of `model` whose personal data `user` sees in full (None: none of them)."""
    return scope_q(user, Action.CHANGE, model)


def with_keeper(queryset, user):
    """`queryset` with `viewer_keeps` on every row: whether `user` keeps (may change) it."""
    q = keeper_q(user, queryset.model)
    if q is None:
        flag = Value(False)
    elif not q:
        flag = Value(True)
    else:
        flag = Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())
    return queryset.annotate(**{KEEPS: flag})


def keeps(user, obj) -> bool:
    """Whether `user` sees `obj`'s personal data in full: the row's annotation, else `can()`."""
    known = getattr(obj, KEEPS, None)
    if known is None:
        known = bool(user is not None and obj.pk is not None and can(user, Action.CHANGE, obj))
        setattr(obj, KEEPS, known)
    return bool(known)


def shown(obj, field: str, user=None) -> str:
    """One personal field of `obj` as `user` may see it. Without a user, the row's annotation decides
    (and a row without one is masked)."""
    value = getattr(obj, field) or ""
    kind = type(obj).personal_fields.get(field)
    if kind is None or not value:
        return value
    allowed = keeps(user, obj) if user is not None else bool(getattr(obj, KEEPS, False))
    return value if allowed else mask(kind, value)


def mask_personal(user, obj) -> dict[str, str]:
    """Every personal field of `obj` as `user` may see it."""
    return {field: shown(obj, field, user) for field in type(obj).personal_fields}


def mask_data(user, obj, data: dict) -> dict:
    """A representation of `obj` (API data) with its personal fields masked unless `user` keeps it."""
    personal = type(obj).personal_fields
    if personal and not keeps(user, obj):
        for field, kind in personal.items():
            if data.get(field):
                data[field] = mask(kind, data[field])
    return data


def mask_history(user, obj, entries) -> list:
    """Audit entries of `obj` with the personal values in their changes masked unless `user` keeps it.

    The entries are changed in memory only, never saved."""
    entries = list(entries)
    personal = type(obj).personal_fields
    if not personal or keeps(user, obj):
        return entries
    for entry in entries:
        changes = dict(entry.changes or {})
        for field, kind in personal.items():
            pair = changes.get(field)
            if isinstance(pair, list):
                changes[field] = [mask(kind, v) if v else v for v in pair]
            elif pair:
                changes[field] = mask(kind, pair)
        entry.changes = changes
    return entries
