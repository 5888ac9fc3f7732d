"""The write side of /api/v1/: organisations create, change and close their offers with an
API token (`Authorization: Bearer trp_…`), within a rate limit per token.

The operations are added to the offers router (`/offers` already serves the public reads on
the same paths); importing this module, as tremplin/api/api.py does, registers them. They go
through the offer services, so moderation applies: a created offer is submitted to the
moderators, never published directly.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Field, Path, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer

from tremplin.core.api_params import IsoDate, api_example
from tremplin.core.professions import Profession
from tremplin.offers import services as offer_services
from tremplin.offers.api import router as offers_router
from tremplin.offers.models import (
    InternshipLevel,
    Offer,
    OfferKind,
    OfferStatus,
    PracticeSetting,
    ReplacementType,
    Secretariat,
)
from tremplin.syndication.models import ApiToken
from tremplin.syndication.services_tokens import (
    RATE_PER_MINUTE,
    api_token_authenticate,
    api_token_throttle,
)
from tremplin.territories.models import Commune

router = Router(tags=["organisations"])
MAX_ID = 2**63 - 1


class RateLimited(HttpError):
    def __init__(self, wait: int) -> None:
        self.wait = wait
        super().__init__(
            429,
            f"Trop de requêtes pour ce jeton ({RATE_PER_MINUTE} par minute au plus) : "
            f"réessayez dans {wait} s.",
        )


def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    """The JSON error with a Retry-After header (registered by tremplin/api/api.py)."""
    response = JsonResponse({"detail": str(exc)}, status=429)
    response["Retry-After"] = str(exc.wait)
    return response


class TokenAuth(HttpBearer):
    """An organisation's API token; refusals are JSON errors in French."""

    def __call__(self, request: HttpRequest) -> ApiToken:
        header = request.headers.get("Authorization", "")
        scheme, _space, raw = header.partition(" ")
        if not header or scheme.lower() != "bearer":
            raise HttpError(401, "Jeton d’API requis : en-tête « Authorization: Bearer <jeton> ».")
        return self.authenticate(request, raw.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        found = api_token_authenticate(token)
        if found is None:
            raise HttpError(401, "Jeton d’API inconnu ou révoqué.")
        wait = api_token_throttle(found)
        if wait:
            raise RateLimited(wait)
        return found


token_auth = TokenAuth()


class TokenHttpRequest(HttpRequest):
    """A request to an operation behind `token_auth`: ninja sets `auth` to the token."""

    auth: ApiToken


class Error(Schema):
    detail: str


class OfferWrite(Schema):
    """What an organisation states about an offer (the fields of the editor)."""

    kind: OfferKind | None = Field(None, description="Type d’annonce.")
    profession: Profession | None = None
    title: str | None = Field(None, min_length=1, max_length=150)
    description: str | None = Field(None, max_length=20_000)
    commune: str | None = Field(
        None, pattern=r"^\d[0-9AB]\d{3}$", description="Code INSEE de la commune d’exercice."
    )
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    asap: bool | None = Field(None, description="Dès que possible.")
    replacement_type: ReplacementType | Literal[""] | None = None
    internship_level: InternshipLevel | Literal[""] | None = None
    retrocession_rate: Decimal | None = Field(None, ge=0, le=100, decimal_places=2)
    salary_min: int | None = Field(None, ge=0, le=1_000_000)
    salary_max: int | None = Field(None, ge=0, le=1_000_000)
    setting: PracticeSetting | Literal[""] | None = None
    patients_per_day: int | None = Field(None, ge=0, le=300)
    secretariat: Secretariat | Literal[""] | None = None
    software: str | None = Field(None, max_length=100)
    on_call: str | None = Field(None, max_length=300)
    housing_offered: bool | None = None
    housing_details: str | None = Field(None, max_length=2000)


class OfferCreate(OfferWrite):
    kind: OfferKind = Field(description="Type d’annonce.")
    profession: Profession
    title: str = Field(min_length=1, max_length=150)
    submit: bool = Field(
        True,
        description="Soumettre à la modération (par défaut) ; false : garder en brouillon.",
    )


class OfferChange(OfferWrite):
    submit: bool = Field(False, description="Soumettre à la modération un brouillon ou refus.")


class OfferClose(Schema):
    status: Literal["filled", "withdrawn"] = Field(
        description="filled : pourvue ; withdrawn : retirée."
    )


class OwnOfferOut(Schema):
    id: int
    url: str
    status: str
    status_label: str
    refusal_reason: str
    title: str
    kind: str
    profession: str
    commune: str | None = Field(description="Code INSEE.")
    start_date: date | None
    end_date: date | None
    asap: bool
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    published_at: datetime | None
    closed_at: datetime | None


class TokenOut(Schema):
    organisation_id: int
    organisation: str
    token: str = Field(description="Nom du jeton.")
    rate_per_minute: int


OWN_OFFER_EXAMPLE = {
    "id": 42,
    "url": "/annonces/42/",
    "status": "submitted",
    "status_label": "En attente de modération",
    "refusal_reason": "",
    "title": "Remplacement de médecin généraliste en MSP, juillet — Felletin (23)",
    "kind": "remplacement",
    "profession": "medecin_generaliste",
    "commune": "23079",
    "start_date": "2027-07-05",
    "end_date": "2027-07-25",
    "asap": False,
    "created_at": "2027-05-01T10:00:00+02:00",
    "updated_at": "2027-05-01T10:00:00+02:00",
    "submitted_at": "2027-05-01T10:00:00+02:00",
    "published_at": None,
    "closed_at": None,
}
CREATE_EXAMPLE = {
    "kind": "remplacement",
    "profession": "medecin_generaliste",
    "title": "Remplacement de médecin généraliste en MSP, juillet — Felletin (23)",
    "description": "Trois semaines de remplacement ; appartement meublé prêté par la commune.",
    "commune": "23079",
    "start_date": "2027-07-05",
    "end_date": "2027-07-25",
    "retrocession_rate": "75",
}


def _own(offer: Offer) -> dict:
    return {
        "id": offer.pk,
        "url": offer.get_absolute_url(),
        "status": offer.status,
        "status_label": str(offer.get_status_display()),
        "refusal_reason": offer.refusal_reason,
        "title": offer.title,
        "kind": offer.kind,
        "profession": offer.profession,
        "commune": offer.commune_id,
        "start_date": offer.start_date,
        "end_date": offer.end_date,
        "asap": offer.asap,
        "created_at": offer.created_at,
        "updated_at": offer.updated_at,
        "submitted_at": offer.submitted_at,
        "published_at": offer.published_at,
        "closed_at": offer.closed_at,
    }


def _messages(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, PermissionDenied):
        return str(error) or "Action non autorisée pour cette organisation."
    if hasattr(error, "message_dict"):
        return " ".join(
            f"{name} : {message}" if name != "__all__" else message
            for name, messages in error.message_dict.items()
            for message in messages
        )
    return " ".join(error.messages)


def _apply(offer: Offer, data: dict) -> None:
    data.pop("submit", None)
    if "commune" in data:
        code = data.pop("commune")
        offer.commune = None
        if code:
            offer.commune = Commune.objects.filter(insee=code).first()
            if offer.commune is None:
                raise HttpError(400, f"Aucune commune n’a le code INSEE « {code} ».")
    for name, value in data.items():
        if value is None and name not in {
            "start_date", "end_date", "retrocession_rate", "salary_min", "salary_max",
            "patients_per_day", "housing_offered",
        }:  # fmt: skip
            value = "" if name not in {"asap"} else False
        setattr(offer, name, value)


def _token_offer(request: TokenHttpRequest, offer_id: int) -> Offer:
    offer = (
        Offer.objects.select_for_update()
        .filter(pk=offer_id, organisation_id=request.auth.organisation_id)
        .first()
    )
    if offer is None:
        raise HttpError(404, f"Votre organisation n’a pas d’annonce n° {offer_id}.")
    return offer


WRITE_ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error, 429: Error}


