from django.urls import path

from gongjian.places import views

app_name = "places"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("new/", views.create, name="create-root"),
    path("import/", views.import_sheet, name="import"),
    path("import/template.xlsx", views.import_template, name="import-template"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/children/", views.children, name="children"),
    path("<int:parent_pk>/new/", views.create, name="create"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
]
