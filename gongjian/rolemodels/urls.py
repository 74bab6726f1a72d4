from django.urls import URLPattern, URLResolver

app_name = "rolemodels"
urlpatterns: list[URLPattern | URLResolver] = []
