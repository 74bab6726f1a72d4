from django.urls import URLPattern, URLResolver

app_name = "cobuilding"
urlpatterns: list[URLPattern | URLResolver] = []
