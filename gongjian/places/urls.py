from django.urls import path

from gongjian.places import views

app_name = "places"
urlpatterns: list = []
