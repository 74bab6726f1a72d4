from django.urls import URLPattern, URLResolver, path
from django.views.generic import RedirectView

from gongjian.cobuilding import views

app_name = "cobuilding"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", RedirectView.as_view(pattern_name="cobuilding:plan-list"), name="index"),
    path("plans/", views.plan_index, name="plan-list"),
    path("pairings/<int:pairing_id>/plan/new/", views.plan_new, name="plan-create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan-edit"),
    path("plans/<int:pk>/items/new/", views.item_new, name="item-create"),
    path("plans/<int:pk>/submit/", views.plan_submit, name="plan-submit"),
    path("plans/<int:pk>/return/", views.plan_return, name="plan-return"),
    path("plans/<int:pk>/agree/", views.plan_agree, name="plan-agree"),
    path("plans/<int:pk>/approve/", views.plan_approve, name="plan-approve"),
    path("plans/<int:pk>/compare/", views.plan_compare, name="plan-compare"),
    path("plans/<int:pk>/plan.docx", views.plan_export, name="plan-docx"),
    path("items/<int:pk>/edit/", views.item_edit, name="item-edit"),
    path("items/<int:pk>/delete/", views.item_remove, name="item-delete"),
    path("ledger/", views.ledger_index, name="ledger-list"),
    path("ledger/totals/", views.ledger_totals, name="ledger-totals"),
    path("ledger/new/", views.ledger_new, name="ledger-create"),
    path("ledger/<int:pk>/edit/", views.ledger_edit, name="ledger-edit"),
    path("ledger/<int:pk>/delete/", views.ledger_remove, name="ledger-delete"),
    path("projects/", views.project_index, name="project-list"),
    path("projects/new/", views.project_new, name="project-create"),
    path("projects/<int:pk>/", views.project_detail, name="project-detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project-edit"),
    path("projects/<int:pk>/photos/", views.project_photo_add, name="project-photo-add"),
    path("project-photos/<int:pk>/", views.project_photo, name="project-photo"),
    path("project-photos/<int:pk>/delete/", views.project_photo_remove, name="project-photo-delete"),
    path("commendations/", views.commendation_index, name="commendation-list"),
    path("commendations/new/", views.commendation_new, name="commendation-create"),
    path("commendations/<int:pk>/photo/", views.commendation_photo, name="commendation-photo"),
    path("commendations/<int:pk>/delete/", views.commendation_remove, name="commendation-delete"),
    path("ranking/", views.ranking_page, name="ranking"),
    path("ranking.xlsx", views.ranking_export, name="ranking-export"),
    path("campaigns/<int:campaign_pk>/weights/", views.weights_page, name="weights"),
    path("campaigns/<int:campaign_pk>/units/<int:unit_pk>/", views.scorecard_page, name="scorecard"),
    path("communities/<int:pk>/", views.community_page, name="community"),
]
