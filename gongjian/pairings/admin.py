from django.contrib import admin

from gongjian.pairings.models import Campaign, Pairing


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("year", "name", "starts_on", "ends_on")


@admin.register(Pairing)
class PairingAdmin(admin.ModelAdmin):
    list_display = ("campaign", "unit", "community")
    list_filter = ("campaign",)
    search_fields = ("unit__name", "community__name")
    autocomplete_fields = ("unit", "community")
