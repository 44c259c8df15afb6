"""The knowledge contest's pages: the residents' quiz (public, no sign-in, plain forms that work
without script on any phone) and the office's pages (participation, questions)."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from fenlei.core.periods import Period
from fenlei.core.roles import Action
from fenlei.core.scoping import can_anywhere, for_user, get_for_user
from fenlei.core.views import ServiceFormView, attach_errors
from fenlei.public import quiz
from fenlei.public.choices import QuestionSource
from fenlei.public.forms_quiz import AnswersForm, QuestionForm, StartForm
from fenlei.public.limits import client_digest
from fenlei.public.models import Attempt, Question

# --- the residents' pages ----------------------------------------------------------------------------


class StartView(View):
    """The contest's first page: say where you are from (or not) and start a round."""

    http_method_names = ["get", "post"]

    def get(self, request):
        return render(request, "public/quiz/start.html", {"form": StartForm(), "size": quiz.ROUND_SIZE})

    def post(self, request):
        form = StartForm(request.POST)
        if form.is_valid():
            try:
                attempt = quiz.deal(
                    client=client_digest(request),
                    community=form.cleaned_data["community"],
                    school=form.cleaned_data["school"],
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                return redirect("quiz:round", token=attempt.token)
        status = 429 if any(e.code == "limit" for e in form.non_field_errors().as_data()) else 400
        return render(
            request, "public/quiz/start.html", {"form": form, "size": quiz.ROUND_SIZE}, status=status
        )


class RoundView(View):
    """A dealt round: its questions to answer, then its score with the right answers explained.

    The round is known by its token (a random UUID in the link), as a resident holds no account.
    """

    http_method_names = ["get", "post"]

    def get_attempt(self, token) -> Attempt:
        return get_object_or_404(Attempt.objects.select_related("community", "school"), token=token)

    def get(self, request, token):
        attempt = self.get_attempt(token)
        return self.show(request, attempt, AnswersForm(attempt))

    def post(self, request, token):
        attempt = self.get_attempt(token)
        if attempt.finished_at is not None:  # sent again (a double tap, the back button): counted once
            messages.info(request, _("This round was already scored; it counts once."))
            return redirect("quiz:round", token=attempt.token)
        form = AnswersForm(attempt, request.POST)
        if form.is_valid():
            try:
                quiz.submit(attempt=attempt, answers=form.answers())
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                return redirect(reverse("quiz:round", kwargs={"token": attempt.token}) + "#score")
        return self.show(request, attempt, form, status=400)

    def show(self, request, attempt, form, status=200):
        context = {"attempt": attempt, "form": form, "size": attempt.total}
        if attempt.finished_at is not None:
            context["results"] = quiz.results(attempt)
            context["percent"] = round(100 * attempt.score / attempt.total) if attempt.total else 0
        return render(request, "public/quiz/round.html", context, status=status)


# --- the office's pages ------------------------------------------------------------------------------

BY_CHOICES = (("community", gettext_lazy("Communities")), ("school", gettext_lazy("Schools")))


def _period(request) -> Period:
    code = (request.GET.get("period") or "").strip()
    if code:
        try:
            return Period.parse(code)
        except ValueError:
            pass
    return Period.month(timezone.localdate())


def _crumbs(*labels_urls) -> list[dict]:
    return [{"label": label, "url": url} for label, url in labels_urls]


class ParticipationView(LoginRequiredMixin, View):
    """Rounds finished, people and average score per community or school in a period, of the rounds
    the user's scope reaches; `?format=xlsx` gives the same rows as a workbook."""

    def get(self, request):
        period = _period(request)
        by = request.GET.get("by") if request.GET.get("by") in dict(BY_CHOICES) else "community"
        figures = quiz.participation(request.user, period=period, by=by)
        can_export = can_anywhere(request.user, Action.EXPORT, Attempt)
        if request.GET.get("format") == "xlsx":
            if not can_export:
                raise PermissionDenied
            return _workbook(figures)
        query = request.GET.copy()
        query["format"] = "xlsx"
        return render(
            request,
            "public/quiz/participation.html",
            {
                **figures,
                "by_choices": BY_CHOICES,
                "can_export": can_export,
                "export_query": query.urlencode(),
                "may_keep": quiz.may_keep_questions(request.user),
                "nav_active": "residents",
                "breadcrumbs": _crumbs((_("Knowledge contest"), None)),
            },
        )


def _workbook(figures) -> HttpResponse:
    from fenlei.core.xlsx import XlsxWriter

    school = figures["by"] == "school"
    header = [
        _("Street"),
        _("Community"),
        *([_("School")] if school else []),
        _("Rounds finished"),
        _("People"),
        _("Average score"),
        _("Average (%)"),
    ]
    out = io.BytesIO()
    with XlsxWriter(out) as book:
        sheet = book.sheet(_("Knowledge contest"), widths=[14, 16, *([20] if school else []), 12, 10, 12, 12])
        sheet.append_header(header)
        for row in figures["rows"]:
            sheet.append(
                [
                    row["street"],
                    row["community"],
                    *([row["name"]] if school else []),
                    row["rounds"],
                    row["people"],
                    row["average"],
                    row["percent"],
                ]
            )
        sheet.close()
    name = f"quiz-{figures['by']}-{figures['period'].code}.xlsx"
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class QuestionListView(LoginRequiredMixin, View):
    """The contest's questions (reference data: every role reads them; the district office keeps them)."""

    def get(self, request):
        questions = for_user(request.user, Action.VIEW, Question.objects.select_related("item"))
        source = request.GET.get("source")
        if source in QuestionSource.values:
            questions = questions.filter(source=source)
        active = request.GET.get("active")
        if active in ("1", "0"):
            questions = questions.filter(active=active == "1")
        q = (request.GET.get("q") or "").strip()[:40]
        if q:
            questions = questions.filter(Q(text__contains=q) | Q(item__name__contains=q))
        page = Paginator(questions, 50).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "public/quiz/question_list.html",
            {
                "page_obj": page,
                "questions": page.object_list,
                "query_string": query.urlencode(),
                "sources": QuestionSource.choices,
                "source": source,
                "active": active,
                "q": q,
                "may_keep": quiz.may_keep_questions(request.user),
                "nav_active": "residents",
                "breadcrumbs": _crumbs(
                    (_("Knowledge contest"), reverse("quiz:participation")), (_("Questions"), None)
                ),
            },
        )


