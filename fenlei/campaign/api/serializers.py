"""Serializers of the campaign API: campaigns and their checklists, the overview of an area, units and
their items, evidence, demonstration sites and their steps, snapshots compared with today.

Everything here is read-only representation, or parses a body into the services' arguments (and
describes it in the OpenAPI schema); every rule lives in `fenlei.campaign.services` and
`fenlei.campaign.selectors`. The viewsets read the rows with their joins (and the files of a page
in one query) before these serializers see them.

Each choice set is an enum in one place of the schema only (ItemState on Item.state, EvidenceState
on Evidence.state, DemoState and DemoKind on DemoSite); elsewhere the same values are plain strings
beside their `*_display` labels, so the schema's enum names stay unambiguous.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fenlei.campaign import rules
from fenlei.campaign.choices import (
    DEMO_REASON_REQUIRED,
    DEMO_SCORED,
    DemoKind,
    DemoState,
    DemoStep,
    EvidenceState,
    ItemState,
    Level,
    Method,
)
from fenlei.campaign.models import (
    Campaign,
    DemoEvent,
    DemoSite,
    Evidence,
    Item,
    Milestone,
    Phase,
    Requirement,
    Snapshot,
    Unit,
)
from fenlei.inspections.api.serializers import AnswerInSerializer, PhotoMetaSerializer
from fenlei.org.api.serializers import BriefAreaSerializer

# --- small pieces ---------------------------------------------------------------------------------


class FileSerializer(serializers.Serializer):
    """A file kept with a row (evidence, an application), and where to read it."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    mime_type = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()
    url = serializers.URLField(help_text=_("Where the file is read (with the same authentication)."))


def files_data(request, route: str, row_pk: int, atts) -> list:
    """The files `atts` of the row `row_pk` as FileSerializer writes them, read at `route`."""
    rows = [
        {
            "id": att.pk,
            "name": att.name,
            "mime_type": att.mime_type,
            "size": att.size,
            "uploaded_at": att.uploaded_at,
            "url": request.build_absolute_uri(reverse(f"campaign-api:{route}", args=[row_pk, att.pk])),
        }
        for att in atts
    ]
    return FileSerializer(rows, many=True).data


class LinkSerializer(serializers.Serializer):
    label = serializers.CharField()
    url = serializers.URLField()


def _user(user) -> str | None:
    return user.get_username() if user is not None else None


# --- campaigns ------------------------------------------------------------------------------------


class PhaseSerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True, help_text=_("mobilise, implement or assess."))
    label = serializers.CharField(source="get_code_display", read_only=True)
    current = serializers.SerializerMethodField()

    class Meta:
        model = Phase
        fields = ["code", "label", "starts_on", "ends_on", "current"]
        read_only_fields = fields

    def get_current(self, obj) -> bool:
        """Whether today falls within the phase."""
        return obj.starts_on <= timezone.localdate() <= obj.ends_on


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "name", "due_on", "is_assessment"]
        read_only_fields = fields


