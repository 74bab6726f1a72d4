from django.urls import path

from gongjian.core import views

app_name = "core"
urlpatterns = [
    path("", views.public_home, name="public-home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("audit/", views.audit_list, name="audit"),
    path("jobs/<int:pk>/", views.job_detail, name="job-detail"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/", views.notification_open, name="notification-open"),
    path("notifications/read-all/", views.notification_read_all, name="notifications-read-all"),
]
