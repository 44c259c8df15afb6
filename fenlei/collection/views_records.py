"""The pages of collection records: the list, one record, manual entry, correction, voiding and
follow-up. Every read goes through the scoping function; every write through `services`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Func
from django.db.models.expressions import Col
from django.db.models.lookups import Lookup
from django.db.models.sql.where import WhereNode
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from fenlei.collection import services, streams
from fenlei.collection.choices import EntryFace
from fenlei.collection.filtersets import RecordFilterSet
from fenlei.collection.forms import (
    FollowUpForm,
    RecordCorrectForm,
    RecordEntryForm,
    VoidForm,
    attach_row_errors,
    new_client_id,
    source_choices,
)
from fenlei.collection.models import Record
from fenlei.core import audit
from fenlei.core.models import AuditEntry
from fenlei.core.roles import Action
from fenlei.core.scoping import can, can_anywhere, for_user, get_for_user
from fenlei.core.views import HistoryView, ScopedDetailView, ScopedMixin, ServiceFormView
from fenlei.org.ledger_faces import RowUrl
from fenlei.org.models import Site

NAV = {"nav_active": "collection"}


def read_backwards(queryset, *, keep: tuple[str, ...] = ("site_id", "trip_id")):
    """On SQLite, let a list ordered by the primary key be answered by reading the table backwards.

    Given a range on `area_path` (a street's scope) or a hauler, SQLite's planner picks the
    (area_path|hauler, day) index, reads every row of the street's or hauler's year through it and
    sorts them all for one page (0.65 s for a street of 150,000 records). Read backwards by key, the
    first page's fifty rows are found after some hundreds (3 ms). A unary `+` on a column keeps it
    out of the planner's choice and changes nothing else (`fenlei.core.scoping.subtree_q` does the
    same for the whole tree); the columns in `keep` — a site's or a trip's few rows — keep their
    index. PostgreSQL weighs the LIMIT itself and is left alone.
    """
    if connection.vendor != "sqlite":
        return queryset
    queryset = queryset.all()  # a clone: its where-tree is copied, its lookups are replaced, not changed
    table = queryset.model._meta.db_table

    def walk(node):
        for i, child in enumerate(node.children):
            if isinstance(child, WhereNode):
                walk(child)
            elif (
                isinstance(child, Lookup)
                and isinstance(child.lhs, Col)
                and child.lhs.alias == table
                and child.lhs.target.attname not in keep
            ):
                lhs = Func(child.lhs, template="+%(expressions)s", output_field=child.lhs.output_field)
                node.children[i] = type(child)(lhs, child.rhs)

    walk(queryset.query.where)
    return queryset


class KeysFirstPagination:
    """Pages without a total: a page of keys (one more than the page, to know there is a next one),
    then the page's rows by key. Counting a district's year of records (two million rows) would cost
    more than everything else on the page; the list says "page N" and offers the next page while
    there is one."""

    def paginate(self, request, queryset, page_size: int):
        number = request.GET.get("page", "1")
        number = int(number) if number.isdigit() and int(number) > 0 else 1
        start = (number - 1) * page_size
        keys = list(self.keys(queryset).values_list("pk", flat=True)[start : start + page_size + 1])
        has_next = len(keys) > page_size
        keys = keys[:page_size]
        # the page's rows by key, from the same (scoped, filtered) queryset
        rows = list(self.keys(queryset).filter(pk__in=keys)) if keys else []
        return {
            "number": number,
            "has_previous": number > 1,
            "previous_page_number": number - 1,
            "has_next": has_next,
            "next_page_number": number + 1,
            "object_list": rows,
            "start_index": start + 1 if rows else 0,
            "end_index": start + len(rows),
        }

    def keys(self, queryset):
        return queryset


class FilteredListMixin(ScopedMixin):
    """A scoped list whose FilterSet is always bound (its defaults apply without a query), with
    keys-first pages."""

    filterset_class = None
    template_name = ""
    extra_context = NAV

    def get_base_queryset(self):
        return self.model._default_manager.all()

    def filtered(self):
        self.filterset = self.filterset_class(
            self.request.GET, queryset=self.get_base_queryset(), request=self.request
        )
        self.filterset.is_valid()  # a filter with a bad value is left out
        # the narrower filters go first: SQLite bounds an index range by the first of two on a column
        queryset = for_user(
            self.request.user, Action.VIEW, self.filterset.filter_queryset(self.get_base_queryset())
        )
        return queryset.order_by(*self.ordering) if self.ordering else queryset

    #: The list's order (default: the model's).
    ordering: tuple[str, ...] = ()

    def get(self, request, *args, **kwargs):
        from django.conf import settings

        queryset = self.filtered()
        narrow = getattr(self.filterset, "narrow_for_display", None)
        if narrow is not None:
            narrow()
        page = self.pagination().paginate(request, queryset, settings.FENLEI_PAGE_SIZE)
        query = request.GET.copy()
        query.pop("page", None)
        ctx = {
            **(self.extra_context or {}),
            "filterset": self.filterset,
            "page": page,
            "object_list": page["object_list"],
            "query_string": query.urlencode(),
            "can_add": can_anywhere(request.user, Action.ADD, self.model),
        }
        ctx.update(self.more_context(page["object_list"]))
        return render(request, self.template_name, ctx)

    def more_context(self, rows) -> dict:
        return {}

    def pagination(self):
        return KeysFirstPagination()


class RecordListView(FilteredListMixin, View):
    """Latest entered first. A record's table has no index on its time, only (place|site|hauler|
    vehicle, day): ordering a district's year of records by time means sorting all of them for each
    page (0.6 s at two million rows on SQLite), while the primary key is read backwards and stops at
    the page's end. Records arrive as they are collected, so the two orders differ only for late
    entries and imports; each row shows its time."""

    model = Record
    filterset_class = RecordFilterSet
    template_name = "collection/records/list.html"
    ordering = ("-pk",)

    def pagination(self):
        pages = KeysFirstPagination()
        pages.keys = read_backwards
        return pages

    def get_base_queryset(self):
        return Record.objects.select_related("site", "area", "vehicle", "hauler")

    def more_context(self, rows) -> dict:
        url, names = RowUrl("collection:record-detail"), dict(streams.choices())
        for r in rows:  # worked out once per page, not in each cell
            r.detail_url, r.stream_name = url(r.pk), names.get(r.stream, r.stream)
        site_id = self.request.GET.get("site", "")
        user = self.request.user
        ctx = {
            "title": _("Collection records"),
            "can_import": can_anywhere(user, Action.IMPORT, Record),
            "can_export": can_anywhere(user, Action.EXPORT, Record),
        }
        if site_id.isdigit():  # narrowed to one site (from the site's page)
            ctx["narrowed_site"] = for_user(
                self.request.user, Action.VIEW, Site.objects.filter(pk=int(site_id))
            ).first()
        return ctx


class RecordDetailView(ScopedDetailView):
    model = Record
    template_name = "collection/records/detail.html"
    extra_context = NAV

    def get_base_queryset(self):
        return Record.objects.select_related(
            "site", "area__parent", "vehicle", "hauler", "trip", "transfer", "plant", "category", "submission"
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(record_context(self.request.user, self.object))
        return ctx


def _visible(user, obj) -> bool:
    return obj is not None and can(user, Action.VIEW, obj)


def record_context(user, record: Record) -> dict:
    """What the record page shows beside the record: links the user may follow, the batch it came
    in, its history and the actions the user may take."""
    live = record.voided_at is None
    submission = record.submission
    entered = None
    if submission is not None:
        entered = (
            audit.history(submission)
            .filter(action="create")
            .select_related("user")
            .order_by("timestamp")
            .first()
        )
    history = list(audit.history(record)[:20])
    return {
        "site_link": record.site if _visible(user, record.site) else None,
        "vehicle_link": record.vehicle if _visible(user, record.vehicle) else None,
        "trip_link": record.trip if _visible(user, record.trip) else None,
        "submission": submission,
        "submission_device": submission.device if submission and submission.device_id else None,
        "entered": entered,
        "history": history,
        "history_more": len(history) == 20,
        "can_correct": live and can(user, Action.CHANGE, record),
        "can_void": live and can(user, Action.CLOSE, record),
        "can_follow_up": live and can(user, Action.CHANGE, record),
        "can_audit": can_anywhere(user, Action.AUDIT, AuditEntry),
        "can_add_record": can_anywhere(user, Action.ADD, Record),
    }


def _mapped(exc: ValidationError) -> dict:
    """A service's ValidationError as {form field: messages}."""
    if hasattr(exc, "error_dict"):
        return {k: [m for e in v for m in e.messages] for k, v in exc.error_dict.items()}
    return {"__all__": exc.messages}