class RequirementSerializer(serializers.ModelSerializer):
    """A line of the coverage checklist: what a street or community must have, and how it is judged."""

    level = serializers.ChoiceField(choices=Level.choices, read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    method = serializers.ChoiceField(choices=Method.choices, read_only=True)
    rule_label = serializers.SerializerMethodField()
    rule_description = serializers.SerializerMethodField()
    site_kinds = serializers.SerializerMethodField()

    class Meta:
        model = Requirement
        fields = [
            "id",
            "code",
            "name",
            "description",
            "level",
            "level_display",
            "method",
            "rule",
            "rule_label",
            "rule_description",
            "params",
            "site_kinds",
            "due_on",
            "responsible",
            "in_coverage",
            "position",
        ]
        read_only_fields = fields

    def get_rule_label(self, obj) -> str:
        """The rule's name in the reader's language (empty for evidence)."""
        rule = rules.REGISTRY.get(obj.rule)
        return str(rule.label) if rule else ""

    def get_rule_description(self, obj) -> str:
        rule = rules.REGISTRY.get(obj.rule)
        return str(rule.description) if rule else ""

    def get_site_kinds(self, obj) -> list[str]:
        """The codes of the site kinds the rule looks at (empty: every kind)."""
        return [k.code for k in obj.site_kinds.all()]


class CampaignSerializer(serializers.ModelSerializer):
    """A district's campaign of one year."""

    url = serializers.HyperlinkedIdentityField(view_name="campaign-api:campaign-detail")
    area = BriefAreaSerializer(read_only=True)
    overview = serializers.HyperlinkedIdentityField(
        view_name="campaign-api:campaign-overview", help_text=_("The overview of coverage.")
    )
    units = serializers.HyperlinkedIdentityField(
        view_name="campaign-api:campaign-units", help_text=_("Its streets and communities.")
    )
    snapshots = serializers.HyperlinkedIdentityField(view_name="campaign-api:campaign-snapshots")

    class Meta:
        model = Campaign
        fields = [
            "id",
            "url",
            "name",
            "year",
            "area",
            "starts_on",
            "ends_on",
            "coverage_deadline",
            "overview",
            "units",
            "snapshots",
        ]
        read_only_fields = fields


class CampaignDetailSerializer(CampaignSerializer):
    """A campaign with its phases, milestones and checklist."""

    phases = PhaseSerializer(many=True, read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    requirements = RequirementSerializer(many=True, read_only=True)

    class Meta(CampaignSerializer.Meta):
        fields = [
            *CampaignSerializer.Meta.fields,
            "demo_pass_mark",
            "recheck_months",
            "forecast_window_days",
            "phases",
            "milestones",
            "requirements",
        ]
        read_only_fields = fields


# --- units and items ------------------------------------------------------------------------------


class UnitSerializer(serializers.ModelSerializer):
    """One street or community in a campaign: its standing on the checklist."""

    url = serializers.HyperlinkedIdentityField(view_name="campaign-api:unit-detail")
    campaign = serializers.PrimaryKeyRelatedField(read_only=True)
    area = BriefAreaSerializer(read_only=True)
    level = serializers.ChoiceField(choices=Level.choices, read_only=True)
    street = BriefAreaSerializer(read_only=True)

    class Meta:
        model = Unit
        fields = [
            "id",
            "url",
            "campaign",
            "area",
            "level",
            "street",
            "households",
            "covered",
            "covered_since",
            "met",
            "total",
            "overdue",
            "evaluated_at",
        ]
        read_only_fields = fields


class UnitBriefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="campaign-api:unit-detail")
    area = BriefAreaSerializer(read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "url", "area"]
        read_only_fields = fields


class ItemSerializer(serializers.ModelSerializer):
    """One requirement for one unit: met or not, why (with links to the records), who and by when."""

    url = serializers.HyperlinkedIdentityField(view_name="campaign-api:item-detail")
    unit = UnitBriefSerializer(read_only=True)
    requirement = RequirementSerializer(read_only=True)
    state = serializers.ChoiceField(choices=ItemState.choices, read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    explanation = serializers.CharField(read_only=True, help_text=_("Why, in the reader's language."))
    links = serializers.SerializerMethodField()
    due_on = serializers.DateField(
        read_only=True, allow_null=True, help_text=_("The unit's own target date (null: the requirement's).")
    )
    target_date = serializers.DateField(read_only=True)
    overdue = serializers.SerializerMethodField()
    may_submit_evidence = serializers.SerializerMethodField()
    may_verify_evidence = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = Item
        fields = [
            "id",
            "url",
            "unit",
            "requirement",
            "state",
            "state_display",
            "met",
            "met_since",
            "reason",
            "explanation",
            "links",
            "responsible",
            "due_on",
            "target_date",
            "overdue",
            "evaluated_at",
            "may_submit_evidence",
            "may_verify_evidence",
            "evidence",
        ]
        read_only_fields = fields

    @extend_schema_field(LinkSerializer(many=True))
    def get_links(self, obj) -> list:
        """The records that decided it."""
        request = self.context["request"]
        return [
            {"label": label, "url": request.build_absolute_uri(url)}
            for label, url in (obj.links or [])
            if url
        ]

    def get_overdue(self, obj) -> bool:
        """Not met, and its target date has passed."""
        return not obj.met and obj.target_date < timezone.localdate()

    def _evidence_based(self, obj) -> bool:
        return obj.requirement.method == Method.EVIDENCE

    def get_may_submit_evidence(self, obj) -> bool:
        """Whether the reader may submit evidence for it (the unit's own administrators)."""
        from fenlei.campaign import services

        return self._evidence_based(obj) and services.may_submit_evidence(self.context["request"].user, obj)

    def get_may_verify_evidence(self, obj) -> bool:
        """Whether the reader may verify or return its evidence (the level above)."""
        from fenlei.campaign import services

        return self._evidence_based(obj) and services.may_verify_evidence(self.context["request"].user, obj)

    @extend_schema_field(OpenApiTypes.URI)
    def get_evidence(self, obj) -> str | None:
        """Where its evidence is listed and submitted (null: judged from the records)."""
        if not self._evidence_based(obj):
            return None
        return self.context["request"].build_absolute_uri(
            reverse("campaign-api:item-evidence", args=[obj.pk])
        )


class UnitDetailSerializer(UnitSerializer):
    """A unit with every item of its checklist, and what to do next."""

    items = serializers.SerializerMethodField()
    next_steps = serializers.SerializerMethodField()

    class Meta(UnitSerializer.Meta):
        fields = [*UnitSerializer.Meta.fields, "items", "next_steps"]
        read_only_fields = fields

    @extend_schema_field(ItemSerializer(many=True))
    def get_items(self, obj) -> list:
        return ItemSerializer(self.context["items"], many=True, context=self.context).data

    def get_next_steps(self, obj) -> list[int]:
        """The ids of the unmet items, the most urgent first."""
        return [i.pk for i in self.context["next_steps"]]


# --- the overview ---------------------------------------------------------------------------------


class CoverageSerializer(serializers.Serializer):
    communities = serializers.IntegerField()
    covered = serializers.IntegerField()
    pct = serializers.FloatField(allow_null=True, help_text=_("Covered communities, per cent."))
    households = serializers.IntegerField()
    covered_households = serializers.IntegerField()
    households_pct = serializers.FloatField(allow_null=True, help_text=_("Households covered, per cent."))


def coverage_data(c) -> dict:
    return {
        "communities": c.communities,
        "covered": c.covered,
        "pct": c.pct,
        "households": c.households,
        "covered_households": c.covered_households,
        "households_pct": c.households_pct,
    }


class ForecastSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    covered = serializers.IntegerField()
    remaining = serializers.IntegerField()
    pace_per_day = serializers.FloatField(
        allow_null=True, help_text=_("Communities covered a day over the window (null: too little history).")
    )
    pace_per_week = serializers.FloatField(allow_null=True)
    date = serializers.DateField(
        allow_null=True,
        help_text=_("The day every community is covered at this pace (null: never, or done)."),
    )
    deadline = serializers.DateField()
    days_left = serializers.IntegerField()
    needed_per_day = serializers.FloatField(
        allow_null=True, help_text=_("The pace needed to meet the deadline.")
    )
    needed_per_week = serializers.FloatField(allow_null=True)
    done = serializers.BooleanField()
    on_track = serializers.BooleanField()
    late_by = serializers.IntegerField(allow_null=True, help_text=_("Days past the deadline at this pace."))


def _rounded(value, digits: int):
    return round(value, digits) if value is not None else None


def forecast_data(f) -> dict:
    return {
        "total": f.total,
        "covered": f.covered,
        "remaining": f.remaining,
        "pace_per_day": _rounded(f.pace, 4),
        "pace_per_week": _rounded(f.pace * 7 if f.pace is not None else None, 2),
        "date": f.date,
        "deadline": f.deadline,
        "days_left": f.days_left,
        "needed_per_day": _rounded(f.needed, 4),
        "needed_per_week": _rounded(f.needed * 7 if f.needed is not None else None, 2),
        "done": f.done,
        "on_track": f.on_track,
        "late_by": f.late_by,
    }


class CountdownSerializer(serializers.Serializer):
    label = serializers.CharField()
    due_on = serializers.DateField()
    days_left = serializers.IntegerField(help_text=_("Negative: past."))
    is_phase = serializers.BooleanField(help_text=_("A phase's deadline (else a milestone)."))
    current = serializers.BooleanField(help_text=_("The phase today falls in."))


class ChildSerializer(serializers.Serializer):
    """An area one level below: a street under a district, a community under a street."""

    area = BriefAreaSerializer()
    coverage = CoverageSerializer()
    forecast = ForecastSerializer()
    at_risk = serializers.BooleanField(help_text=_("It will miss the deadline at its pace."))


class BurnupPointSerializer(serializers.Serializer):
    day = serializers.DateField()
    covered = serializers.IntegerField()


class AtRiskUnitSerializer(UnitSerializer):
    reason = serializers.SerializerMethodField()

    class Meta(UnitSerializer.Meta):
        fields = [*UnitSerializer.Meta.fields, "reason"]
        read_only_fields = fields

    def get_reason(self, obj) -> str:
        """overdue: requirements past their target date; area: its area will miss the deadline."""
        return "overdue" if obj.overdue else "area"


class MissingDemoSerializer(serializers.Serializer):
    """A street or community still lacking a kind of demonstration site."""

    item = serializers.IntegerField()
    item_url = serializers.URLField()
    unit = serializers.IntegerField()
    area = BriefAreaSerializer()
    level = serializers.ChoiceField(choices=Level.choices)
    missing = serializers.ListField(
        child=serializers.CharField(), help_text=_("The kinds lacking: managed, open, office.")
    )
    missing_labels = serializers.ListField(child=serializers.CharField())


class OverviewSerializer(serializers.Serializer):
    """Everything the campaign page shows for an area."""

    campaign = serializers.IntegerField()
    area = BriefAreaSerializer()
    today = serializers.DateField()
    countdown = CountdownSerializer(many=True)
    coverage = CoverageSerializer()
    forecast = ForecastSerializer()
    children = ChildSerializer(many=True)
    burnup = BurnupPointSerializer(many=True, help_text=_("Covered communities day by day, today last."))
    at_risk = AtRiskUnitSerializer(many=True, help_text=_("The first units at risk (all: at_risk_count)."))
    at_risk_count = serializers.IntegerField()
    at_risk_list = serializers.URLField(help_text=_("The list of every unit at risk."))
    behind = UnitSerializer(many=True, help_text=_("The first uncovered units (all: behind_count)."))
    behind_count = serializers.IntegerField()
    behind_list = serializers.URLField(help_text=_("The list of every uncovered community."))
    missing_demo = MissingDemoSerializer(many=True)
    missing_demo_count = serializers.IntegerField()
    streets_missing_demo = serializers.IntegerField()
    communities_missing_demo = serializers.IntegerField()


def overview_data(ov, request) -> dict:
    """The overview (selectors.Overview) as OverviewSerializer writes it."""
    units = reverse("campaign-api:campaign-units", args=[ov.campaign.pk])
    listing = request.build_absolute_uri(f"{units}?area={ov.area.pk}&level={Level.COMMUNITY}")
    return {
        "campaign": ov.campaign.pk,
        "area": ov.area,
        "today": ov.today,
        "countdown": [
            {
                "label": c.label,
                "due_on": c.due_on,
                "days_left": c.days_left,
                "is_phase": c.is_phase,
                "current": c.current,
            }
            for c in ov.countdown
        ],
        "coverage": coverage_data(ov.coverage),
        "forecast": forecast_data(ov.forecast),
        "children": [
            {
                "area": ch.area,
                "coverage": coverage_data(ch.coverage),
                "forecast": forecast_data(ch.forecast),
                "at_risk": ch.at_risk,
            }
            for ch in ov.children
        ],
        "burnup": [{"day": day, "covered": covered} for day, covered in ov.burnup],
        "at_risk": ov.at_risk,
        "at_risk_count": ov.at_risk_count,
        "at_risk_list": f"{listing}&at_risk=true",
        "behind": ov.behind,
        "behind_count": ov.behind_count,
        "behind_list": f"{listing}&covered=false",
        "missing_demo": [
            {
                "item": i.pk,
                "item_url": request.build_absolute_uri(reverse("campaign-api:item-detail", args=[i.pk])),
                "unit": i.unit_id,
                "area": i.unit.area,
                "level": i.unit.level,
                "missing": list((i.reason_params or {}).get("missing", [])),
                "missing_labels": [
                    str(DemoKind(k).label) if k in DemoKind.values else k
                    for k in (i.reason_params or {}).get("missing", [])
                ],
            }
            for i in ov.missing_demo
        ],
        "missing_demo_count": ov.missing_demo_count,
        "streets_missing_demo": ov.streets_missing_demo,
        "communities_missing_demo": ov.communities_missing_demo,
    }


# --- evidence -------------------------------------------------------------------------------------


class EvidenceSerializer(serializers.ModelSerializer):
    """Evidence submitted for an item, and the level above's decision on it."""

    url = serializers.HyperlinkedIdentityField(view_name="campaign-api:evidence-detail")
    item = serializers.HyperlinkedRelatedField(view_name="campaign-api:item-detail", read_only=True)
    state = serializers.ChoiceField(choices=EvidenceState.choices, read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    submitted_by = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "url",
            "item",
            "state",
            "state_display",
            "note",
            "submitted_by",
            "submitted_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "files",
        ]
        read_only_fields = fields

    def get_submitted_by(self, obj) -> str | None:
        """The user name of who submitted it."""
        return _user(obj.submitted_by)

    def get_decided_by(self, obj) -> str | None:
        """The user name of who verified or returned it (null: awaiting)."""
        return _user(obj.decided_by)

    @extend_schema_field(FileSerializer(many=True))
    def get_files(self, obj) -> list:
        return files_data(
            self.context["request"], "evidence-file", obj.pk, self.context["files"].get(obj.pk, [])
        )


class EvidenceInSerializer(serializers.Serializer):
    """Multipart (or JSON without files): a description and the files."""

    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000, help_text=_("What the evidence is.")
    )
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        required=False,
        default=list,
        help_text=_("PDF files or photos of the papers (repeat the field); at most 10 on one submission."),
    )


