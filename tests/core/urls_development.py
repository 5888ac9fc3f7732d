"""The site's URLs as `make run` (DEBUG) routes them: the tests run with DEBUG off."""

from django.urls import include, path

from config.urls import urlpatterns as site_urlpatterns
from tremplin.core.development import development_urlpatterns

urlpatterns = [
    *site_urlpatterns,
    path("", include((development_urlpatterns(), "development"))),
]