class RecordAddView(ScopedMixin, View):
    """Manual entry, phone first. One row through `services.ingest` (face FORM, the user as origin),
    inside the places where the user may add records. A form sent twice is kept once."""

    template_name = "collection/records/add.html"

    def setup_entry(self):
        user = self.request.user
        if not can_anywhere(user, Action.ADD, Record):
            raise PermissionDenied
        self.paths = services.writable_paths(user, Action.ADD)
        if self.paths == []:
            raise PermissionDenied

    def render_form(self, form, status=200):
        ctx = {**NAV, "form": form, "title": _("Enter a collection record"), "search_action": "add"}
        return render(self.request, self.template_name, ctx, status=status)

    def get(self, request):
        self.setup_entry()
        initial = {}
        source = request.GET.get("source", "")
        site = request.GET.get("site", "")
        if source:
            initial["source"] = source
        elif site.isdigit():
            initial["source"] = f"site:{site}"
        for key in ("stream", "grade", "vehicle"):
            if request.GET.get(key):
                initial[key] = request.GET[key]
        form = RecordEntryForm(initial=initial, user=request.user, paths=self.paths)
        return self.render_form(form)

    def post(self, request):
        self.setup_entry()
        user = request.user
        form = RecordEntryForm(request.POST, user=user, paths=self.paths)
        if not form.is_valid():
            form.add_checker_errors()
            return self.render_form(form, status=400)
        row = form.row()
        result = services.ingest([row], face=EntryFace.FORM, by=_unwrapped(user), within=self.paths)
        if result.rejected:
            errors = result.rejected[0]["errors"]
            if "client_id" in errors:
                # this form was sent before with other values (back, change, send): say so, and let
                # a new send make a new record
                stored = _stored(user, row["client_id"])
                data = request.POST.copy()
                data["client_id"] = new_client_id()
                form = RecordEntryForm(data, user=user, paths=self.paths)
                form.is_valid()
                form.add_error(
                    None,
                    _(
                        "This form was already saved as record {record}. Send it again to enter "
                        "one more record, or correct the saved one."
                    ).format(record=stored or "—"),
                )
                return self.render_form(form, status=400)
            attach_row_errors(form, errors)
            return self.render_form(form, status=400)
        record = _stored(user, row["client_id"])
        if result.duplicates:
            messages.info(request, _("This record was already saved; it is counted once."))
        else:
            messages.success(request, _("Saved: {record}").format(record=record))
        return redirect(record.get_absolute_url())


