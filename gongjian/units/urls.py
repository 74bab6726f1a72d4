from django.urls import path

from gongjian.units import views

app_name = "units"
urlpatterns: list = []
