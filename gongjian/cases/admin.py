from django.contrib import admin

from gongjian.cases.models import Case, Category
from gongjian.core.admin import ReadOnlyAdmin


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = (
        "code",
        "name",
        "klass",
        "group",
        "default_unit",
        "use_paired_unit",
        "hours_urgent",
        "hours_high",
        "hours_normal",
        "is_public",
        "active",
    )
    list_filter = ("klass", "is_public", "active", "use_paired_unit")
    search_fields = ("code", "name", "keywords")
    autocomplete_fields = ("default_unit",)
    ordering = ("klass", "order", "id")


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    """Cases change only through the workflow services; the admin shows them."""

    list_display = ("number", "category", "status", "community", "unit", "created_at", "due_at")
    list_filter = ("status", "category", "source")
    search_fields = ("number", "description", "address")
    exclude = ("follow_token_hash",)
