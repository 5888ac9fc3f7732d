"""Matching in the public API: the criteria of the page's URL, ranked territories as JSON.

The parameters are read by the page's own form (`MatchingForm`), so the API and the page accept
and refuse exactly the same things; their OpenAPI description is generated from that form."""

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from tremplin.core.api_params import api_example
from tremplin.matching import selectors
from tremplin.matching.forms import AreaChoiceField, MatchingForm
from tremplin.matching.selectors import MatchingResult

router = Router(tags=["correspondance"])
DEFAULT_LIMIT = 50


class ContributionOut(Schema):
    criterion: str
    label: str
    importance: str
    satisfaction: float | None
    points: float
    max_points: float
    met: bool
    text: str
    covered: bool = Field(
        True,
        description="false : la source du critère ne couvre pas la commune ; il ne compte ni "
        "pour ni contre elle.",
    )


class WelcomeOut(Schema):
    name: str
    url: str
    housing: int = Field(description="logements de la collectivité encore réservables")
    activities: int = Field(description="activités découverte à venir ou sur demande")
    referent: str = Field(description="nom du référent installation, vide s’il n’est pas nommé")


class TerritoryOut(Schema):
    rank: int
    kind: str
    code: str
    name: str
    score: float
    explanation: str = Field(description="Les critères remplis, les plus lourds d’abord.")
    partial: str = Field(
        "", description="Les critères qui rapportent des points sans être remplis, et pourquoi."
    )
    caveats: str = Field(description="Les critères non remplis ou inconnus.")
    tied: bool = Field(
        False, description="Même score qu’un résultat voisin : ordre donné par « tiebreak »."
    )
    served_by: str = Field(
        "",
        description="Pour un village (villages=1) : le lieu d’exercice proche qui le dessert.",
    )
    departement: str
    departement_name: str
    population: int | None
    latitude: float | None
    longitude: float | None
    commune: str
    commune_name: str
    url: str
    offers_url: str
    welcome: WelcomeOut | None = Field(
        None, description="la page d’accueil d’une collectivité qui couvre la commune"
    )
    supported_offers: int = Field(
        0, description="annonces soutenues par une collectivité à moins de 10 km"
    )
    contributions: list[ContributionOut]


class CriterionOut(Schema):
    key: str
    label: str
    importance: str
    defaulted: bool
    detail: str
    ignored_reason: str


class RelaxationOut(Schema):
    criterion: str
    label: str
    count: int


class MatchingOut(Schema):
    scale: str
    count: int
    total: int
    area: str = Field(
        "",
        description="La zone où les territoires sont cherchés (« en Nouvelle-Aquitaine ») ; "
        "vide : toute la France.",
    )
    message: str
    tiebreak: str = Field(
        "", description="Comment sont ordonnés les résultats de même score (ex æquo)."
    )
    criteria: list[CriterionOut]
    relaxations: list[RelaxationOut]
    results: list[TerritoryOut]


class CandidateOut(Schema):
    query: str = Field(description="Le lieu indiqué dans pres_de.")
    insee: str
    name: str
    departement: str
    departement_name: str
    population: int | None


class MatchingError(Schema):
    detail: str
    errors: dict[str, list[str]] = {}
    candidates: list[CandidateOut] = Field(
        [],
        description="Les communes que pourrait désigner un lieu de pres_de qui n’en désigne "
        "pas exactement une (homonymes, faute de frappe) : repassez son code INSEE.",
    )


def _choices(field: forms.ChoiceField) -> Iterable[tuple[Any, Any]]:
    # Read back, choices are normalised pairs; the stubs type them as any accepted input.
    return cast("Iterable[tuple[Any, Any]]", field.choices)


def _schema(field: forms.Field) -> dict:
    if isinstance(field, AreaChoiceField):  # its choices are read from the database
        return {"type": "string", "maxLength": 3}
    if isinstance(field, forms.MultipleChoiceField):
        values = [str(value) for value, _label in _choices(field)]
        return {"type": "array", "items": {"type": "string", "enum": values}}
    if isinstance(field, forms.IntegerField):
        return {"type": "integer", "minimum": field.min_value, "maximum": field.max_value}
    if isinstance(field, forms.ChoiceField):
        values = []
        for value, label in _choices(field):
            if isinstance(label, list | tuple):  # optgroup
                values += [str(v) for v, _label in label]
            elif value:
                values.append(str(value))
        return {"type": "string", "enum": values}
    return {"type": "string", "maxLength": getattr(field, "max_length", None) or 300}


def _parameters() -> list[dict]:
    form = MatchingForm()
    parameters = [
        {
            "in": "query",
            "name": name,
            "required": field.required,
            "description": " ".join(str(p) for p in (field.label, field.help_text) if p),
            "schema": _schema(field),
            **(
                {"style": "form", "explode": True}
                if isinstance(field, forms.MultipleChoiceField)
                else {}
            ),
        }
        for name, field in form.fields.items()
        if name != "echelle"
    ]
    parameters.append(
        {
            "in": "query",
            "name": "limit",
            "required": False,
            "description": "Nombre de résultats (1 à 200, 50 par défaut).",
            "schema": {"type": "integer", "minimum": 1, "maximum": selectors.MAX_LIMIT},
        }
    )
    return parameters


