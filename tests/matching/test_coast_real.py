"""A nurse near Brest who wants the coast, on the real commune base and the real ONML and SNCF
lists (skipped without them)."""

import csv

import pytest

from tests.territories.conftest import commune_base, real_file  # noqa: F401 (a fixture)
from tremplin.matching.matrix import matrix_invalidate
from tremplin.territories.importers import coastline, stations

pytestmark = pytest.mark.django_db
URL = "/api/v1/matching/communes"
ONML = "onml_communes_littorales_2019.csv"
SNCF = "sncf_referentiel_gares_voyageurs_2017_with_insee.csv"


def official_list() -> set[str]:
    """The INSEE codes of the ONML file, read here apart from the importer (4th column)."""
    text = real_file(ONML).read_bytes().decode(errors="replace")
    return {row[3] for row in csv.reader(text.splitlines(), delimiter=";") if len(row) > 3}


def station_communes() -> set[str]:
    """The communes of the SNCF file ("29-019" → "29019"), read apart from the importer."""
    with real_file(SNCF).open(encoding="utf-8-sig", newline="") as handle:
        rows = csv.DictReader(handle, delimiter=";")
        return {row["Département - Commune"].replace("-", "") for row in rows}


@pytest.fixture(scope="class")
def coast_and_stations(commune_base, django_db_blocker):  # noqa: F811 (the fixture above)
    with django_db_blocker.unblock():
        coastline.run(real_file(ONML), progress=False)
        stations.run(real_file(SNCF), progress=False)
    matrix_invalidate()
    yield
    matrix_invalidate()


@pytest.mark.slow
@pytest.mark.usefixtures("coast_and_stations")
class TestANurseNearBrest:
    def rank(self, client, **criteria):
        query = {"profession": "infirmier", "pres_de": "Brest", "rayon": 60, "limit": 200}
        response = client.get(URL, {**query, **criteria})
        assert response.status_code == 200, response.content
        return response.json()

    def test_commune_littorale_indispensable_keeps_only_the_official_list(self, client):
        data = self.rank(client, littorale="indispensable")

        assert data["results"]
        listed = official_list()
        for result in data["results"]:
            assert result["code"] in listed, result["name"]
            assert "commune littorale (liste de l’ONML, 2019)" in result["explanation"]

    def test_the_coast_within_reach_says_which_results_are_inland(self, client):
        data = self.rank(client, littoral="indispensable", littoral_km=15, villages="on")

        listed = official_list()
        inland = [r for r in data["results"] if r["code"] not in listed]
        assert inland, "some communes within 15 km of a coastal one are inland"
        for result in data["results"]:
            contributions = result["contributions"]
            met = next(c for c in contributions if c["criterion"] == "littoral")["text"]
            if result["code"] in listed:
                assert met == "commune littorale"
            else:
                assert met.endswith("(de centre à centre), elle-même non littorale")

    def test_a_station_in_the_commune_is_in_the_sncf_list(self, client):
        data = self.rank(client, gare_commune="indispensable", villages="on")

        assert data["results"]
        with_station = station_communes()
        for result in data["results"]:
            assert result["code"] in with_station, result["name"]
