"""Published offers in the public API: the search of /annonces/ and one offer's description."""

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from tremplin.core.api_params import IsoDate, IsoDateTime, api_example
from tremplin.core.professions import Profession
from tremplin.offers import selectors
from tremplin.offers.models import Offer, OfferKind, PracticeSetting

router = Router(tags=["annonces"])


class Error(Schema):
    detail: str


class OfferQuery(Schema):
    """The filters of the search page, under the same names as its URL."""

    q: str = Field("", max_length=100, description="Mots-clés (sans accents ni pluriels requis).")
    profession: Profession | None = None
    type: OfferKind | None = Field(None, description="Type d’annonce.")
    du: IsoDate | None = Field(None, description="Début de la période de disponibilité.")
    au: IsoDate | None = Field(None, description="Fin de la période de disponibilité.")
    departement: str = Field("", max_length=3, description="Code du département, ex. 23.")
    region: str = Field("", max_length=3, description="Code INSEE de la région, ex. 75.")
    commune: str = Field("", max_length=5, description="Code INSEE de la commune centre.")
    rayon: int | None = Field(
        None, ge=1, le=selectors.MAX_RADIUS_KM, description="Rayon autour de la commune (km)."
    )
    logement: bool = Field(False, description="Seulement les annonces avec logement proposé.")
    zonage: str = Field(
        "",
        pattern="^(ZIP|ZAC|ZAR|HZ|TSD|SD|INT|TD|SUR|NP)?$",
        description="Zonage ARS de la profession de l’annonce (ZIP, ZAC… ; TSD, SD…).",
    )
    cadre: PracticeSetting | None = Field(None, description="Cadre d’exercice.")
    tri: selectors.OfferSort | None = Field(None, description="Ordre des résultats.")
    page: int = Field(1, ge=1)
    updated_since: IsoDateTime | None = Field(
        None,
        description="Miroir : les annonces publiées un jour (closes comprises, voir status) et"
        " modifiées depuis cette date (ISO 8601 ; sans fuseau : UTC), par 200, des plus anciennes"
        " aux plus récentes ; les autres filtres sont alors ignorés. Continuer avec"
        " next_updated_since et next_after_id. Une date mal formée est refusée (422).",
    )
    after_id: int | None = Field(None, ge=0, le=2**63 - 1, description="Curseur du miroir.")


class CommuneOut(Schema):
    insee: str
    name: str
    departement: str
    departement_name: str


class OfferOut(Schema):
    id: int
    url: str
    title: str
    kind: str
    kind_label: str
    profession: str
    profession_label: str
    commune: CommuneOut | None
    latitude: float | None
    longitude: float | None
    start_date: date | None
    end_date: date | None
    asap: bool
    retrocession_rate: Decimal | None
    salary_min: int | None
    salary_max: int | None
    setting: str
    housing_offered: bool | None
    zonage: str
    organisation: str
    published_at: datetime | None
    is_demo: bool
    distance_km: float | None = Field(None, description="Avec une commune : distance à celle-ci.")
    status: str = Field("published", description="Miroir : published, filled, expired…")
    updated_at: datetime | None = Field(None, description="Miroir : dernière modification.")


class OfferDetailOut(OfferOut):
    description: str
    replacement_type: str
    internship_level: str
    patients_per_day: int | None
    secretariat: str
    software: str
    on_call: str
    housing_details: str
    region: str
    expires_on: date | None


class OfferList(Schema):
    count: int
    # True: more offers match than `count` (a broad text search ranks the newest 1,000).
    count_capped: bool = False
    page: int
    pages: int
    results: list[OfferOut]
    # A string: JSON datetimes lose the microseconds a cursor needs.
    next_updated_since: str | None = Field(None, description="Miroir : page suivante.")
    next_after_id: int | None = Field(None, description="Miroir : page suivante.")


OFFER_EXAMPLE = {
    "id": 42,
    "url": "/annonces/42/",
    "title": "Remplacement de médecin généraliste en MSP, juillet — Felletin (23)",
    "kind": "remplacement",
    "kind_label": "Remplacement",
    "profession": "medecin_generaliste",
    "profession_label": "Médecin généraliste",
    "commune": {
        "insee": "23079",
        "name": "Felletin",
        "departement": "23",
        "departement_name": "Creuse",
    },
    "latitude": 45.883,
    "longitude": 2.174,
    "start_date": "2027-07-05",
    "end_date": "2027-07-25",
    "asap": False,
    "retrocession_rate": "75.00",
    "salary_min": None,
    "salary_max": None,
    "setting": "msp",
    "housing_offered": True,
    "zonage": "ZIP",
    "organisation": "Maison de santé de Felletin",
    "published_at": "2027-05-02T09:30:00+02:00",
    "is_demo": False,
    "distance_km": None,
    "status": "published",
    "updated_at": None,
}
OFFER_DETAIL_EXAMPLE = {
    **OFFER_EXAMPLE,
    "description": "Trois semaines de remplacement ; appartement meublé prêté par la commune.",
    "replacement_type": "ponctuel",
    "internship_level": "",
    "patients_per_day": 25,
    "secretariat": "sur_place",
    "software": "Weda",
    "on_call": "Un samedi matin sur quatre.",
    "housing_details": "Appartement meublé à deux pas de la maison de santé.",
    "region": "75",
    "expires_on": "2027-07-25",
}


