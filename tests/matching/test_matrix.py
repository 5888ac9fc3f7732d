import numpy as np
import pytest
from django.utils import timezone

from tests.matching.builders import commune, indicator, limousin, published_offer, source
from tremplin.core.professions import Profession
from tremplin.matching import matrix as matrix_module
from tremplin.matching.matrix import (
    UNKNOWN_KM,
    matrix_changed,
    matrix_current,
    matrix_invalidate,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def places():
    return limousin()


def row(matrix, place):
    return matrix.index[place.insee]


def test_it_holds_every_commune_with_distances_to_the_nearest_places(places):
    matrix = matrix_current()

    assert matrix.insee == ["23030", "69123", "87085", "87126", "87154"]
    station_km = matrix.column("station_km")
    assert station_km[row(matrix, places["saint_junien"])] < 1
    assert 9 < station_km[row(matrix, places["rochechouart"])] < 11
    assert station_km[row(matrix, places["lyon"])] > 250
    # No hospital, no cinema, no coast imported: unknown everywhere.
    assert (matrix.column("hospital_km") == UNKNOWN_KM).all()
    assert not matrix.has_data("cinema_km")
    assert matrix.has_data("station_km")
    assert matrix.nbytes > 0


def test_indicators_are_ranks_with_unknown_values_apart(places):
    indicator(places["limoges"], "schools_primary", 40)
    indicator(places["saint_junien"], "schools_primary", 6)
    indicator(places["rochechouart"], "schools_primary", 2)
    indicator(places["bourganeuf"], "schools_primary", 0)
    matrix = matrix_current()

    need = matrix.column("need:apl_inf")
    assert need[row(matrix, places["bourganeuf"])] == pytest.approx(0.95)
    schools = matrix.column("schools")
    assert schools[row(matrix, places["bourganeuf"])] == 0  # none: nothing
    assert schools[row(matrix, places["rochechouart"])] == pytest.approx(0.5)  # one or two: half
    assert schools[row(matrix, places["limoges"])] == pytest.approx(1.0)
    assert not matrix.is_known("schools")[row(matrix, places["lyon"])]
    assert not matrix.is_known("need:apl_mg").any()


def test_the_neighbourhood_holds_the_communes_within_10_km(places):
    matrix = matrix_current()

    junien, rochechouart = row(matrix, places["saint_junien"]), row(matrix, places["rochechouart"])
    assert sorted(matrix.neighbours(junien).tolist()) == sorted([junien, rochechouart])
    assert matrix.neighbours(row(matrix, places["lyon"])).tolist() == [row(matrix, places["lyon"])]
    values = np.zeros(matrix.size, dtype=np.float32)
    values[rochechouart] = 2
    assert matrix.near_sum(values)[junien] == 2


def test_a_commune_without_a_position_is_never_near_anything(places):
    commune("23999", "Sans position", None, None, apl_inf=0.99)
    matrix = matrix_current()

    lost = matrix.index["23999"]
    assert not matrix.positioned[lost]
    assert matrix.column("station_km")[lost] == UNKNOWN_KM
    assert matrix.neighbours(lost).tolist() == [lost]


def test_it_is_checked_against_the_database_at_most_every_so_often(
    places, django_assert_num_queries, monkeypatch
):
    first = matrix_current()
    with django_assert_num_queries(0):
        assert matrix_current() is first

    monkeypatch.setattr(matrix_module, "CHECK_EVERY_SECONDS", 0)
    with django_assert_num_queries(3):  # the data version (2) and the offers version (1)
        assert matrix_current() is first


def test_new_offers_are_read_without_rebuilding_the_rest(places, monkeypatch):
    monkeypatch.setattr(matrix_module, "CHECK_EVERY_SECONDS", 0)
    first = matrix_current()
    first.memo["anything"] = np.zeros(1)

    published_offer(places["bourganeuf"], profession=Profession.NURSE, housing_offered=True)
    second = matrix_current()

    assert second is not first
    assert second.near_indices is first.near_indices  # the neighbourhoods were kept
    assert second.memo == {}
    assert second.housing_count[row(second, places["bourganeuf"])] == 1
    assert len(second.offers.communes_of(Profession.NURSE)) == 1
    assert len(second.offers.communes_of(Profession.NURSE, ("stage",))) == 0


def test_an_import_rebuilds_it(places, monkeypatch):
    monkeypatch.setattr(matrix_module, "CHECK_EVERY_SECONDS", 0)
    first = matrix_current()

    stations = source("stations")
    stations.imported_at = timezone.now()
    stations.save()

    second = matrix_current()
    assert second is not first
    assert second.near_indices is not first.near_indices


def test_invalidating_forgets_it(places):
    first = matrix_current()

    matrix_invalidate()

    assert matrix_current() is not first


def test_a_change_can_be_announced_not_to_wait_for_the_next_check(places):
    first = matrix_current()
    published_offer(places["lyon"], profession=Profession.NURSE)
    assert matrix_current() is first  # checked a moment ago

    matrix_changed()

    second = matrix_current()
    assert len(second.offers.communes_of(Profession.NURSE)) == 1
    assert second.near_indices is first.near_indices
