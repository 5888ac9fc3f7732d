"""Coverage against the real files (skipped when ../shared/data/open is absent): what the
declarations say is what the files hold, and the classes of commune named in issue 13."""

import csv
import io

import pytest
from django.urls import reverse

from tests.territories.conftest import real_file
from tremplin.territories import selectors
from tremplin.territories.coverage import COVERAGES, DROM, departement_of
from tremplin.territories.importers import cinemas, coastline, hospitals, stations
from tremplin.territories.models import Commune

EVERY_SPECIAL = {"2A", "2B", *DROM}


def departements_in(name: str, delimiter: str, column: str) -> set[str]:
    text = real_file(name).read_text(encoding="utf-8-sig")
    rows = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    return {departement_of(row[column].replace("-", "")) for row in rows if row[column]}


def test_the_sncf_list_covers_mainland_france_only():
    found = departements_in(
        "sncf_referentiel_gares_voyageurs_2017_with_insee.csv", ";", "Département - Commune"
    )

    assert len(found) == 94
    assert found & EVERY_SPECIAL == set()
    assert COVERAGES["stations"].outside - {"20"} == EVERY_SPECIAL


def test_the_cnc_list_covers_metropolitan_france_but_no_drom():
    found = departements_in("cnc_etablissements_cinematographiques_2022.csv", ";", "code INSEE")

    assert found & EVERY_SPECIAL == {"2A", "2B"}
    assert COVERAGES["cinemas"].outside == EVERY_SPECIAL - found


def test_the_onml_list_covers_every_drom_but_mayotte():
    text = real_file("onml_communes_littorales_2019.csv").read_bytes().decode(errors="replace")
    found = {departement_of(row[3]) for row in csv.reader(text.splitlines(), delimiter=";") if row}

    assert found & EVERY_SPECIAL == EVERY_SPECIAL - {"976"}
    assert COVERAGES["coastline"].outside == {"976"}


@pytest.mark.usefixtures("commune_base")
class TestRealCommunes:
    def test_ajaccio_stations_are_not_covered(self, db, client):
        stations.run(
            real_file("sncf_referentiel_gares_voyageurs_2017_with_insee.csv"), progress=False
        )

        view = selectors.commune_indicators(Commune.objects.get(insee="2A004"))["stations"]
        page = client.get(reverse("territories:commune", args=["2A004"])).text

        assert view.value is None and "ne couvre pas la Corse" in view.coverage
        assert 'data-testid="value-stations">non couvert par cette source' in page
        assert 'data-testid="nearby-empty-station">non couvert par cette source' in page

    def test_saint_denis_de_la_reunion_cinemas_follow_the_cnc_file(self, db):
        path = real_file("cnc_etablissements_cinematographiques_2022.csv")
        cinemas.run(path, progress=False)
        in_file = "974" in departements_in(path.name, ";", "code INSEE")

        view = selectors.commune_indicators(Commune.objects.get(insee="97411"))["cinemas"]

        assert (view.coverage == "") is in_file
        if not in_file:
            assert view.value is None and "ne couvre pas La Réunion" in view.coverage

    def test_mayotte_is_not_said_not_coastal(self, db, client):
        coastline.run(real_file("onml_communes_littorales_2019.csv"), progress=False)
        mamoudzou = Commune.objects.get(insee="97611")

        view = selectors.commune_indicators(mamoudzou)["coastline"]
        page = client.get(reverse("territories:commune", args=["97611"])).text

        assert view.display == "non couvert par cette source"
        assert 'data-testid="value-coastline">Non' not in page
        assert (
            selectors.commune_indicators(Commune.objects.get(insee="23096"))["coastline"].display
            == "Non"
        )
        assert (
            selectors.commune_indicators(Commune.objects.get(insee="97411"))["coastline"].display
            == "Oui"
        )

    def test_hospitals_stay_on_the_communes_own_territory(self, db):
        hospitals.run(real_file("eurostat_healthcare_FR_hospitals.csv"), progress=False)

        for insee, territory in [("2B096", "corsica"), ("2A004", "corsica"), ("97101", "971"),
                                 ("97120", "971"), ("97411", "974"), ("97611", "976")]:  # fmt: skip
            nearby = selectors.commune_nearby(
                Commune.objects.get(insee=insee), kind="hospital", limit=3
            )
            assert nearby.places, insee
            for near in nearby.places:
                assert selectors.place_territory(near.place) == territory, (insee, near.place.name)
                assert near.distance_km <= 150
