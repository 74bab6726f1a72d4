from django.urls import URLPattern, URLResolver, path

from gongjian.rolemodels import views

app_name = "rolemodels"
urlpatterns: list[URLPattern | URLResolver] = [
    # First: the vote endpoint a crowd calls, so that resolving it tries no other pattern here.
    path("rounds/<int:pk>/votes/", views.vote_json, name="vote-json"),
    path("", views.index, name="index"),
    path("verify/", views.verify, name="verify"),
    path("rounds/new/", views.round_form, name="round-create"),
    path("rounds/<int:pk>/", views.round_detail, name="round-detail"),
    path("rounds/<int:pk>/edit/", views.round_form, name="round-edit"),
    path("rounds/<int:pk>/vote/", views.vote, name="vote"),
    path("rounds/<int:pk>/integrity/", views.integrity, name="integrity"),
    path("rounds/<int:pk>/quarantine/", views.quarantine, name="quarantine"),
    path("rounds/<int:pk>/recount/", views.recount, name="recount"),
    path("rounds/<int:pk>/publish/", views.publish, name="publish"),
    path("rounds/<int:pk>/export.xlsx", views.export, name="export"),
    path("quarantines/<int:pk>/release/", views.quarantine_release, name="quarantine-release"),
    path("entries/<int:pk>/comment/", views.comment, name="comment"),
    path("candidates/<int:pk>/", views.candidate_detail, name="candidate-detail"),
    path("candidates/<int:pk>/review/", views.nomination_review_view, name="nomination-review"),
    path("candidates/<int:pk>/edit/", views.nomination_edit, name="nomination-edit"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("nominations/", views.nomination_index, name="nomination-list"),
    path("nominations/new/", views.nomination_new, name="nomination-create"),
    path("moderation/", views.moderation, name="moderation"),
    path("comments/<int:pk>/moderate/", views.moderate, name="moderate"),
]
