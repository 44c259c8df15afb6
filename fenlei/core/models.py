"""Base models and the audit log."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fenlei.core.scoping import Scope


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
