from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from tremplin.api.api import public_urls as api_urls
from tremplin.core.development import development_urlpatterns
from tremplin.territories import views as territories_views

# A bug: the French 500 page drawn without the database; a database outage: a 503.
handler500 = "tremplin.core.errors.server_error"

admin.site.site_header = "Tremplin — administration"
admin.site.site_title = "Tremplin"
admin.site.index_title = "Modération"

urlpatterns = [
    path("", include("tremplin.core.urls")),
    path("compte/", include("tremplin.accounts.urls")),
    # Deleting an account and downloading one's data touch every app.
    path("compte/", include("tremplin.platform.urls")),
    path("organisations/", include("tremplin.organisations.urls")),
    # Pro Santé Connect and ProConnect logins (404 for a provider the environment leaves out).
    path("identite/", include("tremplin.identity.urls")),
    # Among the territories pages; none of their patterns matches « pour-moi/ ».
    path("territoires/pour-moi/", include("tremplin.matching.urls")),
    path("territoires/", include("tremplin.territories.urls")),
    path("donnees/", territories_views.data_sources, name="data-sources"),
    path("annonces/", include("tremplin.offers.urls")),
    path("candidatures/", include("tremplin.applications.urls")),
    path("accueil/", include("tremplin.hosting.urls")),
    path("missions/", include("tremplin.missions.urls")),
    # The funnel of a health organisation or a collectivité (hosting/funnel.py).
    path("resultats/", include("tremplin.hosting.urls_funnel")),
    path("terrains-de-stage/", include("tremplin.juniors.urls")),
    # Feeds, sitemap.xml, robots.txt, partners (diffusion/), API tokens, alerts (alertes/).
    path("", include("tremplin.syndication.urls")),
    path("langue/", login_not_required(set_language), name="set_language"),
    path("api/v1/", include((api_urls(), "api"), namespace="api")),
    path("admin/", admin.site.urls),
]
if settings.DEBUG:
    # Uploaded photos and the email outbox, for `make run` only (tremplin/core/development.py).
    urlpatterns.append(path("", include((development_urlpatterns(), "development"))))
