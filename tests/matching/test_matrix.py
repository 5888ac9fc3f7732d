from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.matching.builders import commune, indicator, limousin, published_offer, source
from tests.offers.factories import OfferFactory
from tests.territories.factories import arrondissement_make
from tremplin.core.professions import Profession
from tremplin.matching.layout import UNKNOWN_KM, ZONAGE_CATEGORIES
from tremplin.matching.store import matrix_current, matrix_invalidate
from tremplin.offers.events import offer_event_emit
from tremplin.offers.models import OfferEventKind, OfferStatus
from tremplin.offers.services import offer_publish
from tremplin.territories.models import IndicatorValue

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
    # Bourganeuf: APL 0.5 against the median 1.5, 2,600 people within 10 km.
    people = np.log(2_600 / 500) / np.log(20_000 / 500)
    assert need[row(matrix, places["bourganeuf"])] == pytest.approx((1 - 0.5 / 1.5) * people)
    assert need[row(matrix, places["limoges"])] == 0  # above the median: no shortage
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


def test_it_is_checked_against_the_database_at_each_ranking_in_four_small_queries(
    places, django_assert_num_queries
):
    first = matrix_current()

    # The data version (2), the latest offer event (1) and the hosting welcomes' counts (1).
    with django_assert_num_queries(4):
        assert matrix_current() is first


def test_an_offer_event_has_its_offers_read_again_without_rebuilding_the_rest(places):
    first = matrix_current()
    first.memo["anything"] = np.zeros(1)

    offer = published_offer(places["bourganeuf"], profession=Profession.NURSE, housing_offered=True)
    assert matrix_current() is first  # no event yet: an offer written behind the services' back
    offer_event_emit(offer=offer, kind=OfferEventKind.PUBLISHED)
    second = matrix_current()

    assert second is not first
    assert second.near_indices is first.near_indices  # the neighbourhoods were kept
    assert second.memo == {}
    assert second.housing_count[row(second, places["bourganeuf"])] == 1
    assert len(second.offers.communes_of(Profession.NURSE)) == 1
    assert len(second.offers.communes_of(Profession.NURSE, ("stage",))) == 0


def test_a_published_offer_is_seen_at_the_next_ranking(places):
    """Through the real service: publishing writes the event the matrix reads."""
    first = matrix_current()
    offer = OfferFactory(
        commune=places["lyon"], profession=Profession.NURSE, status=OfferStatus.SUBMITTED
    )
    offer_publish(offer=offer, by=UserFactory(moderator=True))

    second = matrix_current()
    assert len(second.offers.communes_of(Profession.NURSE)) == 1
    assert second.near_indices is first.near_indices


def test_an_offer_leaves_it_the_day_after_its_end_without_any_write(places, monkeypatch):
    """The version carries the day: `live()` offers change at midnight, before the daily job."""
    today = timezone.localdate()
    offer = published_offer(
        places["lyon"], profession=Profession.NURSE, end_date=today + timedelta(days=1)
    )
    offer_event_emit(offer=offer, kind=OfferEventKind.PUBLISHED)
    assert len(matrix_current().offers.communes_of(Profession.NURSE)) == 1

    real_localdate = timezone.localdate
    monkeypatch.setattr(
        timezone,
        "localdate",
        lambda value=None, timezone=None: (
            real_localdate(value, timezone) if value is not None else today + timedelta(days=1)
        ),
    )

    assert len(matrix_current().offers.communes_of(Profession.NURSE)) == 0


def test_an_import_rebuilds_it(places):
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


def test_arrondissements_are_not_ranked_and_their_offers_count_for_their_city(places):
    third = arrondissement_make(
        "69383", city=places["lyon"], name="Lyon 3e Arrondissement", latitude=45.76
    )
    published_offer(third, profession=Profession.NURSE, housing_offered=True)

    matrix = matrix_current()

    assert "69383" not in matrix.index  # inside Lyon, ranked through it
    lyon = row(matrix, places["lyon"])
    assert list(matrix.offers.communes_of(Profession.NURSE)) == [lyon]
    assert matrix.housing_count[lyon] == 1


def test_each_commune_keeps_its_own_latest_classement_row(places):
    """ARS zonages are imported région by région, each under its arrêté's year."""
    zonage = source("zonage_mg")
    for place, category, year in [
        (places["limoges"], "ZAC", 2025),
        (places["lyon"], "ZIP", 2026),
        (places["lyon"], "HZ", 2025),
    ]:
        IndicatorValue.objects.create(
            commune=place, key="zonage_mg", year=year, category=category, source=zonage
        )

    matrix = matrix_current()

    # Limoges keeps its 2025 row though Lyon's latest is 2026; Lyon its 2026 one.
    assert ZONAGE_CATEGORIES[matrix.zonage[row(matrix, places["limoges"])]] == "ZAC"
    assert ZONAGE_CATEGORIES[matrix.zonage[row(matrix, places["lyon"])]] == "ZIP"
