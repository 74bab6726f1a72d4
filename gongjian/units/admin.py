from django.contrib import admin

from gongjian.units.models import Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind", "head_name", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "short_name", "head_name")
