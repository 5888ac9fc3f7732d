"""The home page is alive: latest live offers, territories that welcome, figures, the search."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.hosting.factories import HousingFactory, collectivity_for
from tests.offers.factories import OfferFactory
from tests.organisations.factories import OrganisationFactory
from tests.territories.factories import CommuneFactory
from tremplin.hosting.models import InstallationCheck, Stay, TerritoryPage
from tremplin.offers.models import OfferStatus

pytestmark = pytest.mark.django_db


def _figure(response, name: str) -> int:
    marker = f'data-testid="figure-{name}">'
    start = response.text.index(marker) + len(marker)
    return int(response.text[start : response.text.index("<", start)])


def _stay(collectivity, *, cancelled: bool = False) -> Stay:
    today = timezone.localdate()
    return Stay.objects.create(
        professional=UserFactory(professional=True),
        collectivity=collectivity,
        start=today - timedelta(days=30),
        end=today - timedelta(days=25),
        cancelled_at=timezone.now() if cancelled else None,
    )


def test_it_lists_a_published_offer_and_not_an_unpublished_one(client):
    OfferFactory(published=True, title="Remplacement estival à Felletin")
    OfferFactory(title="Brouillon jamais soumis")
    OfferFactory(status=OfferStatus.SUBMITTED, title="Annonce en attente de relecture")

    response = client.get(reverse("core:home"))

    assert response.status_code == 200
    assert "Remplacement estival à Felletin" in response.text
    assert "Brouillon jamais soumis" not in response.text
    assert "Annonce en attente de relecture" not in response.text


def test_an_offer_past_its_end_date_is_not_among_the_latest(client):
    yesterday = timezone.localdate() - timedelta(days=1)
    OfferFactory(
        published=True,
        title="Remplacement déjà passé",
        start_date=yesterday - timedelta(days=10),
        end_date=yesterday,
    )

    response = client.get(reverse("core:home"))

    assert "Remplacement déjà passé" not in response.text
    assert _figure(response, "offers") == 0


def test_it_lists_a_welcoming_territory_with_its_housing_first(client):
    felletin = CommuneFactory(name="Felletin", insee="23079")
    with_housing = collectivity_for(felletin)
    TerritoryPage.objects.create(organisation=with_housing, is_published=True)
    HousingFactory(organisation=with_housing, commune=felletin)
    # Alphabetically first, but without housing: shown after.
    without = OrganisationFactory(
        collectivity=True, verified=True, name="Aaa commune sans logement"
    )
    TerritoryPage.objects.create(organisation=without, is_published=True)
    draft = OrganisationFactory(collectivity=True, verified=True, name="Commune au brouillon")
    TerritoryPage.objects.create(organisation=draft, is_published=False)
    pending = OrganisationFactory(collectivity=True, name="Commune non vérifiée")
    TerritoryPage.objects.create(organisation=pending, is_published=True)

    response = client.get(reverse("core:home"))

    text = response.text
    assert "Commune de Felletin" in text
    assert text.index("Commune de Felletin") < text.index("Aaa commune sans logement")
    assert "1 logement à réserver" in text
    assert "Commune au brouillon" not in text
    assert "Commune non vérifiée" not in text


def test_the_figures_match_the_data(client):
    OfferFactory(published=True)
    OfferFactory(published=True)
    OfferFactory()  # a draft is not online
    commune = CommuneFactory()
    collectivity = collectivity_for(commune)
    HousingFactory(organisation=collectivity, commune=commune)
    HousingFactory(organisation=collectivity, commune=commune, periods=False)  # not bookable
    settled = _stay(collectivity)
    _stay(collectivity)
    _stay(collectivity, cancelled=True)
    today = timezone.localdate()
    # The same person answering "yes" twice counts once; a "no" does not count.
    InstallationCheck.objects.create(stay=settled, months=3, due_on=today, settled=True)
    InstallationCheck.objects.create(stay=settled, months=6, due_on=today, settled=True)
    other = _stay(collectivity)
    InstallationCheck.objects.create(stay=other, months=3, due_on=today, settled=False)

    response = client.get(reverse("core:home"))

    assert _figure(response, "offers") == 2
    assert _figure(response, "housings") == 1
    assert _figure(response, "stays") == 3
    assert _figure(response, "installations") == 1
    # Each figure says what it counts.
    assert "hors séjours annulés" in response.text
    assert "période de réservation qui n’est pas terminée" in response.text


def test_the_search_entry_leads_to_the_offer_search(client):
    response = client.get(reverse("core:home"))

    assert f'action="{reverse("offers:search")}"' in response.text
    assert 'name="q"' in response.text


def test_the_home_page_costs_a_few_queries_whatever_the_number_of_items(
    client, django_assert_max_num_queries
):
    for _ in range(8):
        OfferFactory(published=True)
    for _ in range(8):
        commune = CommuneFactory()
        collectivity = collectivity_for(commune)
        TerritoryPage.objects.create(organisation=collectivity, is_published=True)
        HousingFactory(organisation=collectivity, commune=commune)

    # Two lists, four figures (then cached).
    with django_assert_max_num_queries(6):
        client.get(reverse("core:home"))
    with django_assert_max_num_queries(2):
        client.get(reverse("core:home"))
