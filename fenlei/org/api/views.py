"""The structure's REST API: areas, sites, site kinds, industry authorities and hauliers.

Every read goes through the scoping function (ScopedViewSet); every write calls `fenlei.org.services`.
What this module adds is *where* a caller may put a row: a new row (or a row moved elsewhere) must be
placed in an area where one of the caller's area roles grants the add action on that model
(`placeable_areas`). Lists are annotated so that their query count does not grow with the rows.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Func, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from fenlei.core.api import CloseSerializer, ScopedViewSet, ServiceWriteMixin, close_response
from fenlei.core.roles import Action
from fenlei.core.scoping import can, placeable_areas
from fenlei.org import selectors, services
from fenlei.org.api.serializers import (
    AreaSerializer,
    AuthoritySerializer,
    HaulerSerializer,
    MoveSerializer,
    ReopenSerializer,
    SiteKindSerializer,
    SiteSerializer,
)
from fenlei.org.filtersets import (
    AreaFilterSet,
    AuthorityFilterSet,
    HaulerFilterSet,
    SiteFilterSet,
)
from fenlei.org.models import Area, Authority, Hauler, Site, SiteKind


def reopen_response(viewset, service, *, name: str):
    """Reopen the viewset's object through `service` (a `{name}_reopen` service) and answer its data."""
    obj = viewset.get_object()
    body = ReopenSerializer(data=viewset.request.data)
    body.is_valid(raise_exception=True)
    obj = service(by=viewset.request.user, note=body.validated_data.get("note", ""), **{name: obj})
    return Response(viewset.get_serializer(obj).data)


