"""The dictionary and the answers residents reported wrong, in the API (namespace public-api).

- POST feedback/ — a resident's "this answer is wrong": public (no sign-in), with the anonymous
  throttle and the per-client limits; the lookup is run again here, whatever the body claims.
- dictionary/items/ — the office's dictionary: every role reads it, the district office changes it.
- dictionary/feedback/ — the reports: every role reads them, the district office fixes the entry
  (`fix`) or keeps the answer (`dismiss`).
Every write calls `fenlei.public.services_dictionary` (validation and audit live there).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from fenlei.core.api import ScopedViewSet, validation_error
from fenlei.core.roles import Action
from fenlei.core.scoping import get_for_user, scope_q
from fenlei.public import services_dictionary as services
from fenlei.public.choices import ItemCategory
from fenlei.public.filtersets_dictionary import FeedbackFilterSet, ItemFilterSet
from fenlei.public.limits import client_digest
from fenlei.public.models import Feedback, Item

ERRORS = {
    400: OpenApiResponse(description="{field: [messages]}"),
    403: OpenApiResponse(description="Not allowed (only the district office changes the dictionary)."),
    404: OpenApiResponse(description="Not found."),
}

# --- residents -----------------------------------------------------------------------------------------


class WrongAnswerInSerializer(serializers.Serializer):
    query = serializers.CharField(max_length=services.MAX_QUERY)
    suggested = serializers.CharField(
        max_length=12,
        required=False,
        allow_blank=True,
        help_text="The category the resident thinks it is (a category code of the lookup), or empty.",
    )
    note = serializers.CharField(max_length=services.MAX_NOTE, required=False, allow_blank=True)


WrongAnswerOut = inline_serializer(
    "WrongAnswerReceived",
    {
        "query": serializers.CharField(),
        "answered": serializers.CharField(),
        "source": serializers.CharField(),
        "created": serializers.BooleanField(),
    },
)


class WrongAnswerApi(APIView):
    """A resident says the lookup's answer is wrong (no sign-in; throttled, and limited per client).

    The answer recorded is the lookup's own, run again now. The same question sent again by the same
    client while its report is open is not stored twice (200 instead of 201). Over the per-client
    limits: 429 with the reason.
    """

    permission_classes = [AllowAny]

    @extend_schema(
        request=WrongAnswerInSerializer,
        responses={
            201: WrongAnswerOut,
            200: WrongAnswerOut,
            400: ERRORS[400],
            429: OpenApiResponse(description="Too many reports from this connection."),
        },
    )
    def post(self, request):
        body = WrongAnswerInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            sent = services.feedback_submit(
                query=body.validated_data["query"],
                suggested=body.validated_data.get("suggested", ""),
                note=body.validated_data.get("note", ""),
                client=client_digest(request),
            )
        except DjangoValidationError as exc:
            if getattr(exc, "code", None) == "limit":
                return Response({"detail": exc.messages[0]}, status=status.HTTP_429_TOO_MANY_REQUESTS)
            raise validation_error(exc) from None
        row = sent.feedback
        return Response(
            {"query": row.query, "answered": row.answered, "source": row.source, "created": sent.created},
            status=status.HTTP_201_CREATED if sent.created else status.HTTP_200_OK,
        )


# --- the office ----------------------------------------------------------------------------------------


class DictionaryItemSerializer(serializers.ModelSerializer):
    """An item of the dictionary. `pinyin` and `initials` are computed from the name."""

    aliases = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, help_text="Other names."
    )

    class Meta:
        model = Item
        fields = ["id", "name", "category", "aliases", "advice", "pinyin", "initials", "active", "updated_at"]
        read_only_fields = ["id", "pinyin", "initials", "active", "updated_at"]
        # uniqueness is the service's to check (with a message naming the field)
        extra_kwargs = {"name": {"validators": []}}


class BriefDictionaryItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Item
        fields = ["id", "name", "category"]


class FeedbackSerializer(serializers.ModelSerializer):
    item = BriefDictionaryItemSerializer(read_only=True, allow_null=True)
    handled_by = serializers.CharField(source="handled_by.get_username", read_only=True, default=None)
    suggested = serializers.CharField(read_only=True, help_text="A category code, or empty.")

    class Meta:
        model = Feedback
        fields = [
            "id",
            "query",
            "item",
            "answered",
            "source",
            "suggested",
            "note",
            "state",
            "created_at",
            "handled_by",
            "handled_at",
            "reply",
        ]
        read_only_fields = fields


class FixSerializer(serializers.Serializer):
    """How to fix the entry: `item` names the item to change (default: the one that answered);
    without one (and when none answered) a new item is created, named after the question unless
    `name` says otherwise. Fields left out keep their value."""

    item = serializers.IntegerField(required=False, allow_null=True)
    new = serializers.BooleanField(required=False, default=False, help_text="Create a new item.")
    name = serializers.CharField(max_length=40, required=False)
    category = serializers.ChoiceField(choices=ItemCategory.choices, required=False)
    aliases = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    advice = serializers.CharField(max_length=200, required=False, allow_blank=True)
    reply = serializers.CharField(max_length=services.MAX_REPLY, required=False, allow_blank=True)


class DismissSerializer(serializers.Serializer):
    reply = serializers.CharField(max_length=services.MAX_REPLY)


class FixedSerializer(serializers.Serializer):
    item = DictionaryItemSerializer()
    closed = serializers.ListField(child=serializers.IntegerField(), help_text="The reports closed.")


class ClosedSerializer(serializers.Serializer):
    closed = serializers.ListField(child=serializers.IntegerField(), help_text="The reports closed.")


class DictionaryViewSet(ScopedViewSet):
    """Scoped reads; Django's validation errors as 400 (ScopedViewSet), PermissionDenied as 403."""

    def check_may(self, action_: str, model) -> None:
        if scope_q(self.request.user, action_, model) is None:
            raise exceptions.PermissionDenied


