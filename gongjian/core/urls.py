from django.urls import path

from gongjian.core import views

app_name = "core"
urlpatterns = [
    path("", views.public_home, name="public-home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("audit/", views.audit_list, name="audit"),
    path("jobs/<int:pk>/", views.job_detail, name="job-detail"),
]
