"""The site's URLs plus a view that fails, for the 500 page (tests/core/test_error_pages.py)."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler500
from config.urls import urlpatterns as site_urlpatterns
from tremplin.core import errors

__all__ = ["handler500", "urlpatterns"]


@login_not_required
def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view")


@login_not_required
def unavailable(request: HttpRequest) -> HttpResponse:
    return errors.unavailable_response(request)


urlpatterns = [
    path("en-panne/", broken),
    path("hors-service/", unavailable),
    *site_urlpatterns,
]
