from django import forms
from django.utils.translation import gettext_lazy as _

from fenlei.core.roles import Action
from fenlei.core.scoping import for_user
from fenlei.org.ledger_faces import PlacedForm
from fenlei.org.models import Hauler
from fenlei.units.models import InstitutionRecord, RestaurantRecord

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UnitForm(PlacedForm):
    """A unit record: the site is required and only sites of the ledger's kinds are offered."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        model = self._meta.model
        site = self.fields["site"]
        site.required = True
        site.queryset = site.queryset.filter(**{f"kind__{model.kind_flag}": True})
        site.help_text = _("The unit the record is about. Choose the area first.")


class InstitutionForm(UnitForm):
    class Meta:
        model = InstitutionRecord
        fields = [
            "area",
            "site",
            "sorting_status",
            "status_since",
            "staff",
            "sorting_lead",
            "sorting_lead_post",
            "sorting_lead_phone",
            "notes",
        ]
        widgets = {"status_since": _DATE}


class RestaurantForm(UnitForm):
    class Meta:
        model = RestaurantRecord
        fields = [
            "area",
            "site",
            "seats",
            "size",
            "hauler",
            "contract_number",
            "contract_start",
            "contract_end",
            "commitment_signed",
            "commitment_signed_on",
            "commitment_expires",
            "notes",
        ]
        widgets = {
            "contract_start": _DATE,
            "contract_end": _DATE,
            "commitment_signed_on": _DATE,
            "commitment_expires": _DATE,
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        haulers = for_user(user, Action.VIEW, Hauler.objects.filter(closed_on__isnull=True))
        if self.instance.hauler_id:
            haulers = haulers | Hauler.objects.filter(pk=self.instance.hauler_id)
        self.fields["hauler"].queryset = haulers.order_by("name")
        self.fields["size"].help_text = _("Left empty, it follows from the seats.")
