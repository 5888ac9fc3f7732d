from django.urls import path

from tremplin.applications import views

app_name = "applications"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/message/", views.message, name="message"),
    path("<int:pk>/decision/", views.decide, name="decide"),
    path("<int:pk>/retirer/", views.withdraw, name="withdraw"),
    path("<int:pk>/signaler/", views.report, name="report"),
    path("annonces/<int:offer_pk>/postuler/", views.apply, name="apply"),
    path("annonces/<int:offer_pk>/favori/", views.favourite_toggle, name="favourite_toggle"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("recues/", views.inboxes, name="inboxes"),
    path("recues/<int:organisation_pk>/", views.inbox, name="inbox"),
    path("favoris/", views.favourites, name="favourites"),
    path("mon-cv/", views.profile_cv, name="profile_cv"),
    path("signalements/", views.reported, name="reported"),
]
