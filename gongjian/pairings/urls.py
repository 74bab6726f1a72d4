from django.urls import path

from gongjian.pairings import views

app_name = "pairings"
urlpatterns: list = []
