"""The people ledgers' REST API: `PlacedViewSet` with personal data masked for readers, annotated
lists, and rows that take their place from the row they belong to."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions
from rest_framework.decorators import action

from fenlei.core import audit
from fenlei.core.api import AuditEntrySerializer
from fenlei.org.api.placed import PlacedViewSet
from fenlei.people import selectors, services
from fenlei.people.api import serializers as s
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
from fenlei.people.masking import mask_history, with_keeper
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


class PeopleViewSet(PlacedViewSet):
    """A people ledger: scoped, audited, personal data masked for whoever does not keep the row."""

    related: tuple[str, ...] = ()

    def decorate(self, queryset):
        queryset = super().decorate(queryset)
        if self.related:  # (an empty select_related() would follow every non-null key instead)
            queryset = queryset.select_related(*self.related)
        return with_keeper(queryset, self.request.user)

    def update_service(self, instance, user, data):
        return services.update(instance, by=user, data=data)

    @extend_schema(responses=AuditEntrySerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        """The audit history of this record, newest first (personal data masked for readers)."""
        obj = self.get_object()
        page = mask_history(request.user, obj, self.paginate_queryset(audit.history(obj)))
        return self.get_paginated_response(AuditEntrySerializer(page, many=True).data)


class ChildViewSet(PeopleViewSet):
    """Rows that belong to another row: placed where their parent is; moving one to another parent
    needs the add action where that parent is."""

    def check_create(self, instance) -> None:
        instance.take_place()
        super().check_create(instance)

    def check_update(self, instance, changes: dict) -> None:
        fk = instance.parent_field
        if fk in changes and not self.may_place(changes[fk].area):
            raise exceptions.PermissionDenied(_("You may not move this record there."))
        super().check_update(instance, changes)


@extend_schema_view(list=extend_schema(summary="List leading groups"))
class LeadingGroupViewSet(PeopleViewSet):
    """Leading groups (领导小组) of the district, its streets and communities."""

    queryset = LeadingGroup.objects.all()
    serializer_class = s.LeadingGroupSerializer
    filterset_class = LeadingGroupFilterSet

    def decorate(self, queryset):
        return selectors.with_member_count(super().decorate(queryset))


@extend_schema_view(list=extend_schema(summary="List members of leading groups"))
class LeadingGroupMemberViewSet(ChildViewSet):
    """Members of leading groups, with their post in the group (组长, 常务副组长, 副组长, 成员)."""

    queryset = LeadingGroupMember.objects.all()
    serializer_class = s.LeadingGroupMemberSerializer
    filterset_class = LeadingGroupMemberFilterSet
    related = ("group",)


@extend_schema_view(list=extend_schema(summary="List volunteers"))
class VolunteerViewSet(PeopleViewSet):
    """Volunteers (志愿者, 党员, 楼栋长, 党小组长 …) with their total hours of service."""

    queryset = Volunteer.objects.all()
    serializer_class = s.VolunteerSerializer
    filterset_class = VolunteerFilterSet

    def decorate(self, queryset):
        return selectors.with_hours(super().decorate(queryset))


@extend_schema_view(list=extend_schema(summary="List volunteers' service records"))
class ServiceRecordViewSet(ChildViewSet):
    """Volunteers' service records: date, hours, what they did."""

    queryset = ServiceRecord.objects.all()
    serializer_class = s.ServiceRecordSerializer
    filterset_class = ServiceRecordFilterSet
    related = ("volunteer",)


@extend_schema_view(list=extend_schema(summary="List supervisors"))
class SupervisorViewSet(PeopleViewSet):
    """Supervisors (督导员): one record per person and drop-off point."""

    queryset = Supervisor.objects.all()
    serializer_class = s.SupervisorSerializer
    filterset_class = SupervisorFilterSet
    related = ("point",)


@extend_schema_view(list=extend_schema(summary="List party members linked to households"))
class PartyMemberLinkViewSet(PeopleViewSet):
    """Party members linked to households (党员联户)."""

    queryset = PartyMemberLink.objects.all()
    serializer_class = s.PartyMemberLinkSerializer
    filterset_class = PartyMemberLinkFilterSet


@extend_schema_view(list=extend_schema(summary="List kitchen-waste collection groups"))
class KitchenWasteGroupViewSet(PeopleViewSet):
    """The streets' kitchen-waste collection groups (餐厨垃圾收运组)."""

    queryset = KitchenWasteGroup.objects.all()
    serializer_class = s.KitchenWasteGroupSerializer
    filterset_class = KitchenWasteGroupFilterSet


@extend_schema_view(list=extend_schema(summary="List four-party linkages"))
class FourPartyLinkageViewSet(PeopleViewSet):
    """Each site's four-party linkage (四位一体)."""

    queryset = FourPartyLinkage.objects.all()
    serializer_class = s.FourPartyLinkageSerializer
    filterset_class = FourPartyLinkageFilterSet


@extend_schema_view(list=extend_schema(summary="List participating households"))
class ParticipationViewSet(PeopleViewSet):
    """Registered and participating households per site, by date of record."""

    queryset = Participation.objects.all()
    serializer_class = s.ParticipationSerializer
    filterset_class = ParticipationFilterSet
