"""Photos and scanned files on ledger rows: slots, the services that add and remove files, selectors.

A model that takes files declares its slots once, on the model:

    from fenlei.core.attachments import PHOTOS, Slot
    from fenlei.core.uploads import DOCUMENT_TYPES

    class DropOffPoint(PlacedModel):
        attachment_slots = (PHOTOS,)

    class Restaurant(PlacedModel):
        attachment_slots = (
            Slot("commitment", _("Commitment letter (scan)"), types=DOCUMENT_TYPES, max_files=1),
        )

Every face reads the declaration: LedgerFaces adds the gallery, the upload form and the file routes
to the row's page, `AttachmentsViewSetMixin` adds the API actions, the audit history names the slot.

Scoping: an attachment is only ever reached through its row. The faces load the row with
`get_for_user` (404 outside the scope; the change action on the row to add or remove a file), then
the attachment *among that row's* (`of_row`), so the id of another row's file answers 404 too.
"""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fenlei.core import audit, uploads
from fenlei.core.models import Attachment, AuditAction


@dataclass(frozen=True)
class Slot:
    """A named place for files on a row: which types it accepts and how many files it holds."""

    name: str
    label: str
    types: frozenset[str] = uploads.IMAGE_TYPES
    #: At most this many files per row (None: the setting FENLEI_MAX_FILES_PER_SLOT).
    max_files: int | None = None
    #: Evidence photos: each must carry the time it was taken (sent with it by the camera page, or
    #: in the photo's own EXIF); a photo stripped of its time is refused.
    timed: bool = False

    @property
    def limit(self) -> int:
        return self.max_files or settings.FENLEI_MAX_FILES_PER_SLOT

    @property
    def takes_documents(self) -> bool:
        return uploads.PDF in self.types

    @property
    def accept(self) -> str:
        """The `accept` attribute of the slot's file input."""
        return "image/*,application/pdf" if self.takes_documents else "image/*"


#: Photos of a facility, an activity … (JPEG, PNG, WebP).
PHOTOS = Slot("photo", gettext_lazy("Photos"))


def document_slot(name: str, label, *, max_files: int | None = 1) -> Slot:
    """A slot for a scanned document: a PDF or a photo of the paper (one file unless told)."""
    return Slot(name, label, types=uploads.DOCUMENT_TYPES, max_files=max_files)


def slots_of(model) -> tuple[Slot, ...]:
    """The slots a model (or a row) declares; empty when it takes no files."""
    return tuple(getattr(model, "attachment_slots", ()) or ())


def slot_of(model, name: str) -> Slot:
    for slot in slots_of(model):
        if slot.name == name:
            return slot
    raise ValidationError({"slot": _("“{slot}” is not a kind of file this record takes.").format(slot=name)})


# --- selectors ---------------------------------------------------------------------------------------


def _content_type(model) -> ContentType:
    return ContentType.objects.get_for_model(model, for_concrete_model=False)


def of_row(row: models.Model, slot: str | None = None) -> models.QuerySet:
    """The files of one row (already read through the scoping function), oldest first."""
    qs = Attachment.objects.filter(content_type=_content_type(type(row)), object_id=row.pk)
    if slot is not None:
        qs = qs.filter(slot=slot)
    return qs.select_related("uploaded_by")


def of_rows(model, pks, slot: str) -> dict:
    """The files in `slot` of the rows `pks` of `model` (already read through the scoping function),
    oldest first, in one query: row pk -> [Attachment]."""
    out: dict = {pk: [] for pk in pks}
    rows = (
        Attachment.objects.filter(content_type=_content_type(model), object_id__in=list(out), slot=slot)
        .select_related("uploaded_by")
        .order_by("pk")
    )
    for a in rows:
        out.setdefault(a.object_id, []).append(a)
    return out


def _of_outer(model, slot: str) -> models.QuerySet:
    return Attachment.objects.filter(content_type=_content_type(model), object_id=OuterRef("pk"), slot=slot)


def with_file_count(queryset: models.QuerySet, *, slot: str, name: str = "") -> models.QuerySet:
    """`queryset` annotated with the number of files each row holds in `slot` (as `<slot>_files`
    unless `name` says), in the same query: for list columns and completeness checks."""
    counted = (
        _of_outer(queryset.model, slot).order_by().values("object_id").annotate(n=Count("pk")).values("n")
    )
    return queryset.annotate(
        **{name or f"{slot}_files": Coalesce(Subquery(counted, output_field=IntegerField()), 0)}
    )


def having_file(queryset: models.QuerySet, *, slot: str, present: bool = True) -> models.QuerySet:
    """The rows of `queryset` that hold at least one file in `slot` (or, `present=False`, none)."""
    exists = Exists(_of_outer(queryset.model, slot))
    return queryset.filter(exists if present else ~exists)


# --- services ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Capture:
    """What the page that took a photo says about it: when and where, and which part of the row it
    shows. The photo's own EXIF fills what the page does not send."""

    taken_at: datetime.datetime | None = None
    latitude: float | None = None
    longitude: float | None = None
    part: str = ""


@dataclass
class Prepared:
    """A checked file with its capture, ready to be stored on a row."""

    checked: uploads.CheckedFile
    taken_at: datetime.datetime | None
    latitude: float | None
    longitude: float | None
    part: str


