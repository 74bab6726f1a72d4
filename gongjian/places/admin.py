from django.contrib import admin

from gongjian.core.admin import ReadOnlyAdmin
from gongjian.places.models import Place


@admin.register(Place)
class PlaceAdmin(ReadOnlyAdmin):
    # The tree's paths are kept by the services: edit places on the site's own pages.
    list_display = ("name", "kind", "parent", "code")
    list_filter = ("kind",)
    search_fields = ("name", "code")
    readonly_fields = ("path",)
    autocomplete_fields = ("parent",)