@offers_router.post(
    "/offers",
    auth=token_auth,
    response={201: OwnOfferOut, **WRITE_ERRORS},
    summary="Créer une annonce (jeton d’organisation)",
    openapi_extra=api_example(OWN_OFFER_EXAMPLE, status=201, body=CREATE_EXAMPLE),
    description="Crée l’annonce et la soumet à la modération (statut « submitted »), "
    "sauf `submit: false` (brouillon). Publiée après validation par la modération.",
)
def offer_create(request: TokenHttpRequest, payload: OfferCreate) -> Status:
    token = request.auth
    if not token.organisation.is_health:
        raise HttpError(403, "Seules les structures de santé publient des annonces.")
    data = payload.model_dump(exclude_unset=True)
    submit = payload.submit
    try:
        with transaction.atomic():
            offer = Offer(organisation=token.organisation, kind=payload.kind)
            _apply(offer, data)
            offer_services.offer_save(offer=offer, by=token.created_by)
            if submit:
                offer_services.offer_submit(offer=offer, by=token.created_by)
    except (ValidationError, PermissionDenied) as error:
        raise HttpError(400, _messages(error)) from None
    return Status(201, _own(offer))


@offers_router.patch(
    "/offers/{offer_id}",
    auth=token_auth,
    response={200: OwnOfferOut, **WRITE_ERRORS},
    summary="Modifier une annonce de son organisation (jeton d’organisation)",
    openapi_extra=api_example(
        {**OWN_OFFER_EXAMPLE, "end_date": "2027-07-31"}, body={"end_date": "2027-07-31"}
    ),
    description="Seuls les champs envoyés changent. Une annonce publiée le reste ; "
    "une annonce close ne se modifie plus.",
)
def offer_change(
    request: TokenHttpRequest, payload: OfferChange, offer_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict:
    data = payload.model_dump(exclude_unset=True)
    try:
        with transaction.atomic():
            offer = _token_offer(request, offer_id)
            _apply(offer, dict(data))
            offer_services.offer_save(offer=offer, by=request.auth.created_by)
            if data.get("submit"):
                offer_services.offer_submit(offer=offer, by=request.auth.created_by)
    except (ValidationError, PermissionDenied) as error:
        raise HttpError(400, _messages(error)) from None
    return _own(offer)


@offers_router.post(
    "/offers/{offer_id}/close",
    auth=token_auth,
    response={200: OwnOfferOut, **WRITE_ERRORS},
    summary="Clore une annonce de son organisation (jeton d’organisation)",
    openapi_extra=api_example(
        {
            **OWN_OFFER_EXAMPLE,
            "status": "filled",
            "status_label": "Pourvue",
            "closed_at": "2027-06-10T18:00:00+02:00",
        },
        body={"status": "filled"},
    ),
)
def offer_close(
    request: TokenHttpRequest, payload: OfferClose, offer_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict:
    try:
        with transaction.atomic():
            offer = _token_offer(request, offer_id)
            offer_services.offer_close(
                offer=offer, by=request.auth.created_by, status=OfferStatus(payload.status)
            )
    except ValidationError as error:
        raise HttpError(400, _messages(error)) from None
    return _own(offer)


@router.get(
    "/token",
    auth=token_auth,
    response={200: TokenOut, 401: Error, 429: Error},
    summary="Le jeton utilisé et son organisation",
    openapi_extra=api_example(
        {
            "organisation_id": 7,
            "organisation": "Maison de santé de Felletin",
            "token": "Logiciel de la MSP",
            "rate_per_minute": 60,
        }
    ),
)
def token_detail(request: TokenHttpRequest) -> dict:
    token = request.auth
    return {
        "organisation_id": token.organisation_id,
        "organisation": token.organisation.name,
        "token": token.name,
        "rate_per_minute": RATE_PER_MINUTE,
    }
