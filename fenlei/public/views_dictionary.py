"""Pages of the item dictionary (the district office keeps it) and of the answers residents report
wrong: the residents' form (no sign-in) and the office's queue.

The dictionary and the reports are reference data: every role views them, only roles held over the
district (or the city) change them (`Scope(reference=True)`); the checks go through the scoping
function, 403 without the action.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from fenlei.core.roles import Action
from fenlei.core.scoping import for_user, get_for_user, scope_q
from fenlei.core.views import (
    HistoryView,
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
    attach_errors,
)
from fenlei.public import services_dictionary as services
from fenlei.public.advice import category_label
from fenlei.public.choices import UNKNOWN, FeedbackState, ItemCategory
from fenlei.public.filtersets_dictionary import FeedbackFilterSet, ItemFilterSet, search_items
from fenlei.public.forms_dictionary import DismissForm, FixForm, ItemForm, NoteForm, WrongAnswerForm
from fenlei.public.limits import client_digest
from fenlei.public.lookup import lookup
from fenlei.public.models import Feedback, Item

NAV = "residents"


def may(user, action: str, model) -> bool:
    """Whether `user` may take `action` on the rows of a reference model (all of them, or none)."""
    return scope_q(user, action, model) is not None


def _crumbs(*more) -> list[dict]:
    return [{"label": _("Item dictionary"), "url": reverse("dictionary:item-list")}, *more]


# --- residents: "this answer is wrong" ----------------------------------------------------------------


class WrongAnswerView(View):
    """The residents' "this answer is wrong" (public, no sign-in; the form is CSRF-protected).

    GET shows the form for `?q=`; POST records the report with what the lookup answers now and thanks
    the resident, or says why it was refused (400; 429 over the per-client limits).
    """

    http_method_names = ["get", "post"]
    template_name = "public/dictionary/wrong_answer.html"

    def get(self, request):
        query = services.clean_query(request.GET.get("q", ""))[: services.MAX_QUERY]
        form = WrongAnswerForm(initial={"query": query})
        return self.show(request, form, query)

    def post(self, request):
        form = WrongAnswerForm(request.POST)
        query = services.clean_query(request.POST.get("query", ""))[: services.MAX_QUERY]
        status = 400
        if form.is_valid():
            try:
                sent = services.feedback_submit(
                    query=form.cleaned_data["query"],
                    suggested=form.cleaned_data["suggested"],
                    note=form.cleaned_data["note"],
                    client=client_digest(request),
                )
            except ValidationError as exc:
                attach_errors(form, exc)
                status = 429 if getattr(exc, "code", None) == "limit" else 400
            else:
                return render(
                    request,
                    self.template_name,
                    {"query": query, "sent": sent, "lookup_url": _lookup_url(query)},
                )
        return self.show(request, form, query, status=status)

    def show(self, request, form, query, status=200):
        answer = lookup(query) if query else None
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "query": query,
                "answer": answer,
                "label": category_label(answer.category) if answer and answer.category != UNKNOWN else "",
                "lookup_url": _lookup_url(query),
            },
            status=status,
        )


def _lookup_url(query: str) -> str:
    url = reverse("public:lookup")
    if query:
        q = QueryDict(mutable=True)
        q["q"] = query
        url += "?" + q.urlencode()
    return url


# --- the dictionary -----------------------------------------------------------------------------------


def category_counts(user) -> list[dict]:
    """The items in use per category (every category, zero included), in the categories' order."""
    counts = dict(
        for_user(user, Action.VIEW, Item.objects.filter(active=True))
        .values_list("category")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        {"code": code, "label": category_label(code), "count": counts.get(code, 0)}
        for code in ItemCategory.values
    ]


class ItemListView(ScopedListView):
    """The dictionary: search by name, other name, pinyin or initials; filter by category."""

    model = Item
    filterset_class = ItemFilterSet
    template_name = "public/dictionary/item_list.html"

    def get_base_queryset(self):
        return Item.objects.order_by("name")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx.update(
            rules=settings.FENLEI_ITEM_RULES,
            counts=category_counts(user),
            can_add=may(user, Action.ADD, Item),
            open_reports=for_user(
                user, Action.VIEW, Feedback.objects.filter(state=FeedbackState.OPEN)
            ).count(),
            nav_active=NAV,
            breadcrumbs=[{"label": _("Item dictionary"), "url": None}],
        )
        ctx["total"] = sum(c["count"] for c in ctx["counts"])
        return ctx


class ItemDetailView(ScopedDetailView):
    model = Item
    template_name = "public/dictionary/item_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        obj = self.object
        ctx.update(
            label=category_label(obj.category),
            can_close=obj.active and ctx["can_close"],
            can_reopen=not obj.active and ctx["can_close"],
            reports=for_user(
                self.request.user, Action.VIEW, Feedback.objects.filter(item=obj, state=FeedbackState.OPEN)
            )[:50],
            nav_active=NAV,
            breadcrumbs=_crumbs({"label": obj.name, "url": None}),
        )
        return ctx


