from django.urls import URLPattern, URLResolver, path

from gongjian.volunteers import views

app_name = "volunteers"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.volunteer_index, name="list"),
    path("export.xlsx", views.volunteer_export, name="export"),
    path("me/", views.volunteer_me, name="me"),
    path("join/", views.join, name="join"),
    path("register/", views.register, name="register"),
    path("import/", views.volunteer_import_view, name="import"),
    path("<int:pk>/", views.volunteer_detail, name="detail"),
    path("<int:pk>/entries/", views.entry_add, name="entry-add"),
    path("teams/", views.team_index, name="team-list"),
    path("teams/<int:pk>/", views.team_detail, name="team-detail"),
    path("activities/", views.activity_index, name="activity-list"),
    path("activities/new/", views.activity_new, name="activity-create"),
    path("activities/<int:pk>/", views.activity_detail, name="activity-detail"),
    path("activities/<int:pk>/signup/", views.activity_signup, name="activity-signup"),
    path("activities/<int:pk>/signup-for/", views.activity_signup_for, name="activity-signup-for"),
    path("activities/<int:pk>/attendance/", views.attendance_mark_view, name="attendance-mark"),
    path("activities/<int:pk>/no-shows/", views.activity_no_shows, name="activity-no-shows"),
    path("activities/<int:pk>/qr/", views.activity_qr, name="activity-qr"),
    path("activities/<int:pk>/scan/", views.activity_scan, name="scan"),
    path("signups/<int:pk>/cancel/", views.signup_cancel_view, name="signup-cancel"),
    path("records/pending/", views.pending_index, name="pending"),
    path("records/<int:pk>/approve/", views.record_approve_view, name="record-approve"),
    path("records/<int:pk>/decline/", views.record_decline_view, name="record-decline"),
    path("records/<int:pk>/check-out/", views.record_check_out_view, name="record-check-out"),
    path("compliance/", views.compliance, name="compliance"),
    path("compliance/export.xlsx", views.compliance_export, name="compliance-export"),
    path("rule/", views.hour_rule, name="rule"),
    path("statements/", views.statement_new, name="statement-create"),
    path("statements/<int:pk>/download/", views.statement_download, name="statement-download"),
    path("verify/", views.verify, name="verify"),
]
