"""The full-coverage campaign (全覆盖攻坚): campaigns with phases and milestones, the coverage
checklist, each unit's standing on it, evidence, coverage day by day, snapshots, and demonstration
sites (示范点).

A `Campaign` belongs to a district and a year. Its `Requirement`s are the checklist: each applies
to streets or to communities, is judged by a rule over the records (`fenlei.campaign.rules`) or by
evidence the level above verifies, has a target date and a responsible post, and says whether it
counts towards coverage (the definition of "covered", kept per campaign). A `Unit` is one street or
community in one campaign, with one `Item` per requirement that applies to it: whether it is met and
why (a message key and its parameters, rendered in the reader's language, with links to the records).
Units and items are kept by `services.refresh`; a ledger write marks its unit `dirty`, and readers
refresh dirty units before they read. `CoverageDay` rows are the burn-up; a `Snapshot` freezes every
item at a date. A `DemoSite` is one site's way from application to plaque (and, perhaps,
revocation); every step is a `DemoEvent`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fenlei.campaign.choices import (
    DEMO_LIVE,
    DemoKind,
    DemoState,
    DemoStep,
    EvidenceState,
    ItemState,
    Level,
    Method,
    PhaseCode,
)
from fenlei.core.attachments import document_slot
from fenlei.core.models import Model, ScopedModel
from fenlei.core.models import fk as _fk
from fenlei.core.scoping import Scope

# --- campaigns -----------------------------------------------------------------------------------


class Campaign(ScopedModel):
    """One year's full-coverage campaign of a district."""

    area = _fk("org.Area", _("district"), null=False)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    coverage_deadline = models.DateField(
        _("coverage deadline"), help_text=_("The date by which every community must be covered.")
    )
    demo_pass_mark = models.PositiveSmallIntegerField(
        _("demonstration site pass mark"),
        default=90,
        validators=[MaxValueValidator(100)],
        help_text=_("The score an acceptance inspection or re-check needs (out of 100)."),
    )
    recheck_months = models.PositiveSmallIntegerField(
        _("re-check every (months)"), default=6, validators=[MinValueValidator(1), MaxValueValidator(36)]
    )
    forecast_window_days = models.PositiveSmallIntegerField(
        _("forecast window (days)"),
        default=28,
        validators=[MinValueValidator(7), MaxValueValidator(365)],
        help_text=_("The pace of the forecast is the coverage gained over this many days."),
    )

    # rows at the district are read by the streets and communities below it
    scope = Scope(area="area_path", visible_from_below=True)

    class Meta(ScopedModel.Meta):
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-year", "pk"]
        constraints = [models.UniqueConstraint(fields=["area", "year"], name="campaign_unique_year")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("campaign:detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.area_id:
            self.area_path = self.area.path
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The campaign cannot end before it starts.")})
        if (
            self.coverage_deadline
            and self.starts_on
            and not (self.starts_on <= self.coverage_deadline <= (self.ends_on or self.coverage_deadline))
        ):
            raise ValidationError({"coverage_deadline": _("The deadline must fall within the campaign.")})


class Phase(Model):
    """A phase of a campaign (动员部署, 组织实施, 考核验收) and its deadline."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="phases"
    )
    code = models.CharField(_("phase"), max_length=10, choices=PhaseCode.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("deadline"))

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["campaign", "starts_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="campaign_phase_unique")]

    def __str__(self) -> str:
        return self.get_code_display()

    @property
    def audit_area_path(self) -> str:
        return self.campaign.area_path

    def clean(self) -> None:
        super().clean()
        _within_campaign(self, {"starts_on": self.starts_on, "ends_on": self.ends_on})
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A phase cannot end before it starts.")})


class Milestone(Model):
    """A dated goal within a campaign (e.g. 6/30: every street and community has its leading group)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="milestones"
    )
    name = models.CharField(_("name"), max_length=200)
    due_on = models.DateField(_("due on"))
    is_assessment = models.BooleanField(
        _("assessment"), default=False, help_text=_("A snapshot of every checklist is taken on this date.")
    )

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["campaign", "due_on", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_area_path(self) -> str:
        return self.campaign.area_path

    def clean(self) -> None:
        super().clean()
        _within_campaign(self, {"due_on": self.due_on})


def _within_campaign(row, dates: dict) -> None:
    """Refuse the dates of a campaign's part (a phase, a milestone) that fall outside the campaign."""
    if not row.campaign_id:
        return
    c = row.campaign
    errors = {
        name: _("The date must fall within the campaign ({start} – {end}).").format(
            start=c.starts_on, end=c.ends_on
        )
        for name, value in dates.items()
        if value and not (c.starts_on <= value <= c.ends_on)
    }
    if errors:
        raise ValidationError(errors)


class Requirement(Model):
    """One line of the coverage checklist: what a street or community must have, and how it is judged."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="requirements"
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    site_kinds = models.ManyToManyField(
        "org.SiteKind",
        verbose_name=_("site kinds"),
        blank=True,
        related_name="+",
        help_text=_("For rules about sites: the kinds of site it looks at (none: every kind)."),
    )
    method = models.CharField(_("judged by"), max_length=10, choices=Method.choices)
    rule = models.CharField(_("rule"), max_length=40, blank=True)
    params = models.JSONField(_("rule parameters"), default=dict, blank=True)
    due_on = models.DateField(_("target date"))
    responsible = models.CharField(
        _("responsible post"), max_length=100, help_text=_("Who answers for it in each unit, e.g. 社区书记.")
    )
    in_coverage = models.BooleanField(
        _("counts for coverage"), default=True, help_text=_("A unit is covered when all such items are met.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ["campaign", "level", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="campaign_requirement_unique"),
            models.CheckConstraint(
                condition=Q(method="evidence", rule="") | (Q(method="rule") & ~Q(rule="")),
                name="campaign_requirement_rule",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_area_path(self) -> str:
        return self.campaign.area_path

    def clean(self) -> None:
        super().clean()
        from fenlei.campaign import rules

        if self.method == Method.EVIDENCE:
            self.rule = ""
        elif self.method == Method.RULE:
            rule = rules.REGISTRY.get(self.rule)
            if rule is None:
                raise ValidationError({"rule": _("“{rule}” is not a known rule.").format(rule=self.rule)})
            if self.level not in rule.levels:
                raise ValidationError(
                    {"level": _("The rule “{rule}” does not apply at this level.").format(rule=rule.label)}
                )
            try:
                self.params = rule.check_params(self.params or {})
            except ValueError as exc:
                raise ValidationError({"params": str(exc)}) from None


# --- where each unit stands ------------------------------------------------------------------------


class Unit(ScopedModel):
    """One street or community in one campaign: its standing on the checklist (kept by services)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="+"
    )
    area = _fk("org.Area", _("area"), null=False)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    street = _fk("org.Area", _("street"), null=False)
    households = models.PositiveIntegerField(_("households"), default=0)
    covered = models.BooleanField(_("covered"), default=False)
    covered_since = models.DateField(_("covered since"), null=True, blank=True)
    met = models.PositiveSmallIntegerField(_("requirements met"), default=0)
    total = models.PositiveSmallIntegerField(_("requirements"), default=0)
    overdue = models.PositiveSmallIntegerField(
        _("overdue requirements"),
        default=0,
        help_text=_("Requirements of coverage not met by their target date."),
    )
    dirty = models.BooleanField(_("to re-evaluate"), default=True)
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)

    class Meta(ScopedModel.Meta):
        verbose_name = _("campaign unit")
        verbose_name_plural = _("campaign units")
        ordering = ["area_path"]
        constraints = [models.UniqueConstraint(fields=["campaign", "area"], name="campaign_unit_unique")]
        indexes = [
            *ScopedModel.Meta.indexes,
            models.Index(fields=["campaign", "level", "street"], name="campaign_unit_street"),
            models.Index(fields=["campaign", "dirty"], name="campaign_unit_dirty"),
        ]

    def __str__(self) -> str:
        return str(self.area)

    def get_absolute_url(self) -> str:
        return reverse("campaign:unit", args=[self.campaign_id, self.area_id])