class QuestionFormView(ServiceFormView):
    """Write a question or change one (a generated question: only whether it is in use)."""

    def setup_object(self) -> None:
        if "pk" in self.kwargs:
            self.question = get_for_user(self.request.user, Action.CHANGE, Question, pk=self.kwargs["pk"])
            self.title = _("Edit question")
        else:
            if not quiz.may_keep_questions(self.request.user):
                raise PermissionDenied
            self.question = Question(source=QuestionSource.WRITTEN)
            self.title = _("New question")

    def get_form(self, data=None, files=None):
        return QuestionForm(data=data, question=self.question)

    def get_context(self, form) -> dict:
        return {
            **super().get_context(form),
            "cancel_url": reverse("quiz:question-list"),
            "intro": _(
                "A question made from the dictionary keeps its wording; only whether it is in use changes."
            )
            if form.generated
            else "",
            "nav_active": "residents",
            "breadcrumbs": _crumbs(
                (_("Knowledge contest"), reverse("quiz:participation")),
                (_("Questions"), reverse("quiz:question-list")),
                (self.title, None),
            ),
        }

    def perform(self, form):
        try:
            return quiz.question_save(
                question=self.question, by=self.request.user, data=form.data_for_service()
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "answer" in exc.error_dict:
                raise ValidationError({"right": exc.error_dict["answer"]}) from exc
            raise

    def success_url(self, result) -> str:
        messages.success(self.request, _("The question is saved."))
        return reverse("quiz:question-list")


class GenerateView(LoginRequiredMixin, View):
    """The office's button: bring the generated questions in line with the dictionary."""

    http_method_names = ["post"]

    def post(self, request):
        if not quiz.may_keep_questions(request.user):
            raise PermissionDenied
        done = quiz.generate(by=request.user)
        messages.success(
            request,
            done.summary(),
        )
        return redirect("quiz:question-list")
