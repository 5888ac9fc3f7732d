from django.urls import path

from tremplin.territories import views

app_name = "territories"
urlpatterns = [
    path("", views.index, name="index"),
    path("recherche/", views.search, name="search"),
    path("carte/departements.geojson", views.map_departements, name="map_departements"),
    path("carte/departements/<str:code>/communes.geojson", views.map_communes, name="map_communes"),
    path("communes/suggestions/", views.commune_suggestions, name="commune_suggestions"),
    path("communes/<str:insee>/", views.commune, name="commune"),
    path("epci/<str:siren>/", views.epci, name="epci"),
    path("departements/<str:code>/", views.departement, name="departement"),
    path("regions/<str:code>/", views.region, name="region"),
]
