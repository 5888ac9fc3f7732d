"""The scoring's edges on hand-built matrices: criteria set aside and why, several origins, town
sizes, offers of other kinds, nothing that weighs, no EPCI at all."""

from dataclasses import replace

import numpy as np
import pytest

from tests.matching.test_indispensable import LATITUDES, PROFESSION, RADIUS, tiny_matrix
from tests.matching.test_properties import synthetic_matrix
from tremplin.core.professions import Profession
from tremplin.matching.criteria import (
    CRITERIA,
    Criteria,
    Importance,
    Origin,
    criteria_build,
    default_importance,
)
from tremplin.matching.layout import KIND_CODES, PROFESSION_CODES, UNKNOWN_KM
from tremplin.matching.live import OfferArrays
from tremplin.matching.scoring import Ignored, Query, Relaxation, rank, size_satisfaction
from tremplin.offers.models import OfferKind

INDIFFERENT = {key: Importance.INDIFFERENT for key in CRITERIA}


def build(profession: str = PROFESSION, **kwargs: object) -> Criteria:
    stated = {**INDIFFERENT, **kwargs.pop("stated", {})}
    return criteria_build(profession=profession, stated=stated, **kwargs)


def test_a_criterion_missing_from_the_importances_weighs_nothing():
    assert Criteria(profession=PROFESSION, importance={}).weight("gare") == 0.0
    assert not Criteria(profession=PROFESSION, importance={}).is_required("gare")


def test_proximity_and_size_default_to_indifferent_without_origins_or_sizes():
    assert default_importance(PROFESSION, "proximite") == Importance.INDIFFERENT
    assert default_importance(PROFESSION, "proximite", has_origins=True) == Importance.REQUIRED
    assert default_importance(PROFESSION, "taille") == Importance.INDIFFERENT
    assert default_importance(PROFESSION, "taille", has_sizes=True) == Importance.DESIRABLE


def test_criteria_that_cannot_count_are_set_aside_with_their_reason_and_the_others_still_count():
    matrix = tiny_matrix("gare")
    criteria = build(
        Profession.ANAESTHETIST,  # no APL, no zonage
        stated={
            "besoin": Importance.IMPORTANT,
            "zonage": Importance.IMPORTANT,
            "proximite": Importance.IMPORTANT,
            "taille": Importance.IMPORTANT,
            "gare": Importance.DESIRABLE,
            "emploi": Importance.IMPORTANT,
        },
    )

    ranking = rank(matrix, criteria, limit=10)

    assert ranking.ignored == [
        Ignored("besoin", "not_applicable"),
        Ignored("zonage", "not_applicable"),
        Ignored("proximite", "incomplete"),
        Ignored("taille", "incomplete"),
    ]
    assert ranking.weights == {"gare": 1.0, "emploi": 3.0}


def test_a_static_column_without_any_known_value_is_set_aside_as_without_data():
    matrix = tiny_matrix("zrr")
    matrix.known[:] = False
    matrix.columns[-4:] = UNKNOWN_KM

    ranking = rank(matrix, build(stated={"zrr": "important", "gare": "important"}), limit=10)

    assert ranking.ignored == [Ignored("zrr", "no_data"), Ignored("gare", "no_data")]
    assert ranking.weights == {}


def test_the_nearest_of_several_origins_counts():
    matrix = tiny_matrix("proximite")
    origins = (
        Origin("99001", "Loin au nord", 48.0, 2.0),
        Origin("23002", "Juste en dessous", LATITUDES[1], 2.0),
    )
    query = Query(matrix, build(origins=origins, km=dict(RADIUS)))

    km = query.origin_km()

    assert km.dtype == np.float32
    assert km[1] == pytest.approx(0.0, abs=0.01)
    assert km[0] == pytest.approx(55.6, abs=0.1)
    assert km[2] == pytest.approx(100.1, abs=0.1)
    assert query.origin_km() is km  # computed once per query


def test_a_commune_without_a_position_is_as_far_as_unknown():
    matrix = replace(tiny_matrix("proximite"), unpositioned=np.asarray([2]))
    origins = (Origin("23001", "Au seuil", LATITUDES[0], 2.0),)

    km = Query(matrix, build(origins=origins)).origin_km()

    assert km[2] == np.float32(UNKNOWN_KM)


@pytest.mark.parametrize(
    ("sizes", "table"),
    [
        (("village",), [0, 1, 0.5, 0, 0]),
        (("petite_ville",), [0, 0.5, 1, 0.5, 0]),
        (("ville_moyenne",), [0, 0, 0.5, 1, 0.5]),
        (("grande_ville",), [0, 0, 0, 0.5, 1]),
        (("village", "ville_moyenne"), [0, 1, 0.5, 1, 0.5]),
        (("petite_ville", "village"), [0, 1, 1, 0.5, 0]),
        ((), [0, 0, 0, 0, 0]),
    ],
)
def test_sizes_asked_score_1_their_neighbours_half_unknown_nothing(sizes, table):
    satisfaction = size_satisfaction(np.arange(5, dtype=np.int8), sizes)

    assert satisfaction.tolist() == table
    assert satisfaction.dtype == np.float32


