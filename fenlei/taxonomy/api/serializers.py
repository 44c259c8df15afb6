"""Serializers of the taxonomy API. Names and colours follow the district's naming profile."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fenlei.taxonomy import naming
from fenlei.taxonomy.models import Category


class BriefCategorySerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField()
    colour = serializers.SerializerMethodField()

    class Meta:
        model = Category
        fields = ["id", "code", "label", "colour"]

    def get_label(self, obj) -> str:
        return naming.label(obj)

    def get_colour(self, obj) -> str:
        return naming.colour(obj)


class CategorySerializer(BriefCategorySerializer):
    """A waste category: `label` and `colour` as the district shows them, `name` as the national standard
    has it; `stream` is the code of the district's stream the category is collected in."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    parent = BriefCategorySerializer(read_only=True, allow_null=True)
    stream = serializers.SerializerMethodField()

    class Meta:
        model = Category
        fields = [
            "id",
            "code",
            "kind",
            "kind_label",
            "label",
            "name",
            "name_en",
            "colour",
            "parent",
            "stream",
            "description",
            "position",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_stream(self, obj) -> str | None:
        major = obj.parent if obj.parent_id else obj
        stream = naming.stream_for_category(major.code)
        return stream.code if stream else None


class StreamSerializer(serializers.Serializer):
    """A stream the district collects separately and the national category it counts as."""

    code = serializers.CharField(source="stream.code")
    label = serializers.CharField(source="stream.label")
    short_label = serializers.CharField(source="stream.short_label")
    name = serializers.CharField(source="stream.name")
    name_en = serializers.CharField(source="stream.name_en")
    centrally_collected = serializers.BooleanField(source="stream.centrally_collected")
    category = BriefCategorySerializer()
