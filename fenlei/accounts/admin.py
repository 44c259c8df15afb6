"""Django admin of accounts (superusers only). Role changes made here are audited."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from fenlei.accounts.models import RoleAssignment, User
from fenlei.core.admin import AuditedAdmin


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    fields = ["role", "area", "site", "authority", "hauler", "active"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ["username", "display_name", "organisation", "is_active", "is_superuser", "last_login"]
    search_fields = ["username", "display_name", "email", "organisation"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("fenlei"), {"fields": ["display_name", "phone", "organisation"]}),
    ]
    inlines = [RoleAssignmentInline]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedAdmin):
    list_display = ["user", "role", "area", "site", "authority", "hauler", "active", "created_at"]
    list_filter = ["role", "active"]
    search_fields = ["user__username", "user__display_name"]
    raw_id_fields = ["user", "area", "site", "authority", "hauler"]
    list_select_related = ["user", "area", "site", "authority", "hauler"]

    def has_delete_permission(self, request, obj=None):
        return False  # end an assignment (active off); the row keeps who held what
