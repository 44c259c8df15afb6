"""The faces every ledger shares, declared once per ledger.

A ledger (drop-off points, containers, volunteers, publicity activities …) is a `PlacedModel` with a
FilterSet, a form and an Excel `Ledger`. `LedgerFaces` turns that declaration into the same set of
pages for every ledger: list (filters, search, sort, pagination, Excel export and import), detail
with history, add, edit, close and reopen — all through the scoping function and the services.
A ledger whose model declares attachment slots (`attachment_slots`, see fenlei.core.attachments)
also gets its files: a gallery and an upload form on the detail page, download, thumbnail, remove.
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext as _
from django.views import View

from fenlei.core import attachments
from fenlei.core import services as core_services
from fenlei.core.roles import Action
from fenlei.core.scoping import can, can_anywhere, for_user, get_for_user, placeable_areas
from fenlei.core.views import (
    CloseView,
    HistoryView,
    ReopenView,
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
)
from fenlei.core.views_attachments import AttachMixin, DetachView, FileView, gallery
from fenlei.core.views_importexport import ExportView, ImportView, TemplateDownloadView
from fenlei.org import selectors
from fenlei.org.choices import KIND_LEVEL
from fenlei.org.models import Area, Site

# --- display ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A list column computed from the row, with its own label."""

    label: str
    value: object

    def __call__(self, obj):
        return self.value(obj)


def display(obj, name: str):
    """A field's value as a page shows it: choice labels, yes/no, related rows by name."""
    if callable(name):
        return name(obj)
    value = obj
    for part in _parts(name):
        if value is None:
            return "—"
        how, arg = _how(type(value), part)
        if how is _CHOICE:
            stored = getattr(value, arg.attname)
            value = force_str(arg.labels.get(make_hashable(stored), stored), strings_only=True)
        elif how is _GETTER:
            value = getattr(value, arg)()
        else:
            value = getattr(value, part)
            if callable(value) and not isinstance(value, models.Model):
                value = value()
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


# A list shows hundreds of cells: how each (class, name) is shown is worked out once per process.
_CHOICE, _GETTER, _ATTRIBUTE = "choice", "getter", "attribute"


@dataclass(frozen=True)
class _Choices:
    attname: str
    labels: dict


@functools.cache
def _parts(name: str) -> tuple[str, ...]:
    return tuple(name.split("__"))


@functools.cache
def _how(cls, part: str):
    """Show `part` of a `cls` row by its choice label (Django's own get_<part>_display, with fixed
    choices), by the class's own get_<part>_display, or as the attribute itself."""
    getter = f"get_{part}_display"
    static = inspect.getattr_static(cls, getter, None)
    if static is None:
        return _ATTRIBUTE, None
    field = static.keywords.get("field") if isinstance(static, functools.partialmethod) else None
    if field is not None and isinstance(field.choices, list | tuple):
        return _CHOICE, _Choices(field.attname, dict(make_hashable(field.flatchoices)))
    return _GETTER, getter


def label_of(model, name: str) -> str:
    """The verbose name of a (possibly related, `a__b`) field. A related row's name is labelled by the
    relation (`site__name` → 场所); a community-level row's area and its parent are its community and
    street."""
    from fenlei.org.choices import AreaLevel

    if name == "area__parent__name":
        return _("Street")
    if name == "area__name":
        levels = getattr(model, "placement_levels", ())
        return _("Community") if tuple(levels) == (AreaLevel.COMMUNITY,) else _("Area")
    if name.endswith("__name"):
        name = name[: -len("__name")]
    parts = name.split("__")
    for part in parts[:-1]:
        model = model._meta.get_field(part).related_model
    try:
        return str(model._meta.get_field(parts[-1]).verbose_name)
    except Exception:  # a property: its name, as declared by the ledger
        return parts[-1]


