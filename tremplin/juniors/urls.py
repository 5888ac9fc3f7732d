from django.urls import path

from tremplin.juniors import views

app_name = "juniors"
urlpatterns = [
    path("", views.terrains, name="terrains"),
    path("<int:pk>/", views.terrain, name="terrain"),
    path("<int:pk>/interet/", views.interest, name="interest"),
    path("<int:pk>/logements/", views.housing_attach, name="housing_attach"),
    path("<int:pk>/modifier/", views.terrain_edit, name="edit"),
    path("<int:pk>/statut/", views.terrain_status, name="status"),
    path("<int:pk>/maitres-de-stage/", views.supervisor_add, name="supervisor_add"),
    path("maitres-de-stage/<int:pk>/retirer/", views.supervisor_remove, name="supervisor_remove"),
    path("logements/<int:pk>/reserver/", views.book, name="book"),
    path("logements/<int:pk>/retirer/", views.housing_withdraw, name="housing_withdraw"),
    path("structures/<int:pk>/", views.manage, name="manage"),
    path("structures/<int:pk>/nouveau/", views.terrain_create, name="create"),
    path("coordination/<int:pk>/", views.coordination, name="coordination"),
    path("coordination/<int:pk>/export.csv", views.coordination_csv, name="coordination_csv"),
]