class Item(ScopedModel):
    """One requirement for one unit: met or not, and why."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="items")
    requirement = models.ForeignKey(
        Requirement, verbose_name=_("requirement"), on_delete=models.CASCADE, related_name="items"
    )
    state = models.CharField(_("state"), max_length=10, choices=ItemState.choices, default=ItemState.UNMET)
    met = models.BooleanField(_("met"), default=False)
    met_since = models.DateField(_("met since"), null=True, blank=True)
    #: Why: a message key of the rule (or of the evidence) and its parameters; links to the records.
    reason = models.CharField(_("reason"), max_length=40, blank=True)
    reason_params = models.JSONField(_("reason parameters"), default=dict, blank=True)
    links = models.JSONField(_("records"), default=list, blank=True)
    responsible = models.CharField(_("responsible person"), max_length=50, blank=True)
    due_on = models.DateField(_("target date"), null=True, blank=True)
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)

    class Meta(ScopedModel.Meta):
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["unit", "requirement__position", "pk"]
        constraints = [models.UniqueConstraint(fields=["unit", "requirement"], name="campaign_item_unique")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.requirement}"

    def get_absolute_url(self) -> str:
        return reverse("campaign:item", args=[self.pk])

    @property
    def target_date(self):
        return self.due_on or self.requirement.due_on

    @property
    def explanation(self) -> str:
        from fenlei.campaign import rules

        return rules.explain(self.reason, self.reason_params)


class Evidence(ScopedModel):
    """Evidence submitted for an evidence-based item, and the level above's decision on it."""

    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.CASCADE, related_name="evidence")
    state = models.CharField(
        _("state"), max_length=10, choices=EvidenceState.choices, default=EvidenceState.SUBMITTED
    )
    note = models.TextField(_("description"), max_length=2000, blank=True)
    submitted_by = _fk(settings.AUTH_USER_MODEL, _("submitted by"), on_delete=models.SET_NULL)
    submitted_at = models.DateTimeField(_("submitted at"))
    decided_by = _fk(settings.AUTH_USER_MODEL, _("decided by"), on_delete=models.SET_NULL)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("reason"), max_length=500, blank=True)

    attachment_slots = (document_slot("evidence", _("Evidence files"), max_files=10),)

    class Meta(ScopedModel.Meta):
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["item", "-submitted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.item} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("campaign:item", args=[self.item_id])


class CoverageDay(ScopedModel):
    """Coverage of one area (the district or a street) on one day: the burn-up's points."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="+"
    )
    area = _fk("org.Area", _("area"), null=False)
    day = models.DateField(_("day"))
    communities = models.PositiveIntegerField(_("communities"), default=0)
    covered = models.PositiveIntegerField(_("covered communities"), default=0)
    households = models.PositiveIntegerField(_("households"), default=0)
    covered_households = models.PositiveIntegerField(_("households covered"), default=0)

    class Meta(ScopedModel.Meta):
        verbose_name = _("coverage on a day")
        verbose_name_plural = _("coverage day by day")
        ordering = ["campaign", "area", "day"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "area", "day"], name="campaign_coverageday_key")
        ]

    def __str__(self) -> str:
        return f"{self.area_id} {self.day}: {self.covered}/{self.communities}"


class Snapshot(ScopedModel):
    """The state of every checklist of a campaign at a date, frozen (e.g. the half-year assessment)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="snapshots"
    )
    name = models.CharField(_("name"), max_length=100)
    on = models.DateField(_("as of"))
    taken_at = models.DateTimeField(_("taken at"))
    taken_by = _fk(settings.AUTH_USER_MODEL, _("taken by"), on_delete=models.SET_NULL)

    scope = Scope(area="area_path", visible_from_below=True)

    class Meta(ScopedModel.Meta):
        verbose_name = _("snapshot")
        verbose_name_plural = _("snapshots")
        ordering = ["campaign", "-on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "on"], name="campaign_snapshot_day")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("campaign:snapshot", args=[self.pk])


class SnapshotUnit(ScopedModel):
    """One unit as it stood in a snapshot."""

    snapshot = models.ForeignKey(
        Snapshot, verbose_name=_("snapshot"), on_delete=models.CASCADE, related_name="units"
    )
    area = _fk("org.Area", _("area"), null=False)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    street = _fk("org.Area", _("street"), null=False)
    households = models.PositiveIntegerField(_("households"), default=0)
    covered = models.BooleanField(_("covered"), default=False)
    met = models.PositiveSmallIntegerField(_("requirements met"), default=0)
    total = models.PositiveSmallIntegerField(_("requirements"), default=0)

    class Meta(ScopedModel.Meta):
        verbose_name = _("unit in a snapshot")
        verbose_name_plural = _("units in a snapshot")
        ordering = ["snapshot", "area_path"]
        constraints = [models.UniqueConstraint(fields=["snapshot", "area"], name="campaign_snapunit_unique")]


class SnapshotItem(ScopedModel):
    """One item as it stood in a snapshot."""

    snapshot = models.ForeignKey(
        Snapshot, verbose_name=_("snapshot"), on_delete=models.CASCADE, related_name="items"
    )
    area = _fk("org.Area", _("area"), null=False)
    requirement = models.ForeignKey(
        Requirement, verbose_name=_("requirement"), on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(_("state"), max_length=10, choices=ItemState.choices)
    met = models.BooleanField(_("met"), default=False)
    reason = models.CharField(_("reason"), max_length=40, blank=True)
    reason_params = models.JSONField(_("reason parameters"), default=dict, blank=True)

    class Meta(ScopedModel.Meta):
        verbose_name = _("item in a snapshot")
        verbose_name_plural = _("items in a snapshot")
        ordering = ["snapshot", "area_path", "requirement"]
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "area", "requirement"], name="campaign_snapitem_unique"
            )
        ]

    @property
    def explanation(self) -> str:
        from fenlei.campaign import rules

        return rules.explain(self.reason, self.reason_params)


