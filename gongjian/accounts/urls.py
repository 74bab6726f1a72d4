from django.urls import path

from gongjian.accounts import views

app_name = "accounts"
urlpatterns: list = []
