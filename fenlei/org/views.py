"""HTML pages of the structure: the area tree, sites, industry authorities, hauliers."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from fenlei.core.forms import CloseForm, ReopenForm
from fenlei.core.roles import Action
from fenlei.core.scoping import can, can_anywhere, get_for_user, placeable_areas
from fenlei.core.views import (
    CloseView,
    HistoryView,
    ReopenView,
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
)
from fenlei.core.views_importexport import ExportView, ImportView, TemplateDownloadView
from fenlei.org import selectors, services
from fenlei.org.choices import AreaLevel
from fenlei.org.filtersets import AreaFilterSet, AuthorityFilterSet, HaulerFilterSet, SiteFilterSet
from fenlei.org.forms import AreaForm, AuthorityForm, HaulerForm, MoveForm, SiteForm
from fenlei.org.freshness import freshness
from fenlei.org.importexport import SiteLedger
from fenlei.org.ledger_faces import site_ledgers
from fenlei.org.models import Area, Authority, Hauler, Site

# --- areas --------------------------------------------------------------------------------------


class AreaListView(ScopedListView):
    model = Area
    filterset_class = AreaFilterSet
    template_name = "org/area_list.html"
    extra_context = {"nav_active": "areas"}

    def get_queryset(self):
        return super().get_queryset().select_related("parent")


class AreaDetailView(ScopedDetailView):
    model = Area
    template_name = "org/area_detail.html"
    extra_context = {"nav_active": "areas"}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, area = self.request.user, self.object
        show_closed = self.request.GET.get("closed") == "1"
        ctx["breadcrumbs"] = selectors.breadcrumbs(user, area)
        ctx["summary"] = selectors.area_summary(user, area)
        ctx["show_closed"] = show_closed
        if area.is_community:
            ctx["sites"] = selectors.community_sites(user, area, include_closed=show_closed)
            ctx["can_add_child"] = placeable_areas(
                user, Action.ADD, Site, Area.objects.filter(pk=area.pk)
            ).exists()
        else:
            ctx["children"] = selectors.children_summary(user, area, include_closed=show_closed)
            ctx["can_add_child"] = (
                area.is_open
                and bool(area.child_kinds())
                and placeable_areas(user, Action.ADD, Area, Area.objects.filter(pk=area.pk)).exists()
            )
        ctx["can_close"] = area.is_open and selectors.can_close_area(user, area)
        ctx["can_reopen"] = not area.is_open and selectors.can_close_area(user, area)
        ctx["can_move"] = area.is_open and area.parent_id is not None and selectors.can_close_area(user, area)
        return ctx


class AreaFormMixin:
    model = Area

    def get_context(self, form):
        ctx = super().get_context(form)
        ctx["breadcrumbs"] = selectors.breadcrumbs(self.request.user, self.area)
        ctx["cancel_url"] = self.area.get_absolute_url()
        return ctx


class AreaAddView(AreaFormMixin, ServiceFormView):
    """Add a child area (a street under the district, a community under a street)."""

    form_class = AreaForm

    def setup_object(self):
        self.area = get_for_user(self.request.user, Action.VIEW, Area, pk=self.kwargs["pk"])
        if not placeable_areas(
            self.request.user, Action.ADD, Area, Area.objects.filter(pk=self.area.pk)
        ).exists():
            raise PermissionDenied
        if not self.area.child_kinds():
            raise Http404
        self.title = _("Add an area under {parent}").format(parent=self.area)

    def get_form_kwargs(self):
        return {"parent": self.area}

    def perform(self, form):
        return services.area_create(area=form.instance, by=self.request.user)


class AreaEditView(AreaFormMixin, ServiceFormView):
    form_class = AreaForm
    action = Action.CHANGE

    def setup_object(self):
        self.area = self.get_object()
        self.title = _("Edit {area}").format(area=self.area)

    def get_form_kwargs(self):
        return {"instance": self.area}

    def perform(self, form):
        return services.area_update(area=form.instance, by=self.request.user)


class AreaCloseView(AreaFormMixin, ServiceFormView):
    form_class = CloseForm

    def setup_object(self):
        self.area = get_for_user(self.request.user, Action.VIEW, Area, pk=self.kwargs["pk"])
        if not selectors.can_close_area(self.request.user, self.area):
            raise PermissionDenied
        self.title = _("Close {area}").format(area=self.area)

    def get_context(self, form):
        ctx = super().get_context(form)
        ctx["intro"] = _(
            "A closed area stays in the records and in every report of the past; it takes no new entries."
        )
        ctx["submit_label"] = _("Close")
        return ctx

    def perform(self, form):
        return services.area_close(
            area=self.area, by=self.request.user, on=form.cleaned_data["on"], note=form.cleaned_data["note"]
        )


class AreaReopenView(AreaFormMixin, ServiceFormView):
    form_class = ReopenForm

    def setup_object(self):
        self.area = get_for_user(self.request.user, Action.VIEW, Area, pk=self.kwargs["pk"])
        if not selectors.can_close_area(self.request.user, self.area):
            raise PermissionDenied
        self.title = _("Reopen {area}").format(area=self.area)

    def perform(self, form):
        return services.area_reopen(area=self.area, by=self.request.user, note=form.cleaned_data["note"])


class AreaMoveView(AreaFormMixin, ServiceFormView):
    form_class = MoveForm

    def setup_object(self):
        self.area = get_for_user(self.request.user, Action.VIEW, Area, pk=self.kwargs["pk"])
        if self.area.parent_id is None or not selectors.can_close_area(self.request.user, self.area):
            raise PermissionDenied
        self.title = _("Move {area}").format(area=self.area)

    def get_form_kwargs(self):
        return {"area": self.area, "user": self.request.user}

    def perform(self, form):
        return services.area_move(
            area=self.area,
            new_parent=form.cleaned_data["new_parent"],
            by=self.request.user,
            note=form.cleaned_data["note"],
        )


class AreaHistoryView(HistoryView):
    model = Area


# --- sites --------------------------------------------------------------------------------------


class SiteListView(ScopedListView):
    model = Site
    filterset_class = SiteFilterSet
    template_name = "org/site_list.html"
    extra_context = {"nav_active": "sites"}

    def get_queryset(self):
        qs = super().get_queryset().select_related("kind", "community", "authority")
        return qs

    def get_context_data(self, **kwargs):
        self.filterset.narrow_for_display()
        return super().get_context_data(**kwargs)


class SiteDetailView(ScopedDetailView):
    model = Site
    template_name = "org/site_detail.html"
    extra_context = {"nav_active": "sites"}

    def get_base_queryset(self):
        return Site.objects.select_related("kind", "community", "authority")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["breadcrumbs"] = selectors.breadcrumbs(self.request.user, self.object)
        ctx["can_reopen"] = self.object.closed_on is not None and can(
            self.request.user, Action.CLOSE, self.object
        )
        ctx["ledgers"] = site_ledgers(self.request.user, self.object)
        return ctx


class SiteFormMixin:
    model = Site
    form_class = SiteForm

    def get_context(self, form):
        ctx = super().get_context(form)
        anchor = getattr(self, "site", None) or getattr(self, "community", None)
        if anchor is not None:
            ctx["breadcrumbs"] = selectors.breadcrumbs(self.request.user, anchor)
            ctx["cancel_url"] = anchor.get_absolute_url()
        return ctx


class SiteAddView(SiteFormMixin, ServiceFormView):
    title = gettext_lazy("Add a site")

    def setup_object(self):
        self.community = None
        pk = self.request.GET.get("community")
        if pk and pk.isdigit():
            self.community = get_for_user(self.request.user, Action.VIEW, Area, pk=int(pk))
        places = placeable_areas(self.request.user, Action.ADD, Site, Area.objects.all())
        if not places.exists():
            raise PermissionDenied
        if self.community is not None:
            if not places.filter(pk=self.community.pk).exists():
                raise PermissionDenied
            self.title = _("Add a site to {community}").format(community=self.community)

    def get_form_kwargs(self):
        kwargs = {"user": self.request.user}
        if self.community is not None:
            kwargs["initial"] = {"community": self.community.pk}
        return kwargs

    def perform(self, form):
        return services.site_create(site=form.instance, by=self.request.user)


class SiteEditView(SiteFormMixin, ServiceFormView):
    action = Action.CHANGE

    def get_base_queryset(self):
        return Site.objects.select_related("kind", "community", "authority")

    def setup_object(self):
        self.site = self.get_object()
        self.title = _("Edit {site}").format(site=self.site)

    def get_form_kwargs(self):
        return {"instance": self.site, "user": self.request.user}

    def perform(self, form):
        return services.site_update(site=form.instance, by=self.request.user)


class SiteCloseView(CloseView):
    model = Site
    service_kwarg = "site"
    close_service = staticmethod(services.site_close)


class SiteReopenView(ReopenView):
    model = Site
    service_kwarg = "site"
    reopen_service = staticmethod(services.site_reopen)


class SiteHistoryView(HistoryView):
    model = Site


# --- authorities and hauliers -------------------------------------------------------------------


class AuthorityListView(ScopedListView):
    model = Authority
    filterset_class = AuthorityFilterSet
    template_name = "org/authority_list.html"
    extra_context = {"nav_active": "authorities"}

    def get_queryset(self):
        from django.db.models import Count, Q

        qs = (
            super()
            .get_queryset()
            .annotate(site_count=Count("sites", filter=Q(sites__closed_on__isnull=True)))
            .order_by("name", "pk")  # GROUP BY drops the model's default ordering
        )
        return qs


class AuthorityDetailView(ScopedDetailView):
    model = Authority
    template_name = "org/authority_detail.html"
    extra_context = {"nav_active": "authorities"}

    def get_context_data(self, **kwargs):
        from fenlei.core.scoping import for_user

        ctx = super().get_context_data(**kwargs)
        sites = for_user(
            self.request.user, Action.VIEW, Site.objects.filter(authority=self.object, closed_on__isnull=True)
        ).select_related("kind", "community")
        from django.core.paginator import Paginator

        ctx["page_obj"] = Paginator(sites.order_by("area_path", "name"), 50).get_page(
            self.request.GET.get("page")
        )
        ctx["sites"] = ctx["page_obj"].object_list
        return ctx


class OrgFormView(ServiceFormView):
    """Create or edit an authority or hauler."""

    create_service = None
    update_service = None
    kind = ""

    def setup_object(self):
        if "pk" in self.kwargs:
            self.action = Action.CHANGE
            self.obj = self.get_object()
            self.title = _("Edit {name}").format(name=self.obj)
        else:
            from fenlei.core.scoping import can_anywhere

            if not can_anywhere(self.request.user, Action.ADD, self.model):
                raise PermissionDenied
            self.obj = None

    def get_form_kwargs(self):
        return {"instance": self.obj, "user": self.request.user}

    def perform(self, form):
        if self.obj is None:
            if not placeable_areas(
                self.request.user, Action.ADD, self.model, Area.objects.filter(pk=form.instance.district_id)
            ).exists():
                raise PermissionDenied
            return type(self).create_service(**{self.kind: form.instance, "by": self.request.user})
        return type(self).update_service(**{self.kind: form.instance, "by": self.request.user})


class AuthorityFormView(OrgFormView):
    model = Authority
    form_class = AuthorityForm
    title = gettext_lazy("Add an industry authority")
    kind = "authority"
    create_service = staticmethod(services.authority_create)
    update_service = staticmethod(services.authority_update)


class AuthorityCloseView(CloseView):
    model = Authority
    service_kwarg = "authority"
    close_service = staticmethod(services.authority_close)


class AuthorityReopenView(ReopenView):
    model = Authority
    service_kwarg = "authority"
    reopen_service = staticmethod(services.authority_reopen)


class AuthorityHistoryView(HistoryView):
    model = Authority


class HaulerListView(ScopedListView):
    model = Hauler
    filterset_class = HaulerFilterSet
    template_name = "org/hauler_list.html"
    extra_context = {"nav_active": "haulers"}


class HaulerDetailView(ScopedDetailView):
    model = Hauler
    template_name = "org/hauler_detail.html"
    extra_context = {"nav_active": "haulers"}


class HaulerFormView(OrgFormView):
    model = Hauler
    form_class = HaulerForm
    title = gettext_lazy("Add a hauler")
    kind = "hauler"
    create_service = staticmethod(services.hauler_create)
    update_service = staticmethod(services.hauler_update)


class HaulerCloseView(CloseView):
    model = Hauler
    service_kwarg = "hauler"
    close_service = staticmethod(services.hauler_close)


class HaulerReopenView(ReopenView):
    model = Hauler
    service_kwarg = "hauler"
    reopen_service = staticmethod(services.hauler_reopen)


class HaulerHistoryView(HistoryView):
    model = Hauler


# --- search -------------------------------------------------------------------------------------


class SearchView(View):
    def get(self, request):
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        q = request.GET.get("q", "")
        areas, sites = selectors.search(request.user, q)
        return render(request, "org/search.html", {"q": q, "areas": areas, "sites": sites})


# --- Excel ----------------------------------------------------------------------------------------


class SiteExcelMixin:
    ledger_class = SiteLedger
    list_url_name = "org:site-list"
    title = gettext_lazy("Import sites from Excel")


class SiteImportView(SiteExcelMixin, ImportView):
    pass


class SiteTemplateView(SiteExcelMixin, TemplateDownloadView):
    pass


class SiteExportView(SiteExcelMixin, ExportView):
    filterset_class = SiteFilterSet


class FreshnessView(LoginRequiredMixin, View):
    """Which units keep their ledgers current, and which have let them go stale."""

    def get(self, request):
        if not can_anywhere(request.user, Action.VIEW, Area):
            raise PermissionDenied
        level = AreaLevel.STREET if request.GET.get("level") == "street" else AreaLevel.COMMUNITY
        models, rows = freshness(request.user, level=level)
        stale_only = request.GET.get("stale") == "1"
        if stale_only:
            rows = [r for r in rows if r.any_stale]
        page = Paginator(rows, 50).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "org/freshness.html",
            {
                "ledgers": [m._meta.verbose_name_plural for m in models],
                "rows": page.object_list,
                "page_obj": page,
                "level": level,
                "stale_only": stale_only,
                "days": settings.FENLEI_STALE_DAYS,
                "query_string": query.urlencode(),
            },
        )
