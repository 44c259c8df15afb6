"""Django admin for the structure: a superuser's escape hatch, not the office's tool.

Saves go through the services (validation, path bookkeeping, audit log); nothing is deleted here
(rows are closed in the application), and an area's place in the tree changes only by "move".
"""

from django.contrib import admin

from fenlei.org import services
from fenlei.org.models import Area, Authority, Hauler, Site, SiteKind


class ServiceAdmin(admin.ModelAdmin):
    """Create and change through `create(obj, by)` / `update(obj, by)`; never delete."""

    def create(self, obj, by):  # pragma: no cover - overridden
        raise NotImplementedError

    def update(self, obj, by):  # pragma: no cover - overridden
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        if change:
            self.update(obj, request.user)
        else:
            self.create(obj, request.user)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Area)
class AreaAdmin(ServiceAdmin):
    list_display = ["name", "kind", "parent", "path", "depth", "code", "closed_on"]
    list_filter = ["kind", "rural", "closed_on"]
    search_fields = ["name", "code", "path"]
    readonly_fields = ["path", "depth", "closed_on", "created_at", "updated_at"]
    raw_id_fields = ["parent"]
    list_select_related = ["parent"]
    ordering = ["path"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "parent"] if obj is not None else self.readonly_fields

    def create(self, obj, by):
        services.area_create(area=obj, by=by)

    def update(self, obj, by):
        services.area_update(area=obj, by=by)


@admin.register(SiteKind)
class SiteKindAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "name_en",
        "residential",
        "public_institution",
        "restaurant",
        "position",
        "active",
    ]
    list_filter = ["active", "residential", "public_institution", "restaurant"]
    search_fields = ["code", "name", "name_en"]

    def has_delete_permission(self, request, obj=None):
        return False  # retire a kind by unticking "in use"


@admin.register(Site)
class SiteAdmin(ServiceAdmin):
    list_display = ["name", "kind", "community", "authority", "households", "population", "closed_on"]
    list_filter = ["kind", "closed_on"]
    search_fields = ["name", "code", "address"]
    readonly_fields = ["area_path", "closed_on", "created_at", "updated_at"]
    raw_id_fields = ["community", "authority"]
    list_select_related = ["kind", "community", "authority"]

    def create(self, obj, by):
        services.site_create(site=obj, by=by)

    def update(self, obj, by):
        services.site_update(site=obj, by=by)


@admin.register(Authority)
class AuthorityAdmin(ServiceAdmin):
    list_display = ["name", "sector", "district", "contact_person", "phone", "closed_on"]
    search_fields = ["name", "sector", "code"]
    readonly_fields = ["area_path", "closed_on", "created_at", "updated_at"]
    raw_id_fields = ["district"]
    list_select_related = ["district"]

    def create(self, obj, by):
        services.authority_create(authority=obj, by=by)

    def update(self, obj, by):
        services.authority_update(authority=obj, by=by)


@admin.register(Hauler)
class HaulerAdmin(ServiceAdmin):
    list_display = ["name", "licence_no", "district", "contact_person", "phone", "closed_on"]
    search_fields = ["name", "code", "licence_no"]
    readonly_fields = ["area_path", "closed_on", "created_at", "updated_at"]
    raw_id_fields = ["district"]
    list_select_related = ["district"]

    def create(self, obj, by):
        services.hauler_create(hauler=obj, by=by)

    def update(self, obj, by):
        services.hauler_update(hauler=obj, by=by)
