from django.urls import path

from tremplin.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("sante/", views.health, name="health"),
    path("mentions-legales/", views.legal_notice, name="legal_notice"),
    path("donnees-personnelles/", views.personal_data, name="personal_data"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("conditions-d-utilisation/", views.terms, name="terms"),
    path("plan-du-site/", views.site_map, name="site_map"),
]
