import pytest

from tests.territories.factories import CommuneFactory
from tremplin.territories.models import DataSource, IndicatorValue

pytestmark = pytest.mark.django_db


@pytest.fixture
def abergement():
    from django.utils import timezone

    commune = CommuneFactory(insee="01001", name="L'Abergement-Clémenciat", postal_codes="01400")
    source = DataSource.objects.create(
        key="apl_mg", title="APL", publisher="DREES", year=2023, imported_at=timezone.now()
    )
    IndicatorValue.objects.create(
        commune=commune, key="apl_mg", year=2022, value=1.89, source=source
    )
    IndicatorValue.objects.create(
        commune=commune, key="apl_mg", year=2023, value=1.942, source=source
    )
    return commune


def test_it_searches_communes(client, abergement):
    response = client.get("/api/v1/communes", {"q": "abergement"})

    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "results": [
            {"insee": "01001", "name": "L'Abergement-Clémenciat", "departement": "23",
             "population": 1000, "postal_codes": ["01400"]}
        ],
    }  # fmt: skip


def test_it_describes_a_commune_with_its_latest_indicators(client, abergement):
    data = client.get("/api/v1/communes/01001").json()

    assert data["insee"] == "01001"
    assert data["postal_codes"] == ["01400"]
    assert set(data["town_hall"]) == {
        "address",
        "phone",
        "email",
        "website",
        "latitude",
        "longitude",
    }
    (apl,) = data["indicators"]
    assert apl["key"] == "apl_mg"
    assert (apl["value"], apl["year"], apl["source"]) == (1.942, 2023, "DREES")
    assert apl["label"] == "APL aux médecins généralistes"
    assert "consultations" in apl["unit"]


def test_an_unknown_code_is_a_json_404(client):
    response = client.get("/api/v1/communes/99999")

    assert response.status_code == 404
    assert response.json() == {"detail": "Aucune commune n’a le code INSEE « 99999 »."}


def test_bad_parameters_get_a_4xx_with_a_reason(client):
    response = client.get("/api/v1/communes", {"limit": "beaucoup"})

    assert response.status_code == 422
    assert response.json()["detail"] == "Paramètres invalides."


def test_the_openapi_schema_and_docs_are_public(client):
    schema = client.get("/api/v1/openapi.json")
    docs = client.get("/api/v1/docs")

    assert schema.status_code == 200
    assert "/api/v1/communes/{insee}" in schema.json()["paths"]
    assert docs.status_code == 200
    assert "cdn." not in docs.text
