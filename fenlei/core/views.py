"""Views of the core: home, the audit log, object history, and the scoped base views every app uses."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from fenlei.core import audit
from fenlei.core.models import AuditEntry, Face
from fenlei.core.roles import Action
from fenlei.core.scoping import can, can_anywhere, for_user, get_for_user


class ScopedMixin(LoginRequiredMixin):
    """Every object and list a view shows comes through the scoping function."""

    model = None
    action = Action.VIEW

    def scoped_queryset(self, action: str = Action.VIEW):
        return for_user(self.request.user, action, self.get_base_queryset())

    def get_base_queryset(self):
        return self.model._default_manager.all()

    def get_queryset(self):
        return self.scoped_queryset(Action.VIEW)

    def get_object(self, queryset=None):
        return get_for_user(self.request.user, self.action, self.get_base_queryset(), pk=self.kwargs["pk"])


class ScopedListView(ScopedMixin, ListView):
    """A scoped, filtered, paginated list. Without filters it shows open rows only (where rows close)."""

    filterset_class = None

    def get_paginate_by(self, queryset):
        from django.conf import settings

        return settings.FENLEI_PAGE_SIZE

    def get_queryset(self):
        qs = super().get_queryset()
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(self.request.GET or None, queryset=qs, request=self.request)
            if self.filterset.is_bound:
                self.filterset.is_valid()  # a filter with a bad value is left out, as `.qs` does
                # The scope is a filter on the area path and so is a chosen street: SQLite bounds its
                # index range by the first of the two, so the (narrower) filters go first.
                return for_user(
                    self.request.user, Action.VIEW, self.filterset.filter_queryset(self.get_base_queryset())
                )
        if any(f.name == "closed_on" for f in self.model._meta.fields):
            qs = qs.filter(closed_on__isnull=True)
        return qs

    def paginate_queryset(self, queryset, page_size):
        """Page the primary keys, then fetch the page's rows with their joins and annotations.

        Three queries whatever the page size or the page: the count and the page of keys read only
        the filtered table (an index that matches the ledger's ordering answers both), and the rows
        of the page are fetched by key, in the same order. Counting or skipping over 100,000 rows with their joins and
        annotations (a volunteer's hours, who keeps a row) is what made deep pages slow.
        """
        paginator, page, keys, is_paginated = super().paginate_queryset(
            queryset.values_list("pk", flat=True), page_size
        )
        page.object_list = queryset.filter(pk__in=list(keys))  # still the scoped, filtered queryset
        return paginator, page, page.object_list, is_paginated

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["filterset"] = getattr(self, "filterset", None)
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["query_string"] = query.urlencode()
        ctx["can_add"] = can_anywhere(self.request.user, Action.ADD, self.model)
        ctx["can_import"] = can_anywhere(self.request.user, Action.IMPORT, self.model)
        ctx["can_export"] = can_anywhere(self.request.user, Action.EXPORT, self.model)
        return ctx


class ScopedDetailView(ScopedMixin, DetailView):
    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, obj = self.request.user, self.object
        ctx["can_change"] = can(user, Action.CHANGE, obj)
        closed = getattr(obj, "closed_on", None) is not None
        ctx["can_close"] = not closed and can(user, Action.CLOSE, obj)
        ctx["can_reopen"] = closed and can(user, Action.CLOSE, obj)
        return ctx


class ServiceFormView(ScopedMixin, View):
    """GET shows a form; POST validates it and calls a service inside one transaction.

    A ValidationError from the service is put back on the form's fields: nothing is half-saved.
    """

    template_name = "core/form.html"
    form_class = None
    title = ""

    def get_form(self, data=None, files=None):
        return self.form_class(data=data, files=files, **self.get_form_kwargs())

    def get_form_kwargs(self) -> dict:
        return {}

    def get_context(self, form) -> dict:
        return {"form": form, "title": self.title}

    def get(self, request, *args, **kwargs):
        self.setup_object()
        return render(request, self.template_name, self.get_context(self.get_form()))

    def post(self, request, *args, **kwargs):
        self.setup_object()
        form = self.get_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                with transaction.atomic():
                    result = self.perform(form)
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                return redirect(self.success_url(result))
        return render(
            request, self.template_name, self.get_context(form), status=200 if form.is_valid() else 400
        )

    def setup_object(self) -> None:
        """Load and check (404/403) the objects the form works on."""

    def perform(self, form):
        raise NotImplementedError

    def success_url(self, result) -> str:
        return result.get_absolute_url()


class CloseView(ServiceFormView):
    """Close one record through its service: `close_service(<service_kwarg>=obj, by=…, on=…, note=…)`."""

    action = Action.CLOSE
    close_service = None
    service_kwarg = ""

    def get_form(self, data=None, files=None):
        from fenlei.core.forms import CloseForm

        return CloseForm(data=data, files=files)

    def setup_object(self):
        self.obj = self.get_object()
        self.title = _("Close {name}").format(name=self.obj)

    def get_context(self, form):
        ctx = super().get_context(form)
        ctx["intro"] = _(
            "A closed record stays in the records and in every report of the past; it takes no new entries."
        )
        ctx["submit_label"] = _("Close")
        ctx["cancel_url"] = self.obj.get_absolute_url()
        return ctx

    def perform(self, form):
        return type(self).close_service(
            **{self.service_kwarg: self.obj},
            by=self.request.user,
            on=form.cleaned_data["on"],
            note=form.cleaned_data["note"],
        )


class ReopenView(CloseView):
    """Undo a close through `reopen_service(<service_kwarg>=obj, by=…, note=…)`."""

    reopen_service = None

    def get_form(self, data=None, files=None):
        from fenlei.core.forms import ReopenForm

        return ReopenForm(data=data, files=files)

    def setup_object(self):
        self.obj = self.get_object()
        self.title = _("Reopen {name}").format(name=self.obj)

    def get_context(self, form):
        ctx = super().get_context(form)
        ctx["intro"], ctx["submit_label"] = "", _("Reopen")
        return ctx

    def perform(self, form):
        return type(self).reopen_service(
            **{self.service_kwarg: self.obj}, by=self.request.user, note=form.cleaned_data["note"]
        )


def attach_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


def home(request):
    """Send each user to the page of the first place they look after."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    assignments = list(
        request.user.role_assignments.filter(active=True).select_related(
            "area", "site", "authority", "hauler"
        )
    )
    targets = [a.target for a in assignments if a.target is not None]
    if request.user.is_superuser and not targets:
        from fenlei.org.models import Area

        root = Area.objects.filter(parent__isnull=True).order_by("path").first()
        if root:
            return redirect(root.get_absolute_url())
    if len(targets) == 1:
        return redirect(targets[0].get_absolute_url())
    return render(request, "core/home.html", {"assignments": assignments})


class AuditListView(LoginRequiredMixin, View):
    """The district office's search of the audit log."""

    def get(self, request):
        from fenlei.core.filtersets import AuditEntryFilterSet

        if not can_anywhere(request.user, Action.AUDIT, AuditEntry):
            raise PermissionDenied
        qs = for_user(request.user, Action.AUDIT, AuditEntry.objects.select_related("user", "content_type"))
        filterset = AuditEntryFilterSet(request.GET or None, queryset=qs, request=request)
        if filterset.is_bound:
            qs = filterset.qs
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "core/audit_list.html",
            {
                "filterset": filterset,
                "page_obj": page,
                "entries": page.object_list,
                "query_string": query.urlencode(),
                "can_audit": True,
            },
        )


class AuditDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        if not can_anywhere(request.user, Action.AUDIT, AuditEntry):
            raise PermissionDenied
        entry = get_for_user(request.user, Action.AUDIT, AuditEntry.objects.select_related("user"), pk=pk)
        return render(request, "core/audit_detail.html", {"entry": entry, "faces": Face})


class HistoryView(ScopedMixin, View):
    """The audit history of one object, for anyone who may see the object."""

    def get(self, request, pk):
        obj = self.get_object()
        page = Paginator(audit.history(obj), 50).get_page(request.GET.get("page"))
        return render(
            request,
            "core/history.html",
            {
                "object": obj,
                "entries": page.object_list,
                "page_obj": page,
                "object_type": ContentType.objects.get_for_model(type(obj)),
                "can_audit": can_anywhere(request.user, Action.AUDIT, AuditEntry),
            },
        )


def not_found(request, exception=None):
    return render(request, "core/404.html", status=404)


def forbidden(request, exception=None):
    return render(request, "core/403.html", status=403)