# --- demonstration sites -----------------------------------------------------------------------------


class DemoSite(ScopedModel):
    """A site's way to the title of demonstration site (示范点): application to plaque, re-checks."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="demo_sites"
    )
    site = _fk("org.Site", _("site"), null=False)
    area = _fk("org.Area", _("community"), null=False)
    kind = models.CharField(_("kind"), max_length=10, choices=DemoKind.choices)
    state = models.CharField(_("state"), max_length=10, choices=DemoState.choices, default=DemoState.APPLIED)
    note = models.TextField(_("application"), max_length=2000, blank=True)
    applied_on = models.DateField(_("applied on"))
    score = models.DecimalField(_("last score"), max_digits=5, decimal_places=1, null=True, blank=True)
    inspection = _fk("inspections.Inspection", _("last scoring sheet"), on_delete=models.SET_NULL)
    named_on = models.DateField(_("named on"), null=True, blank=True)
    plaque = models.CharField(_("plaque number"), max_length=40, blank=True)
    recheck_due = models.DateField(_("re-check due"), null=True, blank=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)

    scope = Scope(area="area_path", site="site_id")
    attachment_slots = (document_slot("evidence", _("Application materials"), max_files=10),)

    class Meta(ScopedModel.Meta):
        verbose_name = _("demonstration site")
        verbose_name_plural = _("demonstration sites")
        ordering = ["area_path", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["site"], condition=Q(state__in=DEMO_LIVE), name="campaign_demo_one_live_per_site"
            )
        ]

    def __str__(self) -> str:
        return f"{self.site} ({self.get_kind_display()})"

    def get_absolute_url(self) -> str:
        return reverse("campaign:demo-detail", args=[self.pk])


class DemoEvent(models.Model):
    """One step of a demonstration site's way: who, when, from which state to which, why, the score."""

    demo = models.ForeignKey(
        DemoSite, verbose_name=_("demonstration site"), on_delete=models.CASCADE, related_name="events"
    )
    step = models.CharField(_("step"), max_length=10, choices=DemoStep.choices)
    from_state = models.CharField(_("from"), max_length=10, choices=DemoState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=10, choices=DemoState.choices)
    by = _fk(settings.AUTH_USER_MODEL, _("by"), on_delete=models.SET_NULL)
    by_repr = models.CharField(_("by (name)"), max_length=150, blank=True)
    at = models.DateTimeField(_("at"))
    face = models.CharField(_("face"), max_length=10)
    note = models.CharField(_("note"), max_length=500, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    inspection = _fk("inspections.Inspection", _("scoring sheet"), on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("demonstration-site step")
        verbose_name_plural = _("demonstration-site steps")
        ordering = ["demo", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.demo_id} {self.get_step_display()}"
