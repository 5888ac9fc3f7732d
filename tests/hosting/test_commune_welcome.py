"""The "Offres et accueil" section of a commune profile: the live offers in the commune or
within 20 km, and the published welcomes covering it, each a link, in bounded queries."""

import pytest
from django.urls import reverse

from tests.hosting.factories import ActivityFactory, HousingFactory
from tests.matching.builders import commune, published_offer, welcome
from tests.offers.factories import OfferFactory
from tests.territories.factories import DepartementFactory
from tremplin.organisations.models import OrganisationType

pytestmark = pytest.mark.django_db


@pytest.fixture
def felletin():
    creuse = DepartementFactory(code="23", name="Creuse")
    return {
        "felletin": commune("23079", "Felletin", 45.8833, 2.1742, departement=creuse),
        "aubusson": commune("23008", "Aubusson", 45.9558, 2.1683, departement=creuse),  # 8 km
        "gueret": commune("23096", "Guéret", 46.1714, 1.8714, departement=creuse),  # 40 km
    }


def profile(client, place):
    return client.get(reverse("territories:commune", args=[place.insee])).content.decode()


def test_it_lists_the_offers_in_the_commune_and_within_20_km_nearest_first(client, felletin):
    far = published_offer(felletin["gueret"], title="Remplacement à Guéret")
    near = published_offer(felletin["aubusson"], title="Stage à Aubusson", supported_welcome=True)
    here = published_offer(felletin["felletin"], title="Remplacement à Felletin")
    OfferFactory(commune=felletin["felletin"], title="Brouillon")  # a draft

    text = profile(client, felletin["felletin"])

    assert "Offres et accueil" in text
    assert "Annonces dans la commune ou à moins de 20 km" in text
    assert text.index(here.get_absolute_url()) < text.index(near.get_absolute_url())
    assert "(à 8 km)" in text
    assert "soutenue par une collectivité" in text
    assert far.get_absolute_url() not in text
    assert "Brouillon" not in text


def test_it_says_when_no_offer_lies_within_20_km(client, felletin):
    published_offer(felletin["gueret"])

    text = profile(client, felletin["felletin"])

    assert 'data-testid="no-nearby-offers"' in text
    assert "Aucune annonce à moins de 20 km." in text
    assert "Aucune collectivité n’a encore publié de page d’accueil" in text


def test_it_lists_the_welcomes_covering_it_with_housing_activities_and_referent(client, felletin):
    departement = welcome(
        OrganisationType.DEPARTEMENT,
        "23",
        "Département de la Creuse",
        housing_in=felletin["gueret"],
        activities=2,
        referent="Sophie Martin",
    )
    welcome(OrganisationType.COMMUNE, "23008", "Commune d’Aubusson")  # not Felletin's

    text = profile(client, felletin["felletin"])

    assert 'data-testid="welcome-pages"' in text
    assert f'href="{reverse("hosting:page", args=[departement.pk])}"' in text
    assert "1 logement à réserver" in text
    assert "2 activités découverte" in text
    assert "référent installation : Sophie Martin" in text
    assert "Commune d’Aubusson" not in text


def test_the_profile_stays_within_a_bounded_number_of_queries(
    client, felletin, django_assert_max_num_queries
):
    for code, name in (("23", "Département de la Creuse"), ("23079", "Commune de Felletin")):
        kind = OrganisationType.DEPARTEMENT if code == "23" else OrganisationType.COMMUNE
        organisation = welcome(kind, code, name, referent="Sophie Martin")
        HousingFactory.create_batch(3, organisation=organisation, commune=felletin["felletin"])
        ActivityFactory.create_batch(3, organisation=organisation)
    for _ in range(15):
        published_offer(felletin["aubusson"])
    profile(client, felletin["felletin"])  # caches warm

    with django_assert_max_num_queries(20):
        text = profile(client, felletin["felletin"])

    assert text.count('data-testid="nearby-offers"') == 1
    assert "Toutes les annonces à proximité" in text  # 10 shown of 15
