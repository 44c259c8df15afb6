"""The place-and-period query of the measures and coverage pages and their API."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from fenlei.core.periods import Period, PeriodKind
from fenlei.core.roles import Action
from fenlei.core.scoping import get_for_user
from fenlei.inspections import selectors
from fenlei.inspections.choices import TargetType
from fenlei.org.models import Area

PERIOD_KINDS = [
    (PeriodKind.MONTH, gettext_lazy("Month")),
    (PeriodKind.QUARTER, gettext_lazy("Quarter")),
    (PeriodKind.HALF, gettext_lazy("Half-year")),
    (PeriodKind.YEAR, gettext_lazy("Year")),
    (PeriodKind.WEEK, gettext_lazy("Week")),
]


class PlaceQuery(forms.Form):
    """An area (the user's widest by default) and a period: a period code, or a kind around a date."""

    area = forms.IntegerField(required=False, widget=forms.HiddenInput)
    period = forms.CharField(label=gettext_lazy("Period code"), required=False, max_length=12)
    kind = forms.ChoiceField(label=gettext_lazy("Period"), choices=PERIOD_KINDS, required=False)
    date = forms.DateField(label=gettext_lazy("Date"), required=False)
    target_type = forms.ChoiceField(label=gettext_lazy("Target"), choices=TargetType.choices, required=False)
    months = forms.IntegerField(label=gettext_lazy("Months"), required=False, min_value=1, max_value=24)

    def clean_period(self):
        code = self.cleaned_data.get("period", "").strip()
        if not code:
            return None
        try:
            return Period.parse(code)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def chosen(self, kind: str = PeriodKind.MONTH) -> Period:
        data = self.cleaned_data
        if data.get("period"):
            return data["period"]
        return Period.of(data.get("kind") or kind, data.get("date") or timezone.localdate())

    def place(self, user) -> Area | None:
        pk = self.cleaned_data.get("area")
        if pk is not None:
            return get_for_user(user, Action.VIEW, Area, pk=pk)
        return selectors.default_area(user)
