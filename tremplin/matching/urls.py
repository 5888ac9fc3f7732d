from django.urls import path

from tremplin.matching import views

app_name = "matching"
urlpatterns = [
    path("", views.search, name="search"),
    path("enregistrer/", views.save, name="save"),
    path("recherches/<int:pk>/supprimer/", views.delete, name="delete"),
]
