"""Forms of the checklist and quota pages: a checklist's items edited in a table (→ services.revise)
and the office's inspection quotas."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fenlei.core.roles import Action
from fenlei.core.scoping import placeable_areas
from fenlei.inspections.choices import Concern, Responsible, Scoring, Severity
from fenlei.inspections.models import ChecklistItem, InspectionQuota
from fenlei.inspections.services import ItemIn
from fenlei.org.models import Area


class ItemForm(forms.Form):
    """One row of the items table; an empty row is left out, a ticked "remove" drops the item."""

    code = forms.CharField(label=_("code"), max_length=12, required=False)
    concern = forms.ChoiceField(label=_("area of concern"), choices=Concern.choices, required=False)
    text = forms.CharField(label=_("item (Chinese)"), max_length=200, required=False)
    text_en = forms.CharField(label=_("item (English)"), max_length=250, required=False)
    points = forms.DecimalField(
        label=_("points"), max_digits=5, decimal_places=1, min_value=0, required=False
    )
    severity = forms.ChoiceField(label=_("severity"), choices=Severity.choices, initial=Severity.MINOR)
    responsible = forms.ChoiceField(
        label=_("answered by"), choices=Responsible.choices, initial=Responsible.SITE
    )
    veto = forms.BooleanField(label=_("one-vote veto"), required=False)
    purity = forms.BooleanField(label=_("purity per bin"), required=False)
    photo_required = forms.BooleanField(label=_("photo required for a problem"), required=False, initial=True)

    def clean(self):
        data = super().clean()
        if self.cleaned_data.get("DELETE") or not (data.get("code") or data.get("text")):
            return data
        for name in ("code", "concern", "text"):
            if not data.get(name):
                self.add_error(name, _("Required for an item: fill it in, or empty the row."))
        if data.get("points") is None:
            self.add_error("points", _("Required for an item: fill it in, or empty the row."))
        return data

    def item(self) -> ItemIn | None:
        d = self.cleaned_data
        if not d or d.get("DELETE") or not d.get("code"):
            return None
        return ItemIn(
            code=d["code"],
            concern=d["concern"],
            text=d["text"],
            text_en=d.get("text_en", ""),
            points=d["points"],
            severity=d["severity"],
            veto=d["veto"],
            purity=d["purity"],
            photo_required=d["photo_required"],
            responsible=d["responsible"],
        )


ItemFormSet = forms.formset_factory(ItemForm, extra=3, can_delete=True, max_num=200, validate_max=True)


def initial_items(items: list[ChecklistItem]) -> list[dict]:
    return [
        {
            "code": i.code,
            "concern": i.concern,
            "text": i.text,
            "text_en": i.text_en,
            "points": i.points,
            "severity": i.severity,
            "responsible": i.responsible,
            "veto": i.veto,
            "purity": i.purity,
            "photo_required": i.photo_required,
        }
        for i in items
    ]


class ReviseForm(forms.Form):
    scoring = forms.ChoiceField(label=_("scoring"), choices=Scoring.choices)
    pass_mark = forms.DecimalField(
        label=_("pass mark"), max_digits=5, decimal_places=1, min_value=0, max_value=100
    )
    note = forms.CharField(
        label=_("what changed"),
        max_length=200,
        help_text=_("Kept with the new version, for those who read it later."),
    )


class QuotaForm(forms.ModelForm):
    """A quota placed at an area the user may place it in."""

    class Meta:
        model = InspectionQuota
        fields = ["area", "target_type", "site_kind", "per_month"]
        help_texts = {"site_kind": _("Empty: every kind of site (and every drop-off point or vehicle).")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        action = Action.CHANGE if self.instance.pk else Action.ADD
        self.fields["area"].queryset = placeable_areas(
            user, action, InspectionQuota, Area.objects.filter(closed_on__isnull=True)
        )

    def clean(self):
        data = super().clean()
        area = data.get("area")
        if area is not None:
            self.instance.area_path = area.path
        return data
