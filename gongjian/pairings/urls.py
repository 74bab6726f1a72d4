from django.urls import path

from gongjian.pairings import views

app_name = "pairings"
urlpatterns = [
    path("campaigns/", views.campaign_list, name="campaign-list"),
    path("campaigns/new/", views.campaign_form, name="campaign-create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign-detail"),
    path("campaigns/<int:pk>/export.xlsx", views.campaign_export, name="campaign-export"),
    path("campaigns/<int:pk>/edit/", views.campaign_form, name="campaign-edit"),
    path("campaigns/<int:pk>/pairings/new/", views.pairing_add, name="pairing-create"),
    path("pairings/import/", views.pairing_import_view, name="pairing-import"),
    path("pairings/<int:pk>/delete/", views.pairing_remove, name="pairing-delete"),
    path("visits/", views.visit_index, name="visit-list"),
    path("visits/export.xlsx", views.visit_export, name="visit-export"),
    path("visits/new/", views.visit_new, name="visit-create"),
    path("visits/<int:pk>/", views.visit_detail, name="visit-detail"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit-edit"),
    path("visits/<int:pk>/delete/", views.visit_remove, name="visit-delete"),
    path("visit-photos/<int:pk>/", views.visit_photo, name="visit-photo"),
    path("visit-photos/<int:pk>/delete/", views.visit_photo_remove, name="visit-photo-delete"),
]
