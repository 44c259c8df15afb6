"""Forms every app uses."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CloseForm(forms.Form):
    """Close a record (it stays, takes no new entries) with the date and a reason."""

    on = forms.DateField(
        label=_("Closed on"),
        required=False,
        help_text=_("Leave empty for today."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        label=_("Reason"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReopenForm(forms.Form):
    note = forms.CharField(
        label=_("Reason"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
