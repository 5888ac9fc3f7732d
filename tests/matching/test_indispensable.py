"""Every criterion made indispensable, one at a time: a commune that fails it is left out, one
that meets it (at its very threshold) is kept.

The territories are a three-commune matrix built by hand, each value chosen on either side of the
criterion's threshold, which is written out here (not read from `CRITERIA`)."""

import numpy as np
import pytest

from tests.matching.builders import commune
from tremplin.core.professions import Profession
from tremplin.matching import geometry as geometry_module
from tremplin.matching.criteria import CRITERIA, Importance, Origin, criteria_build
from tremplin.matching.forms import MatchingForm
from tremplin.matching.geometry import unit_vectors
from tremplin.matching.layout import (
    COLUMNS,
    DISTANCE_COLUMNS,
    KIND_CODES,
    NEAR_KM,
    PROFESSION_CODES,
    STATIC_COLUMNS,
    UNKNOWN_KM,
)
from tremplin.matching.live import OfferArrays
from tremplin.matching.matrix import CommuneMatrix
from tremplin.matching.scoring import rank

PROFESSION = Profession.GENERAL_PRACTITIONER  # every criterion applies to it
# Where "indispensable" draws the line, criterion by criterion.
THRESHOLDS = {
    "besoin": 0.3,
    "zonage": 0.75,
    "annonces": 0.5,
    "logement": 0.5,
    "accueil": 0.5,
    "hopital": 1.0,
    "zrr": 0.5,
    "proximite": 1.0,
    "taille": 1.0,
    "ecoles": 0.5,
    "commerces": 0.5,
    "gare_commune": 1.0,
    "gare": 1.0,
    "cinema": 1.0,
    "littorale": 1.0,
    "littoral": 1.0,
    "emploi": 0.5,
}
STATIC = {
    "besoin": "need:apl_mg",
    "zonage": "zonage",
    "logement": "housing",
    "accueil": "welcome",
    "zrr": "zrr",
    "ecoles": "schools",
    "commerces": "shops",
    "emploi": "employment",
    "gare_commune": "station_here",
    "littorale": "coastal",
}
DISTANCE = {
    "gare": "station_km",
    "hopital": "hospital_km",
    "cinema": "cinema_km",
    "littoral": "coast_km",
}
RADIUS = {"gare": 10, "hopital": 30, "cinema": 15, "littoral": 20, "proximite": 50}
# Communes 0 and 2 meet the criterion (0 at its threshold), commune 1 misses it by a little.
MEETS, MISSES = {0, 2}, 1
# 0 and 1 are 55.6 km apart, 0 and 2 44.5 km: farther than NEAR_KM, so offers stay local.
LATITUDES = [46.0, 46.5, 45.6]


def tiny_matrix(key: str) -> CommuneMatrix:
    n = 3
    latitude = np.asarray(LATITUDES)
    longitude = np.full(n, 2.0)
    xyz = unit_vectors(latitude, longitude)
    columns = np.zeros((len(COLUMNS), n), dtype=np.float32)
    columns[len(STATIC_COLUMNS) :] = UNKNOWN_KM
    known = np.ones((len(STATIC_COLUMNS), n), dtype=bool)
    size_class = np.full(n, 4, dtype=np.int8)
    offer_communes: list[int] = []
    # Commune 1 is the best on every criterion but the one tested: if the filter were dropped,
    # it would come first.
    for column in STATIC_COLUMNS:
        columns[COLUMNS[column]] = [0.2, 1.0, 0.2]
    for column in DISTANCE_COLUMNS:
        columns[COLUMNS[column]] = [900.0, 1.0, 900.0]
    threshold = THRESHOLDS[key]
    if key in STATIC:
        columns[COLUMNS[STATIC[key]]] = [threshold, threshold - 0.01, 1.0]
    elif key in DISTANCE:
        radius = RADIUS[key]
        columns[COLUMNS[DISTANCE[key]]] = [radius, radius + 0.5, 0.0]
    elif key == "taille":
        size_class[:] = [1, 2, 1]  # a village asked for; a small town next to it scores 0.5
    elif key == "annonces":
        offer_communes = [0, 2, 2]  # one offer: 1 - 2^-1 = 0.5, the threshold
    indptr, indices = geometry_module._neighbourhoods(latitude, longitude, xyz, NEAR_KM)
    kinds = len(KIND_CODES)
    first = PROFESSION_CODES[PROFESSION] * kinds
    starts = np.zeros(len(PROFESSION_CODES) * kinds + 1, dtype=np.int64)
    starts[first + 1 :] = len(offer_communes)
    offers = OfferArrays(
        commune=np.asarray(offer_communes, dtype=np.int32),
        housing=np.zeros(len(offer_communes), dtype=bool),
        starts=starts,
    )
    population = np.asarray([1_000, 500_000, 1_500], dtype=np.float32)
    return CommuneMatrix(
        data_version=(),
        offers_version=(),
        insee=["23001", "23002", "23003"],
        names=["Au seuil", "Juste en dessous", "Au-dessus"],
        departement=["23"] * n,
        departement_names={"23": "Creuse"},
        epci=np.arange(n, dtype=np.int32),
        epci_sirens=["200000001", "200000002", "200000003"],
        epci_names=["CC 1", "CC 2", "CC 3"],
        latitude=latitude.astype(np.float32),
        longitude=longitude.astype(np.float32),
        xyz=xyz,
        positioned=np.ones(n, dtype=bool),
        population=population,
        size_class=size_class,
        columns=columns,
        known=known,
        raw={},
        zonage=np.zeros(n, dtype=np.int8),
        near_indptr=indptr,
        near_indices=indices,
        offers=offers,
        housing_count=np.zeros(n, dtype=np.float32),
        epci_order=np.arange(n, dtype=np.int32),
        epci_starts=np.arange(n, dtype=np.int32),
        epci_present=np.arange(n, dtype=np.int32),
        epci_population=population,
    )


