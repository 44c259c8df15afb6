"""The REST face every ledger of placed rows shares: one serializer and one viewset per ledger,
built from the model and its FilterSet."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from fenlei.core import services as core_services
from fenlei.core.api import CloseSerializer
from fenlei.org.api.serializers import (
    BriefAreaSerializer,
    BriefRelatedField,
    PlacementField,
    ReopenSerializer,
)
from fenlei.org.api.views import WritableViewSet
from fenlei.org.models import Site


class BriefSiteSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="org-api:site-detail")

    class Meta:
        model = Site
        fields = ["id", "url", "name"]


def placed_serializer(model, fields: list[str], *, view_name: str, extra: dict | None = None):
    """A ModelSerializer for a placed ledger: area (written as an id), its street, the site, then `fields`."""
    meta = type(
        "Meta",
        (),
        {
            "model": model,
            "fields": [
                "id",
                "url",
                "area",
                "street",
                "site",
                *fields,
                "area_path",
                "closed_on",
                "created_at",
                "updated_at",
            ],
            "read_only_fields": ["area_path", "closed_on", "created_at", "updated_at"],
            "validators": [],
        },
    )
    attrs = {
        "Meta": meta,
        "url": serializers.HyperlinkedIdentityField(view_name=view_name),
        "area": PlacementField(
            help_text=_("The community (or street) the record belongs to (its id when writing).")
        ),
        "street": BriefAreaSerializer(source="street_area", read_only=True),
        "site": BriefRelatedField(
            BriefSiteSerializer,
            scoped=True,
            queryset=Site.objects.all(),
            required=False,
            allow_null=True,
            help_text=_("The site within the area (its id), if any."),
        ),
        **(extra or {}),
    }
    return type(f"{model.__name__}Serializer", (serializers.ModelSerializer,), attrs)


class PlacedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WritableViewSet):
    """List, read, create, change, close and reopen the rows of one ledger, scoped; writes through
    the core services (validation, audit)."""

    placement = "area"

    def decorate(self, queryset):
        return queryset.select_related("area__parent", "site")

    def create_service(self, instance, user):
        return core_services.create(instance, by=user)

    def update_service(self, instance, user, data):
        return core_services.update(instance, by=user, data=data)

    @extend_schema(summary="Close a record", request=CloseSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        obj = self.get_object()
        body = CloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        obj = core_services.close(
            obj, by=request.user, on=body.validated_data.get("on"), note=body.validated_data.get("note", "")
        )
        return Response(self.get_serializer(self.refetch(obj)).data)

    @extend_schema(summary="Reopen a closed record", request=ReopenSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        obj = self.get_object()
        body = ReopenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        obj = core_services.reopen(obj, by=request.user, note=body.validated_data.get("note", ""))
        return Response(self.get_serializer(self.refetch(obj)).data)
