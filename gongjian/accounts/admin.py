from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from gongjian.accounts.models import ApiToken, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("unit", "place")


@admin.register(User)
class GongjianUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("共建", {"fields": ("display_name", "phone")}))  # type: ignore[misc,operator]
    list_display = ("username", "display_name", "is_active", "is_staff", "last_login")
    search_fields = ("username", "display_name", "phone", "email")
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "unit", "place", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("user__username", "user__display_name", "unit__name", "place__name")
    autocomplete_fields = ("user", "unit", "place")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "name", "created_at", "expires_at", "revoked_at")
    readonly_fields = ("prefix", "user", "created_at", "last_used_at")