@extend_schema_view(
    list=extend_schema(summary="List the dictionary's items"),
    retrieve=extend_schema(summary="Read an item"),
    create=extend_schema(summary="Add an item", responses={201: DictionaryItemSerializer, **ERRORS}),
    update=extend_schema(summary="Change an item", responses={200: DictionaryItemSerializer, **ERRORS}),
    partial_update=extend_schema(
        summary="Change some of an item's fields", responses={200: DictionaryItemSerializer, **ERRORS}
    ),
    history=extend_schema(summary="An item's audit history"),
)
class ItemViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    DictionaryViewSet,
):
    """The item dictionary the which-bin lookup answers from (a change shows in the lookup at once)."""

    queryset = Item.objects.order_by("name")
    serializer_class = DictionaryItemSerializer
    filterset_class = ItemFilterSet

    def perform_create(self, serializer):
        self.check_may(Action.ADD, Item)
        serializer.instance = services.item_create(
            item=Item(**serializer.validated_data), by=self.request.user
        )

    def perform_update(self, serializer):
        serializer.instance = services.item_update(
            item=serializer.instance, by=self.request.user, data=dict(serializer.validated_data)
        )

    @extend_schema(
        summary="Take an item out of use", request=None, responses={200: DictionaryItemSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        item = services.item_deactivate(item=self.get_object(), by=request.user)
        return Response(DictionaryItemSerializer(item).data)

    @extend_schema(
        summary="Put an item back in use", request=None, responses={200: DictionaryItemSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        item = services.item_reactivate(item=self.get_object(), by=request.user)
        return Response(DictionaryItemSerializer(item).data)


@extend_schema_view(
    list=extend_schema(summary="List the answers reported wrong (newest first)"),
    retrieve=extend_schema(summary="Read a report"),
    history=extend_schema(summary="A report's audit history"),
)
class FeedbackViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, DictionaryViewSet):
    """Residents' reports that an answer is wrong, and the office's answer to them."""

    queryset = Feedback.objects.select_related("item", "handled_by")
    serializer_class = FeedbackSerializer
    filterset_class = FeedbackFilterSet
    write_actions = {**ScopedViewSet.write_actions, "fix": Action.CHANGE, "dismiss": Action.CHANGE}

    @extend_schema(
        summary="Fix the entry and close the reports of the question and of the item",
        request=FixSerializer,
        responses={200: FixedSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def fix(self, request, pk=None):
        feedback = self.get_object()
        body = FixSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        chosen, new, reply = data.pop("item", None), data.pop("new"), data.pop("reply", "")
        if new or (chosen is None and feedback.item_id is None):
            self.check_may(Action.ADD, Item)
            if "category" not in data:
                raise exceptions.ValidationError({"category": [_("Give the new item's category.")]})
            item = Item(name=data.pop("name", feedback.query[:40]))
        else:
            item = get_for_user(request.user, Action.CHANGE, Item, pk=chosen or feedback.item_id)
        item, closed = services.feedback_fix(
            feedback=feedback, item=item, by=request.user, data=data, reply=reply
        )
        return Response({"item": DictionaryItemSerializer(item).data, "closed": [r.pk for r in closed]})

    @extend_schema(
        summary="Keep the answer and close the reports of the question",
        request=DismissSerializer,
        responses={200: ClosedSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        feedback = self.get_object()
        body = DismissSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        closed = services.feedback_dismiss(
            feedback=feedback, by=request.user, reply=body.validated_data["reply"]
        )
        return Response({"closed": [r.pk for r in closed]})


router = SimpleRouter()
router.register("dictionary/items", ItemViewSet, basename="dictionary-item")
router.register("dictionary/feedback", FeedbackViewSet, basename="dictionary-feedback")

urlpatterns = [path("feedback/", WrongAnswerApi.as_view(), name="feedback"), *router.urls]
