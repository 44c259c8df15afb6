"""Forms of the campaign set-up pages: a new campaign, a campaign's settings with its phases and
milestones, a line of the checklist (its rule's parameters as simple fields, or as JSON), and a
snapshot to take. The writes go through `fenlei.campaign.services` and `fenlei.core.services`."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fenlei.campaign import rules
from fenlei.campaign.choices import Method
from fenlei.campaign.models import Campaign, Milestone, Phase, Requirement
from fenlei.core.roles import Action
from fenlei.core.scoping import placeable_areas
from fenlei.facilities.choices import DropOffKind
from fenlei.org.choices import AreaKind
from fenlei.org.models import Area, SiteKind


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --- a new campaign ---------------------------------------------------------------------------------


def campaign_districts(user):
    """The districts (or cities) in which `user` may add a campaign."""
    areas = Area.objects.filter(kind__in=[AreaKind.DISTRICT, AreaKind.CITY], closed_on__isnull=True)
    return placeable_areas(user, Action.ADD, Campaign, areas).order_by("path")


class CampaignAddForm(forms.Form):
    """A district and a year: the campaign gets the default phases, milestones and checklist."""

    district = forms.ModelChoiceField(label=_("District"), queryset=Area.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        required=False,
        help_text=_("Leave empty for “<year> full-coverage campaign for household waste sorting”."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = campaign_districts(user)
        self.fields["district"].error_messages["invalid_choice"] = _(
            "Choose one of the districts offered: you may not add a campaign there."
        )
        if "year" not in self.initial:
            self.initial["year"] = timezone.localdate().year

    def clean(self):
        data = super().clean()
        district, year = data.get("district"), data.get("year")
        if (
            district is not None
            and year is not None
            and Campaign.objects.filter(area=district, year=year).exists()
        ):
            self.add_error(
                "year",
                _("{district} already has a campaign for {year}.").format(district=district, year=year),
            )
        return data


# --- a campaign's settings, phases and milestones ---------------------------------------------------------


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "name",
            "starts_on",
            "ends_on",
            "coverage_deadline",
            "demo_pass_mark",
            "recheck_months",
            "forecast_window_days",
        ]
        widgets = {
            "starts_on": _date_widget(),
            "ends_on": _date_widget(),
            "coverage_deadline": _date_widget(),
        }


def _within(form, field: str, day, starts, ends) -> None:
    if day is not None and starts is not None and ends is not None and not (starts <= day <= ends):
        form.add_error(
            field,
            _("{day} lies outside the campaign ({starts} – {ends}).").format(
                day=day, starts=starts, ends=ends
            ),
        )


class PhaseForm(forms.ModelForm):
    """The dates of one phase (the phases themselves are fixed: 动员部署, 组织实施, 考核验收)."""

    class Meta:
        model = Phase
        fields = ["starts_on", "ends_on"]
        widgets = {"starts_on": _date_widget(), "ends_on": _date_widget()}

    def __init__(self, *args, bounds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.bounds = bounds or (None, None)

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The phase cannot end before it starts."))
        for name in ("starts_on", "ends_on"):
            _within(self, name, data.get(name), *self.bounds)
        return data


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["name", "due_on", "is_assessment"]
        widgets = {"due_on": _date_widget(), "name": forms.TextInput(attrs={"size": 40})}

    def __init__(self, *args, bounds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.bounds = bounds or (None, None)

    def clean(self):
        data = super().clean()
        if not data.get("DELETE"):
            _within(self, "due_on", data.get("due_on"), *self.bounds)
        return data


class _BoundedFormSet(forms.BaseModelFormSet):
    """A formset whose forms check their dates against the campaign's (as the page submits them)."""

    def __init__(self, *args, bounds=None, **kwargs):
        self.bounds = bounds
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "bounds": self.bounds}


PhaseFormSet = forms.modelformset_factory(
    Phase, form=PhaseForm, formset=_BoundedFormSet, extra=0, can_delete=False, max_num=10
)
MilestoneFormSet = forms.modelformset_factory(
    Milestone,
    form=MilestoneForm,
    formset=_BoundedFormSet,
    extra=2,
    can_delete=True,
    max_num=50,
    validate_max=True,
)


# --- a line of the checklist -------------------------------------------------------------------------------

#: The rules' parameters offered as simple fields (the others go in the JSON field).
SIMPLE_PARAMS = {
    "publicity": ("days", "count"),
    "collection": ("days",),
    "supervisors": ("kinds",),
    "participation": ("percent",),
}
_SIMPLE_FIELDS = ("days", "count", "percent", "kinds")


def params_in_words(requirement: Requirement) -> str:
    """The rule's parameters of `requirement` as a reader says them (defaults filled in)."""
    rule = rules.REGISTRY.get(requirement.rule) if requirement.method == Method.RULE else None
    if rule is None:
        return ""
    try:
        params = rule.check_params(requirement.params or {})
    except ValueError:
        params = dict(requirement.params or {})
    parts = []
    if requirement.rule == "publicity":
        parts.append(
            gettext("at least {count} in the last {days} days").format(
                count=params["count"], days=params["days"]
            )
        )
    elif requirement.rule == "collection":
        parts.append(gettext("in the last {days} days").format(days=params["days"]))
    elif requirement.rule == "supervisors":
        labels = dict(DropOffKind.choices)
        kinds = "、".join(str(labels.get(k, k)) for k in params.get("kinds", []))
        parts.append(gettext("drop-off points: {kinds}").format(kinds=kinds))
    elif requirement.rule == "participation":
        parts.append(gettext("households taking part: at least {percent}%").format(percent=params["percent"]))
    else:
        parts += [f"{key} = {value}" for key, value in sorted(params.items())]
    if rule.uses_site_kinds:
        kinds = [str(k) for k in requirement.site_kinds.all()]
        parts.append(
            gettext("sites: {kinds}").format(kinds="、".join(kinds))
            if kinds
            else gettext("sites: every kind")
        )
    return "; ".join(parts)


