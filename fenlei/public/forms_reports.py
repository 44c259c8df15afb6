"""The forms of residents' reports: the public form, the office's "turn into an order" and "decline".
Each turns a POST into the keyword arguments of a service in `fenlei.public.reports` (the rules
themselves are the service's)."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from fenlei.core.roles import Action
from fenlei.core.scoping import for_user
from fenlei.inspections.choices import TargetType
from fenlei.org.models import Hauler
from fenlei.public import reports
from fenlei.public.choices import ReportKind


def split_target(value: str) -> tuple[str, str]:
    """ "site:12" -> ("site", "12"); anything else -> ("", "")."""
    kind, _sep, pk = (value or "").partition(":")
    return (kind, pk) if kind in (TargetType.SITE, TargetType.DROPOFF) and pk.isdigit() else ("", "")


def target_choices(sites, points) -> list:
    """A select's choices of sites and drop-off points ((id, name) or rows), grouped as "site:<id>"
    and "dropoff:<id>"."""

    def pairs(rows):
        return [r if isinstance(r, tuple) else (r.pk, r.name) for r in rows]

    choices: list = []
    if sites:
        choices.append((_("Sites"), [(f"site:{pk}", name) for pk, name in pairs(sites)]))
    if points:
        choices.append((_("Drop-off points"), [(f"dropoff:{pk}", name) for pk, name in pairs(points)]))
    return choices


class ReportForm(forms.Form):
    """What a resident says about a problem, in the community chosen before."""

    form_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
    community = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label=_("What is the problem?"),
        choices=ReportKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what the problem is.")},
    )
    target = forms.ChoiceField(label=_("At which site or drop-off point?"), required=False)
    place = forms.CharField(
        label=_("Where exactly?"),
        max_length=reports.MAX_PLACE,
        required=False,
        help_text=_("For example: by building 5, the east gate."),
    )
    description = forms.CharField(
        label=_("What did you see?"),
        max_length=reports.MAX_DESCRIPTION,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    latitude = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)
    longitude = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)
    accuracy_m = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)

    def __init__(self, *args, community, **kwargs):
        self.community = community
        kwargs.setdefault("initial", {}).setdefault("form_key", uuid.uuid4().hex)
        kwargs["initial"].setdefault("community", community.pk)
        super().__init__(*args, **kwargs)
        sites = reports.public_names(reports.sites_in(community))
        points = reports.public_names(reports.dropoffs_in(community))
        self.fields["target"].choices = [("", _("Not sure / somewhere else")), *target_choices(sites, points)]

    def report_in(self) -> reports.ReportIn:
        data = self.cleaned_data
        kind, pk = split_target(data.get("target", ""))
        return reports.ReportIn(
            kind=data["kind"],
            community=self.community.pk,
            description=data.get("description", ""),
            site=pk if kind == TargetType.SITE else None,
            dropoff=pk if kind == TargetType.DROPOFF else None,
            place=data.get("place", ""),
            latitude=data.get("latitude") or None,
            longitude=data.get("longitude") or None,
            accuracy_m=data.get("accuracy_m") or None,
        )


class OrderForm(forms.Form):
    """Turn a report into a rectification order: the target, the checklist item, a note, and (when the
    item is the hauler's and none collects there) the hauler."""

    target = forms.ChoiceField(
        label=_("Target"),
        widget=forms.HiddenInput,
        error_messages={"required": _("Choose the site or drop-off point.")},
    )
    item = forms.ChoiceField(
        label=_("Checklist item"),
        error_messages={"required": _("Choose the checklist item the problem falls under.")},
    )
    note = forms.CharField(
        label=_("Problem as the order states it"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown to the unit addressed, after the item's text."),
    )
    hauler = forms.ModelChoiceField(
        label=_("Hauler"),
        queryset=Hauler.objects.none(),
        required=False,
        help_text=_("Only for an item the hauler answers for, where no hauler is known to collect."),
    )

    def __init__(self, *args, user, report, targets: dict, items: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        self.fields["target"].choices = [
            ("", "—"),
            *target_choices(targets[TargetType.SITE], targets[TargetType.DROPOFF]),
        ]
        self.fields["item"].choices = [("", "—")] + [(str(i.pk), f"{i.code} {i.label}") for i in items]
        self.fields["hauler"].queryset = for_user(
            user, Action.VIEW, Hauler.objects.filter(closed_on__isnull=True)
        )

    def service_kwargs(self) -> dict:
        kind, pk = split_target(self.cleaned_data["target"])
        hauler = self.cleaned_data.get("hauler")
        return {
            "target_type": kind,
            "target_id": pk,
            "item_id": self.cleaned_data["item"],
            "note": self.cleaned_data.get("note", ""),
            "hauler_id": hauler.pk if hauler else None,
        }


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=reports.MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The reporter reads it on the report's page."),
        error_messages={"required": _("Say why the report is not taken up: the reporter reads it.")},
    )
