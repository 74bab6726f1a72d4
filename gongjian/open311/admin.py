from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gongjian.core.admin import ReadOnlyAdmin
from gongjian.open311.models import ApiKey, Submission
from gongjian.open311.services import api_key_revoke


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyAdmin):
    """Keys are issued on /open311/keys/ (the key is shown once there); here they are listed and
    can be revoked."""

    list_display = ("name", "prefix", "issued_by", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix")
    readonly_fields = ("name", "prefix", "issued_by", "created_at", "last_used_at", "revoked_at", "revoked_by")
    exclude = ("key_hash",)
    actions = ["revoke"]

    @admin.action(description=_("吊销所选密钥"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        count = 0
        for key in queryset.filter(revoked_at__isnull=True):
            api_key_revoke(key=key, actor=request.user)
            count += 1
        self.message_user(request, _("已吊销 %(n)d 个密钥。") % {"n": count}, messages.SUCCESS)

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Needed for the revoke action; every field stays read-only.
        return bool(request.user.has_perm("open311.change_apikey"))


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ("case", "api_key", "device_id", "account_id", "created_at")
    search_fields = ("case__number", "api_key__name", "device_id", "account_id")
    readonly_fields = ("case", "api_key", "token", "media_url", "device_id", "account_id", "attributes", "created_at")
