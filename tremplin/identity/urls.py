from django.urls import path

from tremplin.identity import views

app_name = "identity"
urlpatterns = [
    path("suite/", views.continue_login, name="continue"),
    path("relier/", views.link, name="link"),
    path("deconnecte/", views.logged_out, name="logged_out"),
    path("<slug:slug>/connexion/", views.start, name="start"),
    path("<slug:slug>/retour/", views.callback, name="callback"),
]
