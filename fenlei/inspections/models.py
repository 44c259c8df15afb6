"""Inspection and rectification: checklists, inspections, rectification orders and their steps,
inspection plans.

A `ChecklistTemplate` is a checklist for one kind of target; its items live in immutable
`ChecklistVersion`s, so editing a template (a new version) never changes a past inspection, which
keeps the version it was filled against. An `Inspection` is one visit: the answers to every item,
photos with the time and place each was taken, the inspector's position and its distance from the
target, and the computed score. Each failed item becomes a `RectificationOrder` addressed to the
responsible unit; its life is a state machine (`choices.TRANSITIONS`) whose every step is a
`RectificationEvent` row. `PlanEntry` rows are the inspectors' daily lists; `InspectionQuota` says how
often targets must be inspected.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from fenlei.core.attachments import Slot
from fenlei.core.models import Model, ScopedModel
from fenlei.core.models import fk as _fk
from fenlei.core.scoping import Scope
from fenlei.inspections.choices import (
    PHASE,
    Concern,
    Escalation,
    OrderState,
    Responsible,
    Result,
    Scoring,
    Severity,
    Step,
    TargetType,
)


def _coordinate(label):
    return models.DecimalField(label, max_digits=9, decimal_places=6, null=True, blank=True)


# --- checklists --------------------------------------------------------------------------------


class ChecklistTemplate(Model):
    """A checklist for one kind of target (物业小区, 餐饮单位, a drop-off point, a vehicle …).

    District-wide reference data kept by the district office. Its items are in versions; the
    current version is the newest one.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    target_type = models.CharField(_("target"), max_length=10, choices=TargetType.choices)
    site_kinds = models.ManyToManyField(
        "org.SiteKind",
        verbose_name=_("site kinds"),
        blank=True,
        related_name="+",
        help_text=_(
            "For site checklists: the kinds of site it is used for (none: any site without its own)."
        ),
    )
    active = models.BooleanField(_("in use"), default=True)
    current = models.ForeignKey(
        "inspections.ChecklistVersion",
        verbose_name=_("current version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope = Scope(reference=True)

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        ordering = ["target_type", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("inspections:template-detail", args=[self.pk])


class ChecklistVersion(Model):
    """One version of a checklist: its items, scoring and pass mark, never changed once written."""

    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("checklist"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    scoring = models.CharField(_("scoring"), max_length=10, choices=Scoring.choices, default=Scoring.POINTS)
    pass_mark = models.DecimalField(
        _("pass mark"),
        max_digits=5,
        decimal_places=1,
        default=60,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("An inspection scoring below this (out of 100) fails."),
    )
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = _fk(settings.AUTH_USER_MODEL, _("written by"), on_delete=models.SET_NULL)

    scope = Scope(reference=True)

    class Meta:
        verbose_name = _("checklist version")
        verbose_name_plural = _("checklist versions")
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="inspections_version_number"),
        ]

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"


class ChecklistItem(models.Model):
    """One thing to check, in one version of a checklist."""

    version = models.ForeignKey(
        ChecklistVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.CharField(_("code"), max_length=12)
    concern = models.CharField(_("area of concern"), max_length=16, choices=Concern.choices)
    text = models.CharField(_("item (Chinese)"), max_length=200)
    text_en = models.CharField(_("item (English)"), max_length=250, blank=True)
    points = models.DecimalField(
        _("points"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0)],
        help_text=_("Points earned when it passes, or deducted when it fails (by the checklist's scoring)."),
    )
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MINOR
    )
    veto = models.BooleanField(
        _("one-vote veto"), default=False, help_text=_("A problem here fails the inspection.")
    )
    purity = models.BooleanField(
        _("purity per bin"),
        default=False,
        help_text=_(
            "Answered as the purity (%) of each bin checked; it passes when every bin reaches the threshold."
        ),
    )
    photo_required = models.BooleanField(_("photo required for a problem"), default=True)
    responsible = models.CharField(
        _("answered by"), max_length=10, choices=Responsible.choices, default=Responsible.SITE
    )

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="inspections_item_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        if self.text_en and (get_language() or "").startswith("en"):
            return self.text_en
        return self.text


# --- inspections -------------------------------------------------------------------------------


class Targeted(ScopedModel):
    """A row about one target: a site, a drop-off point or a vehicle, placed at the target's area
    (a site's or point's community; a vehicle's district), seen by its site and its hauler."""

    target_type = models.CharField(_("target"), max_length=10, choices=TargetType.choices)
    site = _fk("org.Site", _("site"))
    dropoff = _fk("facilities.DropOffPoint", _("drop-off point"))
    vehicle = _fk("facilities.Vehicle", _("vehicle"))
    area = _fk("org.Area", _("area"), null=False)

    class Meta(ScopedModel.Meta):
        abstract = True

    @property
    def target(self):
        return {
            TargetType.SITE: self.site,
            TargetType.DROPOFF: self.dropoff,
            TargetType.VEHICLE: self.vehicle,
        }.get(self.target_type)

    @property
    def street_and_community(self) -> tuple:
        """(street, community) of the target's place, as far as it has them (a vehicle's: neither)."""
        from fenlei.org.choices import AreaLevel

        area = self.area
        if area is None:
            return None, None
        if area.level == AreaLevel.COMMUNITY:
            return area.parent, area
        if area.level == AreaLevel.STREET:
            return area, None
        return None, None

    @property
    def target_key(self) -> str:
        ids = {
            TargetType.SITE: self.site_id,
            TargetType.DROPOFF: self.dropoff_id,
            TargetType.VEHICLE: self.vehicle_id,
        }
        return f"{self.target_type}:{ids.get(self.target_type)}"


class Inspection(Targeted):
    """One inspection of one target, submitted whole from the inspector's phone (or its draft)."""

    client_id = models.UUIDField(
        _("draft id"), help_text=_("The id the phone gave the draft: sent twice, kept once.")
    )
    inspector = _fk(settings.AUTH_USER_MODEL, _("inspector"), null=False)
    version = _fk("inspections.ChecklistVersion", _("checklist"), null=False)
    hauler = _fk("org.Hauler", _("hauler"))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    day = models.DateField(_("day"))
    latitude = _coordinate(_("latitude"))
    longitude = _coordinate(_("longitude"))
    accuracy_m = models.PositiveIntegerField(_("position accuracy (m)"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("distance from the target (m)"), null=True, blank=True)
    far = models.BooleanField(_("far from the target"), default=False)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    vetoed = models.BooleanField(_("vetoed"), default=False)
    passed = models.BooleanField(_("passed"), default=True)
    problems = models.PositiveSmallIntegerField(_("problems"), default=0)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    plan_entry = models.OneToOneField(
        "inspections.PlanEntry",
        verbose_name=_("planned visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspection",
    )
    face = models.CharField(_("face"), max_length=10, blank=True)

    scope = Scope(area="area_path", site="site_id", hauler="hauler_id")
    attachment_slots = (Slot("photo", _("Photos"), timed=True, max_files=60),)

    class Meta(ScopedModel.Meta):
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-finished_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["inspector", "client_id"], name="inspections_inspection_draft"),
        ]
        indexes = [
            *ScopedModel.Meta.indexes,
            models.Index(fields=["area_path", "day"], name="inspections_insp_path_day"),
            models.Index(fields=["site", "day"], name="inspections_insp_site_day"),
            models.Index(fields=["dropoff", "day"], name="inspections_insp_dropoff_day"),
            models.Index(fields=["vehicle", "day"], name="inspections_insp_vehicle_day"),
            models.Index(fields=["inspector", "day"], name="inspections_insp_inspector"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.target}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:inspection-detail", args=[self.pk])


class Answer(models.Model):
    """The answer to one checklist item in one inspection."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="answers"
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    result = models.CharField(_("result"), max_length=4, choices=Result.choices)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1, default=0)
    purity = models.JSONField(_("purity per bin (%)"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["inspection", "item__position"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="inspections_answer_item"),
        ]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.get_result_display()}"


# --- rectification -----------------------------------------------------------------------------


class RectificationOrder(Targeted):
    """A rectification order (整改单): one problem found, addressed to the unit that must fix it."""

    number = models.CharField(_("number"), max_length=24, unique=True)
    inspection = _fk(
        "inspections.Inspection", _("inspection"), related_name="orders", on_delete=models.PROTECT
    )
    answer = _fk("inspections.Answer", _("answer"), on_delete=models.PROTECT)
    item = _fk("inspections.ChecklistItem", _("item"), null=False)
    concern = models.CharField(_("area of concern"), max_length=16, choices=Concern.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    summary = models.CharField(_("problem"), max_length=300)
    responsible = models.CharField(_("addressed to"), max_length=10, choices=Responsible.choices)
    responsible_area = _fk(
        "org.Area",
        _("responsible area"),
        help_text=_("The community or street addressed (for a site: its community)."),
    )
    hauler = _fk("org.Hauler", _("hauler"))
    authority = _fk("org.Authority", _("industry authority"))
    state = models.CharField(
        _("state"), max_length=12, choices=OrderState.choices, default=OrderState.PENDING
    )
    deadline = models.DateField(_("deadline"))
    escalation = models.PositiveSmallIntegerField(
        _("escalation"), choices=Escalation.choices, default=Escalation.NONE
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    went_overdue = models.BooleanField(_("went overdue"), default=False)
    repeat_of = _fk("inspections.RectificationOrder", _("repeat of"), on_delete=models.SET_NULL)
    issued_by = _fk(settings.AUTH_USER_MODEL, _("issued by"), on_delete=models.SET_NULL)
    issued_at = models.DateTimeField(_("issued at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    #: The position of the "before" photo, which the "after" photo is compared with.
    latitude = _coordinate(_("latitude"))
    longitude = _coordinate(_("longitude"))

    scope = Scope(area="area_path", site="site_id", hauler="hauler_id", authority="authority_id")
    attachment_slots = (Slot("after", _("Photos after rectification"), timed=True, max_files=30),)

    class Meta(ScopedModel.Meta):
        verbose_name = _("rectification order")
        verbose_name_plural = _("rectification orders")
        ordering = ["-issued_at", "-pk"]
        indexes = [
            models.Index(
                fields=["area_path"], opclasses=["varchar_pattern_ops"], name="inspections_order_path"
            ),
            models.Index(fields=["area_path", "state", "deadline"], name="inspections_order_path_state"),
            models.Index(fields=["state", "deadline"], name="inspections_order_due"),
            models.Index(fields=["escalation", "area_path"], name="inspections_order_escalated"),
            models.Index(fields=["area_path", "issued_at"], name="inspections_order_path_issued"),
            models.Index(fields=["area_path", "deadline"], name="inspections_order_path_due"),
            models.Index(fields=["area_path", "closed_at"], name="inspections_order_path_closed"),
            models.Index(fields=["site", "item", "issued_at"], name="inspections_order_site_item"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=OrderState.values), name="inspections_order_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.summary}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:order-detail", args=[self.pk])

    @property
    def phase(self) -> str:
        return PHASE[self.state]

    def days_late(self, today) -> int:
        """Days past the deadline on `today` (0 when not late, or closed)."""
        if self.phase == PHASE[OrderState.CLOSED]:
            return 0
        return max(0, (today - self.deadline).days)

    @property
    def is_repeat(self) -> bool:
        return self.repeat_of_id is not None

    @property
    def addressee(self) -> str:
        """The unit the order is addressed to, as a person reads it."""
        if self.responsible == Responsible.SITE and self.site_id:
            return str(self.site)
        if self.responsible == Responsible.HAULER and self.hauler_id:
            return str(self.hauler)
        if self.responsible == Responsible.AUTHORITY and self.authority_id:
            return str(self.authority)
        if self.responsible_area_id:
            return str(self.responsible_area)
        return self.get_responsible_display()


class RectificationEvent(models.Model):
    """One step in an order's life: who, when, from which state to which, and why."""

    order = models.ForeignKey(
        RectificationOrder, verbose_name=_("order"), on_delete=models.CASCADE, related_name="events"
    )
    step = models.CharField(_("step"), max_length=10, choices=Step.choices)
    from_state = models.CharField(_("from"), max_length=12, choices=OrderState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=12, choices=OrderState.choices)
    by = _fk(settings.AUTH_USER_MODEL, _("by"), on_delete=models.SET_NULL)
    by_repr = models.CharField(_("by (name)"), max_length=150, blank=True)
    at = models.DateTimeField(_("at"))
    face = models.CharField(_("face"), max_length=10)
    note = models.CharField(_("note"), max_length=500, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("order step")
        verbose_name_plural = _("order steps")
        ordering = ["order", "at", "pk"]
        indexes = [models.Index(fields=["order", "at"], name="inspections_event_order")]

    def __str__(self) -> str:
        return f"{self.order.number} {self.get_step_display()}"


# --- planning ----------------------------------------------------------------------------------


class PlanEntry(Targeted):
    """One target on one inspector's list for one day."""

    day = models.DateField(_("day"))
    inspector = _fk(settings.AUTH_USER_MODEL, _("inspector"), null=False, on_delete=models.CASCADE)
    target_key = models.CharField(_("target key"), max_length=40, editable=False)
    planned_by = _fk(settings.AUTH_USER_MODEL, _("planned by"), on_delete=models.SET_NULL)

    scope = Scope(area="area_path", site="site_id")

    class Meta(ScopedModel.Meta):
        verbose_name = _("planned visit")
        verbose_name_plural = _("planned visits")
        ordering = ["day", "inspector", "area_path", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["day", "inspector", "target_key"], name="inspections_plan_once"),
        ]
        indexes = [
            *ScopedModel.Meta.indexes,
            models.Index(fields=["inspector", "day"], name="inspections_plan_inspector"),
            models.Index(fields=["area_path", "day"], name="inspections_plan_path_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.target}"


class InspectionQuota(ScopedModel):
    """How many inspections a month the targets of an area (of one site kind, or all) must have."""

    area = _fk("org.Area", _("applies in"), null=False)
    target_type = models.CharField(
        _("target"), max_length=10, choices=TargetType.choices, default=TargetType.SITE
    )
    site_kind = _fk("org.SiteKind", _("site kind"))
    per_month = models.PositiveSmallIntegerField(_("inspections a month"), validators=[MaxValueValidator(62)])

    class Meta(ScopedModel.Meta):
        verbose_name = _("inspection quota")
        verbose_name_plural = _("inspection quotas")
        ordering = ["area_path", "target_type"]
        indexes = [
            models.Index(
                fields=["area_path"], opclasses=["varchar_pattern_ops"], name="inspections_quota_path"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "target_type", "site_kind"], name="inspections_quota_key"
            ),
            models.UniqueConstraint(
                fields=["area", "target_type"],
                condition=Q(site_kind__isnull=True),
                name="inspections_quota_any_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area} · {self.per_month}"
