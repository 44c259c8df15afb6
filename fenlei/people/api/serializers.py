"""Serializers of the people ledgers.

Built on `placed_serializer`, with what these ledgers add: personal data masked for whoever does not
keep the row (`fenlei.people.masking`), no site for ledgers that have none, and for rows that belong
to another row (a member, a service record) the parent written as its id while the area and site
are read-only (they are the parent's).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers

from fenlei.facilities.models import DropOffPoint
from fenlei.org.api.placed import BriefSiteSerializer, placed_serializer
from fenlei.org.api.serializers import BriefAreaSerializer, BriefRelatedField
from fenlei.people.masking import mask_data
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


def _brief(model, view_name: str, fields=("id", "url", "name")):
    meta = type("Meta", (), {"model": model, "fields": list(fields)})
    attrs = {"Meta": meta, "url": serializers.HyperlinkedIdentityField(view_name=view_name)}
    return type(f"Brief{model.__name__}Serializer", (serializers.ModelSerializer,), attrs)


BriefGroupSerializer = _brief(LeadingGroup, "people-api:group-detail")
BriefVolunteerSerializer = _brief(Volunteer, "people-api:volunteer-detail")
BriefPointSerializer = _brief(DropOffPoint, "facilities-api:dropoff-detail")


class ParentField(BriefRelatedField):
    """The row this one belongs to, among those the caller may see: naming one it cannot see answers
    404 when creating and 403 when editing (as `PlacementField` does for areas)."""

    def __init__(self, brief, **kwargs):
        super().__init__(brief, scoped=True, **kwargs)

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if "does_not_exist" not in exc.get_codes():
                raise
            if getattr(self.parent, "instance", None) is None:
                raise exceptions.NotFound(
                    _("The record {pk} does not exist or is outside your scope.").format(pk=data)
                ) from None
            raise exceptions.PermissionDenied(
                _("You may not move this record to {pk}.").format(pk=data)
            ) from None


class MaskedMixin:
    def to_representation(self, instance):
        request = self.context.get("request")
        return mask_data(getattr(request, "user", None), instance, super().to_representation(instance))


def people_serializer(
    model, fields: list[str], *, view_name: str, parent_brief=None, extra: dict | None = None
):
    """A placed ledger's serializer for a people ledger (see the module's docstring)."""
    base = placed_serializer(model, fields, view_name=view_name, extra=extra)
    names = list(base.Meta.fields)
    attrs: dict = {}
    if not model.uses_site:
        names.remove("site")
    if parent_brief is not None:
        fk = model.parent_field
        names.insert(names.index("area"), fk)
        attrs[fk] = ParentField(parent_brief, queryset=parent_brief.Meta.model._default_manager.all())
        attrs["area"] = BriefAreaSerializer(read_only=True)
        attrs["site"] = BriefRelatedField(BriefSiteSerializer, read_only=True)
    elif model.site_required:
        attrs["site"] = BriefRelatedField(
            BriefSiteSerializer,
            scoped=True,
            queryset=base._declared_fields["site"].queryset,
            help_text=_("The site (its id)."),
        )
    meta = type("Meta", (base.Meta,), {"fields": names})
    return type(base.__name__, (MaskedMixin, base), {"Meta": meta, **attrs})


LeadingGroupSerializer = people_serializer(
    LeadingGroup,
    ["name", "established_on", "plan_document", "member_count"],
    view_name="people-api:group-detail",
    extra={"member_count": serializers.IntegerField(read_only=True)},
)
LeadingGroupMemberSerializer = people_serializer(
    LeadingGroupMember,
    ["name", "post", "job_title", "phone"],
    view_name="people-api:member-detail",
    parent_brief=BriefGroupSerializer,
)
VolunteerSerializer = people_serializer(
    Volunteer,
    ["name", "kind", "phone", "id_number", "building", "joined_on", "total_hours"],
    view_name="people-api:volunteer-detail",
    extra={"total_hours": serializers.DecimalField(max_digits=12, decimal_places=1, read_only=True)},
)
ServiceRecordSerializer = people_serializer(
    ServiceRecord,
    ["served_on", "hours", "content"],
    view_name="people-api:service-detail",
    parent_brief=BriefVolunteerSerializer,
)
SupervisorSerializer = people_serializer(
    Supervisor,
    ["name", "phone", "point", "duty_hours"],
    view_name="people-api:supervisor-detail",
    extra={
        "point": BriefRelatedField(
            BriefPointSerializer,
            scoped=True,
            queryset=DropOffPoint.objects.all(),
            required=False,
            allow_null=True,
            help_text=_("The drop-off point (its id), in the same area; none for a roving supervisor."),
        )
    },
)
PartyMemberLinkSerializer = people_serializer(
    PartyMemberLink,
    ["name", "phone", "party_branch", "building", "households_linked"],
    view_name="people-api:partylink-detail",
)
KitchenWasteGroupSerializer = people_serializer(
    KitchenWasteGroup,
    ["name", "leader", "phone", "members"],
    view_name="people-api:kitchengroup-detail",
)
FourPartyLinkageSerializer = people_serializer(
    FourPartyLinkage,
    [
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
    ],
    view_name="people-api:fourparty-detail",
)
ParticipationSerializer = people_serializer(
    Participation,
    ["recorded_on", "registered_households", "participating_households", "rate"],
    view_name="people-api:participation-detail",
    extra={"rate": serializers.DecimalField(max_digits=5, decimal_places=1, read_only=True)},
)
