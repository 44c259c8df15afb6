"""The item dictionary of the which-bin lookup: fenlei's own, shipped with the migrations and kept by
the district office (every change audited)."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fenlei.core.attachments import Slot
from fenlei.core.models import Model, ScopedModel, fk
from fenlei.core.scoping import Scope
from fenlei.public.choices import (
    UNKNOWN,
    FeedbackState,
    ItemCategory,
    QuestionSource,
    ReportKind,
    ReportState,
)


class Item(Model):
    """One item a resident may ask about: its category, its other names, how to put it out."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    category = models.CharField(_("category"), max_length=12, choices=ItemCategory.choices)
    aliases = models.JSONField(_("other names"), default=list, blank=True)
    pinyin = models.CharField(_("pinyin"), max_length=200, editable=False, db_index=True)
    initials = models.CharField(_("pinyin initials"), max_length=40, editable=False, db_index=True)
    advice = models.CharField(
        _("how to put it out"), max_length=200, blank=True, help_text=_("Left empty: the category's advice.")
    )
    active = models.BooleanField(_("in use"), default=True)

    # reference data: every role reads it; the district office keeps it
    scope = Scope(reference=True)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("item dictionary")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("dictionary:item-detail", args=[self.pk])

    def clean(self) -> None:
        from fenlei.public.text import initials_of, normal, pinyin_of

        super().clean()
        self.name = normal(self.name)
        if not self.name:
            raise ValidationError({"name": _("Give the item's name.")})
        self.aliases = sorted(
            {normal(a) for a in (self.aliases or []) if normal(a) and normal(a) != self.name}
        )
        self.pinyin = pinyin_of(self.name)
        self.initials = initials_of(self.name)


# --- "this answer is wrong" ------------------------------------------------------------------------

ANSWERED = [*ItemCategory.choices, (UNKNOWN, _("Not sure"))]


class Feedback(Model):
    """A resident's "this answer is wrong": it waits for the office, which fixes the entry or keeps
    the answer."""

    query = models.CharField(_("asked"), max_length=40)
    item = fk("public.Item", _("item"), on_delete=models.SET_NULL)
    answered = models.CharField(_("answered"), max_length=12, choices=ANSWERED)
    source = models.CharField(_("answered from"), max_length=10)
    suggested = models.CharField(
        _("the resident thinks"), max_length=12, choices=ItemCategory.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    #: A one-way digest of the sender's address, for the limits (never the address itself).
    client = models.CharField(max_length=64, editable=False, db_index=True)
    state = models.CharField(
        _("state"), max_length=10, choices=FeedbackState.choices, default=FeedbackState.OPEN
    )
    handled_by = fk(settings.AUTH_USER_MODEL, _("handled by"), on_delete=models.SET_NULL)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    reply = models.CharField(_("what the office did"), max_length=200, blank=True)

    scope = Scope(reference=True)
    audit_exclude = Model.audit_exclude | {"client"}

    class Meta:
        verbose_name = _("answer reported wrong")
        verbose_name_plural = _("answers reported wrong")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "created_at"], name="public_feedback_state")]

    def __str__(self) -> str:
        return f"{self.query} → {self.get_answered_display()}"

    def get_absolute_url(self) -> str:
        return reverse("dictionary:feedback-detail", args=[self.pk])


# --- the knowledge contest (知识竞赛) ----------------------------------------------------------------


class Question(Model):
    """A contest question with its options: written by the office, or made from a dictionary item."""

    text = models.CharField(_("question"), max_length=200)
    options = models.JSONField(_("options"), default=list)
    answer = models.PositiveSmallIntegerField(
        _("right option"), validators=[MaxValueValidator(5)], help_text=_("Counted from 0.")
    )
    explanation = models.CharField(_("explanation"), max_length=300, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=QuestionSource.choices, default=QuestionSource.WRITTEN
    )
    item = fk("public.Item", _("item"), on_delete=models.SET_NULL)
    active = models.BooleanField(_("in use"), default=True)

    scope = Scope(reference=True)

    class Meta:
        verbose_name = _("contest question")
        verbose_name_plural = _("contest questions")
        ordering = ["-source", "pk"]

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        super().clean()
        options = [str(o).strip() for o in (self.options or []) if str(o).strip()]
        if not 2 <= len(options) <= 6:
            raise ValidationError({"options": _("Give between 2 and 6 options.")})
        if len(set(options)) != len(options):
            raise ValidationError({"options": _("Two options are the same.")})
        self.options = options
        if self.answer is not None and self.answer >= len(options):
            raise ValidationError({"answer": _("The right option must be one of the options.")})


