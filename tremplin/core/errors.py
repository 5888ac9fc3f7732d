"""The pages of a failure: 500 (a bug) and 503 (the database is unreachable).

Both are drawn from templates/500.html and 503.html *without* a request context: the context
processors read the user (a session, so the database) and the role menus (queries). When the
database is the problem, anything that queries would fail again inside the error page.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger("tremplin.outage")

# What a database outage looks like from Django: the server is down or restarting, the
# connection was cut, too many clients, SQLite locked for too long.
DATABASE_ERRORS = (OperationalError, InterfaceError)
# Seconds a client is asked to wait before trying again (a PostgreSQL restart, a failover).
RETRY_AFTER_SECONDS = 30


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: the French page, or JSON {"detail": …} for the API."""
    response: HttpResponse
    if _is_api(request):
        response = JsonResponse(
            {"detail": _("Service momentanément indisponible : réessayez dans quelques instants.")},
            status=503,
        )
    else:
        html = loader.get_template("503.html").render(
            {"SITE_NAME": "Tremplin", "retry_after": RETRY_AFTER_SECONDS}
        )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # An outage page must not be cached by the proxy or a browser as the page itself.
    response["Cache-Control"] = "no-store"
    return response


def database_outage_log(request: HttpRequest, error: BaseException) -> None:
    logger.error(
        "Database unavailable while serving %s %s: %s",
        request.method,
        request.path,
        error,
        exc_info=(type(error), error, error.__traceback__),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: also reached by a database error raised outside a view (a middleware
    reading the session), which DatabaseOutageMiddleware cannot see: that one is a 503 too."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        return unavailable_response(request)
    if _is_api(request):
        return JsonResponse({"detail": _("Erreur interne du serveur.")}, status=500)
    return HttpResponseServerError(
        loader.get_template("500.html").render({"SITE_NAME": "Tremplin"})
    )
