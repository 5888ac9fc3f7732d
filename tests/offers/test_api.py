from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.offers.factories import OfferFactory
from tests.organisations.factories import OrganisationFactory
from tests.territories.factories import CommuneFactory
from tremplin.core.professions import Profession
from tremplin.offers.models import OfferKind, OfferStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def gueret():
    return CommuneFactory(insee="23096", name="Guéret", latitude=46.17, longitude=1.87)


@pytest.fixture
def felletin():
    return CommuneFactory(insee="23079", name="Felletin", latitude=45.88, longitude=2.17)


def test_it_searches_published_offers_with_the_page_filters(client, gueret, felletin):
    year = timezone.localdate().year + 1
    offer = OfferFactory(
        published=True,
        title="Remplacement de médecin généraliste",
        commune=felletin,
        start_date=date(year, 7, 1),
        end_date=date(year, 7, 31),
        retrocession_rate=70,
        housing_offered=True,
        organisation=OrganisationFactory(verified=True, name="MSP de Felletin"),
    )
    OfferFactory(
        published=True, title="Kiné", profession=Profession.PHYSIOTHERAPIST, commune=gueret
    )
    OfferFactory(title="Brouillon de médecin", commune=felletin)

    response = client.get(
        "/api/v1/offers",
        {"q": "medecins", "commune": "23096", "rayon": 50, "tri": "distance",
         "du": f"{year}-07-14", "au": f"{year}-07-20", "logement": "true"},
    )  # fmt: skip

    assert response.status_code == 200
    data = response.json()
    assert (data["count"], data["page"], data["pages"]) == (1, 1, 1)
    (item,) = data["results"]
    assert item["id"] == offer.pk
    assert item["url"] == f"/annonces/{offer.pk}/"
    assert item["title"] == "Remplacement de médecin généraliste"
    assert (item["kind"], item["kind_label"]) == ("remplacement", "Remplacement")
    assert item["profession_label"] == "Médecin généraliste"
    assert item["commune"] == {
        "insee": "23079",
        "name": "Felletin",
        "departement": "23",
        "departement_name": "Creuse",
    }
    assert item["start_date"] == f"{year}-07-01"
    assert item["organisation"] == "MSP de Felletin"
    assert item["housing_offered"] is True
    assert float(item["retrocession_rate"]) == 70
    assert 39 < item["distance_km"] < 41


def test_it_pages_the_results(client, gueret):
    now = timezone.now()
    for number in range(25):
        OfferFactory(published=True, commune=gueret, published_at=now - timedelta(minutes=number))

    data = client.get("/api/v1/offers", {"page": 2}).json()

    assert (data["count"], data["page"], data["pages"]) == (25, 2, 2)
    assert len(data["results"]) == 5


def test_it_filters_by_kind_and_departement(client, gueret):
    OfferFactory(published=True, kind=OfferKind.INTERNSHIP, commune=gueret, title="Stage")
    OfferFactory(published=True, commune=gueret, title="Remplacement")

    data = client.get("/api/v1/offers", {"type": "stage", "departement": "23"}).json()

    assert [item["title"] for item in data["results"]] == ["Stage"]
    assert client.get("/api/v1/offers", {"departement": "87"}).json()["count"] == 0


def test_an_unknown_commune_is_a_json_400(client):
    response = client.get("/api/v1/offers", {"commune": "99999"})

    assert response.status_code == 400
    assert response.json() == {"detail": "Aucune commune n’a le code INSEE « 99999 »."}


def test_invalid_parameters_are_a_json_422(client):
    response = client.get("/api/v1/offers", {"type": "croisiere", "page": 0, "du": "demain"})

    assert response.status_code == 422
    # The date's reason is said in French; the others are in `errors`.
    assert response.json()["detail"] == (
        "Paramètres invalides : du : « demain » n’est pas une date au format AAAA-MM-JJ "
        "(par exemple 2026-12-02)."
    )
    assert {tuple(e["loc"]) for e in response.json()["errors"]} == {
        ("query", "type"),
        ("query", "page"),
        ("query", "du"),
    }


def test_a_period_ending_before_it_starts_is_a_json_400(client):
    response = client.get("/api/v1/offers", {"du": "2030-08-01", "au": "2030-07-01"})

    assert response.status_code == 400
    assert "fin de la période" in response.json()["detail"]


def test_it_describes_a_published_offer(client, gueret):
    offer = OfferFactory(
        published=True,
        commune=gueret,
        description="Patientèle variée.",
        housing_offered=True,
        housing_details="Studio meublé.",
    )

    data = client.get(f"/api/v1/offers/{offer.pk}").json()

    assert data["id"] == offer.pk
    assert data["description"] == "Patientèle variée."
    assert data["housing_details"] == "Studio meublé."
    assert data["region"] == "75"
    assert data["distance_km"] is None


@pytest.mark.parametrize("status", [OfferStatus.DRAFT, OfferStatus.SUBMITTED, OfferStatus.FILLED])
def test_an_offer_not_published_is_a_json_404(client, gueret, status):
    offer = OfferFactory(commune=gueret, status=status)

    response = client.get(f"/api/v1/offers/{offer.pk}")

    assert response.status_code == 404
    assert "Aucune annonce publiée" in response.json()["detail"]
    assert offer.title not in response.text
    missing = client.get("/api/v1/offers/999999")
    assert missing.status_code == 404
    # An unpublished offer and a missing one get the same answer: nothing tells them apart.
    assert missing.json()["detail"] == response.json()["detail"].replace(str(offer.pk), "999999")


def test_the_openapi_schema_lists_the_offer_routes(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    assert "/api/v1/offers" in paths
    assert "/api/v1/offers/{offer_id}" in paths
