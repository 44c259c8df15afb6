"""Base models and the audit log."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fenlei.core.scoping import Scope


def fk(to: str, verbose_name, *, null: bool = True, related_name: str = "+", **kwargs) -> models.ForeignKey:
    """A foreign key as fenlei's models write one: optional unless told (`null`, and then blank in
    forms), PROTECT unless told, no reverse accessor unless named."""
    return models.ForeignKey(
        to,
        verbose_name=verbose_name,
        null=null,
        blank=null,
        on_delete=kwargs.pop("on_delete", models.PROTECT),
        related_name=related_name,
        **kwargs,
    )


class Model(models.Model):
    """The base of every fenlei model: timestamps and the audit representation."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    #: Fields never written to the audit log's changes.
    audit_exclude: frozenset[str] = frozenset({"created_at", "updated_at"})
    #: Fields no Excel export reads (left out of its query; see core.importexport.lean).
    export_defer: frozenset[str] = frozenset({"created_at", "updated_at"})
    #: Set on an instance by an importer: the fields (attnames, e.g. {"area_id", "name"}) whose
    #: combination it has already found free from the keys it loaded once for the whole file.
    _unique_checked: frozenset[str] = frozenset()

    class Meta:
        abstract = True

    def unique_checked(self, *fields: str) -> bool:
        """Whether no other row has this row's values of `fields`, as an importer already knows: a
        `clean()` then skips its own query for that uniqueness (the database's constraint still
        guards the write)."""
        return bool(self._unique_checked) and self._unique_checked == frozenset(fields)

    def refuse_duplicate(self, message, **lookup) -> None:
        """Raise `message` (a ValidationError's message: a string or {field: message}) when another row
        of this model matches `lookup` (None matches NULL). An importer that has already checked the
        combination for the whole file (`unique_checked`) spares the query; the database's constraint
        still guards the write."""
        if self.unique_checked(*lookup):
            return
        filters = {k: v for k, v in lookup.items() if v is not None}
        nulls = {f"{k}__isnull": True for k, v in lookup.items() if v is None}
        if type(self)._default_manager.filter(**filters, **nulls).exclude(pk=self.pk).exists():
            raise ValidationError(message)

    def audit_snapshot(self) -> dict:
        """The values of the concrete fields as the audit log records them."""
        from fenlei.core.audit import serialize_value

        data = {}
        for field in self._meta.concrete_fields:
            if field.name in self.audit_exclude or field.primary_key:
                continue
            data[field.name] = serialize_value(field.value_from_object(self))
        return data


class ScopedModel(Model):
    """A row that belongs to a place in the area tree: it carries the area's materialized path."""

    area_path = models.CharField(_("area path"), max_length=255, editable=False)
    scope = Scope(area="area_path")

    class Meta:
        abstract = True
        indexes = [
            models.Index(
                fields=["area_path"], opclasses=["varchar_pattern_ops"], name="%(app_label)s_%(class)s_path"
            ),
        ]


class Face(models.TextChoices):
    WEB = "web", _("web")
    API = "api", _("API")
    IMPORT = "import", _("import")
    CLI = "cli", _("command line")
    SYSTEM = "system", _("system")


class AuditAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    CLOSE = "close", _("closed")
    REOPEN = "reopen", _("reopened")
    MOVE = "move", _("moved")
    DELETE = "delete", _("deleted")
    LOGIN = "login", _("logged in")
    ASSIGN = "assign", _("role assigned")
    UNASSIGN = "unassign", _("role removed")
    ATTACH = "attach", _("file added")
    DETACH = "detach", _("file removed")


class AuditEntry(models.Model):
    """One change to one object: who, when, what changed, and through which face."""

    timestamp = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user_repr = models.CharField(_("user name"), max_length=150, blank=True)
    face = models.CharField(_("face"), max_length=10, choices=Face.choices)
    action = models.CharField(_("action"), max_length=10, choices=AuditAction.choices)
    content_type = models.ForeignKey(ContentType, verbose_name=_("object type"), on_delete=models.PROTECT)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    area_path = models.CharField(_("area path"), max_length=255, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    scope = Scope(area="area_path")

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-timestamp", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-timestamp"], name="core_audit_object"),
            models.Index(fields=["area_path"], opclasses=["varchar_pattern_ops"], name="core_audit_path"),
            models.Index(fields=["user", "-timestamp"], name="core_audit_user"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.timestamp:%Y-%m-%d %H:%M} {self.user_repr} {self.get_action_display()} {self.object_repr}"
        )

    def get_absolute_url(self) -> str:
        return reverse("core:audit-detail", args=[self.pk])


