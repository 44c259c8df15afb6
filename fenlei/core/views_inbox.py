"""The inbox: a user's notifications (only ever the user's own), marking them read, and following one.

Reads go through the scoping function on the user's own inbox (`notify.inbox`): another user's
notification is 404, whatever the roles.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from fenlei.core import notify
from fenlei.core.roles import Action
from fenlei.core.scoping import for_user, get_for_user


def _mine(user):
    return for_user(user, Action.VIEW, notify.inbox(user))


def local_path(url: str) -> str:
    """`url` if it is a path on this site (no scheme, no host), else ""."""
    url = (url or "").strip()
    if not url.startswith("/") or url.startswith("//") or "\\" in url:
        return ""
    return url if url_has_allowed_host_and_scheme(url, allowed_hosts=None) else ""


class InboxView(LoginRequiredMixin, View):
    """The notifications, newest first; the unread ones marked."""

    def get(self, request):
        from django.conf import settings

        rows = _mine(request.user).order_by("-created_at", "-id")
        page = Paginator(rows, settings.FENLEI_PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "core/inbox.html",
            {
                "title": _("Inbox"),
                "page_obj": page,
                "notifications": page.object_list,
                "unread": notify.unread_count(request.user),
                "nav_active": "inbox",
            },
        )


class InboxReadView(LoginRequiredMixin, View):
    """POST `id` (one notification) or `all`: mark read, then back to the inbox."""

    http_method_names = ["post"]

    def post(self, request):
        if request.POST.get("all"):
            notify.mark_read(request.user)
        else:
            raw = request.POST.get("id", "")
            if not raw.isdigit():
                return HttpResponseBadRequest(_("Say which notification to mark read (id) or all of them."))
            note = get_for_user(request.user, Action.VIEW, notify.inbox(request.user), pk=int(raw))
            notify.mark_read(request.user, [note.pk])
        return redirect("core:inbox")


class InboxOpenView(LoginRequiredMixin, View):
    """Follow one notification: mark it read and go to the page it links (a path on this site only)."""

    def get(self, request, pk):
        note = get_for_user(request.user, Action.VIEW, notify.inbox(request.user), pk=pk)
        notify.mark_read(request.user, [note.pk])
        return redirect(local_path(note.url) or "core:inbox")
