from django.contrib import admin

from gongjian.core.models import AuditEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    """Listed and searchable in Django's admin, but changed only through the site's services."""

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("timestamp", "actor_repr", "action", "event", "content_type", "object_repr", "remote_addr")
    list_filter = ("action", "content_type")
    search_fields = ("actor_repr", "object_repr", "object_id", "event", "request_id")
    readonly_fields = [f.name for f in AuditEntry._meta.fields]