class DecideSerializer(serializers.Serializer):
    verify = serializers.BooleanField(help_text=_("true: verified; false: returned (give the reason)."))
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=500, help_text=_("The reason (to return).")
    )


# --- demonstration sites ----------------------------------------------------------------------------


class DemoPlaceSerializer(serializers.Serializer):
    """The site a demonstration site is."""

    id = serializers.IntegerField()
    url = serializers.URLField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text=_("The site kind's code."))


class InspectionLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()


def _inspection(request, inspection_id) -> dict | None:
    if inspection_id is None:
        return None
    url = reverse("inspections-api:inspection-detail", args=[inspection_id])
    return {"id": inspection_id, "url": request.build_absolute_uri(url)}


class DemoEventSerializer(serializers.ModelSerializer):
    """One step of a demonstration site's way."""

    step = serializers.CharField(read_only=True)
    step_display = serializers.CharField(source="get_step_display", read_only=True)
    from_state = serializers.CharField(read_only=True, help_text=_("Empty for the application."))
    to_state = serializers.CharField(read_only=True)
    to_state_display = serializers.CharField(source="get_to_state_display", read_only=True)
    by = serializers.CharField(source="by_repr", read_only=True)
    inspection = serializers.SerializerMethodField()

    class Meta:
        model = DemoEvent
        fields = [
            "id",
            "step",
            "step_display",
            "from_state",
            "to_state",
            "to_state_display",
            "by",
            "at",
            "face",
            "note",
            "score",
            "inspection",
        ]
        read_only_fields = fields

    @extend_schema_field(InspectionLinkSerializer(allow_null=True))
    def get_inspection(self, obj) -> dict | None:
        """The scoring sheet (acceptance, re-check)."""
        return _inspection(self.context["request"], obj.inspection_id)


