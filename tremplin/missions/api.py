"""Open mission slots in the public API: `GET /missions`, read-only and paginated."""

import math
from datetime import date

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from tremplin.core.api_params import IsoDate, api_example
from tremplin.missions import selectors
from tremplin.missions.models import MissionSlot

router = Router(tags=["missions"])
PAGE_SIZE = 50


class Error(Schema):
    detail: str


class MissionQuery(Schema):
    departement: str = Field("", max_length=3, description="Code du département, ex. 23.")
    epci: str = Field("", pattern=r"^(\d{9})?$", description="SIREN de l’intercommunalité.")
    du: IsoDate | None = Field(None, description="À partir de ce jour (AAAA-MM-JJ).")
    au: IsoDate | None = Field(None, description="Jusqu’à ce jour inclus (AAAA-MM-JJ).")
    zone_rouge: bool | None = Field(
        True,
        description="true (par défaut) : lieux en zone rouge ; false : hors zone rouge.",
    )
    page: int = Field(1, ge=1, le=10_000)


class SiteOut(Schema):
    name: str
    organisation: str
    address: str
    commune_insee: str
    commune: str
    departement: str
    epci_siren: str | None
    epci: str | None


class MissionOut(Schema):
    id: int
    url: str
    date: date
    period: str
    period_label: str
    starts_at: str
    ends_at: str
    secretariat: bool
    equipment: str
    housing_offered: bool
    housing_note: str
    red_zone: bool
    site: SiteOut


class MissionList(Schema):
    count: int
    page: int
    pages: int
    results: list[MissionOut]


MISSION_EXAMPLE = {
    "id": 7,
    "url": "/missions/creneaux/7/",
    "date": "2026-10-12",
    "period": "journee",
    "period_label": "Journée entière",
    "starts_at": "2026-10-12T08:30:00+02:00",
    "ends_at": "2026-10-12T18:00:00+02:00",
    "secretariat": True,
    "equipment": "Cabinet équipé, ECG, dossier patient partagé",
    "housing_offered": True,
    "housing_note": "",
    "red_zone": True,
    "site": {
        "name": "Maison de santé d’Aubusson",
        "organisation": "MSP d’Aubusson",
        "address": "3 rue des Déportés",
        "commune_insee": "23008",
        "commune": "Aubusson",
        "departement": "23",
        "epci_siren": "200067080",
        "epci": "CC Creuse Grand Sud",
    },
}


def _mission(slot: MissionSlot, red_zones: set[str]) -> dict:
    site = slot.site
    epci = site.commune.epci
    return {
        "id": slot.pk,
        "url": f"/missions/creneaux/{slot.pk}/",
        "date": slot.date,
        "period": slot.period,
        "period_label": str(slot.get_period_display()),
        "starts_at": slot.starts_at.isoformat(),
        "ends_at": slot.ends_at.isoformat(),
        "secretariat": slot.secretariat,
        "equipment": slot.equipment,
        "housing_offered": slot.housing_id is not None,
        "housing_note": slot.housing_note,
        "red_zone": site.commune.epci_id in red_zones,
        "site": {
            "name": site.name,
            "organisation": site.organisation.name,
            "address": site.address,
            "commune_insee": site.commune.insee,
            "commune": site.commune.name,
            "departement": site.commune.departement_id,
            "epci_siren": epci.siren if epci else None,
            "epci": epci.name if epci else None,
        },
    }


@router.get(
    "/missions",
    response={200: MissionList, 400: Error},
    summary="Créneaux de missions de solidarité à pourvoir",
    url_name="missions_list",
    openapi_extra=api_example({"count": 1, "page": 1, "pages": 1, "results": [MISSION_EXAMPLE]}),
)
def missions_list(request: HttpRequest, filters: Query[MissionQuery]) -> dict:
    if filters.du and filters.au and filters.au < filters.du:
        raise HttpError(400, "La fin de la période (au) doit suivre son début (du).")
    slots = selectors.open_slots(
        departement=filters.departement.strip().upper(),
        epci=filters.epci,
        start=filters.du,
        end=filters.au,
        red_zone=filters.zone_rouge,
    )
    count = slots.count()
    pages = max(1, math.ceil(count / PAGE_SIZE))
    offset = (filters.page - 1) * PAGE_SIZE
    red_zones = selectors.red_zone_sirens()
    return {
        "count": count,
        "page": filters.page,
        "pages": pages,
        "results": [_mission(slot, red_zones) for slot in slots[offset : offset + PAGE_SIZE]],
    }
