"""The forms of the people ledgers: `PlacedForm` for rows placed in an area, `ChildForm` for rows
that belong to another row (a group's member, a volunteer's service record)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fenlei.core.roles import Action
from fenlei.core.scoping import placeable_areas
from fenlei.facilities.models import DropOffPoint
from fenlei.org.ledger_faces import PlacedForm
from fenlei.org.models import Area
from fenlei.people.models import (
    FourPartyLinkage,
    KitchenWasteGroup,
    LeadingGroup,
    LeadingGroupMember,
    Participation,
    PartyMemberLink,
    ServiceRecord,
    Supervisor,
    Volunteer,
)

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SiteRequiredMixin:
    """For ledgers kept per site: the site select is required."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        site = self.fields["site"]
        site.required = True
        site.help_text = _("The site the record is about. Choose the area first.")


class LeadingGroupForm(PlacedForm):
    class Meta:
        model = LeadingGroup
        fields = ["name", "area", "established_on", "plan_document"]
        widgets = {"established_on": _DATE}


class VolunteerForm(PlacedForm):
    class Meta:
        model = Volunteer
        fields = ["name", "kind", "area", "site", "building", "phone", "id_number", "joined_on"]
        widgets = {"joined_on": _DATE}


class SupervisorForm(PlacedForm):
    class Meta:
        model = Supervisor
        fields = ["name", "phone", "area", "site", "point", "duty_hours"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        area_id = self.data.get("area") or self.initial.get("area") or self.instance.area_id
        points = DropOffPoint.objects.filter(closed_on__isnull=True).select_related("area")
        if str(area_id or "").isdigit():
            points = points.filter(area_id=area_id)
        else:
            points = points.filter(area__in=self.fields["area"].queryset)
        if self.instance.point_id:
            points = points | DropOffPoint.objects.filter(pk=self.instance.point_id)
        field = self.fields["point"]
        field.queryset = points.order_by("area__path", "name")
        field.label_from_instance = lambda p: f"{p.area.name} · {p.name}"
        field.help_text = _("A drop-off point of the same area; empty for a roving supervisor.")


class PartyMemberLinkForm(PlacedForm):
    class Meta:
        model = PartyMemberLink
        fields = ["name", "phone", "party_branch", "area", "site", "building", "households_linked"]


class KitchenWasteGroupForm(PlacedForm):
    class Meta:
        model = KitchenWasteGroup
        fields = ["name", "area", "leader", "phone", "members"]
        widgets = {"members": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["area"].help_text = _("The street the group works for.")


class FourPartyLinkageForm(SiteRequiredMixin, PlacedForm):
    class Meta:
        model = FourPartyLinkage
        fields = [
            "area",
            "site",
            "party_org",
            "party_contact",
            "party_phone",
            "community_contact",
            "community_phone",
            "owners_contact",
            "owners_phone",
            "property_company",
            "property_contact",
            "property_phone",
        ]


class ParticipationForm(SiteRequiredMixin, PlacedForm):
    class Meta:
        model = Participation
        fields = ["area", "site", "recorded_on", "registered_households", "participating_households"]
        widgets = {"recorded_on": _DATE}


# --- rows that belong to another row --------------------------------------------------------------------


class ChildForm(forms.ModelForm):
    """A row whose place is its parent's: the parent is chosen among those where the user may add
    rows of this ledger. A parent named in the page's address (`?volunteer=12`) is preselected and
    narrows the choice to its area."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        model = self._meta.model
        fk = model.parent_field
        parent_model = model._meta.get_field(fk).related_model
        areas = placeable_areas(user, Action.ADD, model, Area.objects.filter(closed_on__isnull=True))
        parents = parent_model._default_manager.filter(closed_on__isnull=True, area__in=areas)
        chosen = self.initial.get(fk) or getattr(self.instance, f"{fk}_id", None)
        if not self.is_bound and str(chosen or "").isdigit():
            area = parent_model._default_manager.filter(pk=chosen).values("area_id")
            parents = parents.filter(area_id__in=area)
        if self.instance.pk:
            parents = parents | parent_model._default_manager.filter(pk=getattr(self.instance, f"{fk}_id"))
        field = self.fields[fk]
        field.queryset = parents.select_related("area").order_by("area__path", "name", "pk")
        field.label_from_instance = lambda p: f"{p.area.name} · {p.name}"


class LeadingGroupMemberForm(ChildForm):
    class Meta:
        model = LeadingGroupMember
        fields = ["group", "name", "post", "job_title", "phone"]


class ServiceRecordForm(ChildForm):
    class Meta:
        model = ServiceRecord
        fields = ["volunteer", "served_on", "hours", "content"]
        widgets = {"served_on": _DATE}