def count_of(queryset) -> Coalesce:
    """A correlated `COUNT(*)` of `queryset` (filtered on OuterRef), for an annotation."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


class StructureViewSet(ScopedViewSet):
    """The common base: scoped reads, list-only filters, annotated querysets."""

    def decorate(self, queryset):
        """`queryset` with the joins and annotations the serializer reads."""
        return queryset

    def get_queryset(self):
        return self.decorate(super().get_queryset())

    def refetch(self, obj):
        """`obj` read again as the list reads it (annotations included), after a write."""
        return self.decorate(type(obj)._default_manager.filter(pk=obj.pk)).get()


class WritableViewSet(ServiceWriteMixin, StructureViewSet):
    """Create and update through the services, with the placement rules of the structure.

    `placement` names the field holding the area a row is placed in. A caller whose change right
    comes from a role held over the row itself changes only `selectors.editable_fields`.
    """

    placement: str = ""

    def may_place(self, area: Area | None) -> bool:
        user = self.request.user
        if area is None:
            return user.is_superuser
        return placeable_areas(
            user, Action.ADD, self.queryset.model, Area.objects.filter(pk=area.pk)
        ).exists()

    def check_create(self, instance) -> None:
        if not self.may_place(getattr(instance, self.placement)):
            raise exceptions.PermissionDenied(_("You may not add this record there."))

    def check_update(self, instance, changes: dict) -> None:
        if self.placement in changes and not self.may_place(changes[self.placement]):
            raise exceptions.PermissionDenied(_("You may not move this record there."))
        allowed = selectors.editable_fields(self.request.user, instance)
        if allowed is not None and set(changes) - allowed:
            raise exceptions.PermissionDenied(
                _("You may change only these fields: {fields}.").format(fields=", ".join(sorted(allowed)))
            )

    def perform_create(self, serializer):
        super().perform_create(serializer)
        serializer.instance = self.refetch(serializer.instance)

    def perform_update(self, serializer):
        instance = serializer.instance
        # Only what differs reaches the service: a PUT repeating a value changes (and audits) nothing.
        changes = {k: v for k, v in serializer.validated_data.items() if getattr(instance, k) != v}
        with transaction.atomic():
            self.check_update(instance, changes)
            obj = self.update_service(instance, self.request.user, changes)
        serializer.instance = self.refetch(obj)


def _create_examples(summary: str, value: dict) -> list[OpenApiExample]:
    return [OpenApiExample(summary, value=value, request_only=True)]


# --- areas -------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List areas"),
    retrieve=extend_schema(summary="Read an area"),
    create=extend_schema(
        summary="Add an area under a parent",
        description="The caller must hold the add action on areas over the parent (404 if the parent is "
        "outside its scope, 403 if it may see but not add there).",
        examples=_create_examples(
            "A community in a street",
            {
                "name": "丙一社区",
                "kind": "community",
                "parent": 2,
                "code": "330102001001",
                "households": 1200,
                "population": 3100,
            },
        ),
    ),
    update=extend_schema(summary="Change an area"),
    partial_update=extend_schema(summary="Change some of an area's fields"),
)
class AreaViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WritableViewSet):
    """The administrative tree. Closing, reopening and moving an area needs the close action over
    its *parent*: a street administrator closes a community of its street, not its street."""

    queryset = Area.objects.all()
    serializer_class = AreaSerializer
    filterset_class = AreaFilterSet
    filtered_actions = frozenset({"list", "children"})
    write_actions = {"update": Action.CHANGE, "partial_update": Action.CHANGE}
    placement = "parent"

    def decorate(self, queryset):
        return queryset.select_related("parent").annotate(
            children_count=count_of(Area.objects.filter(parent=OuterRef("pk"), closed_on__isnull=True)),
            sites_count=count_of(Site.objects.filter(community=OuterRef("pk"), closed_on__isnull=True)),
        )

    def get_object(self):
        area = super().get_object()
        if self.action in ("close", "reopen", "move") and not self.may_close(area):
            raise exceptions.PermissionDenied(
                _("Closing, reopening or moving an area needs the close right over its parent.")
            )
        return area

    def may_close(self, area: Area) -> bool:
        user = self.request.user
        if area.parent_id is None:
            return user.is_superuser
        return can(user, Action.CLOSE, area.parent)

    def check_update(self, instance, changes):
        pass  # the parent changes only through "move"; area_update refuses it with a 400

    def create_service(self, instance, user):
        return services.area_create(area=instance, by=user)

    def update_service(self, instance, user, data):
        return services.area_update(area=instance, by=user, data=data)

    @extend_schema(summary="Close an area", request=CloseSerializer, responses=AreaSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the area (its open children and sites must be closed or moved first)."""
        return close_response(self, services.area_close, name="area")

    @extend_schema(summary="Reopen an area", request=ReopenSerializer, responses=AreaSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        area = self.get_object()
        body = ReopenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        area = services.area_reopen(area=area, by=request.user, note=body.validated_data.get("note", ""))
        return Response(self.get_serializer(area).data)

    @extend_schema(
        summary="Move an area under another parent",
        description="Rewrites the paths of the area, its descendants and every row placed below it. "
        "Needs the close action over the current parent and the add action over the new one.",
        request=MoveSerializer,
        responses=AreaSerializer,
        examples=[
            OpenApiExample("Move a community to another street", value={"new_parent": 3}, request_only=True)
        ],
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        area = self.get_object()
        body = MoveSerializer(
            area, data=request.data, context=self.get_serializer_context()
        )  # in scope: 403, not 404
        body.is_valid(raise_exception=True)
        new_parent = body.validated_data["new_parent"]
        if not self.may_place(new_parent):
            raise exceptions.PermissionDenied(_("You may not place an area there."))
        area = services.area_move(
            area=area, new_parent=new_parent, by=request.user, note=body.validated_data.get("note", "")
        )
        return Response(self.get_serializer(self.refetch(area)).data)

    @extend_schema(summary="List the areas directly under an area", responses=AreaSerializer(many=True))
    @action(detail=True, methods=["get"])
    def children(self, request, pk=None):
        """The child areas (open ones unless `status` says otherwise), paginated, with the list's filters."""
        area = get_object_or_404(self.get_queryset(), pk=pk)  # unfiltered: a closed area has children too
        children = self.filter_queryset(self.get_queryset().filter(parent=area))
        page = self.paginate_queryset(children)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# --- sites -------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List sites"),
    retrieve=extend_schema(summary="Read a site"),
    create=extend_schema(
        summary="Add a site to a community",
        description="The caller must hold the add action on sites over the community.",
        examples=_create_examples(
            "A managed estate",
            {
                "name": "甲一新苑",
                "kind": 1,
                "community": 4,
                "address": "甲一路 8 号",
                "households": 320,
                "population": 800,
                "responsible_person": "王经理",
                "responsible_phone": "0571-8888 0000",
                "property_company": "甲一物业",
            },
        ),
    ),
    update=extend_schema(summary="Change a site"),
    partial_update=extend_schema(
        summary="Change some of a site's fields",
        description="Moving a site to another community needs the add action on sites there (403 "
        "otherwise: a site manager edits its site where it is).",
    ),
)
class SiteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WritableViewSet):
    """Sites (小区, 单位, 学校 …): seen by the areas above them, their managers and their authority."""

    queryset = Site.objects.all()
    serializer_class = SiteSerializer
    filterset_class = SiteFilterSet
    placement = "community"

    def decorate(self, queryset):
        return queryset.select_related("kind", "community__parent", "authority")

    def create_service(self, instance, user):
        return services.site_create(site=instance, by=user)

    def update_service(self, instance, user, data):
        return services.site_update(site=instance, by=user, data=data)

    @extend_schema(summary="Close a site", request=CloseSerializer, responses=SiteSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return close_response(self, services.site_close, name="site")

    @extend_schema(summary="Reopen a site", request=ReopenSerializer, responses=SiteSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return reopen_response(self, services.site_reopen, name="site")


# --- site kinds ----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List site kinds"), retrieve=extend_schema(summary="Read a site kind")
)
class SiteKindViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, StructureViewSet):
    """The kinds of site: reference data every signed-in user reads."""

    queryset = SiteKind.objects.all()
    serializer_class = SiteKindSerializer


