"""The people ledgers' pages, declared once per ledger; and the index of the ledgers."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views import View

from fenlei.core.roles import Action
from fenlei.core.scoping import can_anywhere
from fenlei.org.choices import AreaLevel
from fenlei.org.ledger_faces import Column
from fenlei.people import selectors
from fenlei.people.faces import REGISTRY, Children, PeopleFaces, register
from fenlei.people.filtersets import (
    FourPartyLinkageFilterSet,
    KitchenWasteGroupFilterSet,
    LeadingGroupFilterSet,
    LeadingGroupMemberFilterSet,
    ParticipationFilterSet,
    PartyMemberLinkFilterSet,
    ServiceRecordFilterSet,
    SupervisorFilterSet,
    VolunteerFilterSet,
)
from fenlei.people.forms import (
    FourPartyLinkageForm,
    KitchenWasteGroupForm,
    LeadingGroupForm,
    LeadingGroupMemberForm,
    ParticipationForm,
    PartyMemberLinkForm,
    ServiceRecordForm,
    SupervisorForm,
    VolunteerForm,
)
from fenlei.people.importexport import (
    FourPartyLinkageLedger,
    KitchenWasteGroupLedger,
    LeadingGroupLedger,
    LeadingGroupMemberLedger,
    ParticipationLedger,
    PartyMemberLinkLedger,
    ServiceRecordLedger,
    SupervisorLedger,
    VolunteerLedger,
)
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

NAV = "people"


def _street(obj):
    area = obj.area
    if area.level == AreaLevel.STREET:
        return area.name
    return area.parent.name if area.level == AreaLevel.COMMUNITY and area.parent_id else "—"


def _community(obj):
    return obj.area.name if obj.area.level == AreaLevel.COMMUNITY else "—"


def _site(obj):
    return obj.site.name if obj.site_id else "—"


def _percent(value):
    return "—" if value is None else f"{value}%"


STREET = Column(_("Street"), _street)
COMMUNITY = Column(_("Community"), _community)
SITE = Column(_("Site"), _site)
AREA = Column(_("Area"), lambda o: o.area.name)

GROUPS = register(
    PeopleFaces(
        namespace="people",
        name="group",
        model=LeadingGroup,
        filterset_class=LeadingGroupFilterSet,
        form_class=LeadingGroupForm,
        excel_class=LeadingGroupLedger,
        list_columns=["name", AREA, "established_on", Column(_("Members"), lambda o: o.member_count)],
        detail_fields=["area", "established_on", "plan_document"],
        nav=NAV,
        decorate=selectors.with_member_count,
        children=[Children("member", "group", ["name", "post", "job_title", "phone"], limit=50)],
    )
)

MEMBERS = register(
    PeopleFaces(
        namespace="people",
        name="member",
        model=LeadingGroupMember,
        filterset_class=LeadingGroupMemberFilterSet,
        form_class=LeadingGroupMemberForm,
        excel_class=LeadingGroupMemberLedger,
        list_columns=[
            "name",
            Column(_("Leading group"), lambda o: o.group.name),
            AREA,
            "post",
            "job_title",
            "phone",
        ],
        detail_fields=["group", "area", "post", "job_title", "phone"],
        nav=NAV,
        select_related=("area__parent", "site", "group"),
    )
)

VOLUNTEERS = register(
    PeopleFaces(
        namespace="people",
        name="volunteer",
        model=Volunteer,
        filterset_class=VolunteerFilterSet,
        form_class=VolunteerForm,
        excel_class=VolunteerLedger,
        list_columns=[
            "name",
            "kind",
            STREET,
            COMMUNITY,
            SITE,
            "building",
            "phone",
            Column(_("Hours of service"), lambda o: o.total_hours),
        ],
        detail_fields=["kind", "area", "site", "building", "phone", "id_number", "joined_on"],
        extra_facts=[(_("Hours of service"), lambda o: o.total_hours)],
        nav=NAV,
        decorate=selectors.with_hours,
        children=[Children("service", "volunteer", ["served_on", "hours", "content"])],
    )
)

SERVICE = register(
    PeopleFaces(
        namespace="people",
        name="service",
        model=ServiceRecord,
        filterset_class=ServiceRecordFilterSet,
        form_class=ServiceRecordForm,
        excel_class=ServiceRecordLedger,
        list_columns=[
            "served_on",
            Column(_("Volunteer"), lambda o: o.volunteer.name),
            COMMUNITY,
            "hours",
            "content",
        ],
        detail_fields=["volunteer", "served_on", "hours", "content", "area", "site"],
        nav=NAV,
        select_related=("area__parent", "site", "volunteer"),
    )
)

SUPERVISORS = register(
    PeopleFaces(
        namespace="people",
        name="supervisor",
        model=Supervisor,
        filterset_class=SupervisorFilterSet,
        form_class=SupervisorForm,
        excel_class=SupervisorLedger,
        list_columns=[
            "name",
            "phone",
            STREET,
            COMMUNITY,
            SITE,
            Column(_("Drop-off point"), lambda o: o.point.name if o.point_id else "—"),
            "duty_hours",
        ],
        detail_fields=["phone", "area", "site", "point", "duty_hours"],
        nav=NAV,
        select_related=("area__parent", "site", "point"),
    )
)

PARTY_LINKS = register(
    PeopleFaces(
        namespace="people",
        name="partylink",
        model=PartyMemberLink,
        filterset_class=PartyMemberLinkFilterSet,
        form_class=PartyMemberLinkForm,
        excel_class=PartyMemberLinkLedger,
        list_columns=["name", "phone", STREET, COMMUNITY, SITE, "building", "households_linked"],
        detail_fields=["name", "phone", "party_branch", "area", "site", "building", "households_linked"],
        nav=NAV,
    )
)

KITCHEN_GROUPS = register(
    PeopleFaces(
        namespace="people",
        name="kitchengroup",
        model=KitchenWasteGroup,
        filterset_class=KitchenWasteGroupFilterSet,
        form_class=KitchenWasteGroupForm,
        excel_class=KitchenWasteGroupLedger,
        list_columns=[
            "name",
            Column(_("Street"), lambda o: o.area.name),
            "leader",
            "phone",
            Column(_("Members"), lambda o: len(o.member_names)),
        ],
        detail_fields=["area", "leader", "phone"],
        extra_facts=[(_("Members"), lambda o: "、".join(o.member_names) or "—")],
        nav=NAV,
    )
)

FOUR_PARTY = register(
    PeopleFaces(
        namespace="people",
        name="fourparty",
        model=FourPartyLinkage,
        filterset_class=FourPartyLinkageFilterSet,
        form_class=FourPartyLinkageForm,
        excel_class=FourPartyLinkageLedger,
        list_columns=[
            SITE,
            STREET,
            COMMUNITY,
            "party_contact",
            "community_contact",
            "owners_contact",
            "property_contact",
        ],
        detail_fields=[
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
        ],
        nav=NAV,
    )
)

PARTICIPATION = register(
    PeopleFaces(
        namespace="people",
        name="participation",
        model=Participation,
        filterset_class=ParticipationFilterSet,
        form_class=ParticipationForm,
        excel_class=ParticipationLedger,
        list_columns=[
            SITE,
            STREET,
            COMMUNITY,
            "recorded_on",
            "registered_households",
            "participating_households",
            Column(_("Participation rate"), lambda o: _percent(o.rate)),
        ],
        detail_fields=["area", "site", "recorded_on", "registered_households", "participating_households"],
        extra_facts=[(_("Participation rate"), lambda o: _percent(o.rate))],
        nav=NAV,
    )
)


class IndexView(LoginRequiredMixin, View):
    """The people ledgers the user may look at, with the number of open rows in each."""

    def get(self, request):
        faces = [f for f in REGISTRY.values() if can_anywhere(request.user, Action.VIEW, f.model)]
        counts = selectors.open_counts(request.user, [f.model for f in faces])
        ledgers = [
            {
                "title": f.model._meta.verbose_name_plural,
                "url": f.url_name("list"),
                "count": counts[f.model],
            }
            for f in faces
        ]
        return render(
            request,
            "people/index.html",
            {"ledgers": ledgers, "title": _("People"), "nav_active": NAV},
        )