class DemoSiteSerializer(serializers.ModelSerializer):
    """A site's way to the title of demonstration site: its state, its steps, its files."""

    url = serializers.HyperlinkedIdentityField(view_name="campaign-api:demo-site-detail")
    campaign = serializers.PrimaryKeyRelatedField(read_only=True)
    site = serializers.SerializerMethodField()
    area = BriefAreaSerializer(read_only=True, help_text=_("The community."))
    kind = serializers.ChoiceField(choices=DemoKind.choices, read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    state = serializers.ChoiceField(choices=DemoState.choices, read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    inspection = serializers.SerializerMethodField()
    allowed_steps = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()
    events = DemoEventSerializer(many=True, read_only=True)

    class Meta:
        model = DemoSite
        fields = [
            "id",
            "url",
            "campaign",
            "site",
            "area",
            "kind",
            "kind_display",
            "state",
            "state_display",
            "note",
            "applied_on",
            "score",
            "inspection",
            "named_on",
            "plaque",
            "recheck_due",
            "revoked_on",
            "allowed_steps",
            "files",
            "events",
        ]
        read_only_fields = fields

    @extend_schema_field(DemoPlaceSerializer)
    def get_site(self, obj) -> dict:
        url = reverse("org-api:site-detail", args=[obj.site_id])
        return {
            "id": obj.site_id,
            "url": self.context["request"].build_absolute_uri(url),
            "name": obj.site.name,
            "kind": obj.site.kind.code,
        }

    @extend_schema_field(InspectionLinkSerializer(allow_null=True))
    def get_inspection(self, obj) -> dict | None:
        """The last scoring sheet."""
        return _inspection(self.context["request"], obj.inspection_id)

    def get_allowed_steps(self, obj) -> list[str]:
        """The steps the reader may take now."""
        from fenlei.campaign import services

        return services.allowed_demo_steps(self.context["request"].user, obj)

    @extend_schema_field(FileSerializer(many=True))
    def get_files(self, obj) -> list:
        """The application materials."""
        return files_data(
            self.context["request"], "demo-site-file", obj.pk, self.context["files"].get(obj.pk, [])
        )


_STEPS = ", ".join(s for s in DemoStep.values if s != DemoStep.APPLY)


class DemoApplySerializer(serializers.Serializer):
    """The community's application (multipart with files, or JSON without)."""

    campaign = serializers.IntegerField()
    site = serializers.IntegerField(help_text=_("The site applying (a managed or open estate, an office …)."))
    kind = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("managed, open or office (default: the one the site's kind fits)."),
    )
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000, help_text=_("The site's sorting work.")
    )
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        required=False,
        default=list,
        help_text=_("Application materials: PDF files or photos (repeat the field)."),
    )


