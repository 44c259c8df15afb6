"""The knowledge contest in the API: public (no sign-in), throttled like every anonymous call.

POST quiz/rounds/ deals a round (a write: the per-client limits count it), GET quiz/rounds/<token>/
reads it, POST quiz/rounds/<token>/answers/ scores it on the server (once: sent again, the same score
comes back with `counted: false`). The right answers are only given once the round is scored.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from fenlei.public import quiz
from fenlei.public.limits import client_digest
from fenlei.public.models import Attempt


class QuestionOut(serializers.Serializer):
    number = serializers.IntegerField()
    text = serializers.CharField()
    options = serializers.ListField(child=serializers.CharField())
    #: Only once the round is scored:
    answer = serializers.IntegerField(required=False)
    chosen = serializers.IntegerField(required=False, allow_null=True)
    right = serializers.BooleanField(required=False)
    explanation = serializers.CharField(required=False)


class RoundOut(serializers.Serializer):
    token = serializers.UUIDField()
    total = serializers.IntegerField()
    score = serializers.IntegerField(allow_null=True)
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    community = serializers.CharField(allow_null=True)
    school = serializers.CharField(allow_null=True)
    questions = QuestionOut(many=True)


class AnswersOut(RoundOut):
    counted = serializers.BooleanField(help_text="false when the round had already been scored")


class StartIn(serializers.Serializer):
    community = serializers.IntegerField(required=False, allow_null=True, help_text="a community's id")
    school = serializers.IntegerField(required=False, allow_null=True, help_text="a school's (site's) id")


class AnswersIn(serializers.Serializer):
    answers = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=5),
        help_text="the chosen option of each question, in order, counted from 0",
    )


def round_data(attempt: Attempt) -> dict:
    finished = attempt.finished_at is not None
    if finished:
        questions = [
            {k: r[k] for k in ("number", "text", "options", "answer", "chosen", "right", "explanation")}
            for r in quiz.results(attempt)
        ]
    else:
        questions = [
            {"number": n, "text": q["text"], "options": q["options"]}
            for n, q in enumerate(attempt.questions, start=1)
        ]
    return {
        "token": attempt.token,
        "total": attempt.total,
        "score": attempt.score,
        "started_at": attempt.started_at,
        "finished_at": attempt.finished_at,
        "community": attempt.community.name if attempt.community_id else None,
        "school": attempt.school.name if attempt.school_id else None,
        "questions": questions,
    }


def _refuse(exc: ValidationError):
    """A service's refusal as the API answers it: 429 at a limit, 400 naming the field otherwise."""
    if getattr(exc, "code", None) == "limit" or any(
        getattr(e, "code", None) == "limit" for e in getattr(exc, "error_list", [])
    ):
        raise Throttled(detail=" ".join(exc.messages))
    if hasattr(exc, "error_dict"):
        raise serializers.ValidationError(exc.message_dict)
    raise serializers.ValidationError({"non_field_errors": exc.messages})


class RoundsApi(APIView):
    """Deal a new round of the contest (say where you are from, or not)."""

    permission_classes = [AllowAny]

    @extend_schema(request=StartIn, responses={201: RoundOut})
    def post(self, request):
        given = StartIn(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            attempt = quiz.deal(
                client=client_digest(request),
                community=given.validated_data.get("community"),
                school=given.validated_data.get("school"),
            )
        except ValidationError as exc:
            _refuse(exc)
        return Response(RoundOut(round_data(attempt)).data, status=status.HTTP_201_CREATED)


class RoundApi(APIView):
    """One round, by its token: its questions; once scored, the answers and explanations too."""

    permission_classes = [AllowAny]

    @extend_schema(responses=RoundOut)
    def get(self, request, token):
        attempt = get_object_or_404(Attempt.objects.select_related("community", "school"), token=token)
        return Response(RoundOut(round_data(attempt)).data)


class AnswersApi(APIView):
    """Send a round's answers and get the score: counted once, however often it is sent."""

    permission_classes = [AllowAny]

    @extend_schema(request=AnswersIn, responses=AnswersOut)
    def post(self, request, token):
        attempt = get_object_or_404(Attempt.objects.select_related("community", "school"), token=token)
        given = AnswersIn(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            attempt, counted = quiz.submit(attempt=attempt, answers=given.validated_data["answers"])
        except ValidationError as exc:
            _refuse(exc)
        return Response(AnswersOut({**round_data(attempt), "counted": counted}).data)


urlpatterns = [
    path("quiz/rounds/", RoundsApi.as_view(), name="quiz-rounds"),
    path("quiz/rounds/<uuid:token>/", RoundApi.as_view(), name="quiz-round"),
    path("quiz/rounds/<uuid:token>/answers/", AnswersApi.as_view(), name="quiz-answers"),
]
