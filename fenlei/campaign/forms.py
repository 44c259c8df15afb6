"""Forms of the campaign page, a unit's checklist and its items: the place asked for, evidence, the
decision on it, and an item's responsible person and target date."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fenlei.campaign.models import Evidence, Item


class AreaQuery(forms.Form):
    """`?area=<id>` of the campaign page (empty: the user's widest area in the campaign)."""

    area = forms.IntegerField(label=_("Area"), required=False, min_value=1)


class FileQuery(forms.Form):
    """`?file=<id>[&thumbnail=1]` on an item's page: one file of its evidence."""

    file = forms.IntegerField(min_value=1)
    thumbnail = forms.BooleanField(required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; the service checks each (type, size, how many)."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class EvidenceForm(forms.Form):
    """The unit's evidence for an item: a description and the files (a scan, a PDF, photos)."""

    note = forms.CharField(
        label=_("Description"),
        max_length=Evidence._meta.get_field("note").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the files show, e.g. the plan adopted on 3 March, stamped."),
    )
    files = MultipleFileField(
        label=_("Files"), widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf"})
    )


class DecideForm(forms.Form):
    """The level above's decision on evidence: verify it, or return it with the reason."""

    VERIFY = "verify"
    RETURN = "return"

    decision = forms.ChoiceField(
        label=_("Decision"), choices=[(VERIFY, _("Verify")), (RETURN, _("Return"))], widget=forms.HiddenInput
    )
    note = forms.CharField(
        label=_("Reason"),
        max_length=Evidence._meta.get_field("decision_note").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the evidence is returned."),
    )

    @property
    def verify(self) -> bool:
        return self.cleaned_data["decision"] == self.VERIFY


class ItemForm(forms.ModelForm):
    """An item's own responsible person and target date (the requirement's when left empty)."""

    class Meta:
        model = Item
        fields = ["responsible", "due_on"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        requirement = self.instance.requirement
        self.fields["responsible"].help_text = _("Who answers for it here ({post}).").format(
            post=requirement.responsible
        )
        self.fields["due_on"].help_text = _("Empty: the requirement's target date, {date}.").format(
            date=requirement.due_on.isoformat()
        )

    def clean_responsible(self):
        return (self.cleaned_data.get("responsible") or "").strip()

    def clean_due_on(self):
        day = self.cleaned_data.get("due_on")
        campaign = self.instance.requirement.campaign
        if day is not None and not (campaign.starts_on <= day <= campaign.ends_on):
            raise forms.ValidationError(
                _("The target date must fall within the campaign ({start} to {end}).").format(
                    start=campaign.starts_on.isoformat(), end=campaign.ends_on.isoformat()
                )
            )
        return day
