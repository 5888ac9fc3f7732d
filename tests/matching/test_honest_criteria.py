"""Criteria that say what they mean: a coastal commune or the coast within reach, a station in
the commune or within reach; ties said and ordered; partial points said as such."""

import pytest

from tests.matching.builders import commune, indicator, station
from tremplin.core.professions import Profession
from tremplin.matching.criteria import CRITERIA, Origin, criteria_build
from tremplin.matching.explain import MET, PARTIAL, UNCOVERED, UNMET
from tremplin.matching.selectors import matching_search

pytestmark = pytest.mark.django_db


def search(**kwargs):
    kwargs.setdefault("profession", Profession.PHYSIOTHERAPIST)  # no APL: nothing by default
    kwargs.setdefault("villages", True)
    return matching_search(criteria=criteria_build(**kwargs))


def by_name(result):
    return {item.name: item for item in result.results}


@pytest.fixture
def coast():
    """Two coastal communes of the official list and one 15 km inland, in Finistère."""
    places = {
        "brest": commune("29019", "Brest", 48.3904, -4.4861, population=139_000),
        "plougastel": commune("29189", "Plougastel-Daoulas", 48.3726, -4.3700, population=13_000),
        "guipavas": commune("29075", "Guipavas", 48.4352, -4.3997, population=15_000),
        "landerneau": commune("29103", "Landerneau", 48.4508, -4.2486, population=16_000),
    }
    for key, place in places.items():
        indicator(place, "coastline", 1.0 if key in ("brest", "plougastel") else 0.0)
    return places


def test_commune_littorale_keeps_only_the_official_list(coast):
    result = search(stated={"littorale": "indispensable"})

    assert set(by_name(result)) == {"Brest", "Plougastel-Daoulas"}
    assert result.count == 2
    for item in result.results:
        assert item.explanation == "commune littorale (liste de l’ONML, 2019)"


def test_the_coast_within_reach_lets_inland_communes_in_and_says_they_are_inland(coast):
    result = search(stated={"littoral": "indispensable"}, km={"littoral": 20})

    found = by_name(result)
    assert set(found) == {"Brest", "Plougastel-Daoulas", "Guipavas", "Landerneau"}
    assert found["Brest"].explanation == "commune littorale"
    assert found["Landerneau"].explanation.startswith("commune littorale à ")
    assert found["Landerneau"].explanation.endswith("(de centre à centre), elle-même non littorale")


def test_an_inland_commune_is_said_off_the_list_with_its_distance(coast):
    result = search(stated={"littorale": "important"})

    landerneau = by_name(result)["Landerneau"]
    assert landerneau.score == 0
    assert landerneau.caveats.startswith(
        "pas sur la liste des communes littorales ; la plus proche à "
    )


def test_coast_beyond_the_radius_is_partly_met_and_says_the_radius(coast):
    result = search(stated={"littoral": "important"}, km={"littoral": 8})

    landerneau = by_name(result)["Landerneau"]  # 10.5 km from Plougastel-Daoulas
    assert 0 < landerneau.score < 100
    assert landerneau.explanation == ""
    assert landerneau.partials.endswith(", au-delà des 8 km demandés")


@pytest.fixture
def stations():
    """A town with its station, a village 6 km away without one, a village with no data."""
    town = commune("87154", "Saint-Junien", 45.8877, 0.9014, population=11_000)
    village = commune("87126", "Saint-Brice", 45.8800, 0.9800, population=1_800)
    unknown = commune("87001", "Sans donnée", 45.7000, 0.8000, population=1_200)
    station(45.8890, 0.9050, "Saint-Junien")
    indicator(town, "stations", 1)
    indicator(village, "stations", 0)
    return town, village, unknown


