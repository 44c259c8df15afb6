"""The office's entry to the resident services: what residents sent and the tools that serve them."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views import View

from fenlei.core.roles import Action
from fenlei.core.scoping import can_anywhere, for_user
from fenlei.org.models import Area
from fenlei.public.choices import FeedbackState, ReportState
from fenlei.public.models import Attempt, Feedback, Item, Question, ResidentReport

NAV = "residents"


class IndexView(LoginRequiredMixin, View):
    """The resident services the user may look at, with what waits in each queue."""

    def get(self, request):
        user = request.user
        parts = []
        if can_anywhere(user, Action.VIEW, ResidentReport):
            waiting = for_user(user, Action.VIEW, ResidentReport).filter(state=ReportState.RECEIVED).count()
            parts.append(
                {
                    "title": _("Residents' reports"),
                    "url": "reports:queue",
                    "waiting": waiting,
                    "text": _("Problems residents reported at a place: turn them into rectification orders."),
                }
            )
        if can_anywhere(user, Action.VIEW, Feedback):
            waiting = for_user(user, Action.VIEW, Feedback).filter(state=FeedbackState.OPEN).count()
            parts.append(
                {
                    "title": _("Answers reported wrong"),
                    "url": "dictionary:feedback-list",
                    "waiting": waiting,
                    "text": _("Residents think the which-bin page answered wrong: fix the entry or keep it."),
                }
            )
        if can_anywhere(user, Action.VIEW, Item):
            parts.append(
                {
                    "title": _("Item dictionary"),
                    "url": "dictionary:item-list",
                    "text": _(
                        "The items the which-bin page knows, their categories and how to put them out."
                    ),
                }
            )
        if can_anywhere(user, Action.VIEW, Attempt):
            parts.append(
                {
                    "title": _("Knowledge contest"),
                    "url": "quiz:participation",
                    "text": _("Participation and scores per community and school."),
                }
            )
        if can_anywhere(user, Action.CHANGE, Question):
            parts.append(
                {
                    "title": _("Contest questions"),
                    "url": "quiz:question-list",
                    "text": _("Questions made from the dictionary and written by the office."),
                }
            )
        if can_anywhere(user, Action.VIEW, Area):
            parts.append(
                {
                    "title": _("Guide cards"),
                    "url": "cards:index",
                    "text": _("Printable cards for each site, or a whole community's in one PDF."),
                }
            )
        return render(
            request,
            "public/office_index.html",
            {"parts": parts, "title": _("Resident services"), "nav_active": NAV},
        )
