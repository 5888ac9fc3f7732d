"""« Publié par un agent vérifié » on a collectivité's public welcome, when one of its members'
belonging was checked by ProConnect; nothing otherwise; no query per collectivité in lists."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.matching.builders import commune, welcome
from tests.organisations.factories import MembershipFactory
from tests.territories.factories import DepartementFactory
from tremplin.hosting import selectors
from tremplin.organisations.models import OrganisationType

pytestmark = pytest.mark.django_db

BADGE = "Publié par un agent vérifié"
HINT = "agent dont l’appartenance à la collectivité a été vérifiée par ProConnect"


def collectivity(name: str, code: str = "23079", *, verified_agent: bool):
    organisation = welcome(OrganisationType.COMMUNE, code, name)
    MembershipFactory(organisation=organisation)  # an agent ProConnect did not check
    if verified_agent:
        MembershipFactory(organisation=organisation, proconnect_verified_at=timezone.now())
    return organisation


def card_of(text: str, marker: str) -> dict[str, str]:
    """Each card of a list of collectivités, by the name its link shows."""
    return {
        card.split("</a>")[0].rsplit(">", 1)[1]: card
        for card in text.split(marker)[1:]
        if "</a>" in card
    }


def get(client, name, *args):
    return client.get(reverse(name, args=args)).text


class TestTerritoryPage:
    def test_it_shows_the_badge_and_what_it_means(self, client):
        organisation = collectivity("Commune de Felletin", verified_agent=True)

        text = get(client, "hosting:page", organisation.pk)

        assert BADGE in text
        assert HINT in text

    def test_without_a_verified_agent_it_shows_nothing(self, client):
        organisation = collectivity("Commune de Felletin", verified_agent=False)

        text = get(client, "hosting:page", organisation.pk)

        assert BADGE not in text
        assert "ProConnect" not in text

    def test_a_verified_agent_of_another_collectivite_does_not_count(self, client):
        mine = collectivity("Commune de Felletin", verified_agent=False)
        collectivity("Commune d’Aubusson", "23008", verified_agent=True)

        assert BADGE not in get(client, "hosting:page", mine.pk)


class TestLists:
    def test_the_territories_list_badges_only_the_verified(self, client):
        collectivity("Commune de Felletin", verified_agent=True)
        collectivity("Commune d’Aubusson", "23008", verified_agent=False)

        text = get(client, "hosting:index")

        cards = card_of(text, '<div class="fr-card ')
        assert BADGE in cards["Commune de Felletin"]
        assert BADGE not in cards["Commune d’Aubusson"]

    def test_the_territories_list_badges_cost_no_query(self, client):
        organisations = [
            collectivity(f"Commune {index}", f"2300{index}", verified_agent=False)
            for index in range(4)
        ]
        with CaptureQueriesContext(connection) as without_badges:
            get(client, "hosting:index")

        for organisation in organisations:
            MembershipFactory(organisation=organisation, proconnect_verified_at=timezone.now())
        with CaptureQueriesContext(connection) as with_badges:
            text = get(client, "hosting:index")

        assert text.count('data-testid="verified-agent"') == 4
        assert len(with_badges) == len(without_badges)

    def test_the_home_page_badges_a_verified_welcome(self, client):
        collectivity("Commune de Felletin", verified_agent=True)
        collectivity("Commune d’Aubusson", "23008", verified_agent=False)

        text = get(client, "core:home")

        section = text.split('data-testid="home-territories"')[1]
        cards = card_of(section, 'data-testid="home-territory"')
        assert BADGE in cards["Commune de Felletin"]
        assert BADGE not in cards["Commune d’Aubusson"]

    def test_the_commune_profile_badges_the_welcomes_covering_it(self, client):
        creuse = DepartementFactory(code="23", name="Creuse")
        felletin = commune("23079", "Felletin", 45.8833, 2.1742, departement=creuse)
        welcome(OrganisationType.DEPARTEMENT, "23", "Département de la Creuse")
        collectivity("Commune de Felletin", verified_agent=True)

        text = get(client, "territories:commune", felletin.insee)

        items = text.split('data-testid="welcome-pages"')[1].split("</ul>")[0].split("<li>")[1:]
        [verified] = [item for item in items if BADGE in item]
        assert "Commune de Felletin" in verified
        assert len(items) == 2

    def test_the_welcomes_read_the_flag_in_one_subquery(self, django_assert_num_queries):
        collectivity("Commune de Felletin", verified_agent=True)
        collectivity("Commune d’Aubusson", "23008", verified_agent=False)

        with django_assert_num_queries(3):
            welcomes = selectors.published_welcomes()

        assert {w.name: w.verified_agent for w in welcomes} == {
            "Commune de Felletin": True,
            "Commune d’Aubusson": False,
        }
