"""Properties of the scoring, checked over random territories and random criteria (plain loops
with fixed seeds: the same cases on every run)."""

import itertools
import random

import numpy as np
import pytest

from tremplin.core.professions import Profession
from tremplin.matching import geometry as geometry_module
from tremplin.matching import live as live_module
from tremplin.matching.criteria import CRITERIA, Importance, Origin, TownSize, criteria_build
from tremplin.matching.geometry import unit_vectors
from tremplin.matching.layout import (
    COLUMNS,
    DISTANCE_COLUMNS,
    KIND_CODES,
    NEAR_KM,
    PROFESSION_CODES,
    SIZE_BOUNDS,
    STATIC_COLUMNS,
)
from tremplin.matching.live import OfferArrays
from tremplin.matching.matrix import CommuneMatrix
from tremplin.matching.scoring import rank
from tremplin.offers.models import OfferKind

SEEDS = range(6)
LEVELS = [Importance.INDIFFERENT, Importance.DESIRABLE, Importance.IMPORTANT]
PROFESSION = Profession.GENERAL_PRACTITIONER


def synthetic_matrix(seed: int, n: int = 400) -> CommuneMatrix:
    """Communes scattered over central France with random figures, 10 % of them unknown."""
    rng = np.random.default_rng(seed)
    latitude = rng.uniform(44.0, 48.0, n)
    longitude = rng.uniform(0.0, 4.0, n)
    xyz = unit_vectors(latitude, longitude)
    columns = np.zeros((len(COLUMNS), n), dtype=np.float32)
    known = np.ones((len(STATIC_COLUMNS), n), dtype=bool)
    for name in STATIC_COLUMNS:
        values = rng.random(n).astype(np.float32)
        unknown = rng.random(n) < 0.1
        values[unknown] = 0
        columns[COLUMNS[name]] = values
        known[COLUMNS[name]] = ~unknown
    for name in DISTANCE_COLUMNS:
        columns[COLUMNS[name]] = rng.uniform(0, 60, n)
    population = rng.integers(50, 200_000, n).astype(np.float32)
    size_class = (1 + np.searchsorted(np.asarray(SIZE_BOUNDS), population, side="right")).astype(
        np.int8
    )
    epci = rng.integers(0, 25, n).astype(np.int32)
    order = np.argsort(epci, kind="stable").astype(np.int32)
    grouped = epci[order]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]]).astype(np.int32)
    indptr, indices = geometry_module._neighbourhoods(latitude, longitude, xyz, NEAR_KM)
    offer_count = 300
    communes = rng.integers(0, n, offer_count).astype(np.int32)
    keys = (
        PROFESSION_CODES[PROFESSION] * len(KIND_CODES)
        + rng.integers(0, len(KIND_CODES), offer_count)
    ).astype(np.int64)
    sort = np.argsort(keys, kind="stable")
    offers = OfferArrays(
        commune=communes[sort],
        housing=(rng.random(offer_count) < 0.3)[sort],
        starts=np.searchsorted(
            keys[sort], np.arange(len(PROFESSION_CODES) * len(KIND_CODES) + 1)
        ).astype(np.int64),
    )
    built = CommuneMatrix(
        data_version=(),
        offers_version=(),
        insee=[f"{i:05d}" for i in range(n)],
        names=[f"Commune {i}" for i in range(n)],
        departement=["23"] * n,
        departement_names={"23": "Creuse"},
        epci=epci,
        epci_sirens=[f"{i:09d}" for i in range(25)],
        epci_names=[f"EPCI {i}" for i in range(25)],
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
        epci_order=order,
        epci_starts=starts,
        epci_present=grouped[starts],
        epci_population=np.add.reduceat(population[order], starts),
    )
    return live_module.with_offers_arrays(built, offers)


def random_criteria(rng: random.Random, **overrides: str) -> object:
    stated = {key: rng.choice([*LEVELS, Importance.REQUIRED]) for key in CRITERIA}
    # Few indispensables, or nothing would be left to compare.
    for key in stated:
        if stated[key] == Importance.REQUIRED and rng.random() < 0.85:
            stated[key] = Importance.DESIRABLE
    stated.update(overrides)
    return criteria_build(
        profession=PROFESSION,
        stated=stated,
        origins=(Origin("00000", "Origine", rng.uniform(44.5, 47.5), rng.uniform(0.5, 3.5)),),
        km={"proximite": rng.choice([30, 80, 200]), "gare": rng.choice([5, 10, 20])},
        offer_kinds=tuple(rng.sample([k.value for k in OfferKind], rng.randint(0, 3))),
        sizes=tuple(rng.sample([s.value for s in TownSize], rng.randint(1, 2))),
    )


def kept(matrix: CommuneMatrix, criteria: object, scale: str = "communes") -> set[int]:
    ranking = rank(matrix, criteria, limit=matrix.size, scale=scale)
    return set((ranking.epcis if scale == "epci" else ranking.rows).tolist())


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("scale", ["communes", "epci"])
def test_adding_an_indispensable_criterion_never_adds_results(seed, scale):
    matrix = synthetic_matrix(seed)
    rng = random.Random(seed)
    for _ in range(4):
        criteria = random_criteria(rng)
        before = kept(matrix, criteria, scale)
        for key in CRITERIA:
            if criteria.importance[key] == Importance.REQUIRED:
                continue
            stricter = criteria_build(
                profession=PROFESSION,
                stated={**criteria.importance, key: Importance.REQUIRED},
                origins=criteria.origins,
                km=criteria.km,
                offer_kinds=criteria.offer_kinds,
                sizes=criteria.sizes,
            )
            after = kept(matrix, stricter, scale)
            assert after <= before, (key, len(after), len(before))


def position(matrix: CommuneMatrix, criteria: object, row: int) -> int:
    ranking = rank(matrix, criteria, limit=matrix.size)
    return ranking.rows.tolist().index(row)


@pytest.mark.parametrize("seed", SEEDS)
def test_raising_a_criterion_never_lowers_the_territory_best_on_it(seed):
    matrix = synthetic_matrix(seed)
    rng = random.Random(100 + seed)
    checked = 0
    for _ in range(4):
        base = random_criteria(rng)
        for key, (low, high) in itertools.product(CRITERIA, itertools.pairwise(LEVELS)):
            lower = criteria_build(
                profession=PROFESSION,
                stated={**base.importance, key: low},
                origins=base.origins,
                km=base.km,
                offer_kinds=base.offer_kinds,
                sizes=base.sizes,
            )
            higher = criteria_build(
                profession=PROFESSION,
                stated={**base.importance, key: high},
                origins=base.origins,
                km=base.km,
                offer_kinds=base.offer_kinds,
                sizes=base.sizes,
            )
            ranking = rank(matrix, lower, limit=matrix.size)
            if not len(ranking.rows):
                continue
            satisfaction = ranking.query.satisfaction(key)[ranking.rows]
            best = int(ranking.rows[int(np.argmax(satisfaction))])
            assert position(matrix, higher, best) <= position(matrix, lower, best), (key, low)
            checked += 1
    assert checked > 50


@pytest.mark.parametrize("seed", SEEDS)
def test_scores_stay_between_0_and_1_and_results_come_best_first(seed):
    matrix = synthetic_matrix(seed)
    rng = random.Random(200 + seed)
    for _ in range(5):
        ranking = rank(matrix, random_criteria(rng), limit=matrix.size)
        scores = ranking.scores
        assert ((scores >= 0) & (scores <= 1.0 + 1e-6)).all()
        assert (np.diff(scores) <= 1e-7).all()