class ParamsField(forms.JSONField):
    """A JSON object of parameters, shown empty when there is none (not as "null" or "{}")."""

    def prepare_value(self, value):
        if value in (None, {}, ""):
            return ""
        return super().prepare_value(value)


class RequirementForm(forms.ModelForm):
    """A line of the checklist. A rule's parameters come from the simple fields that rule uses
    (days, count, percent, drop-off point kinds) and, for any other, from the JSON field."""

    rule = forms.ChoiceField(label=_("Rule"), required=False)
    days = forms.IntegerField(
        label=_("Over the last (days)"),
        required=False,
        min_value=1,
        max_value=366,
        help_text=_("Publicity and collection: the last this many days count."),
    )
    count = forms.IntegerField(
        label=_("Activities"),
        required=False,
        min_value=1,
        max_value=1000,
        help_text=_("Publicity: at least this many activities."),
    )
    percent = forms.IntegerField(
        label=_("Percent of households"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Participation: at least this share of the registered households."),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Drop-off point kinds"),
        required=False,
        choices=DropOffKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Supervisors: the kinds of drop-off point that need one (none: fixed-time points)."),
    )
    params = ParamsField(
        label=_("Other parameters (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"invalid": _('Not valid JSON: write an object, e.g. {"days": 30}.')},
        help_text=_("Only for parameters without a field above, as a JSON object; leave empty otherwise."),
    )
    site_kinds = forms.ModelMultipleChoiceField(
        label=_("Site kinds"),
        queryset=SiteKind.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "For the rules about sites (containers, inspections): the kinds it looks at; none: every kind."
        ),
    )

    class Meta:
        model = Requirement
        fields = [
            "code",
            "name",
            "description",
            "level",
            "method",
            "rule",
            "days",
            "count",
            "percent",
            "kinds",
            "params",
            "site_kinds",
            "due_on",
            "responsible",
            "in_coverage",
            "position",
        ]
        widgets = {"due_on": _date_widget(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.instance.campaign = campaign
        self.fields["rule"].choices = [("", "—"), *rules.choices()]
        if self.instance.pk is not None:
            # the line's items belong to the units of its level: another level is another line
            self.fields["level"].disabled = True
            self.fields["level"].help_text = _("A line keeps its level; add a line for the other level.")
            params = dict(self.instance.params or {})
            for name in SIMPLE_PARAMS.get(self.instance.rule, ()):
                if name in params:
                    self.initial[name] = params.pop(name)
            self.initial["params"] = params or None

    def _update_errors(self, errors):
        """The model's checks repeat some of the form's: one message a field, the form's own first, and
        the model's constraints only once the fields are right."""
        if hasattr(errors, "error_dict"):
            invalid = bool(self._errors)
            errors = ValidationError(
                {
                    field: e
                    for field, e in errors.error_dict.items()
                    if field not in self._errors and not (invalid and field == NON_FIELD_ERRORS)
                }
            )
        super()._update_errors(errors)

    def clean_params(self):
        value = self.cleaned_data.get("params")
        if value in (None, "", {}):
            return {}
        if not isinstance(value, dict):
            raise forms.ValidationError(_('Write the parameters as a JSON object, e.g. {"days": 30}.'))
        return value

    def clean(self):
        data = super().clean()
        code = data.get("code")
        if (
            code
            and Requirement.objects.filter(campaign=self.campaign, code=code)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            self.add_error(
                "code", _("The checklist already has a line with the code “{code}”.").format(code=code)
            )
        method, rule_code = data.get("method"), data.get("rule") or ""
        if method == Method.EVIDENCE:
            data["rule"], data["params"] = "", {}
            return data
        if method != Method.RULE:
            return data
        rule = rules.REGISTRY.get(rule_code)
        if rule is None:
            self.add_error("rule", _("Choose the rule that judges this line from the records."))
            return data
        params = dict(data.get("params") or {})
        for name in SIMPLE_PARAMS.get(rule_code, ()):
            value = data.get(name)
            if value not in (None, "", []):
                params[name] = value
        try:
            data["params"] = rule.check_params(params)
        except ValueError as exc:
            self.add_error("params", str(exc))
        return data

    def chosen_kinds(self):
        """The site kinds to keep: those chosen, for a rule that looks at them; else none."""
        rule = rules.REGISTRY.get(self.cleaned_data.get("rule") or "")
        if self.cleaned_data.get("method") == Method.RULE and rule is not None and rule.uses_site_kinds:
            return list(self.cleaned_data.get("site_kinds") or [])
        return []


# --- a snapshot ---------------------------------------------------------------------------------------------


class SnapshotForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    on = forms.DateField(
        label=_("As of"),
        widget=_date_widget(),
        help_text=_("Every checklist is judged as it stood at the end of this day (today at the latest)."),
    )
