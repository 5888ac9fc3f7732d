from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

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
