"""The taxonomy API: the categories (reference data every role reads) and the district's streams."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.response import Response

from fenlei.core.api import ScopedViewSet
from fenlei.taxonomy import selectors
from fenlei.taxonomy.api.serializers import CategorySerializer, StreamSerializer
from fenlei.taxonomy.models import Category


class CategoryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The waste categories: the four national ones, their sub-categories and the special streams."""

    queryset = Category.objects.select_related("parent")
    serializer_class = CategorySerializer
    filterset_fields = ["kind"]


class StreamViewSet(viewsets.ViewSet):
    """The streams of the district's sorting scheme (setting FENLEI_SCHEME), each with its category."""

    lookup_field = "code"
    lookup_value_regex = "[a-z_]+"

    @extend_schema(responses=StreamSerializer(many=True))
    def list(self, request):
        return Response(StreamSerializer(selectors.streams(request.user), many=True).data)

    @extend_schema(
        responses=StreamSerializer,
        parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH, description="Stream code")],
    )
    def retrieve(self, request, code=None):
        row = next((r for r in selectors.streams(request.user) if r.stream.code == code), None)
        if row is None:
            raise Http404
        return Response(StreamSerializer(row).data)
