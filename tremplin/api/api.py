"""The public JSON API, /api/v1/: one NinjaAPI, one router per domain app."""

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema

from tremplin.core.api_params import FRENCH_ERROR_TYPES
from tremplin.hosting.api import router as hosting_router
from tremplin.matching.api import router as matching_router
from tremplin.missions.api import router as missions_router
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
api.add_router("/", hosting_router)
api.add_router("/", missions_router)
api.add_router("/", syndication_router)
api.exception_handler(RateLimited)(rate_limited)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """422 with the pydantic errors; the French reasons of tremplin.core.api_params (a
    malformed date…) are also said in `detail`, parameter by parameter."""
    reasons = [
        f"{error['loc'][-1]} : {error['msg']}"
        for error in exc.errors
        if error.get("type") in FRENCH_ERROR_TYPES and error.get("loc")
    ]
    detail = "Paramètres invalides : " + " ; ".join(reasons) if reasons else "Paramètres invalides."
    return api.create_response(request, {"detail": detail, "errors": exc.errors}, status=422)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    detail = str(exc)
    if detail.startswith("Cannot parse request body"):  # ninja's own words
        detail = MALFORMED_BODY_REASON
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


MALFORMED_BODY_REASON = (
    "Corps de requête illisible : envoyez un objet JSON valide (Content-Type: application/json)."
)


ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "La raison, en français."}},
    "required": ["detail"],
}
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
            },
            "example": {
                "detail": "Paramètres invalides : updated_since : « hier » n’est pas une date ou "
                "une date et heure ISO 8601 (par exemple 2026-12-02 ou 2026-12-02T09:30:00+01:00).",
                "errors": [{"type": "date_heure_invalide", "loc": ["query", "updated_since"]}],
            },
        }
    },
}


def _error(description: str, example: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": ERROR_SCHEMA, "example": {"detail": example}}},
    }


MALFORMED_BODY = _error("Corps de requête illisible.", MALFORMED_BODY_REASON)
NOT_FOUND = _error("Introuvable.", "Votre organisation n’a pas d’annonce n° 12.")
UNAUTHENTICATED = _error("Jeton absent, inconnu ou révoqué.", "Jeton d’API inconnu ou révoqué.")
RATE_LIMITED = _error(
    "Trop de requêtes pour ce jeton (en-tête Retry-After : secondes à attendre).",
    "Trop de requêtes pour ce jeton (60 par minute au plus) : réessayez dans 12 s.",
)
_ninja_openapi_schema = api.get_openapi_schema


def openapi_schema(
    *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
) -> OpenAPISchema:
    """The schema, with what ninja leaves out: the server (SITE_URL), and on each operation
    the errors it can answer — 422 where it takes parameters or a body (`validation_error`
    above), 400 where it reads a JSON body, 404 where a path names an object, 401 and 429
    where a token is needed — each with the JSON error `{"detail": …}`. Clients (and the
    schemathesis fuzzing) rely on it."""
    schema = _ninja_openapi_schema(path_prefix=path_prefix, path_params=path_params)
    schema["servers"] = [{"url": settings.SITE_URL, "description": settings.SITE_NAME}]
    for operations in schema["paths"].values():
        for operation in operations.values():
            responses = operation["responses"]
            parameters = operation.get("parameters", [])
            if parameters or "requestBody" in operation:
                responses.setdefault(422, VALIDATION_ERROR)
            if "requestBody" in operation:
                responses.setdefault(400, MALFORMED_BODY)
            if any(parameter["in"] == "path" for parameter in parameters):
                responses.setdefault(404, NOT_FOUND)
            if operation.get("security"):
                responses.setdefault(401, UNAUTHENTICATED)
                responses.setdefault(429, RATE_LIMITED)
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
