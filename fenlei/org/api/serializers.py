"""Serializers of the structure.

A row is written with the ids of what it points at and read back with brief nested representations
of them (`{id, url, name, …}`). Counts come from the viewsets' annotations, never from a query per
row. Validation lives in the models' `clean()` and the services; these only carry fields.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from rest_framework import exceptions, serializers

from fenlei.core.roles import Action
from fenlei.core.scoping import for_user
from fenlei.org.models import Area, Authority, Hauler, Site, SiteKind

# --- brief nested representations ----------------------------------------------------------------


class BriefAreaSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="org-api:area-detail")
    kind = serializers.CharField(read_only=True)  # a plain string here; the Area schema names the choices
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Area
        fields = ["id", "url", "name", "kind", "kind_display", "path", "depth"]


class BriefSiteKindSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="org-api:sitekind-detail")
    label = serializers.CharField(read_only=True)

    class Meta:
        model = SiteKind
        fields = ["id", "url", "code", "name", "label"]


class BriefAuthoritySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="org-api:authority-detail")

    class Meta:
        model = Authority
        fields = ["id", "url", "name"]


class BriefHaulerSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="org-api:hauler-detail")

    class Meta:
        model = Hauler
        fields = ["id", "url", "name"]


# --- related fields ----------------------------------------------------------------------------


class BriefRelatedField(serializers.PrimaryKeyRelatedField):
    """Written as the related row's id, read as its brief representation.

    With `scoped=True` the id is looked up among the rows the caller may see; the value the row
    already holds is always accepted, so a PUT that repeats it works for everyone who may edit.
    """

    def __init__(self, brief: type[serializers.Serializer], scoped: bool = False, **kwargs):
        self.brief = brief
        self.scoped = scoped
        super().__init__(**kwargs)

    def use_pk_only_optimization(self) -> bool:
        return False  # the brief representation needs the row (fetched by select_related)

    def to_representation(self, value):
        # One brief serializer per bound field, reused for every row (building one is not cheap).
        brief = getattr(self, "_brief_serializer", None)
        if brief is None:
            brief = self._brief_serializer = self.brief(context=self.context)
        return brief.to_representation(value)

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if self.scoped and queryset is not None:
            queryset = for_user(getattr(request, "user", None), Action.VIEW, queryset)
        return queryset

    def get_choices(self, cutoff=None):
        # The browsable API keys its <select> by the id, not by the (unhashable) representation.
        queryset = self.get_queryset()
        if queryset is None:
            return {}
        if cutoff is not None:
            queryset = queryset[:cutoff]
        return {item.pk: self.display_value(item) for item in queryset}

    def current_value(self, pk):
        """The row the edited instance already points at, if `pk` names it."""
        instance = getattr(self.parent, "instance", None)
        if instance is None or isinstance(instance, list | tuple) or not self.source:
            return None
        if str(getattr(instance, f"{self.source}_id", None)) == str(pk):
            return getattr(instance, self.source)
        return None

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("incorrect_type", data_type=type(data).__name__)
        current = self.current_value(data)
        if current is not None:
            return current
        return super().to_internal_value(data)


class PlacementField(BriefRelatedField):
    """The area a row is placed in (an area's parent, a site's community, an authority's district).

    It is looked up among the areas the caller may see. When creating, an area the caller cannot see
    (or that does not exist) answers 404; when editing, naming one answers 403 (the row is in scope,
    the move is not allowed). Whether the caller may *place* rows there is the viewset's check.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Area.objects.all())
        super().__init__(BriefAreaSerializer, scoped=True, **kwargs)

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if "does_not_exist" not in exc.get_codes():
                raise
            if getattr(self.parent, "instance", None) is None:
                raise exceptions.NotFound(
                    _("The area {pk} does not exist or is outside your scope.").format(pk=data)
                ) from None
            raise exceptions.PermissionDenied(
                _("You may not place this record in the area {pk}.").format(pk=data)
            ) from None


class BriefRelatedFieldExtension(OpenApiSerializerFieldExtension):
    """OpenAPI: an id in requests, the brief nested object in responses."""

    target_class = BriefRelatedField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return build_basic_type(OpenApiTypes.INT)
        return auto_schema.resolve_serializer(self.target.brief, direction).ref


# --- full representations ----------------------------------------------------------------------


class AreaSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="org-api:area-detail")
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    parent = PlacementField(
        required=False,
        allow_null=True,
        help_text=_(
            "The parent area (its id when writing). Only a superuser adds a root area; change it with “move”."
        ),
    )
    children_count = serializers.IntegerField(
        read_only=True, help_text=_("Open areas directly under this one.")
    )
    sites_count = serializers.IntegerField(
        read_only=True, help_text=_("Open sites placed in this area (communities and villages hold sites).")
    )

    class Meta:
        model = Area
        fields = [
            "id",
            "url",
            "name",
            "code",
            "kind",
            "kind_display",
            "parent",
            "path",
            "depth",
            "households",
            "population",
            "rural",
            "latitude",
            "longitude",
            "closed_on",
            "children_count",
            "sites_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["path", "depth", "closed_on", "created_at", "updated_at"]
        validators: list = []  # uniqueness is checked by Area.clean(), with its message on the field


class SiteKindSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="org-api:sitekind-detail")
    label = serializers.CharField(read_only=True, help_text=_("The name in the caller's language."))

    class Meta:
        model = SiteKind
        fields = [
            "id",
            "url",
            "code",
            "name",
            "name_en",
            "label",
            "residential",
            "public_institution",
            "restaurant",
            "position",
            "active",
        ]
        read_only_fields = fields


class SiteSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="org-api:site-detail")
    kind = BriefRelatedField(BriefSiteKindSerializer, queryset=SiteKind.objects.all())
    community = PlacementField(help_text=_("The community or village the site is in (its id when writing)."))
    street = BriefAreaSerializer(source="community.parent", read_only=True)
    authority = BriefRelatedField(
        BriefAuthoritySerializer,
        scoped=True,
        queryset=Authority.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("The industry authority (its id when writing); required for public institutions."),
    )

    class Meta:
        model = Site
        fields = [
            "id",
            "url",
            "name",
            "code",
            "kind",
            "community",
            "street",
            "address",
            "latitude",
            "longitude",
            "households",
            "population",
            "responsible_person",
            "responsible_phone",
            "property_company",
            "authority",
            "area_path",
            "closed_on",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["area_path", "closed_on", "created_at", "updated_at"]
        validators: list = []


class AuthoritySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="org-api:authority-detail")
    district = PlacementField(
        help_text=_("The district (or city) the authority serves (its id when writing).")
    )
    sites_count = serializers.IntegerField(read_only=True, help_text=_("Open sites this authority oversees."))

    class Meta:
        model = Authority
        fields = [
            "id",
            "url",
            "name",
            "code",
            "sector",
            "district",
            "contact_person",
            "phone",
            "area_path",
            "closed_on",
            "sites_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["area_path", "closed_on", "created_at", "updated_at"]
        validators: list = []


class HaulerSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="org-api:hauler-detail")
    district = PlacementField(help_text=_("The district (or city) the hauler serves (its id when writing)."))

    class Meta:
        model = Hauler
        fields = [
            "id",
            "url",
            "name",
            "code",
            "licence_no",
            "district",
            "contact_person",
            "phone",
            "address",
            "area_path",
            "closed_on",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["area_path", "closed_on", "created_at", "updated_at"]
        validators: list = []


# --- action bodies -----------------------------------------------------------------------------


class MoveSerializer(serializers.Serializer):
    new_parent = PlacementField(help_text=_("The id of the area to place this one under."))
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class ReopenSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)
