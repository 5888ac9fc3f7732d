from django.urls import path

from tremplin.hosting import views

app_name = "hosting"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.page, name="page"),
    path("<int:pk>/gestion/", views.manage, name="manage"),
    path("<int:pk>/page/", views.page_edit, name="page_edit"),
    path("<int:pk>/page/aides/", views.aid_add, name="aid_add"),
    path("<int:pk>/page/aides/<int:aid_pk>/retirer/", views.aid_delete, name="aid_delete"),
    path("<int:pk>/page/photos/", views.photo_add, name="photo_add"),
    path("<int:pk>/logements/nouveau/", views.housing_edit, name="housing_create"),
    path("<int:pk>/logements/<int:housing_pk>/modifier/", views.housing_edit, name="housing_edit"),
    path("<int:pk>/activites/nouvelle/", views.activity_edit, name="activity_create"),
    path(
        "<int:pk>/activites/<int:activity_pk>/modifier/", views.activity_edit, name="activity_edit"
    ),
    path("<int:pk>/soutenir/<int:offer_pk>/", views.support_propose, name="support_propose"),
    path("<int:pk>/sejour/", views.stay_new, name="stay_new"),
    path("logements/<int:pk>/", views.housing, name="housing"),
    path("logements/<int:pk>/demande/", views.booking_request, name="booking_request"),
    path("logements/<int:housing_pk>/periodes/", views.period_add, name="period_add"),
    path("reservations/<int:booking_pk>/decision/", views.booking_decide, name="booking_decide"),
    path("soutiens/<int:support_pk>/decision/", views.support_decide, name="support_decide"),
    path("soutiens/demande/<int:offer_pk>/", views.support_request, name="support_request"),
    path("sejours/", views.stays, name="stays"),
    path("sejours/<int:pk>/", views.stay, name="stay"),
    path("sejours/<int:pk>/calendrier.ics", views.stay_calendar, name="stay_calendar"),
    path("sejours/<int:pk>/annuler/", views.stay_cancel, name="stay_cancel"),
    path("sejours/<int:pk>/retour/", views.feedback, name="feedback"),
    path("sejours/<int:pk>/pairs/<int:peer_pk>/", views.peer_message, name="peer_message"),
    path("installation/<str:token>/", views.installation, name="installation"),
]