class RowUrl:
    """pk -> a row's detail page: the route is reversed once per page, not once per row."""

    do_not_call_in_templates = True
    _marker = "2147483647"

    def __init__(self, url_name: str):
        self.head, self.tail = reverse(url_name, args=[self._marker]).rsplit(self._marker, 1)

    def __call__(self, pk) -> str:
        return f"{self.head}{pk}{self.tail}"


# --- forms --------------------------------------------------------------------------------------


class PlacedForm(forms.ModelForm):
    """A ledger row's form: the area among those the user may add to, the site among that area's."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        model = self._meta.model
        levels = model.placement_levels
        kinds = [k for k, v in KIND_LEVEL.items() if v in levels]
        areas = placeable_areas(
            user, Action.ADD, model, Area.objects.filter(kind__in=kinds, closed_on__isnull=True)
        )
        if self.instance.pk:
            areas = Area.objects.filter(pk__in=areas.values("pk")) | Area.objects.filter(
                pk=self.instance.area_id
            )
        area_field = self.fields["area"]
        area_field.queryset = areas.select_related("parent").order_by("path")
        area_field.label_from_instance = lambda a: f"{a.parent.name} · {a.name}" if a.parent_id else a.name
        area_id = self.data.get("area") or self.initial.get("area") or self.instance.area_id
        if "site" in self.fields:
            sites = for_user(user, Action.VIEW, Site.objects.filter(closed_on__isnull=True))
            self.fields["site"].queryset = (
                sites.filter(community_id=area_id).order_by("name")
                if str(area_id or "").isdigit()
                else sites.none()
            )
            self.fields["site"].help_text = _("Optional: the site within the area. Choose the area first.")
            area_field.widget.attrs.update(
                {
                    "hx-get": reverse("org:site-options"),
                    "hx-target": "#id_site",
                    "hx-trigger": "change",
                }
            )


class SiteOptionsView(LoginRequiredMixin, View):
    """The <option>s of the sites in one area, for a ledger form's site select (htmx)."""

    def get(self, request):
        area_id = request.GET.get("area", "")
        sites = Site.objects.none()
        if area_id.isdigit():
            sites = for_user(
                request.user,
                Action.VIEW,
                Site.objects.filter(community_id=int(area_id), closed_on__isnull=True),
            )
        return render(request, "org/site_options.html", {"sites": sites.order_by("name")[:1000]})


# --- the faces ----------------------------------------------------------------------------------


#: Every ledger declared through LedgerFaces, in the order the apps declare them.
REGISTRY: list[LedgerFaces] = []


def site_ledgers(user, site) -> list[dict]:
    """The ledgers with open rows at `site` that `user` may see: title, count, and the ledger's list
    narrowed to the site. One COUNT per ledger the user may read (each answered by the site index)."""
    out = []
    for faces in REGISTRY:
        model = faces.model
        if not can_anywhere(user, Action.VIEW, model):
            continue
        n = for_user(
            user, Action.VIEW, model._default_manager.filter(site=site, closed_on__isnull=True)
        ).count()
        if n:
            url = reverse(faces.url_name("list")) + f"?site={site.pk}"
            out.append({"title": model._meta.verbose_name_plural, "count": n, "url": url})
    return out


