from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _

from tremplin.core import errors


class FrenchFirstLocaleMiddleware(LocaleMiddleware):
    """French for everyone unless they chose another language with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language header; a French public
    service speaks French first, so only the explicit choice (its cookie) counts.
    """

    def process_request(self, request: HttpRequest) -> None:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class DatabaseOutageMiddleware:
    """A view that hits an unreachable database answers 503 with Retry-After (the French page,
    or JSON for /api/), not a 500: the visitor is told to come back, the proxy and partners'
    clients to retry. Errors raised before the view (a middleware reading the session) reach
    `tremplin.core.errors.server_error`, which answers the same."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, errors.DATABASE_ERRORS):
            return None
        if settings.DEBUG:
            # A developer's "no such table" (migrate not run) deserves Django's debug page.
            return None
        errors.database_outage_log(request, exception)
        return errors.unavailable_response(request)


class NullCharacterMiddleware:
    """A query string holding a NUL character is refused before any view reads it: PostgreSQL
    cannot compare a text with one (a 500 otherwise, found by the API fuzz test). The API
    answers a JSON 422 as for any malformed parameter, pages a 400 in French."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            reason = _("Un paramètre de l’adresse contient un caractère nul : retirez-le.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": reason}, status=422)
            return HttpResponseBadRequest(reason, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
