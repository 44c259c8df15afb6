"""Django admin of the taxonomy (superusers only); changes are audited."""

from django.contrib import admin

from fenlei.core.admin import AuditedAdmin
from fenlei.taxonomy.models import Category


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = ["code", "name", "name_en", "kind", "parent", "colour", "position"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["parent"]

    def has_delete_permission(self, request, obj=None):
        return False  # records refer to categories; they are never deleted