def attachment_upload_to(instance, filename: str) -> str:
    """`attachments/yyyy/mm/<uuid>.<ext>`: never the uploader's file name (that is kept in `name`)."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    now = timezone.localtime()
    return f"attachments/{now:%Y}/{now:%m}/{uuid.uuid4().hex}.{ext}"


class Attachment(models.Model):
    """A file (a photo, a scanned document) kept on one ledger row, in one of the row's slots.

    An attachment has no scope of its own: it is only ever reached through its row, which is read
    through the scoping function first (`fenlei.core.attachments`). The row is named by its model
    and primary key; which slots a model has is declared on the model (`attachment_slots`).
    """

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("record type"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    slot = models.CharField(_("slot"), max_length=40)
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=255)
    thumbnail = models.FileField(_("thumbnail"), upload_to=attachment_upload_to, max_length=255, blank=True)
    name = models.CharField(
        _("file name"), max_length=200, help_text=_("The name the file was uploaded with.")
    )
    mime_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    width = models.PositiveIntegerField(_("width (px)"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height (px)"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    part = models.CharField(
        _("part"),
        max_length=40,
        blank=True,
        help_text=_("The part of the record the file shows (a checklist item)."),
    )
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attached file")
        verbose_name_plural = _("attached files")
        ordering = ["uploaded_at", "id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "slot"], name="core_attachment_record"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """The row's page, where the file is shown among the row's other files."""
        parent = self.content_type.get_object_for_this_type(pk=self.object_id)
        return parent.get_absolute_url() + "#files"

    @property
    def is_image(self) -> bool:
        return self.mime_type.startswith("image/")


class ImportState(models.TextChoices):
    QUEUED = "queued", _("waiting")
    VALIDATING = "validating", _("checking")
    VALIDATED = "validated", _("checked")
    COMMITTING = "committing", _("importing")
    DONE = "done", _("imported")
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", _("cancelled")
    INTERRUPTED = "interrupted", _("interrupted")


#: The legal moves of an import job; `fenlei.core.imports` checks every change of state against it.
#: A check at commit time that finds problems sends the job back to "checked" with the new report.
IMPORT_TRANSITIONS: dict[str, frozenset[str]] = {
    ImportState.QUEUED: frozenset({ImportState.VALIDATING, ImportState.CANCELLED, ImportState.INTERRUPTED}),
    ImportState.VALIDATING: frozenset(
        {ImportState.VALIDATED, ImportState.FAILED, ImportState.CANCELLED, ImportState.INTERRUPTED}
    ),
    ImportState.VALIDATED: frozenset({ImportState.COMMITTING, ImportState.CANCELLED}),
    ImportState.COMMITTING: frozenset(
        {ImportState.DONE, ImportState.VALIDATED, ImportState.FAILED, ImportState.INTERRUPTED}
    ),
    ImportState.INTERRUPTED: frozenset({ImportState.QUEUED, ImportState.COMMITTING, ImportState.CANCELLED}),
    ImportState.DONE: frozenset(),
    ImportState.FAILED: frozenset(),
    ImportState.CANCELLED: frozenset(),
}
#: States in which a runner is (or should be) working on the job.
IMPORT_ACTIVE = frozenset({ImportState.QUEUED, ImportState.VALIDATING, ImportState.COMMITTING})


class ImportJob(Model):
    """One Excel file on its way into a ledger: checked in the background, written when its owner confirms.

    The uploaded file waits under MEDIA_ROOT/imports/ (never served) until the job ends. Only the
    owner acts on a job; the district office may look at the jobs placed in its area.
    """

    key = models.UUIDField(_("key"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="import_jobs"
    )
    ledger = models.CharField(_("ledger"), max_length=64)
    import_url_name = models.CharField(_("import page"), max_length=100)
    list_url_name = models.CharField(_("list page"), max_length=100)
    language = models.CharField(_("language"), max_length=16, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    state = models.CharField(
        _("state"), max_length=12, choices=ImportState.choices, default=ImportState.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows processed"), default=0)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    errors = models.JSONField(_("problems"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("number of problems"), default=0)
    preview = models.JSONField(_("changes"), default=list, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    runner = models.CharField(_("runner"), max_length=120, blank=True)
    area_path = models.CharField(_("area path"), max_length=255, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    scope = Scope(area="area_path", owner="user")
    audit_exclude = frozenset(
        {"created_at", "updated_at", "key", "runner", "errors", "preview", "summary", "rows_done", "language"}
    )

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="core_importjob_user"),
            models.Index(fields=["state", "created_at"], name="core_importjob_state"),
            models.Index(fields=["area_path"], opclasses=["varchar_pattern_ops"], name="core_importjob_path"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=ImportState.values), name="core_importjob_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("core:import-job", args=[self.pk])

    @property
    def active(self) -> bool:
        return self.state in IMPORT_ACTIVE

    @property
    def ready(self) -> bool:
        """Checked without a problem and with something to write: the owner may confirm it."""
        return (
            self.state == ImportState.VALIDATED
            and not self.error_count
            and bool(self.summary.get("create") or self.summary.get("update"))
        )


class Notification(models.Model):
    """One message in one user's inbox (a new order, a deadline tomorrow, an escalation …).

    The text is not stored: `kind` names a registered message (`fenlei.core.notify`) and `params`
    fills it, so the inbox reads in the language of whoever opens it. `key` makes sending
    idempotent: the same event never reaches the same user twice.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=40)
    params = models.JSONField(_("details"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    key = models.CharField(_("key"), max_length=120)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    scope = Scope(owner="user")

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="core_notification_key")]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="core_notification_inbox")]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        from fenlei.core.notify import render

        return render(self.kind, self.params)

    @property
    def unread(self) -> bool:
        return self.read_at is None
