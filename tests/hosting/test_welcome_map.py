"""The map of the welcomes (« Territoires qui accueillent »): each published page placed at its
territory's centre, in the list beside the map the canvas reads; a page with no located commune
stays in the cards, off the map."""

import re

import pytest
from django.urls import reverse

from tests.hosting.factories import collectivity_for
from tests.organisations.factories import OrganisationFactory
from tests.territories.factories import CommuneFactory, EpciFactory
from tremplin.hosting.models import TerritoryPage
from tremplin.hosting.welcome_map import welcome_map_points
from tremplin.organisations.models import OrganisationType

pytestmark = pytest.mark.django_db


def page_of(organisation, *, published: bool = True) -> TerritoryPage:
    return TerritoryPage.objects.create(organisation=organisation, is_published=published)


def test_an_epci_sits_at_the_mean_of_its_communes_and_a_commune_at_its_own_centre():
    epci = EpciFactory(siren="200034825", name="CA du Grand Guéret")
    gueret = CommuneFactory(insee="23096", name="Guéret", epci=epci, latitude=46.2, longitude=1.8)
    CommuneFactory(insee="23079", name="Felletin", epci=epci, latitude=46.0, longitude=2.2)
    town = page_of(collectivity_for(gueret))
    grouping = page_of(
        OrganisationFactory(
            collectivity=True, verified=True, type=OrganisationType.EPCI,
            territory_code=epci.siren, name="CA du Grand Guéret",
        )
    )  # fmt: skip

    points = {p.name: p for p in welcome_map_points([town, grouping])}

    assert (points["Commune de Guéret"].latitude, points["Commune de Guéret"].longitude) == (
        46.2,
        1.8,
    )
    assert points["CA du Grand Guéret"].latitude == pytest.approx(46.1)
    assert points["CA du Grand Guéret"].longitude == pytest.approx(2.0)


def test_the_index_lists_the_located_welcomes_beside_the_map(client):
    gueret = CommuneFactory(insee="23096", name="Guéret", latitude=46.17, longitude=1.87)
    located = page_of(collectivity_for(gueret))
    nowhere = CommuneFactory(insee="23079", name="Felletin", latitude=None, longitude=None)
    page_of(collectivity_for(nowhere))
    page_of(collectivity_for(CommuneFactory(insee="23001", name="Ajain")), published=False)

    page = client.get(reverse("hosting:index")).text

    listing = page.split('id="welcomes-map-list"')[1].split("</ul>")[0]
    items = re.findall(
        r'data-lon="([^"]+)"\s+data-lat="([^"]+)".*?<a href="([^"]+)">', listing, re.S
    )
    assert items == [("1.87", "46.17", f"/accueil/{located.organisation_id}/")]
    assert "Commune de Felletin" in page  # still in the cards
    assert "Commune d'Ajain" not in page and "Commune de Ajain" not in page
