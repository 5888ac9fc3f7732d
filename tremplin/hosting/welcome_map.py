"""Where each published welcome sits on the map of the welcomes (docs/maps.md): a commune's own
centre, or the mean of its communes' centres for an EPCI, a département or a région."""

from dataclasses import dataclass

from django.db.models import Avg
from django.urls import reverse

from tremplin.hosting.models import TerritoryPage
from tremplin.hosting.selectors import collectivity_communes
from tremplin.territories.models import Commune


@dataclass(frozen=True)
class WelcomePoint:
    pk: int
    name: str
    place: str
    latitude: float
    longitude: float

    @property
    def url(self) -> str:
        return reverse("hosting:page", args=[self.pk])


def welcome_map_points(pages: list[TerritoryPage]) -> list[WelcomePoint]:
    """One point per page whose territory has located communes; the others stay in the list."""
    points = []
    for page in pages:
        organisation = page.organisation
        communes = collectivity_communes(organisation).filter(
            kind=Commune.Kind.COMMUNE, latitude__isnull=False
        )
        if organisation.type == "commune":
            communes = communes.filter(insee=organisation.territory_code)
        centre = communes.aggregate(latitude=Avg("latitude"), longitude=Avg("longitude"))
        if centre["latitude"] is None or centre["longitude"] is None:
            continue
        points.append(
            WelcomePoint(
                pk=organisation.pk,
                name=organisation.name,
                place=organisation.city,
                latitude=round(centre["latitude"], 5),
                longitude=round(centre["longitude"], 5),
            )
        )
    return points
