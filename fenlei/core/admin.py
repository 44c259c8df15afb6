"""Django admin (for superusers, at /django-admin/): the audit log read-only, and the audited base admin.

Changes made in the admin are audited like any other: `AuditedAdmin` writes the entry in the
admin's own transaction. Day-to-day work goes through fenlei's pages, not through this admin.
"""

from __future__ import annotations

from django.contrib import admin

from fenlei.core import audit
from fenlei.core.models import AuditAction, AuditEntry


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletions write audit entries (the admin runs them in a transaction)."""

    def save_model(self, request, obj, form, change):
        if change:
            before = type(obj)._default_manager.get(pk=obj.pk).audit_snapshot()
            super().save_model(request, obj, form, change)
            changes = audit.diff(before, obj.audit_snapshot())
            if changes:
                audit.log(obj, AuditAction.UPDATE, by=request.user, changes=changes, note="django-admin")
        else:
            super().save_model(request, obj, form, change)
            audit.log(obj, AuditAction.CREATE, by=request.user, note="django-admin")

    def delete_model(self, request, obj):
        audit.log(obj, AuditAction.DELETE, by=request.user, note="django-admin")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        audit.log_bulk(list(queryset), AuditAction.DELETE, by=request.user, note="django-admin")
        super().delete_queryset(request, queryset)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log cannot be changed, not even by a superuser."""

    list_display = ["timestamp", "user_repr", "action", "face", "content_type", "object_repr"]
    list_filter = ["action", "face", "content_type"]
    search_fields = ["object_repr", "user_repr", "note"]
    date_hierarchy = "timestamp"
    list_select_related = ["content_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
