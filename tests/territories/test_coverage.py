"""Outside a source's coverage a figure is unknown ("non couvert par cette source"), never 0."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.territories.factories import CommuneFactory, DepartementFactory, RegionFactory
from tremplin.territories import areas, selectors
from tremplin.territories.coverage import (
    CORSICA,
    COVERAGES,
    MAINLAND,
    departement_of,
    territory_of,
    territory_of_point,
)
from tremplin.territories.models import Commune, DataSource, IndicatorValue, Place

pytestmark = pytest.mark.django_db
CORSICA_GAP = (
    "non couvert par cette source : la liste SNCF des gares voyageurs ne couvre pas la Corse"
)


def source(key, year=2020, publisher="Éditeur"):
    found, _ = DataSource.objects.get_or_create(
        key=key,
        defaults={
            "title": key,
            "publisher": publisher,
            "year": year,
            "imported_at": timezone.now(),
        },
    )
    return found


def value(commune, key, number, category=""):
    return IndicatorValue.objects.create(
        commune=commune, key=key, year=source(key).year, value=number, category=category,
        source=source(key),
    )  # fmt: skip


def departement(code, name, region_code, region_name):
    return DepartementFactory(
        code=code, name=name, region=RegionFactory(code=region_code, name=region_name)
    )


@pytest.fixture
def ajaccio():
    corse = departement("2A", "Corse-du-Sud", "94", "Corse")
    return CommuneFactory(
        insee="2A004", name="Ajaccio", departement=corse, latitude=41.93, longitude=8.74
    )


@pytest.fixture
def saint_denis():
    reunion = departement("974", "La Réunion", "04", "La Réunion")
    return CommuneFactory(
        insee="97411", name="Saint-Denis", departement=reunion, latitude=-20.88, longitude=55.45
    )


@pytest.fixture
def mamoudzou():
    mayotte = departement("976", "Mayotte", "06", "Mayotte")
    return CommuneFactory(
        insee="97611", name="Mamoudzou", departement=mayotte, latitude=-12.78, longitude=45.23
    )


@pytest.fixture
def gueret():
    return CommuneFactory(insee="23096", name="Guéret", latitude=46.17, longitude=1.87)


def place(kind, name, latitude, longitude, commune=None):
    return Place.objects.create(
        kind=kind, external_id=f"{name}-{latitude}", name=name, latitude=latitude,
        longitude=longitude, commune=commune, source=source(f"{kind}s"),
    )  # fmt: skip


# --- Territories ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("insee", "departement_code", "territory"),
    [("23096", "23", MAINLAND), ("2A004", "2A", CORSICA), ("2B033", "2B", CORSICA),
     ("97411", "974", "974"), ("97101", "971", "971"), ("97611", "976", "976")],
)  # fmt: skip
def test_a_commune_belongs_to_the_land_mass_of_its_departement(insee, departement_code, territory):
    assert departement_of(insee) == departement_code
    assert territory_of(departement_code) == territory


@pytest.mark.parametrize(
    ("point", "territory"),
    [((48.85, 2.35), MAINLAND), ((42.70, 9.45), CORSICA), ((16.24, -61.53), "971"),
     ((-20.88, 55.45), "974"), ((-12.78, 45.23), "976"), ((4.93, -52.33), "973"),
     ((46.78, -56.17), None), ((43.70, 7.27), MAINLAND)],
)  # fmt: skip
def test_a_point_falls_on_one_land_mass_or_none(point, territory):
    assert territory_of_point(*point) == territory


# --- Profiles ---------------------------------------------------------------------------------


def test_a_commune_outside_a_count_sources_coverage_is_not_covered_never_0(client, ajaccio):
    value(ajaccio, "stations", 0.0)  # a stale 0 from an older import

    view = selectors.commune_indicators(ajaccio)["stations"]
    page = client.get(reverse("territories:commune", args=["2A004"])).text

    assert (view.value, view.coverage, view.display) == (
        None,
        CORSICA_GAP,
        "non couvert par cette source",
    )
    assert f'data-testid="value-stations">{CORSICA_GAP}' in page


def test_a_covered_commune_without_a_row_of_an_exhaustive_count_has_a_real_0(gueret):
    source("stations", year=2017, publisher="SNCF")

    view = selectors.commune_indicators(gueret)["stations"]

    assert (view.value, view.coverage, view.year, view.display) == (0.0, "", 2017, "0")


def test_a_source_never_imported_says_nothing_even_where_it_would_cover(gueret):
    assert "stations" not in selectors.commune_indicators(gueret)


def test_cinemas_are_not_covered_in_a_drom_but_are_in_corsica(client, saint_denis, ajaccio):
    source("cinemas", year=2022, publisher="CNC")

    page = client.get(reverse("territories:commune", args=["97411"])).text
    corsica = selectors.commune_indicators(ajaccio)["cinemas"]

    assert (
        'data-testid="value-cinemas">non couvert par cette source : la liste des cinémas du CNC '
        "ne couvre pas La Réunion"
    ) in page
    assert "Source : CNC, 2022" in page
    assert (corsica.value, corsica.coverage) == (0.0, "")


def test_mayotte_is_not_said_not_coastal(client, mamoudzou, gueret):
    value(mamoudzou, "coastline", 0.0)
    value(gueret, "coastline", 0.0)

    page = client.get(reverse("territories:commune", args=["97611"])).text

    assert 'data-testid="value-coastline">non couvert par cette source' in page
    assert 'data-testid="value-coastline">Non' not in page
    assert selectors.commune_indicators(gueret)["coastline"].display == "Non"


def test_poverty_withheld_by_filosofi_is_unpublished_not_uncovered(gueret, saint_denis):
    source("poverty", year=2019, publisher="INSEE")
    guadeloupe = departement("971", "Guadeloupe", "01", "Guadeloupe")
    abymes = CommuneFactory(insee="97101", name="Les Abymes", departement=guadeloupe)

    withheld = selectors.commune_indicators(gueret)["poverty"]
    outside = selectors.commune_indicators(abymes)["poverty"]

    assert (withheld.value, withheld.coverage) == (None, "")
    assert withheld.display == "non publié (secret statistique : trop peu de ménages)"
    assert outside.coverage.endswith("Filosofi (INSEE) ne couvre pas la Guadeloupe")
    assert "poverty" in selectors.commune_indicators(saint_denis)  # La Réunion: covered
    assert selectors.commune_indicators(saint_denis)["poverty"].coverage == ""


def test_the_apl_does_not_cover_mayotte(mamoudzou):
    source("apl_mg", year=2023, publisher="DREES")

    assert selectors.commune_indicators(mamoudzou)["apl_mg"].coverage.endswith(
        "l’APL de la DREES ne couvre pas Mayotte"
    )


# --- API --------------------------------------------------------------------------------------


def test_the_api_gives_null_with_the_coverage_reason(client, ajaccio, gueret):
    source("stations", year=2017, publisher="SNCF Gares & Connexions")
    value(gueret, "stations", 1.0)

    corsica = client.get("/api/v1/communes/2A004").json()
    mainland = client.get("/api/v1/communes/23096").json()

    (stations,) = [i for i in corsica["indicators"] if i["key"] == "stations"]
    assert stations["value"] is None
    assert stations["coverage"] == CORSICA_GAP
    assert (stations["source"], stations["year"]) == ("SNCF Gares & Connexions", 2017)
    (stations,) = [i for i in mainland["indicators"] if i["key"] == "stations"]
    assert (stations["value"], stations["coverage"]) == (1.0, None)


# --- Area aggregates --------------------------------------------------------------------------


def summary(**scope):
    return areas.area_summary(Commune.objects.filter(**scope), scope=scope)


def test_an_area_outside_coverage_has_no_count_but_the_reason(client, ajaccio):
    source("stations")
    value(ajaccio, "stations", 0.0)

    count = summary(departement_id="2A")["counts"]["stations"]
    page = client.get(reverse("territories:departement", args=["2A"])).text

    assert (count["value"], count["coverage"]) == (None, CORSICA_GAP)
    flat = " ".join(page.split())
    assert (
        'data-testid="count-stations"> Gares voyageurs : non couvert par cette source </p>' in flat
    )
    assert "Gares voyageurs : 0" not in flat
    assert f'data-testid="coverage-stations">Gares voyageurs : {CORSICA_GAP}' in page


def test_an_area_partly_covered_counts_its_covered_communes_and_says_how_many(ajaccio, gueret):
    # One région over both (never so in France today; a source covering part of a région is).
    ajaccio.region = gueret.region
    ajaccio.save()
    value(ajaccio, "stations", 3.0)
    value(gueret, "stations", 2.0)

    count = summary(region_id=gueret.region_id)["counts"]["stations"]

    assert (count["value"], count["covered_communes"], count["commune_count"]) == (2, 1, 2)
    assert count["partial"] is True and count["coverage"] == ""


def test_a_covered_area_counts_as_before(gueret):
    value(gueret, "cinemas", 1.0)

    count = summary(departement_id="23")["counts"]["cinemas"]

    assert (count["value"], count["partial"], count["coverage"]) == (1, False, "")


# --- Nearest places ---------------------------------------------------------------------------


def test_the_nearest_hospital_of_a_corsican_commune_is_in_corsica():
    bastia = CommuneFactory(
        insee="2B033", name="Bastia", departement=departement("2B", "Haute-Corse", "94", "Corse"),
        latitude=42.70, longitude=9.45,
    )  # fmt: skip
    place("hospital", "Mainland", 43.10, 8.30)  # about 100 km, across the sea
    place("hospital", "Ajaccio", 41.93, 8.74, commune=CommuneFactory(
        insee="2A004", name="Ajaccio", departement=departement("2A", "Corse-du-Sud", "94", "Corse")
    ))  # fmt: skip

    nearby = selectors.commune_nearby(bastia, kind="hospital", limit=3)

    assert [near.place.name for near in nearby.places] == ["Ajaccio"]


def test_a_guadeloupe_commune_never_gets_a_mainland_hospital(client, gueret):
    guadeloupe = departement("971", "Guadeloupe", "01", "Guadeloupe")
    CommuneFactory(
        insee="97101", name="Les Abymes", departement=guadeloupe, latitude=16.27, longitude=-61.50
    )
    place("hospital", "CH Guéret", 46.17, 1.87, commune=gueret)

    page = client.get(reverse("territories:commune", args=["97101"])).text

    assert "CH Guéret" not in page
    assert 'data-testid="nearby-empty-hospital">aucun à moins de 150 km' in page


def test_a_place_beyond_the_cap_is_not_near(gueret):
    place("cinema", "Lointain", 46.17 + 1.2, 1.87, commune=gueret)  # 133 km north

    assert selectors.commune_nearby(gueret, kind="cinema").empty_text == "aucun à moins de 100 km"
    assert selectors.places_nearest(latitude=46.17, longitude=1.87, kind="cinema") == []
    assert selectors.places_nearest(latitude=46.17, longitude=1.87, kind="cinema", max_km=200)


def test_a_place_without_commune_is_placed_by_its_coordinates(gueret):
    place("hospital", "Sans commune, en Corse", 42.0, 9.0)

    assert selectors.commune_nearby(gueret, kind="hospital").places == []
    corsica = selectors.places_nearest(latitude=42.1, longitude=9.1, kind="hospital")
    assert [near.place.name for near in corsica] == ["Sans commune, en Corse"]


def test_the_nearest_station_of_a_corsican_commune_is_not_covered(client, ajaccio):
    place("station", "Nice-Ville", 43.70, 7.26)

    page = client.get(reverse("territories:commune", args=["2A004"])).text

    assert f'data-testid="nearby-empty-station">{CORSICA_GAP}' in page
    assert "Nice-Ville" not in page


def test_every_declared_coverage_names_a_known_indicator():
    from tremplin.territories.indicators import INDICATORS

    assert set(COVERAGES) <= set(INDICATORS)