def _unwrapped(user):
    """The user itself rather than the request's lazy stand-in for it: `services.ingest` locks the
    user's row through `type(user)` on PostgreSQL, which a SimpleLazyObject is not."""
    from django.contrib.auth import get_user_model

    if type(user) is get_user_model():  # isinstance() is fooled: the stand-in passes for its object
        return user
    return get_user_model().objects.get(pk=user.pk)


def _stored(user, client_id: str) -> Record | None:
    return Record.objects.filter(origin=services.origin_of(user=user), client_id=client_id).first()


class RecordSourcesView(ScopedMixin, View):
    """The <option>s of the sources matching a few letters (htmx, for the entry and correction
    forms when the user's area holds more sources than a select can offer)."""

    def get(self, request):
        action = Action.CHANGE if request.GET.get("for") == "change" else Action.ADD
        if not can_anywhere(request.user, action, Record):
            raise PermissionDenied
        paths = services.writable_paths(request.user, action)
        q = request.GET.get("q", "").strip()[:40]
        groups, _complete = source_choices(paths, q=q) if q else ([], True)
        return render(request, "collection/records/_source_options.html", {"groups": groups, "q": q})


class RecordActionView(ServiceFormView):
    """A form acting on one record through a service; the record's page is where it returns."""

    model = Record
    template_name = "collection/records/action.html"
    intro = ""
    submit_label = ""

    def setup_object(self):
        self.record = get_for_user(
            self.request.user,
            self.action,
            Record.objects.select_related("site", "area", "vehicle", "hauler"),
            pk=self.kwargs["pk"],
        )

    def get_context(self, form):
        return {
            **NAV,
            "form": form,
            "title": self.title,
            "record": self.record,
            "intro": self.intro,
            "submit_label": self.submit_label,
            "cancel_url": self.record.get_absolute_url(),
        }

    def post(self, request, *args, **kwargs):
        self.setup_object()
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    result = self.perform(form)
            except ValidationError as exc:
                attach_row_errors(form, self.error_fields(_mapped(exc)))
            else:
                messages.success(request, self.done_message(result))
                return redirect(result.get_absolute_url())
        elif hasattr(form, "add_checker_errors"):
            form.add_checker_errors()
        return render(request, self.template_name, self.get_context(form), status=400)

    def error_fields(self, errors: dict) -> dict:
        return errors

    def done_message(self, result) -> str:
        return _("Saved.")


