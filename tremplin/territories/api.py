from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from tremplin.core.api_params import api_example
from tremplin.territories import selectors
from tremplin.territories.indicators import INDICATORS
from tremplin.territories.models import Commune

router = Router(tags=["territoires"])


class CommuneSummary(Schema):
    insee: str
    name: str
    departement: str
    population: int | None
    postal_codes: list[str]


class CommuneList(Schema):
    count: int
    results: list[CommuneSummary]


class TownHall(Schema):
    address: str
    phone: str
    email: str
    website: str
    latitude: float | None
    longitude: float | None


class IndicatorOut(Schema):
    key: str
    label: str
    value: float | None = Field(
        description="null hors de la couverture de la source (voir `coverage`) ou non publié."
    )
    category: str = ""
    unit: str
    year: int | None
    source: str
    coverage: str | None = Field(
        None,
        description="Pourquoi la valeur est inconnue quand la commune est hors de la couverture "
        "de la source (« non couvert par cette source : … ») ; null quand elle est couverte.",
    )
    absence: str | None = Field(
        None, description="Pourquoi une commune couverte n’a pas de valeur publiée."
    )
    share_above: float | None = Field(
        None, description="Part des communes dont la valeur est strictement plus élevée."
    )
    published_for: str | None = Field(
        None,
        description="Code INSEE de la commune entière quand la source ne publie pas ce chiffre "
        "par arrondissement (la valeur est alors celle de la ville).",
    )
    breakdown: dict[str, int] = Field(
        default_factory=dict,
        description="Pour une ville à arrondissements et une catégorie : nombre d’arrondissements "
        "par catégorie (la ville n’a de catégorie propre que si la source la donne).",
    )


class CommuneDetail(Schema):
    insee: str
    name: str
    kind: str = Field(description="COM pour une commune, ARM pour un arrondissement municipal.")
    city: str | None = Field(None, description="Pour un arrondissement : le code de sa commune.")
    arrondissements: list[str] = Field(
        default_factory=list, description="Pour Paris, Lyon et Marseille : leurs arrondissements."
    )
    population: int | None
    departement: str
    departement_name: str
    region: str
    region_name: str
    epci: str | None
    epci_name: str | None
    latitude: float | None
    longitude: float | None
    postal_codes: list[str]
    town_hall: TownHall
    indicators: list[IndicatorOut]


class Error(Schema):
    detail: str


class SearchParams(Schema):
    q: str = Field("", max_length=100, description="Nom, code postal ou code INSEE.")
    limit: int = Field(10, ge=1, le=50)


FELLETIN = {
    "insee": "23079",
    "name": "Felletin",
    "departement": "23",
    "population": 1633,
    "postal_codes": ["23500"],
}
COMMUNE_EXAMPLE = {
    **FELLETIN,
    "kind": "COM",
    "city": None,
    "arrondissements": [],
    "departement_name": "Creuse",
    "region": "75",
    "region_name": "Nouvelle-Aquitaine",
    "epci": "200044014",
    "epci_name": "CC Creuse Grand Sud",
    "latitude": 45.883,
    "longitude": 2.174,
    "town_hall": {
        "address": "Place Quinault, 23500 Felletin",
        "phone": "05 55 66 51 11",
        "email": "mairie@felletin.fr",
        "website": "https://www.felletin.fr",
        "latitude": 45.883,
        "longitude": 2.174,
    },
    "indicators": [
        {
            "key": "apl_mg",
            "label": "APL aux médecins généralistes",
            "value": 2.41,
            "category": "",
            "unit": "nombre de consultations/visites accessibles par habitant standardisé",
            "year": 2023,
            "source": "DREES",
            "coverage": None,
            "absence": None,
            "share_above": 0.62,
            "published_for": None,
            "breakdown": {},
        }
    ],
}


def _summary(commune: Commune) -> dict:
    return {
        "insee": commune.insee,
        "name": commune.name,
        "departement": commune.departement.code,
        "population": commune.population,
        "postal_codes": commune.postal_code_list,
    }


@router.get(
    "/communes",
    response=CommuneList,
    summary="Rechercher des communes",
    openapi_extra=api_example({"count": 1, "results": [FELLETIN]}),
)
def communes_search(request: HttpRequest, params: Query[SearchParams]) -> dict:
    results = selectors.commune_search(params.q, limit=params.limit)
    return {"count": len(results), "results": [_summary(c) for c in results]}


@router.get(
    "/communes/{insee}",
    response={200: CommuneDetail, 404: Error},
    summary="Profil d’une commune",
    openapi_extra=api_example(COMMUNE_EXAMPLE),
)
def commune_detail(request: HttpRequest, insee: str) -> dict:
    commune = selectors.commune_profile(insee.upper())
    if commune is None:
        raise HttpError(404, f"Aucune commune n’a le code INSEE « {insee} ».")
    indicators = selectors.commune_indicators(commune)
    return {
        "insee": commune.insee,
        "name": commune.name,
        "kind": commune.kind,
        "city": commune.city_id,
        "arrondissements": [a.insee for a in selectors.arrondissements_of(commune)],
        "population": commune.population,
        "departement": commune.departement.code,
        "departement_name": commune.departement.name,
        "region": commune.region.code,
        "region_name": commune.region.name,
        "epci": commune.epci_id,
        "epci_name": commune.epci.name if commune.epci else None,
        "latitude": commune.latitude,
        "longitude": commune.longitude,
        "postal_codes": commune.postal_code_list,
        "town_hall": {
            "address": commune.town_hall_address,
            "phone": commune.town_hall_phone,
            "email": commune.town_hall_email,
            "website": commune.town_hall_website,
            "latitude": commune.town_hall_latitude,
            "longitude": commune.town_hall_longitude,
        },
        "indicators": [
            {
                "key": key,
                "label": str(INDICATORS[key].label),
                "value": view.value,
                "category": view.category,
                "unit": str(INDICATORS[key].unit),
                "year": view.year,
                "source": view.source.publisher if view.source else "",
                "share_above": None if view.published_for else view.share_above,
                "published_for": view.published_for.insee if view.published_for else None,
                "breakdown": dict(view.breakdown),
                "coverage": view.coverage or None,
                "absence": view.absence or None,
            }
            for key, view in indicators.items()
        ],
    }
