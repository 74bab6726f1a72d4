from django.urls import path

from gongjian.units import views

app_name = "units"
urlpatterns = [
    path("", views.unit_index, name="list"),
    path("new/", views.unit_form, name="create"),
    path("<int:pk>/", views.unit_detail, name="detail"),
    path("<int:pk>/edit/", views.unit_form, name="edit"),
]
