"""The forms of the kitchen-waste chain: a manifest's receipt at the plant, its cancellation, and the
receipt of a whole trip. The rules live in `fenlei.collection.kitchen`; these only carry the fields."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fenlei.core.roles import Action
from fenlei.core.scoping import for_user
from fenlei.facilities.models import TerminalFacility


def plant_choices(user, current_id: int | None):
    """The open treatment plants the user may see, and the one the manifest already names."""
    visible = for_user(user, Action.VIEW, TerminalFacility.objects.all()).values("pk")
    return TerminalFacility.objects.filter(
        Q(pk__in=visible) | Q(pk=current_id), closed_on__isnull=True
    ).order_by("name")


class ReceiveForm(forms.Form):
    received_kg = forms.DecimalField(
        label=_("Weight received (kg)"),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        help_text=_("Leave empty for now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    plant = forms.ModelChoiceField(
        label=_("Treatment plant"), queryset=TerminalFacility.objects.none(), required=False
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        help_text=_("For example the weighbridge ticket's number."),
    )

    def __init__(self, *args, user, manifest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plant"].queryset = plant_choices(user, manifest.plant_id)
        self.fields["plant"].initial = manifest.plant_id
        self.fields["plant"].help_text = _("The plant the pick-up named, unless it went elsewhere.")


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the manifest is cancelled.")},
    )


class TripReceiveForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
