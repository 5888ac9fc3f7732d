from django.urls import path

from tremplin.platform import views

app_name = "platform"
urlpatterns = [
    path("espace/", views.space, name="space"),
    path("suppression/", views.account_delete, name="account_delete"),
    path("mes-donnees/", views.account_export, name="account_export"),
]