def prepare(model, slot: str, files: list, captures: list[Capture] | None = None, *, label: str = "files"):
    """Check every file for `slot` of `model` before anything is written (one bad file stops all).

    A ValidationError on `label` names each bad file and why: not an accepted type, too large,
    damaged, or — in a timed slot — carrying no time, or a time in the future.
    """
    spec = slot_of(model, slot)
    captures = list(captures or [])
    pairs = [
        (f, captures[i] if i < len(captures) else Capture()) for i, f in enumerate(files) if f is not None
    ]
    if not pairs:
        raise ValidationError({label: _("Choose at least one file.")})
    prepared, problems = [], []
    latest = timezone.now() + datetime.timedelta(minutes=settings.FENLEI_CLOCK_SKEW_MINUTES)
    for upload, capture in pairs:
        try:
            item = uploads.check(upload, types=spec.types)
        except ValidationError as exc:
            problems.extend(exc.messages)
            continue
        taken_at = capture.taken_at or item.taken_at
        lat = capture.latitude if capture.latitude is not None else item.latitude
        lng = capture.longitude if capture.longitude is not None else item.longitude
        if spec.timed and taken_at is None:
            problems.append(
                _(
                    "“{name}”: the photo carries no time it was taken; take it with the camera on this page."
                ).format(name=item.name)
            )
            continue
        if taken_at is not None and taken_at > latest:
            problems.append(
                _("“{name}”: the time it was taken ({time}) lies in the future.").format(
                    name=item.name, time=timezone.localtime(taken_at).strftime("%Y-%m-%d %H:%M")
                )
            )
            continue
        prepared.append(Prepared(item, taken_at, lat, lng, capture.part[:40]))
    if problems:
        raise ValidationError({label: problems})
    return prepared


def store(
    *, row: models.Model, slot: str, prepared: list[Prepared], by, written: list[str]
) -> list[Attachment]:
    """Keep checked files on `row` in `slot`, inside the caller's transaction.

    The names of the stored files are appended to `written`, so the caller deletes them when its
    transaction fails (rows roll back; files on disk do not). One audit entry per file on the row.
    """
    spec = slot_of(type(row), slot)
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("attachments.store() must run inside the transaction that writes the row")
    held = of_row(row, slot).count()
    if held + len(prepared) > spec.limit:
        raise ValidationError(
            {
                "files": _(
                    "{slot} holds at most {limit} files on one record; it has {held}, "
                    "{count} more would be too many."
                ).format(slot=spec.label, limit=spec.limit, held=held, count=len(prepared))
            }
        )
    created = []
    user = by if getattr(by, "is_authenticated", False) else None
    for p in prepared:
        item = p.checked
        att = Attachment(
            content_type=_content_type(type(row)),
            object_id=row.pk,
            slot=spec.name,
            name=item.name,
            mime_type=item.mime_type,
            size=len(item.data),
            width=item.width,
            height=item.height,
            sha256=item.sha256,
            part=p.part,
            taken_at=p.taken_at,
            latitude=_coordinate(p.latitude),
            longitude=_coordinate(p.longitude),
            uploaded_by=user,
        )
        att.file.save(f"file.{item.extension}", ContentFile(item.data), save=False)
        written.append(att.file.name)
        if item.thumbnail is not None:
            att.thumbnail.save("thumb.jpg", ContentFile(item.thumbnail), save=False)
            written.append(att.thumbnail.name)
        att.save()
        audit.log(row, AuditAction.ATTACH, by=by, changes={spec.name: [None, att.name]})
        created.append(att)
    return created


def _coordinate(value):
    if value is None:
        return None
    return decimal.Decimal(str(round(float(value), 6)))


def discard(written: list[str]) -> None:
    """Delete stored files whose rows did not survive their transaction."""
    storage = Attachment._meta.get_field("file").storage
    for name in written:
        storage.delete(name)


def attach(
    *, row: models.Model, slot: str, files: list, by, captures: list[Capture] | None = None
) -> list[Attachment]:
    """Check every file, then keep them all on `row` in `slot` (or none: one bad file stops all).

    The caller has read `row` through the scoping function and checked the change action on it.
    Each file added writes an audit entry on the row's history, in the same transaction.
    """
    prepared = prepare(type(row), slot, files, captures)
    written: list[str] = []
    try:
        with transaction.atomic():
            model = type(row)
            locked = model._default_manager.select_for_update().get(pk=row.pk)
            if getattr(locked, "closed_on", None) is not None:
                raise ValidationError({"files": _("This record is closed: it takes no new files.")})
            created = store(row=locked, slot=slot, prepared=prepared, by=by, written=written)
            model._default_manager.filter(pk=row.pk).update(updated_at=timezone.now())
    except BaseException:
        discard(written)  # the rows are gone with the transaction; the files go too
        raise
    return created


def detach(*, attachment: Attachment, row: models.Model, by, note: str = "") -> None:
    """Remove one file from `row` (read and checked for the change action by the caller).

    The stored files are deleted once the transaction commits, so a rolled-back removal loses nothing.
    """
    if attachment.content_type_id != _content_type(type(row)).pk or attachment.object_id != row.pk:
        raise ValidationError(_("This file does not belong to this record."))
    names = [n for n in (attachment.file.name, attachment.thumbnail.name) if n]
    storage = Attachment._meta.get_field("file").storage
    with transaction.atomic():
        type(row)._default_manager.filter(pk=row.pk).update(updated_at=timezone.now())
        attachment.delete()
        audit.log(
            row, AuditAction.DETACH, by=by, changes={attachment.slot: [attachment.name, None]}, note=note
        )
        transaction.on_commit(lambda: [storage.delete(n) for n in names])
