"""The residents' lookup in the API: public (no sign-in), throttled like every anonymous call."""

from __future__ import annotations

from django.conf import settings
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from fenlei.public.advice import advice_of
from fenlei.public.lookup import index, lookup
from fenlei.public.views import MAX_QUERY


class LookupApi(APIView):
    """Which bin an item goes in (the same answer as the page and `fenlei lookup`)."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True, description="the item's name, pinyin or initials")
        ],
        responses=inline_serializer(
            "LookupAnswer",
            {
                "name": serializers.CharField(),
                "category": serializers.CharField(),
                "confidence": serializers.FloatField(),
                "source": serializers.ChoiceField(
                    choices=["dictionary", "model"],
                    help_text="dictionary: the item was found; model: a suggestion for a name the dictionary "
                    "does not hold (or, with category unknown, the model was not sure)",
                ),
                "item": serializers.CharField(help_text="the dictionary item found; empty for a suggestion"),
                "advice": serializers.CharField(),
                "rules": serializers.CharField(help_text="the sorting rules the dictionary follows"),
            },
        ),
    )
    def get(self, request):
        query = (request.query_params.get("q") or "").strip()
        if not query or len(query) > MAX_QUERY:
            raise serializers.ValidationError({"q": [_("Give an item's name (at most 40 characters).")]})
        answer = lookup(query, index())
        return Response(
            {
                **answer.as_json(),
                "item": answer.item,
                "advice": advice_of(answer),
                "rules": settings.FENLEI_ITEM_RULES,
            }
        )


urlpatterns = [path("lookup/", LookupApi.as_view(), name="lookup")]