@dataclass
class LedgerFaces:
    """One ledger's pages. `name` prefixes the URLs and their names (`<namespace>:<name>-list` …)."""

    namespace: str
    name: str
    model: type
    filterset_class: type
    form_class: type
    excel_class: type | None = None
    #: Columns of the list table (field names, `a__b` for related, or callables with a label).
    list_columns: list = field(default_factory=list)
    #: Fields of the detail page (default: the form's fields).
    detail_fields: list | None = None
    nav: str = ""
    select_related: tuple[str, ...] = ("area__parent", "site")
    #: The list page's template (extend org/ledger_list.html and fill its `before_table` block) and a
    #: function `(filtered queryset) -> dict` adding to its context (e.g. totals of the filtered rows).
    list_template: str = "org/ledger_list.html"
    list_extra: object = None
    #: The slots of files the pages offer (default: every slot the model declares in
    #: `attachment_slots`; an empty tuple hides them).
    slots: tuple | None = None

    def __post_init__(self):
        declared = attachments.slots_of(self.model)
        if self.slots is None:
            self.slots = declared
        unknown = {s.name for s in self.slots} - {s.name for s in declared}
        if unknown:
            raise ValueError(f"{self.model.__name__} declares no attachment slot {sorted(unknown)}")
        REGISTRY.append(self)

    def file_url_names(self) -> dict[str, str]:
        return {face: self.url_name(face) for face in ("attach", "file", "thumbnail", "detach")}

    def queryset(self):
        return self.model._default_manager.select_related(*self.select_related)

    def url_name(self, face: str) -> str:
        return f"{self.namespace}:{self.name}-{face}"

    def row_url(self) -> RowUrl:
        return RowUrl(self.url_name("detail"))

    def urls(self) -> list:
        faces = self
        base = {"model": self.model, "extra_context": {"nav_active": self.nav, "faces": self}}

        class List(ScopedListView):
            template_name = faces.list_template
            filterset_class = faces.filterset_class

            def get_base_queryset(self):
                return faces.queryset()

            def get_context_data(self, **kwargs):
                narrow = getattr(self.filterset, "narrow_for_display", None)
                if narrow is not None:  # keep the community select short on a city's list
                    narrow()
                ctx = super().get_context_data(**kwargs)
                ctx["columns"] = [
                    (label_of(faces.model, c) if isinstance(c, str) else c.label, c)
                    for c in faces.list_columns
                ]
                ctx["rows"] = [[display(obj, c) for c in faces.list_columns] for obj in ctx["object_list"]]
                ctx["row_url"] = faces.row_url()
                ctx["title"] = faces.model._meta.verbose_name_plural
                site_id = self.request.GET.get("site", "")
                if site_id.isdigit():  # the list narrowed to one site (from the site's page)
                    ctx["narrowed_site"] = for_user(
                        self.request.user, Action.VIEW, Site.objects.filter(pk=int(site_id))
                    ).first()
                if faces.list_extra is not None:
                    ctx.update(faces.list_extra(self.object_list))
                return ctx

        class Detail(ScopedDetailView):
            template_name = "org/ledger_detail.html"

            def get_base_queryset(self):
                return faces.queryset()

            def get_context_data(self, **kwargs):
                ctx = super().get_context_data(**kwargs)
                names = faces.detail_fields or list(faces.form_class._meta.fields)
                ctx["facts"] = [
                    (n.label if isinstance(n, Column) else label_of(faces.model, n), display(self.object, n))
                    for n in names
                ]
                ctx["breadcrumbs"] = selectors.breadcrumbs(self.request.user, self.object)
                ctx["can_reopen"] = self.object.closed_on is not None and can(
                    self.request.user, Action.CLOSE, self.object
                )
                if faces.slots:
                    sections = gallery(
                        self.request.user,
                        self.object,
                        url_names=faces.file_url_names(),
                        can_change=ctx["can_change"],
                    )
                    ctx["attachment_sections"] = [s for s in sections if s["slot"] in faces.slots]
                    ctx["max_upload_mb"] = settings.FENLEI_MAX_UPLOAD_MB
                return ctx

        class Form(ServiceFormView):
            template_name = "core/form.html"
            form_class = faces.form_class

            def setup_object(self):
                if "pk" in self.kwargs:
                    self.action = Action.CHANGE
                    self.obj = get_for_user(
                        self.request.user, Action.CHANGE, faces.queryset(), pk=self.kwargs["pk"]
                    )
                    self.title = _("Edit {name}").format(name=self.obj)
                else:
                    if not can_anywhere(self.request.user, Action.ADD, faces.model):
                        raise PermissionDenied
                    self.obj = None
                    self.title = _("Add: {ledger}").format(ledger=faces.model._meta.verbose_name)

            def get_form_kwargs(self):
                kwargs = {"instance": self.obj, "user": self.request.user}
                area = self.request.GET.get("area", "")
                if self.obj is None and area.isdigit():
                    kwargs["initial"] = {"area": int(area)}
                return kwargs

            def get_context(self, form):
                ctx = super().get_context(form)
                ctx["cancel_url"] = (
                    self.obj.get_absolute_url() if self.obj else reverse(faces.url_name("list"))
                )
                return ctx

            def perform(self, form):
                instance = form.instance
                user = self.request.user
                moved = self.obj is None or "area" in form.changed_data
                if (
                    moved
                    and not placeable_areas(
                        user, Action.ADD, faces.model, Area.objects.filter(pk=instance.area_id)
                    ).exists()
                ):
                    raise ValidationError({"area": _("You may not place this record there.")})
                if self.obj is None:
                    return core_services.create(instance, by=user)
                return core_services.update(instance, by=user)

        class Close(CloseView):
            service_kwarg = "obj"
            close_service = staticmethod(core_services.close)

            def get_base_queryset(self):
                return faces.queryset()

        class Reopen(ReopenView):
            service_kwarg = "obj"
            reopen_service = staticmethod(core_services.reopen)

            def get_base_queryset(self):
                return faces.queryset()

        class History(HistoryView):
            pass

        files = []
        if self.slots:

            class Attach(AttachMixin, Detail):
                pass

            class File(FileView):
                def get_base_queryset(self):
                    return faces.queryset()

            class Thumbnail(File):
                thumbnail = True

            class Detach(DetachView):
                def get_base_queryset(self):
                    return faces.queryset()

            n = self.name
            files = [
                path(f"{n}/<int:pk>/files/", Attach.as_view(**base), name=f"{n}-attach"),
                path(f"{n}/<int:pk>/files/<int:file>/", File.as_view(), name=f"{n}-file"),
                path(f"{n}/<int:pk>/files/<int:file>/thumbnail/", Thumbnail.as_view(), name=f"{n}-thumbnail"),
                path(
                    f"{n}/<int:pk>/files/<int:file>/remove/",
                    Detach.as_view(model=self.model),
                    name=f"{n}-detach",
                ),
            ]

        excel = []
        if self.excel_class is not None:
            mixin = {
                "ledger_class": self.excel_class,
                "list_url_name": self.url_name("list"),
                "title": _("Import from Excel"),
            }

            class Export(ExportView):
                filterset_class = faces.filterset_class

            excel = [
                path(
                    f"{self.name}/import/",
                    type("Import", (ImportView,), mixin).as_view(),
                    name=f"{self.name}-import",
                ),
                path(
                    f"{self.name}/import/template/",
                    type("Template", (TemplateDownloadView,), mixin).as_view(),
                    name=f"{self.name}-import-template",
                ),
                path(
                    f"{self.name}/export/",
                    type("Export", (Export,), mixin).as_view(),
                    name=f"{self.name}-export",
                ),
            ]
        n = self.name
        return [
            path(f"{n}/", List.as_view(**base), name=f"{n}-list"),
            path(f"{n}/add/", Form.as_view(model=self.model), name=f"{n}-add"),
            *excel,
            path(f"{n}/<int:pk>/", Detail.as_view(**base), name=f"{n}-detail"),
            path(f"{n}/<int:pk>/edit/", Form.as_view(model=self.model), name=f"{n}-edit"),
            path(f"{n}/<int:pk>/close/", Close.as_view(model=self.model), name=f"{n}-close"),
            path(f"{n}/<int:pk>/reopen/", Reopen.as_view(model=self.model), name=f"{n}-reopen"),
            path(f"{n}/<int:pk>/history/", History.as_view(model=self.model), name=f"{n}-history"),
            *files,
        ]