# --- authorities and hauliers ------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List industry authorities"),
    retrieve=extend_schema(summary="Read an industry authority"),
    create=extend_schema(
        summary="Add an industry authority",
        examples=_create_examples(
            "The district education bureau",
            {
                "name": "区教育局",
                "sector": "教育",
                "district": 1,
                "contact_person": "李科长",
                "phone": "0571-8765 4321",
            },
        ),
    ),
    update=extend_schema(summary="Change an industry authority"),
    partial_update=extend_schema(summary="Change some of an industry authority's fields"),
)
class AuthorityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WritableViewSet):
    """Industry authorities (行业主管部门), kept by the district office."""

    queryset = Authority.objects.all()
    serializer_class = AuthoritySerializer
    filterset_class = AuthorityFilterSet
    placement = "district"

    def decorate(self, queryset):
        return queryset.select_related("district").annotate(
            sites_count=count_of(Site.objects.filter(authority=OuterRef("pk"), closed_on__isnull=True)),
        )

    def create_service(self, instance, user):
        return services.authority_create(authority=instance, by=user)

    def update_service(self, instance, user, data):
        return services.authority_update(authority=instance, by=user, data=data)

    @extend_schema(
        summary="Close an industry authority", request=CloseSerializer, responses=AuthoritySerializer
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the authority (the sites it oversees must be given to another one first)."""
        return close_response(self, services.authority_close, name="authority")

    @extend_schema(
        summary="Reopen an industry authority", request=ReopenSerializer, responses=AuthoritySerializer
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return reopen_response(self, services.authority_reopen, name="authority")


@extend_schema_view(
    list=extend_schema(summary="List hauliers"),
    retrieve=extend_schema(summary="Read a hauler"),
    create=extend_schema(
        summary="Add a hauler",
        examples=_create_examples(
            "A collection company",
            {
                "name": "绿洁环卫",
                "licence_no": "HZ-2025-018",
                "district": 1,
                "contact_person": "陈队长",
                "phone": "138 0000 1234",
                "address": "东湖路 1 号",
            },
        ),
    ),
    update=extend_schema(summary="Change a hauler"),
    partial_update=extend_schema(
        summary="Change some of a hauler's fields",
        description="A hauler's own account may change only its contact fields (contact_person, phone, "
        "address); 403 for any other field.",
    ),
)
class HaulerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WritableViewSet):
    """Hauliers (收运单位): kept by the district office; each hauler sees and updates its own contacts."""

    queryset = Hauler.objects.all()
    serializer_class = HaulerSerializer
    filterset_class = HaulerFilterSet
    placement = "district"

    def decorate(self, queryset):
        return queryset.select_related("district")

    def create_service(self, instance, user):
        return services.hauler_create(hauler=instance, by=user)

    def update_service(self, instance, user, data):
        return services.hauler_update(hauler=instance, by=user, data=data)

    @extend_schema(summary="Close a hauler", request=CloseSerializer, responses=HaulerSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return close_response(self, services.hauler_close, name="hauler")

    @extend_schema(summary="Reopen a hauler", request=ReopenSerializer, responses=HaulerSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return reopen_response(self, services.hauler_reopen, name="hauler")