class AllowedStepSerializer(serializers.Serializer):
    step = serializers.CharField(help_text=_STEPS)
    label = serializers.CharField()
    needs_note = serializers.BooleanField(help_text=_("A reason must be given."))
    needs_plaque = serializers.BooleanField(help_text=_("The plaque number must be given."))
    needs_sheet = serializers.BooleanField(help_text=_("The scoring sheet (answers) must be filled in."))
    checklist = serializers.URLField(
        allow_null=True, help_text=_("The checklist version the scoring sheet answers (scored steps).")
    )


class DemoStepsSerializer(serializers.Serializer):
    state = serializers.CharField(help_text=_("The site's state now."))
    steps = AllowedStepSerializer(many=True, help_text=_("The steps you may take now."))


def allowed_step_data(step: str, checklist_url: str | None) -> dict:
    return {
        "step": step,
        "label": str(DemoStep(step).label),
        "needs_note": step in DEMO_REASON_REQUIRED,
        "needs_plaque": step == DemoStep.NAME,
        "needs_sheet": step in DEMO_SCORED,
        "checklist": checklist_url if step in DEMO_SCORED else None,
    }


class DemoStepDataSerializer(serializers.Serializer):
    """A step's body (JSON, or the `data` part of a multipart request carrying the sheet's photos)."""

    step = serializers.CharField(max_length=10, help_text=_STEPS)
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=500,
        help_text=_("return, revoke: the reason."),
    )
    plaque = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=40, help_text=_("name: the plaque number.")
    )
    client_id = serializers.UUIDField(
        required=False, allow_null=True, help_text=_("accept, recheck: the scoring sheet's draft id.")
    )
    sheet_note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000, help_text=_("A note on the sheet.")
    )
    answers = AnswerInSerializer(
        many=True, required=False, default=list, help_text=_("accept, recheck: every item of the checklist.")
    )
    photos = PhotoMetaSerializer(
        many=True, required=False, default=list, help_text=_("One entry per file, in the order of the files.")
    )


