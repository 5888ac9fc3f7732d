"""The public JSON API, /api/v1/: one NinjaAPI, one router per domain app."""

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema

from tremplin.matching.api import router as matching_router
from tremplin.offers.api import router as offers_router

# Also adds the token-authenticated writes (POST/PATCH /offers…) to the offers router.
from tremplin.syndication.api import RateLimited, rate_limited
from tremplin.syndication.api import router as syndication_router
from tremplin.territories.api import router as territories_router

api = NinjaAPI(
    title="Tremplin API",
    version="1",
    description=(
        "API publique de Tremplin : communes et territoires (données ouvertes), et bientôt "
        'annonces. Les erreurs sont du JSON : {"detail": "raison"}.'
    ),
    urls_namespace="api",
)
api.add_router("/", territories_router)
api.add_router("/", offers_router)
api.add_router("/", matching_router)
api.add_router("/", syndication_router)
api.exception_handler(RateLimited)(rate_limited)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request, {"detail": "Paramètres invalides.", "errors": exc.errors}, status=422
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


VALIDATION_ERROR = {
    "description": "Paramètres invalides.",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "detail": {"type": "string"},
                    "errors": {"type": "array", "items": {"type": "object"}},
                },
                "required": ["detail"],
            }
        }
    },
}
_ninja_openapi_schema = api.get_openapi_schema


def openapi_schema(
    *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
) -> OpenAPISchema:
    """The schema, saying that any operation may answer 422 (the `validation_error` above):
    ninja does not, and clients (and the schemathesis fuzzing) rely on it."""
    schema = _ninja_openapi_schema(path_prefix=path_prefix, path_params=path_params)
    for operations in schema["paths"].values():
        for operation in operations.values():
            operation["responses"].setdefault(422, VALIDATION_ERROR)
    return schema


# On this instance only; a method assigned on purpose, which mypy refuses by default.
api.get_openapi_schema = openapi_schema  # type: ignore[method-assign]


def public_urls() -> list[URLPattern | URLResolver]:
    """The API's URL patterns, each opted out of the login-required default."""
    patterns, _app_name, _namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = login_not_required(_as_function(pattern.callback))
    return patterns


def _as_function(view):  # noqa: ANN001, ANN202 — any view callable
    if hasattr(view, "__func__"):  # bound method: attributes cannot be set on it

        def wrapper(*args, **kwargs):  # noqa: ANN202
            return view(*args, **kwargs)

        wrapper.__dict__.update(getattr(view, "__dict__", {}))
        return wrapper
    return view