class Attempt(ScopedModel):
    """One resident's round of the contest. Placed in the community (or at the school) the resident
    said they are from; otherwise at the top of the area tree the public pages serve."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    #: The round as it was dealt: [{"question": id, "options": [...], "answer": i}], in order.
    questions = models.JSONField(default=list, editable=False)
    answers = models.JSONField(default=list, blank=True, editable=False)
    score = models.PositiveSmallIntegerField(_("right answers"), null=True, blank=True)
    total = models.PositiveSmallIntegerField(_("questions"), default=0)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    community = fk("org.Area", _("community"))
    school = fk("org.Site", _("school"))
    client = models.CharField(max_length=64, editable=False, db_index=True)

    scope = Scope(area="area_path", site="school_id")
    audit_exclude = Model.audit_exclude | {"client", "token"}

    class Meta(ScopedModel.Meta):
        verbose_name = _("contest round")
        verbose_name_plural = _("contest rounds")
        ordering = ["-started_at", "-pk"]
        indexes = [
            *ScopedModel.Meta.indexes,
            models.Index(fields=["area_path", "finished_at"], name="public_attempt_path_done"),
            models.Index(fields=["school", "finished_at"], name="public_attempt_school_done"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.started_at:%Y-%m-%d %H:%M} {self.score if self.score is not None else '-'}/{self.total}"
        )


# --- residents' reports ----------------------------------------------------------------------------


def report_token() -> str:
    return secrets.token_urlsafe(18)


class ResidentReport(ScopedModel):
    """A resident's report of a problem at a place (Open311-style). The office or the street turns it
    into a rectification order or declines it with a reason; the resident follows it by a link that
    holds the report's secret token."""

    number = models.CharField(_("number"), max_length=24, unique=True, editable=False)
    token = models.CharField(max_length=32, unique=True, default=report_token, editable=False)
    kind = models.CharField(_("problem"), max_length=12, choices=ReportKind.choices)
    description = models.TextField(_("what you saw"), max_length=500, blank=True)
    area = fk("org.Area", _("community"), null=False)
    site = fk("org.Site", _("site"))
    dropoff = fk("facilities.DropOffPoint", _("drop-off point"))
    place = models.CharField(_("where"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy_m = models.PositiveIntegerField(_("position accuracy (m)"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=ReportState.choices, default=ReportState.RECEIVED
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    order = models.OneToOneField(
        "inspections.RectificationOrder",
        verbose_name=_("rectification order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resident_report",
    )
    handled_by = fk(settings.AUTH_USER_MODEL, _("handled by"), on_delete=models.SET_NULL)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    client = models.CharField(max_length=64, editable=False, db_index=True)

    #: Seen by the areas it lies in, not by the site it names: the resident may be reporting the
    #: property company itself, which learns of the problem through the rectification order.
    scope = Scope(area="area_path")
    attachment_slots = (Slot("photo", _("Photos"), max_files=3),)
    #: the follow link's secret and the sender's digest never reach the audit log
    audit_exclude = Model.audit_exclude | {"token", "client"}

    class Meta(ScopedModel.Meta):
        verbose_name = _("resident's report")
        verbose_name_plural = _("residents' reports")
        ordering = ["-created_at", "-pk"]
        indexes = [
            *ScopedModel.Meta.indexes,
            models.Index(fields=["area_path", "state", "created_at"], name="public_report_path_state"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("reports:detail", args=[self.pk])
