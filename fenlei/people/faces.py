"""The pages of the people ledgers: `LedgerFaces`, with what these ledgers add.

- **Masking**: the list, the detail page, the history and the Excel export show phone and ID
  numbers through `fenlei.people.masking` (in full to whoever keeps the row, masked to everyone else).
  Lists ask once for all their rows (`with_keeper`), never once per row.
- **Annotations**: `decorate` adds what a list shows beyond the fields (a volunteer's total hours).
- **Rows that belong to another row**: a detail page lists them (`children`); their add page takes
  the parent from the address (`?volunteer=12`); when a parent moves, they follow (`services`).

`LedgerFaces.urls()` builds each page from a view class; `PeopleFaces.urls()` takes those views and
puts a small mixin in front of the ones it changes, keeping their routes and names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from fenlei.core import audit
from fenlei.core.models import AuditEntry
from fenlei.core.roles import Action
from fenlei.core.scoping import can_anywhere, for_user, placeable_areas
from fenlei.org.ledger_faces import LedgerFaces, display, label_of
from fenlei.org.models import Area
from fenlei.org.selectors import Crumb
from fenlei.people import services
from fenlei.people.masking import mask_history, shown, with_keeper


@dataclass(frozen=True)
class Children:
    """The rows of another ledger that belong to a row, listed on its detail page."""

    faces: str  # the name of the child ledger's faces, e.g. "service"
    fk: str  # the child's field pointing at the parent
    columns: list
    limit: int = 20


@dataclass
class PeopleFaces(LedgerFaces):
    #: Annotations the list, the detail page and the export read (queryset -> queryset).
    decorate: Callable | None = None
    #: Child ledgers listed on the detail page.
    children: list[Children] = field(default_factory=list)
    #: Facts the detail page shows beyond the fields: [(label, callable(obj))].
    extra_facts: list = field(default_factory=list)

    def queryset(self):
        qs = super().queryset()
        return self.decorate(qs) if self.decorate is not None else qs

    def personal_indexes(self, names) -> list[tuple[int, str]]:
        personal = self.model.personal_fields
        return [(i, n) for i, n in enumerate(names) if isinstance(n, str) and n in personal]

    def urls(self) -> list:
        mixins = {
            "list": _list_mixin(self),
            "detail": _detail_mixin(self),
            "history": _history_mixin(self),
            "export": _export_mixin(),
            "add": _form_mixin(self),
            "edit": _form_mixin(self),
        }
        patterns = []
        for pattern in super().urls():
            mixin = mixins.get(pattern.name.removeprefix(f"{self.name}-"))
            if mixin is not None:
                view = pattern.callback
                cls = type(view.view_class.__name__, (mixin, view.view_class), {})
                pattern = path(str(pattern.pattern), cls.as_view(**view.view_initkwargs), name=pattern.name)
            patterns.append(pattern)
        return patterns


#: Every ledger's faces by name, filled by `register` (for the index page and the tables of child rows).
REGISTRY: dict[str, PeopleFaces] = {}


def register(faces: PeopleFaces) -> PeopleFaces:
    REGISTRY[faces.name] = faces
    return faces


def people_crumbs(title) -> list[Crumb]:
    """The way back to the index of the people ledgers."""
    return [Crumb(_("People"), reverse("people:index")), Crumb(str(title), None)]


def _list_mixin(faces: PeopleFaces):
    class MaskedList:
        def get_base_queryset(self):
            return with_keeper(super().get_base_queryset(), self.request.user)

        def get_context_data(self, **kwargs):
            ctx = super().get_context_data(**kwargs)
            personal = faces.personal_indexes(faces.list_columns)
            if personal:
                for obj, row in zip(ctx["object_list"], ctx["rows"], strict=True):
                    for i, name in personal:
                        row[i] = shown(obj, name) or "—"
            ctx["breadcrumbs"] = people_crumbs(ctx["title"])
            return ctx

    return MaskedList


def _detail_mixin(faces: PeopleFaces):
    class MaskedDetail:
        template_name = "people/ledger_detail.html"

        def get_base_queryset(self):
            return with_keeper(super().get_base_queryset(), self.request.user)

        def get_context_data(self, **kwargs):
            ctx = super().get_context_data(**kwargs)
            obj, user = self.object, self.request.user
            names = faces.detail_fields or list(faces.form_class._meta.fields)
            facts = list(ctx["facts"])
            for i, name in faces.personal_indexes(names):
                facts[i] = (facts[i][0], shown(obj, name) or "—")
            facts += [(label, display(obj, fn)) for label, fn in faces.extra_facts]
            ctx["facts"] = facts
            ctx["children"] = [_children_table(child, obj, user) for child in faces.children]
            return ctx

    return MaskedDetail


def _children_table(child: Children, parent, user) -> dict:
    faces = REGISTRY[child.faces]
    rows = for_user(user, Action.VIEW, faces.queryset().filter(**{child.fk: parent}, closed_on__isnull=True))
    rows = with_keeper(rows, user)
    total = rows.count()
    objects = list(rows[: child.limit])
    personal = dict(faces.personal_indexes(child.columns))
    table = [
        [shown(o, c) or "—" if i in personal else display(o, c) for i, c in enumerate(child.columns)]
        for o in objects
    ]
    list_url = reverse(faces.url_name("list")) + f"?{child.fk}={parent.pk}"
    may_add = parent.closed_on is None and _may_add_to(user, faces, parent)
    return {
        "title": faces.model._meta.verbose_name_plural,
        "columns": [(label_of(faces.model, c) if isinstance(c, str) else c.label, c) for c in child.columns],
        "rows": list(zip(objects, table, strict=True)),
        "total": total,
        "more": total > len(objects),
        "list_url": list_url,
        "add_url": reverse(faces.url_name("add")) + f"?{child.fk}={parent.pk}" if may_add else "",
    }


def _may_add_to(user, faces, parent) -> bool:
    return placeable_areas(user, Action.ADD, faces.model, Area.objects.filter(pk=parent.area_id)).exists()


def _history_mixin(faces: PeopleFaces):
    class MaskedHistory:
        def get(self, request, pk):
            from django.contrib.contenttypes.models import ContentType

            obj = self.get_object()
            page = Paginator(audit.history(obj), 50).get_page(request.GET.get("page"))
            page.object_list = mask_history(request.user, obj, page.object_list)
            return render(
                request,
                "core/history.html",
                {
                    "object": obj,
                    "entries": page.object_list,
                    "page_obj": page,
                    "object_type": ContentType.objects.get_for_model(type(obj)),
                    "can_audit": can_anywhere(request.user, Action.AUDIT, AuditEntry),
                    "nav_active": faces.nav,
                },
            )

    return MaskedHistory


def _export_mixin():
    class MaskedExport:
        @property
        def ledger(self):
            return self.ledger_class(user=self.request.user)

    return MaskedExport


def _form_mixin(faces: PeopleFaces):
    fk = getattr(faces.model, "parent_field", "")

    class PeopleForm:
        def get_form_kwargs(self):
            kwargs = super().get_form_kwargs()
            chosen = self.request.GET.get(fk, "") if fk else ""
            if self.obj is None and chosen.isdigit():
                kwargs["initial"] = {**kwargs.get("initial", {}), fk: int(chosen)}
            return kwargs

        def get_context(self, form):
            ctx = super().get_context(form)
            ctx["nav_active"] = faces.nav
            return ctx

        def perform(self, form):
            result = super().perform(form)
            if self.obj is not None:  # an edit: the rows that belong to it follow a change of place
                services.follow_parent(result, by=self.request.user)
            return result

    return PeopleForm