def _out(result: MatchingResult) -> dict:
    return {
        "scale": result.scale,
        "count": result.count,
        "total": result.total,
        "area": result.area,
        "message": " ".join(m for m in (result.no_result_message, result.relaxation_message) if m),
        "tiebreak": result.tiebreak,
        "criteria": [
            {
                "key": c.key,
                "label": c.label,
                "importance": c.importance,
                "defaulted": c.defaulted,
                "detail": c.detail,
                "ignored_reason": c.ignored_reason,
            }
            for c in result.applied
        ],
        "relaxations": [
            {"criterion": r.key, "label": r.label, "count": r.count} for r in result.relaxations
        ],
        "results": [
            {
                "rank": item.rank,
                "kind": item.kind,
                "code": item.code,
                "name": item.name,
                "score": round(item.score, 1),
                "explanation": item.explanation,
                "partial": item.partials,
                "caveats": item.caveats,
                "tied": item.tied,
                "served_by": item.served_by,
                "departement": item.departement,
                "departement_name": item.departement_name,
                "population": item.population,
                "latitude": item.latitude,
                "longitude": item.longitude,
                "commune": item.commune_code,
                "commune_name": item.commune_name,
                "url": item.url,
                "offers_url": item.offers_url,
                "welcome": None
                if item.welcome is None
                else {
                    "name": item.welcome.name,
                    "url": item.welcome.url,
                    "housing": item.welcome.housing,
                    "activities": item.welcome.activities,
                    "referent": item.welcome.referent,
                },
                "supported_offers": item.supported_offers,
                "contributions": [
                    {
                        "criterion": c.key,
                        "label": c.label,
                        "importance": c.importance,
                        "satisfaction": None
                        if c.satisfaction is None
                        else round(c.satisfaction, 3),
                        "points": round(c.points, 1),
                        "max_points": round(c.max_points, 1),
                        "met": c.met,
                        "text": c.text,
                        "covered": c.covered,
                    }
                    for c in item.contributions
                ],
            }
            for item in result.results
        ],
    }


def _matching(request: HttpRequest, scale: str) -> Status:
    form = MatchingForm(request.GET)
    limit_text = request.GET.get("limit", "") or str(DEFAULT_LIMIT)
    limit_ok = limit_text.isdigit() and 1 <= int(limit_text) <= selectors.MAX_LIMIT
    if not form.is_valid() or not limit_ok:
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        detail = form.error_summary() if form.errors else ""
        if not limit_ok:
            message = _("« %(value)s » : indiquez un nombre de résultats de 1 à %(max)s.") % {
                "value": limit_text,
                "max": selectors.MAX_LIMIT,
            }
            errors["limit"] = [message]
            detail = f"{detail} limit : {message}".strip()
        candidates = [
            {
                "query": choice.typed,
                "insee": commune.insee,
                "name": commune.name,
                "departement": commune.departement.code,
                "departement_name": commune.departement.name,
                "population": commune.population,
            }
            for choice in form.place_choices
            for commune in choice.communes
        ]
        return Status(422, {"detail": detail, "errors": errors, "candidates": candidates})
    result = selectors.matching_search(criteria=form.criteria(), scale=scale, limit=int(limit_text))
    return Status(200, _out(result))


DESCRIPTION = (
    "Les paramètres sont ceux de la page /territoires/pour-moi/ : la profession (obligatoire), "
    "l’importance de chaque critère (indifferent, souhaitable, important, indispensable ; vide : "
    "celle par défaut pour la profession) et leurs précisions. Chaque résultat donne son score "
    "sur 100, la part de chaque critère et une explication. Méthode : docs/matching.md."
)


MATCHING_EXAMPLE = {
    "scale": "communes",
    "count": 1,
    "total": 1,
    "area": "en Nouvelle-Aquitaine",
    "message": "",
    "tiebreak": "À score égal : le plus grand besoin de soins d’abord.",
    "criteria": [
        {"key": "besoin", "label": "Besoin de soins", "importance": "important",
         "defaulted": True, "detail": "", "ignored_reason": ""},
    ],
    "relaxations": [],
    "results": [
        {
            "rank": 1, "kind": "commune", "code": "23079", "name": "Felletin", "score": 87.5,
            "explanation": "Fort besoin de médecins généralistes (zonage ZIP).", "partial": "",
            "caveats": "", "tied": False, "served_by": "", "departement": "23",
            "departement_name": "Creuse", "population": 1633, "latitude": 45.883,
            "longitude": 2.174, "commune": "23079", "commune_name": "Felletin",
            "url": "/territoires/communes/23079/", "offers_url": "/annonces/?commune=23079",
            "welcome": None, "supported_offers": 0,
            "contributions": [
                {"criterion": "besoin", "label": "Besoin de soins", "importance": "important",
                 "satisfaction": 0.875, "points": 87.5, "max_points": 100.0, "met": True,
                 "text": "Zonage ZIP des médecins généralistes.", "covered": True},
            ],
        }
    ],
}  # fmt: skip


@router.get(
    "/matching/communes",
    response={200: MatchingOut, 422: MatchingError},
    summary="Classer les communes selon mes critères",
    description=DESCRIPTION,
    openapi_extra=api_example(MATCHING_EXAMPLE, extra={"parameters": _parameters()}),
)
def matching_communes(request: HttpRequest) -> Status:
    return _matching(request, "communes")


@router.get(
    "/matching/epcis",
    response={200: MatchingOut, 422: MatchingError},
    summary="Classer les intercommunalités selon mes critères",
    description=DESCRIPTION + " Une intercommunalité vaut sa meilleure commune.",
    openapi_extra=api_example(
        {**MATCHING_EXAMPLE, "scale": "epci"}, extra={"parameters": _parameters()}
    ),
)
def matching_epcis(request: HttpRequest) -> Status:
    return _matching(request, "epci")