class ItemFormMixin:
    template_name = "core/form.html"

    def perform(self, form):
        try:
            return self.save(form)
        except ValidationError as exc:
            # the form edits the other names as text: the service's "aliases" is its "aliases_text"
            if hasattr(exc, "error_dict") and "aliases" in exc.error_dict:
                exc.error_dict["aliases_text"] = exc.error_dict.pop("aliases")
            raise

    def get_context(self, form) -> dict:
        return {
            **super().get_context(form),
            "cancel_url": self.cancel_url(),
            "nav_active": NAV,
            "breadcrumbs": _crumbs({"label": self.title, "url": None}),
        }


class ItemCreateView(ItemFormMixin, ServiceFormView):
    form_class = ItemForm
    title = gettext_lazy("Add an item")

    def setup_object(self) -> None:
        if not may(self.request.user, Action.ADD, Item):
            raise PermissionDenied

    def get_form_kwargs(self) -> dict:
        return {"initial": {"name": self.request.GET.get("name", "")[:40]}}

    def cancel_url(self) -> str:
        return reverse("dictionary:item-list")

    def save(self, form):
        return services.item_create(item=Item(**form.item_data()), by=self.request.user)

    def success_url(self, result) -> str:
        messages.success(
            self.request, _("“{name}” was added; the lookup answers it now.").format(name=result.name)
        )
        return reverse("dictionary:item-detail", args=[result.pk])


class ItemEditView(ItemFormMixin, ServiceFormView):
    form_class = ItemForm

    def setup_object(self) -> None:
        self.object = get_for_user(self.request.user, Action.CHANGE, Item, pk=self.kwargs["pk"])
        self.title = _("Edit “{name}”").format(name=self.object.name)

    def get_form_kwargs(self) -> dict:
        return {"instance": self.object}

    def cancel_url(self) -> str:
        return reverse("dictionary:item-detail", args=[self.object.pk])

    def save(self, form):
        return services.item_update(item=self.object, by=self.request.user, data=form.item_data())

    def success_url(self, result) -> str:
        return reverse("dictionary:item-detail", args=[result.pk])


class ItemDeactivateView(ItemFormMixin, ServiceFormView):
    """Take an item out of use (CLOSE action), or put it back (`reactivate`)."""

    form_class = NoteForm
    action = Action.CLOSE
    reactivate = False

    def setup_object(self) -> None:
        self.object = get_for_user(self.request.user, Action.CLOSE, Item, pk=self.kwargs["pk"])
        template = _("Put “{name}” back in use") if self.reactivate else _("Take “{name}” out of use")
        self.title = template.format(name=self.object.name)

    def get_context(self, form) -> dict:
        ctx = super().get_context(form)
        if not self.reactivate:
            ctx["intro"] = _("The lookup stops answering it; the entry and its history stay.")
        ctx["submit_label"] = _("Put back in use") if self.reactivate else _("Take out of use")
        return ctx

    def cancel_url(self) -> str:
        return reverse("dictionary:item-detail", args=[self.object.pk])

    def save(self, form):
        service = services.item_reactivate if self.reactivate else services.item_deactivate
        return service(item=self.object, by=self.request.user, note=form.cleaned_data["note"])

    def success_url(self, result) -> str:
        return reverse("dictionary:item-detail", args=[result.pk])


class ItemHistoryView(HistoryView):
    """The audit history of one item, for anyone who may see it (core's history page)."""

    model = Item
    extra_context = {"nav_active": NAV}


# --- the office's queue of answers reported wrong -----------------------------------------------------


class FeedbackListView(LoginRequiredMixin, View):
    """The reports grouped by question, with how many and when the last came, newest first."""

    def get(self, request):
        data = request.GET.copy()
        if "state" not in data:
            data["state"] = FeedbackState.OPEN
        qs = for_user(request.user, Action.VIEW, Feedback.objects.all())
        filterset = FeedbackFilterSet(data, queryset=qs, request=request)
        filterset.is_valid()
        groups = (
            filterset.filter_queryset(qs)
            .order_by()
            .values("query")
            .annotate(count=Count("pk"), last=Max("created_at"), latest=Max("pk"))
            .order_by("-last", "query")
        )
        page = Paginator(groups, settings.FENLEI_PAGE_SIZE).get_page(request.GET.get("page"))
        latest = Feedback.objects.select_related("item").in_bulk([g["latest"] for g in page.object_list])
        rows = []
        for group in page.object_list:
            report = latest[group["latest"]]
            rows.append(
                {
                    **group,
                    "report": report,
                    "answered": category_label(report.answered) if report.answered != UNKNOWN else "",
                    "suggested": category_label(report.suggested) if report.suggested else "",
                }
            )
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "public/dictionary/feedback_list.html",
            {
                "filterset": filterset,
                "rows": rows,
                "page_obj": page,
                "query_string": query.urlencode(),
                "nav_active": NAV,
                "breadcrumbs": _crumbs({"label": _("Answers reported wrong"), "url": None}),
            },
        )