def test_offers_are_counted_for_the_kinds_asked_and_each_query_keeps_its_own_count():
    matrix = tiny_matrix("annonces")
    kinds = len(KIND_CODES)
    first = PROFESSION_CODES[PROFESSION] * kinds
    # One replacement in commune 0, one internship in commune 2.
    starts = np.zeros(len(PROFESSION_CODES) * kinds + 1, dtype=np.int64)
    replacement, internship = KIND_CODES[OfferKind.REPLACEMENT], KIND_CODES[OfferKind.INTERNSHIP]
    order = sorted([(replacement, 0), (internship, 2)])
    for k in range(kinds + 1):
        starts[first + k :] = sum(1 for code, _ in order if code < k)
    starts[first + kinds :] = 2
    matrix.offers = OfferArrays(
        commune=np.asarray([c for _, c in order], dtype=np.int32),
        housing=np.zeros(2, dtype=bool),
        starts=starts,
    )

    replacements = Query(matrix, build(offer_kinds=("remplacement",))).offer_count()
    internships = Query(matrix, build(offer_kinds=("stage",))).offer_count()
    every = Query(matrix, build()).offer_count()

    assert replacements.tolist() == [1, 0, 0]
    assert internships.tolist() == [0, 0, 1]
    assert every.tolist() == [1, 0, 1]
    annonces = Query(matrix, build(offer_kinds=("remplacement",))).satisfaction("annonces")
    assert annonces.tolist() == [0.5, 0, 0]
    assert annonces.dtype == np.float32


def test_an_unknown_criterion_is_a_key_error():
    with pytest.raises(KeyError, match="inconnu"):
        Query(tiny_matrix("gare"), build()).satisfaction("inconnu")


def test_when_nothing_weighs_every_commune_scores_100():
    ranking = rank(tiny_matrix("gare"), build(), limit=10)

    assert ranking.weights == {}
    assert ranking.scores.tolist() == [1.0, 1.0, 1.0]
    # Ties: the larger population first.
    assert ranking.rows.tolist() == [1, 2, 0]


def test_scores_are_float32_and_the_default_limit_is_50():
    matrix = synthetic_matrix(0)

    ranking = rank(matrix, build(stated={"zrr": "important", "gare": "souhaitable"}))

    assert len(ranking.rows) == 50
    assert ranking.scores.dtype == np.float32
    assert rank(matrix, build(), limit=0).rows.tolist() == []


def test_an_epci_whose_best_commune_scores_0_is_still_counted():
    matrix = tiny_matrix("gare")
    matrix.columns[-4] = [900.0, 900.0, 900.0]  # no station anywhere: every satisfaction is 0

    ranking = rank(matrix, build(stated={"gare": "important"}), limit=10, scale="epci")

    assert ranking.count == 3
    assert ranking.scores.tolist() == [0.0, 0.0, 0.0]
    assert ranking.relaxations == []


def test_ranking_epcis_says_what_was_set_aside_and_what_to_relax():
    matrix = tiny_matrix("gare")
    matrix.columns[-4] = [900.0, 900.0, 900.0]

    ranking = rank(
        matrix,
        build(Profession.NURSE, stated={"gare": "indispensable", "zonage": "important"}),
        limit=10,
        scale="epci",
    )

    assert ranking.count == 0
    assert ranking.ignored == [Ignored("zonage", "not_applicable")]
    assert ranking.relaxations == [Relaxation("gare", 3)]


def test_without_any_epci_there_is_nothing_to_rank_by_epci():
    empty = np.zeros(0, dtype=np.int32)
    matrix = replace(
        tiny_matrix("gare"),
        epci_order=empty,
        epci_starts=empty,
        epci_present=empty,
        epci_population=np.zeros(0, dtype=np.float32),
    )

    ranking = rank(matrix, build(stated={"gare": "indispensable"}), limit=10, scale="epci")

    assert ranking.rows.tolist() == []
    assert matrix.names and matrix.population[ranking.rows].tolist() == []  # still indices
    assert ranking.epcis.tolist() == []
    assert (ranking.count, ranking.total) == (0, 0)
    assert ranking.relaxations == [Relaxation("gare", 0)]


def test_a_commune_of_unknown_population_comes_after_one_of_no_inhabitants():
    # Six villages of the Meuse destroyed in 1916 are communes with 0 inhabitants.
    matrix = tiny_matrix("gare")
    matrix.population[:] = [np.nan, 0.0, 10.0]

    ranking = rank(matrix, build(), limit=10)

    assert ranking.rows.tolist() == [2, 1, 0]


def test_by_epci_nothing_to_relax_while_some_meet_every_indispensable_criterion():
    ranking = rank(
        tiny_matrix("gare"), build(stated={"gare": "indispensable"}), limit=10, scale="epci"
    )

    assert ranking.count == 2
    assert ranking.relaxations == []