def _offer(offer: Offer) -> dict:
    commune = offer.commune
    distance = getattr(offer, "distance_km", None)
    return {
        "id": offer.pk,
        "url": offer.get_absolute_url(),
        "title": offer.title,
        "kind": offer.kind,
        "kind_label": str(selectors.KIND_LABELS.get(offer.kind, offer.kind)),
        "profession": offer.profession,
        "profession_label": str(
            selectors.PROFESSION_LABELS.get(offer.profession, offer.profession)
        ),
        "commune": {
            "insee": commune.insee,
            "name": commune.name,
            "departement": commune.departement.code,
            "departement_name": commune.departement.name,
        }
        if commune
        else None,
        "latitude": offer.latitude,
        "longitude": offer.longitude,
        "start_date": offer.start_date,
        "end_date": offer.end_date,
        "asap": offer.asap,
        "retrocession_rate": offer.retrocession_rate,
        "salary_min": offer.salary_min,
        "salary_max": offer.salary_max,
        "setting": offer.setting,
        "housing_offered": offer.housing_offered,
        "zonage": offer.zonage,
        "organisation": offer.organisation.name,
        "published_at": offer.published_at,
        "is_demo": offer.is_demo,
        "distance_km": round(distance, 1) if distance is not None else None,
    }


@router.get(
    "/offers",
    response={200: OfferList, 400: Error},
    summary="Rechercher des annonces publiées",
    openapi_extra=api_example(
        {
            "count": 1,
            "page": 1,
            "pages": 1,
            "results": [OFFER_EXAMPLE],
            "next_updated_since": None,
            "next_after_id": None,
        }
    ),
)
def offers_search(request: HttpRequest, filters: Query[OfferQuery]) -> dict:
    if filters.updated_since is not None:
        return offers_mirror_page(
            since=filters.updated_since, after_id=filters.after_id, out=_offer
        )
    commune = None
    if filters.commune:
        try:
            commune = selectors.commune_for_search(filters.commune)
        except ValidationError as error:
            raise HttpError(400, " ".join(error.messages)) from None
    params = selectors.OfferSearchParams(
        text=filters.q.strip(),
        profession=filters.profession or "",
        kind=filters.type or "",
        period_start=filters.du,
        period_end=filters.au,
        departement=filters.departement.strip().upper(),
        region=filters.region.strip(),
        commune=commune,
        radius_km=filters.rayon if commune else None,
        housing=filters.logement,
        zonage=filters.zonage,
        setting=filters.cadre or "",
        sort=filters.tri or "",
        page=filters.page,
    )
    if params.period_start and params.period_end and params.period_end < params.period_start:
        raise HttpError(400, "La fin de la période (au) doit suivre son début (du).")
    result = selectors.offer_search(params=params)
    return {
        "count": result.count,
        "count_capped": result.count_capped,
        "page": result.page,
        "pages": result.pages,
        "results": [_offer(offer) for offer in result.offers],
    }


@router.get(
    "/offers/{offer_id}",
    response={200: OfferDetailOut, 404: Error},
    summary="Une annonce publiée",
    openapi_extra=api_example(OFFER_DETAIL_EXAMPLE),
)
def offer_detail(request: HttpRequest, offer_id: int) -> dict:
    offer = selectors.published_offer(offer_id)
    if offer is None:
        raise HttpError(
            404, f"Aucune annonce publiée n’a l’identifiant {offer_id} : elle n’existe pas, "
            "n’est pas encore publiée ou a été close."
        )  # fmt: skip
    return {
        **_offer(offer),
        "description": offer.description,
        "replacement_type": offer.replacement_type,
        "internship_level": offer.internship_level,
        "patients_per_day": offer.patients_per_day,
        "secretariat": offer.secretariat,
        "software": offer.software,
        "on_call": offer.on_call,
        "housing_details": offer.housing_details,
        "region": offer.region_code,
        "expires_on": offer.expires_on,
    }


def offers_mirror_page(*, since: datetime, after_id: int | None, out: Callable) -> dict:
    """`GET /offers?updated_since=…`: one page of the mirror, each offer with its status."""
    try:
        page = selectors.offers_changed_since(since=since, after_id=after_id)
    except ValidationError as error:
        raise HttpError(400, " ".join(error.messages)) from None
    return {
        "count": len(page.offers),
        "page": 1,
        "pages": 1,
        "results": [
            {**out(offer), "status": offer.status, "updated_at": offer.updated_at}
            for offer in page.offers
        ],
        "next_updated_since": page.next_since.isoformat() if page.next_since else None,
        "next_after_id": page.next_after_id,
    }
