from django.urls import path

from tremplin.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("nouvelle/", views.organisation_create, name="create"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/invitations/", views.invitation_create, name="invite"),
    path(
        "<int:pk>/invitations/<int:invitation_pk>/annuler/",
        views.invitation_cancel,
        name="invitation_cancel",
    ),
    path(
        "<int:pk>/membres/<int:membership_pk>/retirer/", views.member_remove, name="member_remove"
    ),
    path("<int:pk>/membres/<int:membership_pk>/role/", views.member_set_role, name="member_role"),
    path(
        "<int:pk>/membres/<int:membership_pk>/transmettre/",
        views.admin_hand_over,
        name="hand_over",
    ),
    path(
        "<int:pk>/demandes/<int:request_pk>/",
        views.membership_request_decide,
        name="membership_request_decide",
    ),
    path("<int:pk>/proconnect/", views.proconnect_auto_join, name="proconnect_auto_join"),
    path("invitations/<int:invitation_pk>/", views.invitation_accept, name="invitation_answer"),
    path("moderation/", views.moderation_queue, name="moderation"),
    path("moderation/<int:pk>/", views.moderation_decide, name="moderation_decide"),
]
