from django.urls import URLPattern, URLResolver, path

from gongjian.cases import views

app_name = "cases"
urlpatterns: list[URLPattern | URLResolver] = [
    # Public: no account needed.
    path("", views.public_list, name="public-list"),
    path("map/", views.public_map, name="public-map"),
    path("map/data.json", views.public_map_data, name="public-map-data"),
    path("report/", views.report, name="report"),
    path("report/nearby/", views.nearby, name="nearby"),
    path("n/<str:number>/", views.public_detail, name="public-detail"),
    path("n/<str:number>/me-too/", views.me_too, name="me-too"),
    path("follow/<str:token>/", views.follow, name="follow"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    # Staff, units and residents with an account.
    path("manage/", views.manage_list, name="manage-list"),
    path("manage/export.xlsx", views.manage_export, name="manage-export"),
    path("manage/new/", views.manage_new, name="manage-new"),
    path("manage/<int:pk>/", views.manage_detail, name="manage-detail"),
    path("manage/<int:pk>/<str:action>/", views.manage_action, name="manage-action"),
    path("mine/", views.mine, name="mine"),
    path("categories/", views.category_list, name="category-list"),
    path("categories/import/", views.category_import, name="category-import"),
]