class FeedbackDetailView(ScopedDetailView):
    """One report, the others of its question, what the lookup answers now, and what the office may do."""

    model = Feedback
    template_name = "public/dictionary/feedback_detail.html"

    def get_base_queryset(self):
        return Feedback.objects.select_related("item", "handled_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        obj, user = self.object, self.request.user
        same = for_user(user, Action.VIEW, Feedback.objects.filter(query=obj.query)).order_by(
            "-created_at", "-pk"
        )
        now = lookup(obj.query)
        is_open = obj.state == FeedbackState.OPEN
        ctx.update(
            same=same[:50],
            same_count=same.count(),
            now=now,
            now_label=category_label(now.category) if now.category != UNKNOWN else "",
            answered_label=category_label(obj.answered) if obj.answered != UNKNOWN else "",
            suggested_label=category_label(obj.suggested) if obj.suggested else "",
            candidates=search_items(for_user(user, Action.VIEW, Item.objects.filter(active=True)), obj.query)[
                :10
            ],
            can_fix=is_open and ctx["can_change"] and may(user, Action.CHANGE, Item),
            can_add_item=is_open and ctx["can_change"] and may(user, Action.ADD, Item),
            nav_active=NAV,
            breadcrumbs=_crumbs(
                {"label": _("Answers reported wrong"), "url": reverse("dictionary:feedback-list")},
                {"label": obj.query, "url": None},
            ),
        )
        return ctx


class FeedbackFixView(ItemFormMixin, ServiceFormView):
    """Fix the entry from a report: the item that answered (or `?item=`), or a new item (`?new=1`)
    named after the question; saving closes the reports of the question and of the item."""

    form_class = FixForm
    action = Action.CHANGE

    def setup_object(self) -> None:
        user = self.request.user
        self.feedback = get_for_user(user, Action.CHANGE, Feedback, pk=self.kwargs["pk"])
        chosen = self.request.GET.get("item", "")
        if self.request.GET.get("new") or (not chosen and self.feedback.item_id is None):
            if not may(user, Action.ADD, Item):
                raise PermissionDenied
            self.item = Item(name=self.feedback.query[:40])
            self.title = _("Add “{name}” to the dictionary").format(name=self.feedback.query)
        else:
            pk = chosen if chosen.isdigit() else self.feedback.item_id
            self.item = get_for_user(user, Action.CHANGE, Item, pk=pk)
            self.title = _("Fix “{name}”").format(name=self.item.name)

    def get_form_kwargs(self) -> dict:
        if self.item.pk is None:
            initial = {"name": self.item.name}
            if self.feedback.suggested:
                initial["category"] = self.feedback.suggested
            return {"initial": initial}
        initial = {}
        if self.feedback.suggested:
            initial["category"] = self.feedback.suggested
        if self.feedback.query != self.item.name and self.feedback.query not in self.item.aliases:
            initial["aliases_text"] = "\n".join([*self.item.aliases, self.feedback.query])
        return {"instance": self.item, "initial": initial}

    def get_context(self, form) -> dict:
        ctx = super().get_context(form)
        ctx["intro"] = _(
            "Asked: “{query}”. Saving changes the lookup's answer at once and closes the open reports "
            "of this question and of this item with your reply."
        ).format(query=self.feedback.query)
        ctx["breadcrumbs"] = _crumbs(
            {"label": _("Answers reported wrong"), "url": reverse("dictionary:feedback-list")},
            {"label": self.feedback.query, "url": self.cancel_url()},
            {"label": self.title, "url": None},
        )
        return ctx

    def cancel_url(self) -> str:
        return reverse("dictionary:feedback-detail", args=[self.feedback.pk])

    def save(self, form):
        item, closed = services.feedback_fix(
            feedback=self.feedback,
            item=self.item,
            by=self.request.user,
            data=form.item_data(),
            reply=form.cleaned_data.get("reply", ""),
        )
        messages.success(
            self.request,
            _("“{name}” was saved and {n} report(s) closed.").format(name=item.name, n=len(closed)),
        )
        return item

    def success_url(self, result) -> str:
        return reverse("dictionary:feedback-list")


class FeedbackDismissView(ItemFormMixin, ServiceFormView):
    """Keep the answer: the open reports of the question are closed with the office's reply."""

    form_class = DismissForm
    action = Action.CHANGE

    def setup_object(self) -> None:
        self.feedback = get_for_user(self.request.user, Action.CHANGE, Feedback, pk=self.kwargs["pk"])
        self.title = _("Keep the answer to “{query}”").format(query=self.feedback.query)

    def get_context(self, form) -> dict:
        ctx = super().get_context(form)
        ctx["submit_label"] = _("Keep the answer")
        return ctx

    def cancel_url(self) -> str:
        return reverse("dictionary:feedback-detail", args=[self.feedback.pk])

    def save(self, form):
        closed = services.feedback_dismiss(
            feedback=self.feedback, by=self.request.user, reply=form.cleaned_data["reply"]
        )
        messages.success(self.request, _("The answer was kept; {n} report(s) closed.").format(n=len(closed)))
        return closed

    def success_url(self, result) -> str:
        return reverse("dictionary:feedback-list")
