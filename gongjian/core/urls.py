from django.urls import path

from gongjian.core import views

app_name = "core"
urlpatterns: list = []