class DemoStepMultipartSerializer(serializers.Serializer):
    """Multipart: `data` (the JSON above, as text) and the files `photos` (repeated)."""

    data = serializers.JSONField(help_text=_("The step as JSON (see DemoStepData)."))
    photos = serializers.ListField(child=serializers.ImageField(), required=False)


# --- snapshots ------------------------------------------------------------------------------------


class SnapshotSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="campaign-api:snapshot-detail")
    campaign = serializers.PrimaryKeyRelatedField(read_only=True)
    taken_by = serializers.SerializerMethodField()

    class Meta:
        model = Snapshot
        fields = ["id", "url", "campaign", "name", "on", "taken_at", "taken_by"]
        read_only_fields = fields

    def get_taken_by(self, obj) -> str | None:
        return _user(obj.taken_by)


class ChangeSerializer(serializers.Serializer):
    """An item whose standing changed since the snapshot."""

    area = BriefAreaSerializer()
    requirement = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    then_met = serializers.BooleanField()
    now_met = serializers.BooleanField()


class ComparisonSerializer(serializers.Serializer):
    area = BriefAreaSerializer()
    then = CoverageSerializer()
    now = CoverageSerializer()
    changed = ChangeSerializer(many=True, help_text=_("The first items that changed (all: changed_count)."))
    changed_count = serializers.IntegerField()


def comparison_data(area, cmp) -> dict:
    return {
        "area": area,
        "then": coverage_data(cmp.then),
        "now": coverage_data(cmp.now),
        "changed": [
            {
                "area": a,
                "requirement": r.pk,
                "code": r.code,
                "name": r.name,
                "then_met": then,
                "now_met": now,
            }
            for a, r, then, now in cmp.changed
        ],
        "changed_count": cmp.changed_count,
    }


class SnapshotDetailSerializer(SnapshotSerializer):
    """A snapshot set beside today's standing, for an area."""

    compare = serializers.SerializerMethodField()

    class Meta(SnapshotSerializer.Meta):
        fields = [*SnapshotSerializer.Meta.fields, "compare"]
        read_only_fields = fields

    @extend_schema_field(ComparisonSerializer)
    def get_compare(self, obj) -> dict:
        return ComparisonSerializer(self.context["comparison"], context=self.context).data
