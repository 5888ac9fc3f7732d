"""A criterion whose source does not cover a commune counts neither for nor against it."""

import pytest

from tests.matching.builders import commune, indicator, source, station
from tests.territories.factories import DepartementFactory, RegionFactory
from tremplin.core.professions import Profession
from tremplin.matching.criteria import criteria_build
from tremplin.matching.layout import UNKNOWN_KM
from tremplin.matching.selectors import matching_search
from tremplin.matching.store import matrix_current, matrix_invalidate
from tremplin.territories.models import Place

pytestmark = pytest.mark.django_db
GAP = "gare à proximité : non couvert par la source pour cette commune"


def search(**stated):
    criteria = criteria_build(
        profession=Profession.NURSE, stated={"annonces": "indifferent", **stated}
    )
    return matching_search(criteria=criteria, scale="communes")


def by_name(result):
    return {item.name: item for item in result.results}


@pytest.fixture
def corsica_and_creuse():
    corse = DepartementFactory(
        code="2A", name="Corse-du-Sud", region=RegionFactory(code="94", name="Corse")
    )
    big = {"population": 30_000}  # a full catchment: the need is the shortage alone
    places = {
        "ajaccio": commune("2A004", "Ajaccio", 41.93, 8.74, departement=corse, apl_inf=0.8, **big),
        "gueret": commune("23096", "Guéret", 46.17, 1.87, apl_inf=0.8, **big),
        "felletin": commune("23079", "Felletin", 45.88, 2.17, apl_inf=0.8, **big),
    }
    # Better-served communes far away: the median APL (6) is above the three's (2).
    for number, share in enumerate([0.1, 0.2, 0.3, 0.4]):
        commune(f"8700{number}", f"Servie {number}", 48.0 + number, 0.5, apl_inf=share)
    station(46.17, 1.87, "Guéret")
    # A stale 0 an older import wrote for Ajaccio: still not covered.
    indicator(places["ajaccio"], "stations", 0.0)
    return places


def test_an_uncovered_criterion_leaves_the_communes_score_and_is_named(corsica_and_creuse):
    result = by_name(search(besoin="important", gare="important"))

    gueret, felletin, ajaccio = result["Guéret"], result["Felletin"], result["Ajaccio"]
    # Ajaccio is scored on the criterion its sources cover (its need: 1 - 2/6), as if "gare"
    # were not asked.
    assert ajaccio.score == pytest.approx(100 * (1 - 2 / 6), abs=0.5)
    assert gueret.score > ajaccio.score > felletin.score
    assert GAP in ajaccio.caveats
    gap = next(c for c in ajaccio.contributions if c.key == "gare")
    assert (gap.covered, gap.satisfaction, gap.points, gap.max_points) == (False, None, 0, 0)
    assert GAP not in felletin.caveats


def test_the_gap_is_named_even_when_other_caveats_are_many(corsica_and_creuse):
    result = by_name(
        search(besoin="important", gare="souhaitable", cinema="important", hopital="important")
    )

    assert result["Ajaccio"].caveats.startswith(GAP)


def test_an_indispensable_criterion_does_not_exclude_an_uncovered_commune(corsica_and_creuse):
    result = search(besoin="important", gare="indispensable")

    assert set(by_name(result)) == {"Guéret", "Ajaccio"}


def test_a_corsican_commune_has_no_mainland_station_as_its_nearest(corsica_and_creuse):
    matrix = matrix_current()

    assert matrix.column("station_km")[matrix.index["2A004"]] == UNKNOWN_KM
    assert matrix.column("station_km")[matrix.index["23079"]] < 100


def test_the_nearest_hospital_stays_on_the_communes_own_territory():
    guadeloupe = DepartementFactory(
        code="971", name="Guadeloupe", region=RegionFactory(code="01", name="Guadeloupe")
    )
    abymes = commune("97101", "Les Abymes", 16.27, -61.50, departement=guadeloupe)
    commune("23096", "Guéret", 46.17, 1.87)
    hospital = {"kind": Place.Kind.HOSPITAL, "source": source("hospitals")}
    Place.objects.create(
        external_id="1", name="CH Guéret", latitude=46.17, longitude=1.87, **hospital
    )

    matrix = matrix_current()
    assert matrix.column("hospital_km")[matrix.index["97101"]] == UNKNOWN_KM

    Place.objects.create(
        external_id="2", name="CHU", latitude=16.27, longitude=-61.49, commune=abymes, **hospital
    )
    matrix_invalidate()  # places alone do not change the data version
    matrix = matrix_current()
    assert matrix.column("hospital_km")[matrix.index["97101"]] < 2


def test_a_mayotte_commune_is_not_far_from_the_coast_but_unknown():
    mayotte = DepartementFactory(
        code="976", name="Mayotte", region=RegionFactory(code="06", name="Mayotte")
    )
    mamoudzou = commune("97611", "Mamoudzou", -12.78, 45.23, departement=mayotte)
    indicator(mamoudzou, "coastline", 0.0)
    coastal = commune("23096", "Guéret", 46.17, 1.87)
    indicator(coastal, "coastline", 1.0)

    matrix = matrix_current()

    assert matrix.column("coast_km")[matrix.index["97611"]] == UNKNOWN_KM
    assert list(matrix.uncovered_of("coast_km")) == [matrix.index["97611"]]
