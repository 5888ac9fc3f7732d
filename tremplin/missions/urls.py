from django.urls import path

from tremplin.missions import views

app_name = "missions"
urlpatterns = [
    path("", views.index, name="index"),
    path("creneaux/<int:pk>/", views.slot, name="slot"),
    path("creneaux/<int:pk>/reserver/", views.book, name="book"),
    path("creneaux/<int:pk>/tenue/", views.slot_held, name="slot_held"),
    path("mes-missions/", views.mine, name="mine"),
    path("mes-missions/<int:pk>/annuler/", views.cancel, name="cancel"),
    path("mes-missions/<int:pk>/calendrier.ics", views.booking_ics, name="booking_ics"),
    path("organisations/<int:pk>/lieux/", views.sites, name="sites"),
    path("lieux/<int:pk>/", views.site_calendar, name="site_calendar"),
    path("zones-rouges/", views.zones, name="zones"),
    path("partenaires/<int:pk>/", views.partner, name="partner"),
    path("partenaires/<int:pk>/rapport/", views.report, name="report"),
    path("partenaires/<int:pk>/rapport.csv", views.report_csv, name="report_csv"),
]
