"""Forms of the measures' faces: what a measure is asked for (a place and a period), and the office's
configuration — reduction baselines, expected reports, validation rules."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fenlei.collection import selectors
from fenlei.collection.models import Baseline, ExpectedReport, ValidationRule
from fenlei.collection.streams import choices as stream_choices
from fenlei.core.periods import Period, PeriodKind
from fenlei.core.roles import Action
from fenlei.core.scoping import placeable_areas
from fenlei.org.models import Area

PERIOD_KINDS = [
    (PeriodKind.DAY, pgettext_lazy("period", "Day")),
    (PeriodKind.WEEK, pgettext_lazy("period", "Week")),
    (PeriodKind.MONTH, pgettext_lazy("period", "Month")),
    (PeriodKind.QUARTER, pgettext_lazy("period", "Quarter")),
    (PeriodKind.YEAR, pgettext_lazy("period", "Year")),
]

#: The longest window a measure is asked for (days): five years.
MAX_DAYS = 5 * 366


class MeasuresQuery(forms.Form):
    """A place (an area, a site or a haulier; the user's own by default) and a period: a period code
    (2026-05, 2026W20 …), a kind of period around a date, or any dates from … to."""

    area = forms.IntegerField(required=False, widget=forms.HiddenInput)
    site = forms.IntegerField(required=False, widget=forms.HiddenInput)
    hauler = forms.IntegerField(required=False, widget=forms.HiddenInput)
    period = forms.CharField(label=_("Period code"), required=False, max_length=12)
    kind = forms.ChoiceField(label=_("Period"), choices=PERIOD_KINDS, required=False)
    date = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_period(self):
        code = self.cleaned_data.get("period", "").strip()
        if not code:
            return None
        try:
            return Period.parse(code)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if (start is None) != (end is None):
            raise ValidationError(_("Give both dates of a custom period, or neither."))
        if start and end:
            if end < start:
                raise ValidationError(_("The end of a period cannot come before its start."))
            if (end - start).days + 1 > MAX_DAYS:
                raise ValidationError(_("A period can be at most five years long."))
        return data

    def chosen(
        self, today: datetime.date | None = None
    ) -> tuple[datetime.date, datetime.date, Period | None]:
        """The first and last day asked for, and the Period when it is one (this month by default)."""
        data = self.cleaned_data
        today = today or timezone.localdate()
        if data.get("start"):
            return data["start"], data["end"], None
        period = data.get("period")
        if period is None:
            period = Period.of(data.get("kind") or PeriodKind.MONTH, data.get("date") or today)
        return period.start, period.end, period

    def comparison(self, today: datetime.date | None = None) -> selectors.Comparison:
        start, end, period = self.chosen(today)
        return selectors.Comparison.of(start, end, period=period, today=today)

    def subject(self, user) -> selectors.Subject | None:
        data = self.cleaned_data
        return selectors.subject_for(
            user, area=data.get("area"), site=data.get("site"), hauler=data.get("hauler")
        )


# --- the office's configuration --------------------------------------------------------------------


class ConfigForm(forms.ModelForm):
    """A form for a row placed at an area: only the areas where the user may place it are offered."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        action = Action.CHANGE if self.instance.pk else Action.ADD
        self.fields["area"].queryset = placeable_areas(
            user, action, self._meta.model, Area.objects.filter(closed_on__isnull=True)
        )
        if "stream" in self.fields:
            required = self.fields["stream"].required
            empty = [("", self.empty_stream_label)] if not required else []
            self.fields["stream"] = forms.ChoiceField(
                label=self.fields["stream"].label,
                choices=[*empty, *stream_choices()],
                required=required,
                help_text=self.fields["stream"].help_text,
            )

    empty_stream_label = "—"

    def clean(self):
        data = super().clean()
        area = data.get("area")
        if area is not None:
            self.instance.area_path = area.path
        return data


class BaselineForm(ConfigForm):
    empty_stream_label = _("All streams")

    class Meta:
        model = Baseline
        fields = ["area", "stream", "kg_per_day", "label"]

    def clean_kg_per_day(self):
        value = self.cleaned_data["kg_per_day"]
        if value is not None and value <= 0:
            raise ValidationError(_("A baseline is a positive number of kilograms per day."))
        return value


class ExpectedReportForm(ConfigForm):
    class Meta:
        model = ExpectedReport
        fields = ["area", "site_kind", "stream", "frequency", "active"]
        help_texts = {"site_kind": _("Empty: every kind of site.")}


class ValidationRuleForm(ConfigForm):
    empty_stream_label = _("All streams")

    class Meta:
        model = ValidationRule
        fields = ["area", "kind", "stream", "minimum", "maximum", "active"]
        help_texts = {
            "stream": _(
                "For one day's weight: the stream weighed (empty: each stream); per resident: the "
                "stream counted (empty: all)."
            ),
            "minimum": _("Wet share in per cent (e.g. 10); per resident in kg a day; one day in kg."),
        }

    def clean(self):
        data = super().clean()
        low, high = data.get("minimum"), data.get("maximum")
        if low is None and high is None:
            raise ValidationError(_("Give a minimum, a maximum or both."))
        if low is not None and high is not None and low > high:
            raise ValidationError({"maximum": _("The maximum cannot be below the minimum.")})
        return data