class RecordCorrectView(RecordActionView):
    action = Action.CHANGE
    form_class = RecordCorrectForm
    template_name = "collection/records/correct.html"

    def setup_object(self):
        super().setup_object()
        if self.record.voided_at is not None:
            raise PermissionDenied
        self.paths = services.writable_paths(self.request.user, Action.CHANGE)
        self.title = _("Correct {record}").format(record=self.record)
        self.intro = _("The totals follow the corrected values. Say why the record is corrected.")
        self.submit_label = _("Save the correction")

    def get_form_kwargs(self):
        return {
            "initial": RecordCorrectForm.initial_for(self.record),
            "user": self.request.user,
            "paths": self.paths,
        }

    def get_context(self, form):
        return {**super().get_context(form), "search_action": "change"}

    def perform(self, form):
        return services.correct(
            self.record,
            by=self.request.user,
            data=form.changes(self.record),
            note=form.cleaned_data["note"],
            within=self.paths,
        )

    def done_message(self, result):
        return _("The record is corrected.")


class RecordVoidView(RecordActionView):
    action = Action.CLOSE
    form_class = VoidForm

    def setup_object(self):
        super().setup_object()
        self.title = _("Void {record}").format(record=self.record)
        self.intro = _(
            "A voided record leaves every total at once. It stays in the list (filter “voided”) with "
            "its reason, and its client id stays taken: a device resending it is not counted again."
        )
        self.submit_label = _("Void the record")

    def error_fields(self, errors):
        return {("reason" if k == "void_reason" else k): v for k, v in errors.items()}

    def perform(self, form):
        return services.void(self.record, by=self.request.user, reason=form.cleaned_data["reason"])

    def done_message(self, result):
        return _("The record is voided and has left the totals.")


class RecordFollowUpView(RecordActionView):
    action = Action.CHANGE
    form_class = FollowUpForm

    def setup_object(self):
        super().setup_object()
        self.title = _("Follow-up of {record}").format(record=self.record)
        self.submit_label = _("Save")

    def get_form_kwargs(self):
        return {"initial": {"on": "0" if self.record.follow_up else "1", "note": self.record.follow_up_note}}

    def error_fields(self, errors):
        return {("note" if k == "follow_up_note" else k): v for k, v in errors.items()}

    def perform(self, form):
        return services.mark_follow_up(
            self.record, by=self.request.user, on=form.cleaned_data["on"], note=form.cleaned_data["note"]
        )

    def done_message(self, result):
        return _("Marked for follow-up.") if result.follow_up else _("The follow-up mark is taken away.")


class RecordHistoryView(HistoryView):
    model = Record
    extra_context = NAV
