"""Housings in the public API: the places free over a date range or a semester."""

from datetime import date

from django.conf import settings
from django.http import HttpRequest
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from tremplin.core.api_params import IsoDate, api_example
from tremplin.hosting import selectors
from tremplin.hosting.models import MAX_HOUSING_PLACES, HousingKind
from tremplin.hosting.semesters import semester_from_key
from tremplin.territories.models import Commune

router = Router(tags=["logements"])
PAGE_SIZE = 20
MAX_RANGE_NIGHTS = 366


class HousingQuery(Schema):
    du: IsoDate | None = Field(None, description="Arrivée (première nuit), AAAA-MM-JJ.")
    au: IsoDate | None = Field(None, description="Départ (lendemain de la dernière nuit).")
    semestre: str = Field(
        "",
        max_length=7,
        description="Un semestre entier au lieu de du/au, nommé par son premier mois : 2027-05.",
    )
    commune: str = Field("", max_length=5, description="Code INSEE de la commune, ex. 23008.")
    departement: str = Field("", max_length=3, description="Code du département, ex. 23.")
    epci: str = Field("", max_length=9, description="SIREN de l’intercommunalité.")
    places: int = Field(
        1, ge=1, le=MAX_HOUSING_PLACES, description="Places libres au minimum chaque nuit."
    )
    page: int = Field(1, ge=1, le=10_000)


class HousingCommuneOut(Schema):
    insee: str
    name: str
    departement: str
    departement_name: str
    epci: str | None


class HousingOut(Schema):
    id: int
    url: str
    name: str
    kind: str
    kind_label: str
    address: str
    commune: HousingCommuneOut
    capacity: int = Field(description="Places du logement.")
    free_places: int = Field(description="Places libres chaque nuit de la période.")
    is_free: bool
    monthly_rent: int | None = Field(None, description="Loyer mensuel (€) par place.")
    semester_auto_accept: bool = Field(
        description="Les demandes d’un semestre entier sont acceptées sans attendre."
    )
    organisation: str
    is_demo: bool


class HousingList(Schema):
    count: int
    page: int
    pages: int
    du: date
    au: date
    semestre: str | None
    results: list[HousingOut]


HOUSING_EXAMPLE = {
    "id": 7,
    "url": "/accueil/logements/7/",
    "name": "Maison des internes d’Aubusson",
    "kind": "house",
    "kind_label": "Maison",
    "address": "12 rue Vieille, Aubusson",
    "commune": {
        "insee": "23008",
        "name": "Aubusson",
        "departement": "23",
        "departement_name": "Creuse",
        "epci": "200067676",
    },
    "capacity": 6,
    "free_places": 4,
    "is_free": False,
    "monthly_rent": 150,
    "semester_auto_accept": True,
    "organisation": "Commune d’Aubusson",
    "is_demo": False,
}


def _range(filters: HousingQuery) -> tuple[date, date, str | None]:
    if filters.semestre:
        if filters.du or filters.au:
            raise HttpError(422, _("Indiquez du et au, ou semestre, pas les deux."))
        semester = semester_from_key(filters.semestre.strip())
        if semester is None:
            firsts = ", ".join(str(MONTHS[month]) for month in settings.SEMESTER_START_MONTHS)
            raise HttpError(
                422,
                _(
                    "« %(value)s » ne désigne pas un semestre : écrivez l’année et le premier "
                    "mois d’un semestre (AAAA-MM ; les semestres commencent en %(months)s)."
                )
                % {"value": filters.semestre[:7], "months": firsts},
            )
        return semester.start, semester.end, semester.key
    if filters.du is None or filters.au is None:
        raise HttpError(422, _("Indiquez une période : du et au ensemble, ou semestre."))
    if filters.au <= filters.du:
        raise HttpError(422, _("au (le départ) doit suivre du (l’arrivée)."))
    if (filters.au - filters.du).days > MAX_RANGE_NIGHTS:
        raise HttpError(422, _("Une période de %(max)s nuits au plus.") % {"max": MAX_RANGE_NIGHTS})
    return filters.du, filters.au, None


@router.get(
    "/housings",
    response=HousingList,
    summary="Logements avec des places libres sur une période",
    description=(
        "Les logements des collectivités vérifiées ouverts toute la période (du/au, ou un "
        "semestre) et le nombre de places libres chaque nuit, 20 par page. Une période ou un "
        "filtre invalide est refusé (422) avec la raison en français."
    ),
    openapi_extra=api_example(
        {
            "count": 1,
            "page": 1,
            "pages": 1,
            "du": "2027-05-01",
            "au": "2027-11-01",
            "semestre": "2027-05",
            "results": [HOUSING_EXAMPLE],
        }
    ),
)
def housings_search(request: HttpRequest, filters: Query[HousingQuery]) -> dict:
    start, end, key = _range(filters)
    commune = filters.commune.strip()
    if commune and not Commune.objects.filter(insee=commune).exists():
        raise HttpError(
            422, _("Aucune commune n’a le code INSEE « %(code)s ».") % {"code": commune}
        )
    found = selectors.housings_free(
        start=start,
        end=end,
        places=filters.places,
        commune=commune,
        departement=filters.departement.strip().upper(),
        epci=filters.epci.strip(),
    )
    pages = max(1, -(-len(found) // PAGE_SIZE))
    shown = found[(filters.page - 1) * PAGE_SIZE : filters.page * PAGE_SIZE]
    kinds = dict(HousingKind.choices)
    return {
        "count": len(found),
        "page": filters.page,
        "pages": pages,
        "du": start,
        "au": end,
        "semestre": key,
        "results": [
            {
                "id": item.housing.pk,
                "url": item.housing.get_absolute_url(),
                "name": item.housing.name,
                "kind": item.housing.kind,
                "kind_label": str(kinds.get(item.housing.kind, item.housing.kind)),
                "address": item.housing.address,
                "commune": {
                    "insee": item.housing.commune.insee,
                    "name": item.housing.commune.name,
                    "departement": item.housing.commune.departement_id,
                    "departement_name": item.housing.commune.departement.name,
                    "epci": item.housing.commune.epci_id,
                },
                "capacity": item.housing.capacity,
                "free_places": item.free_places,
                "is_free": item.housing.is_free,
                "monthly_rent": item.housing.monthly_rent,
                "semester_auto_accept": item.housing.semester_auto_accept,
                "organisation": item.housing.organisation.name,
                "is_demo": item.housing.is_demo,
            }
            for item in shown
        ],
    }