def test_a_station_in_the_commune_and_a_station_within_reach_are_two_criteria(stations):
    in_commune = by_name(search(stated={"gare_commune": "indispensable"}))
    within = by_name(search(stated={"gare": "indispensable"}, km={"gare": 10}))

    assert set(in_commune) == {"Saint-Junien"}  # the commune without data stays out: unknown
    assert in_commune["Saint-Junien"].explanation == "1 gare voyageurs dans la commune"
    assert set(within) == {"Saint-Junien", "Saint-Brice"}
    assert within["Saint-Junien"].explanation == "gare dans la commune"
    assert within["Saint-Brice"].explanation.startswith("gare à ")
    assert within["Saint-Brice"].explanation.endswith(" km, hors commune")


def test_a_village_without_station_says_where_the_nearest_is(stations):
    village = by_name(search(stated={"gare_commune": "important"}))["Saint-Brice"]

    assert village.score == 0
    assert village.caveats.startswith("pas de gare dans la commune ; la plus proche à ")


@pytest.fixture
def twins():
    """Three communes that the data cannot tell apart, at 10, 20 and 30 km of Limoges."""
    limoges = commune("87085", "Limoges", 45.8336, 1.2611, population=129_000)
    found = {
        "far": commune("87002", "Loin", 45.8336, 1.2611 + 30 / 77.6, population=5_000),
        "near": commune("87003", "Près", 45.8336, 1.2611 + 10 / 77.6, population=1_000),
        "middle": commune("87004", "Milieu", 45.8336, 1.2611 + 20 / 77.6, population=9_000),
    }
    for place in found.values():
        indicator(place, "schools_primary", 1)
    return limoges, found


def test_equal_scores_are_said_ex_aequo_and_ordered_by_the_distance_asked(twins):
    limoges, _ = twins
    origins = (Origin(limoges.insee, limoges.name, limoges.latitude, limoges.longitude),)

    result = search(stated={"ecoles": "important"}, origins=origins, km={"proximite": 40})

    tied = [item for item in result.results if item.name in ("Loin", "Près", "Milieu")]
    assert [item.name for item in tied] == ["Près", "Milieu", "Loin"]  # not by population
    assert len({item.score for item in tied}) == 1
    assert all(item.tied for item in tied)
    assert result.tiebreak == (
        "Ex æquo : départagés par la distance à Limoges (votre critère « Près de chez moi »), "
        "puis par la population."
    )


def test_without_a_figure_to_tell_them_apart_the_population_orders_ties(twins):
    result = search(stated={"ecoles": "important", "annonces": "indifferent"})

    tied = [item for item in result.results if item.name in ("Loin", "Près", "Milieu")]
    assert [item.name for item in tied] == ["Milieu", "Loin", "Près"]
    assert result.tiebreak == "Ex æquo : départagés par la population, la plus grande d’abord."


def test_distinct_scores_are_not_said_ex_aequo(coast):
    result = search(stated={"littoral": "important"}, km={"littoral": 8})

    scores = [item.score for item in result.results]
    assert len(set(scores)) > 1
    for before, item, after in zip(
        [None, *result.results[:-1]], result.results, [*result.results[1:], None], strict=True
    ):
        neighbours = {other.score for other in (before, after) if other is not None}
        assert item.tied == (item.score in neighbours)


def test_every_criterion_shows_points_only_when_met_or_said_partly_met(coast, stations):
    """No criterion adds points while its text sits with the unmet ones, none is listed as met
    below its threshold, whatever the criteria asked."""
    stated = {key: "important" for key in CRITERIA if key not in ("proximite", "taille")}
    result = search(stated=stated, km={"gare": 5, "littoral": 5})

    assert result.results
    for item in result.results:
        for contribution in item.contributions:
            if contribution.state == MET:
                assert contribution.satisfaction >= CRITERIA[contribution.key].threshold
                assert contribution.text in item.explanation
            elif contribution.state == PARTIAL:
                assert contribution.points >= 0.05
                assert contribution.satisfaction < CRITERIA[contribution.key].threshold
                assert contribution.text in item.partials
            else:
                assert contribution.state in (UNMET, UNCOVERED)
                assert contribution.points < 0.05
                assert contribution.text not in item.explanation
