"""One FilterSet per people ledger, shared by the list page and the API.

Searching by phone or ID number finds only rows whose personal data the user sees in full: a reader
cannot test whether a number is in the ledger.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fenlei.core.widgets import OneOfManySelect
from fenlei.org.filtersets import PlacedFilterSet, contains_q
from fenlei.people.choices import GroupPost, VolunteerKind
from fenlei.people.masking import keeper_q
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


class PeopleFilterSet(PlacedFilterSet):
    #: Fields searched by "contains" (`contains_q`).
    search_fields: tuple[str, ...] = ("name",)
    #: Personal fields searched by "contains", only among the rows the user keeps.
    personal_search_fields: tuple[str, ...] = ()

    def search(self, queryset, name, value):
        q = contains_q(self.search_fields, value)
        if self.personal_search_fields:
            keeps = keeper_q(getattr(self.request, "user", None), queryset.model)
            if keeps is not None:
                personal = Q()
                for field in self.personal_search_fields:
                    personal |= Q(**{f"{field}__contains": value})
                q |= personal & keeps
        return queryset.filter(q)


def _date_filters(field: str):
    return (
        django_filters.DateFilter(
            label=_("From"),
            field_name=field,
            lookup_expr="gte",
            widget=forms.DateInput(attrs={"type": "date"}),
        ),
        django_filters.DateFilter(
            label=_("To"), field_name=field, lookup_expr="lte", widget=forms.DateInput(attrs={"type": "date"})
        ),
    )


class LeadingGroupFilterSet(PeopleFilterSet):
    search_fields = ("name", "plan_document")

    class Meta:
        model = LeadingGroup
        fields = ["q", "street", "community", "open"]


class LeadingGroupMemberFilterSet(PeopleFilterSet):
    search_fields = ("name", "job_title", "group__name")
    personal_search_fields = ("phone",)
    group = django_filters.NumberFilter(
        label=_("Leading group"), field_name="group_id", widget=forms.HiddenInput
    )
    post = django_filters.MultipleChoiceFilter(
        label=_("Post"), choices=GroupPost.choices, widget=OneOfManySelect
    )

    class Meta:
        model = LeadingGroupMember
        fields = ["q", "street", "community", "group", "post", "open"]


class VolunteerFilterSet(PeopleFilterSet):
    search_fields = ("name", "building", "site__name")
    personal_search_fields = ("phone", "id_number")
    kind = django_filters.MultipleChoiceFilter(
        label=_("Kind"), choices=VolunteerKind.choices, widget=OneOfManySelect
    )

    class Meta:
        model = Volunteer
        fields = ["q", "street", "community", "site", "kind", "open"]


class ServiceRecordFilterSet(PeopleFilterSet):
    search_fields = ("volunteer__name", "content")
    volunteer = django_filters.NumberFilter(
        label=_("Volunteer"), field_name="volunteer_id", widget=forms.HiddenInput
    )
    served_from, served_to = _date_filters("served_on")

    class Meta:
        model = ServiceRecord
        fields = ["q", "street", "community", "site", "volunteer", "served_from", "served_to", "open"]


class SupervisorFilterSet(PeopleFilterSet):
    search_fields = ("name", "point__name", "site__name")
    personal_search_fields = ("phone",)
    point = django_filters.NumberFilter(
        label=_("Drop-off point"), field_name="point_id", widget=forms.HiddenInput
    )

    class Meta:
        model = Supervisor
        fields = ["q", "street", "community", "site", "point", "open"]


class PartyMemberLinkFilterSet(PeopleFilterSet):
    search_fields = ("name", "building", "party_branch", "site__name")
    personal_search_fields = ("phone",)

    class Meta:
        model = PartyMemberLink
        fields = ["q", "street", "community", "site", "open"]


class KitchenWasteGroupFilterSet(PeopleFilterSet):
    search_fields = ("name", "leader", "members")
    personal_search_fields = ("phone",)

    class Meta:
        model = KitchenWasteGroup
        fields = ["q", "street", "open"]


class FourPartyLinkageFilterSet(PeopleFilterSet):
    search_fields = (
        "site__name",
        "party_org",
        "party_contact",
        "community_contact",
        "owners_contact",
        "property_company",
        "property_contact",
    )
    personal_search_fields = ("party_phone", "community_phone", "owners_phone", "property_phone")

    class Meta:
        model = FourPartyLinkage
        fields = ["q", "street", "community", "site", "open"]


class ParticipationFilterSet(PeopleFilterSet):
    search_fields = ("site__name",)
    recorded_from, recorded_to = _date_filters("recorded_on")

    class Meta:
        model = Participation
        fields = ["q", "street", "community", "site", "recorded_from", "recorded_to", "open"]