def criteria_for(key: str, importance: str = Importance.REQUIRED) -> object:
    stated = {other: Importance.INDIFFERENT for other in CRITERIA}
    stated[key] = importance
    return criteria_build(
        profession=PROFESSION,
        stated=stated,
        origins=(Origin("23001", "Au seuil", LATITUDES[0], 2.0),),
        km=dict(RADIUS),
        sizes=("village",),
    )


def test_every_criterion_has_its_threshold_here():
    assert set(THRESHOLDS) == set(CRITERIA)
    assert {key: CRITERIA[key].threshold for key in CRITERIA} == THRESHOLDS


@pytest.mark.parametrize("key", list(THRESHOLDS))
def test_it_keeps_the_communes_meeting_an_indispensable_criterion_and_only_them(key):
    matrix = tiny_matrix(key)

    ranking = rank(matrix, criteria_for(key), limit=10)

    assert list(ranking.weights) == [key]
    assert set(ranking.rows.tolist()) == MEETS
    assert ranking.count == 2
    assert ranking.total == 3
    assert ranking.relaxations == []


@pytest.mark.parametrize("key", list(THRESHOLDS))
def test_by_intercommunality_the_one_missing_it_is_left_out_too(key):
    matrix = tiny_matrix(key)

    ranking = rank(matrix, criteria_for(key), limit=10, scale="epci")

    assert set(ranking.epcis.tolist()) == MEETS
    assert ranking.count == 2
    assert ranking.total == 3


@pytest.mark.parametrize("key", list(THRESHOLDS))
def test_made_only_important_the_criterion_keeps_everyone_with_the_same_weight(key):
    matrix = tiny_matrix(key)

    important = rank(matrix, criteria_for(key, Importance.IMPORTANT), limit=10)
    required = rank(matrix, criteria_for(key), limit=10)

    assert set(important.rows.tolist()) == {0, 1, 2}
    assert important.count == 3
    assert important.weights == required.weights == {key: 3.0}
    at_threshold = important.rows.tolist().index(0)
    assert required.scores[required.rows.tolist().index(0)] == pytest.approx(
        important.scores[at_threshold]
    )


@pytest.mark.parametrize("key", list(THRESHOLDS))
def test_when_no_commune_meets_it_the_criterion_to_relax_is_named(key):
    matrix = tiny_matrix(key)
    stated = {other: Importance.INDIFFERENT for other in CRITERIA}
    # Two indispensable criteria that no commune meets together: this one (which communes 0 and
    # 2 meet) and another that only commune 1 meets.
    other = "zrr" if key == "zonage" else "zonage"
    matrix.columns[COLUMNS[other]] = [0.0, 1.0, 0.0]
    stated.update({key: Importance.REQUIRED, other: Importance.REQUIRED})
    criteria = criteria_build(
        profession=PROFESSION,
        stated=stated,
        origins=(Origin("23001", "Au seuil", LATITUDES[0], 2.0),),
        km=dict(RADIUS),
        sizes=("village",),
    )

    ranking = rank(matrix, criteria, limit=10)

    assert ranking.count == 0
    assert len(ranking.rows) == 0
    relaxed = {r.key: r.count for r in ranking.relaxations}
    assert relaxed == {key: 1, other: 2}
    assert [r.key for r in ranking.relaxations] == [other, key]  # the most rewarding first


@pytest.mark.django_db
@pytest.mark.parametrize("key", list(THRESHOLDS))
def test_the_form_reads_indispensable_for_each_criterion(key):
    commune("87085", "Limoges", 45.8336, 1.2611)
    data = {"profession": PROFESSION, key: "indispensable"}
    if key == "proximite":
        data["pres_de"] = "Limoges"
    if key == "taille":
        data["tailles"] = ["village"]
    form = MatchingForm(data)

    assert form.is_valid(), form.errors
    criteria = form.criteria()

    assert criteria.is_required(key)
    assert [k for k in CRITERIA if criteria.is_required(k)] == [key]
    assert key not in criteria.defaulted
