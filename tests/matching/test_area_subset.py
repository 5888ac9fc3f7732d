"""A ranking inside an area computes on the area's communes alone: the same rows, scores,
counts and relaxations as the ranking of all France restricted to the area (plain loops with
fixed seeds over hand-built matrices: the same cases on every run)."""

import random
from dataclasses import replace

import numpy as np
import pytest

from tests.matching.test_properties import random_criteria, synthetic_matrix
from tremplin.matching.areas import FRANCE, Area
from tremplin.matching.criteria import CRITERIA, Importance
from tremplin.matching.matrix import CommuneMatrix, with_area_groups
from tremplin.matching.rows import Rows, runs_of
from tremplin.matching.scoring import Query, _top_of_many, active_criteria, rank, top

SEEDS = range(6)
DEPARTEMENTS = ["16", "17", "19", "23", "24", "87"]
REGIONS = ["75", "84", "93"]


def areas_matrix(seed: int, *, grouped: bool = True, scattered: bool = False) -> CommuneMatrix:
    """The synthetic matrix of the properties, its communes in six départements of
    consecutive codes (as INSEE order makes them) in three régions, some communes outside a
    source's coverage or without a position, some villages; `scattered`: régions drawn
    commune by commune (many runs: the gather path)."""
    rng = np.random.default_rng(1000 + seed)
    matrix = synthetic_matrix(seed)
    n = matrix.size
    departement_index = np.sort(rng.integers(0, len(DEPARTEMENTS), n)).astype(np.int16)
    of_departement = np.asarray([0, 0, 1, 0, 0, 2])
    region_index = (
        rng.integers(0, len(REGIONS), n) if scattered else of_departement[departement_index]
    ).astype(np.int16)
    unpositioned = np.sort(rng.choice(n, 5, replace=False))
    xyz = matrix.xyz.copy()
    xyz[unpositioned] = 0.0
    positioned = np.ones(n, dtype=bool)
    positioned[unpositioned] = False
    matrix = replace(
        matrix,
        departement=[DEPARTEMENTS[i] for i in departement_index],
        departement_codes=DEPARTEMENTS,
        departement_index=departement_index,
        region_codes=REGIONS,
        region_index=region_index,
        xyz=xyz,
        positioned=positioned,
        unpositioned=unpositioned.astype(np.int64),
        practice=rng.random(n) < 0.7,
        uncovered={
            "station_km": np.flatnonzero(departement_index == 3).astype(np.int64),
            "need:apl_mg": np.sort(rng.choice(n, 12, replace=False)).astype(np.int64),
            "employment": np.sort(rng.choice(n, 30, replace=False)).astype(np.int64),
        },
    )
    return with_area_groups(matrix) if grouped else matrix


def areas_of(matrix: CommuneMatrix) -> list[Area]:
    epcis = matrix.epci_sirens
    return [
        Area(region="75"),
        Area(region="84"),
        Area(departement="23"),
        Area(departement="87"),
        Area(region="75", departement="17"),
        Area(region="84", departement="17"),  # no commune
        Area(departement="99"),  # unknown code
        Area(epci=epcis[3]),
        Area(epci=epcis[7], region="75"),
        Area(epci=epcis[7], departement="16", region="75"),
    ]


def restricted(matrix: CommuneMatrix, criteria: object, limit: int) -> dict:
    """The ranking of all France restricted to the area: its rows inside, in order."""
    area = criteria.area
    inside = area.mask(matrix)
    whole = rank(matrix, replace(criteria, area=FRANCE), limit=matrix.size)
    keep = inside[whole.rows]
    query = Query(matrix, criteria)
    weights, _ = active_criteria(query)
    passes = {}
    for key in weights:
        if criteria.is_required(key):
            passing = query.satisfaction(key) >= np.float32(CRITERIA[key].threshold)
            passing[query.uncovered(key)] = True
            passes[key] = passing
    count = int(np.count_nonzero(keep))
    relaxations = []
    if count == 0:
        for key in passes:
            others = [mask for other, mask in passes.items() if other != key]
            relaxations.append(
                (key, int(np.count_nonzero(np.logical_and.reduce([inside, *others]))))
            )
        relaxations.sort(key=lambda relaxation: -relaxation[1])
    return {
        "rows": whole.rows[keep][:limit].tolist(),
        "scores": whole.scores[keep][:limit].tobytes(),
        "count": count,
        "total": int(np.count_nonzero(inside)),
        "relaxations": relaxations,
    }


def ranked(matrix: CommuneMatrix, criteria: object, limit: int) -> dict:
    ranking = rank(matrix, criteria, limit=limit)
    return {
        "rows": ranking.rows.tolist(),
        "scores": ranking.scores.tobytes(),
        "count": ranking.count,
        "total": ranking.total,
        "relaxations": [(r.key, r.count) for r in ranking.relaxations],
    }


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("grouped", [True, False])
@pytest.mark.parametrize("scattered", [False, True])
def test_ranking_inside_an_area_is_the_ranking_of_france_restricted_to_it(seed, grouped, scattered):
    matrix = areas_matrix(seed, grouped=grouped, scattered=scattered)
    rng = random.Random(300 + seed)
    checked = 0
    # The last one weighs nothing: every score is 1, the order is the tie-break's.
    flat = {key: Importance.INDIFFERENT for key in CRITERIA}
    for area in areas_of(matrix):
        for overrides in ({}, {}, {}, flat):
            criteria = replace(
                random_criteria(rng, **overrides), area=area, villages=rng.random() < 0.3
            )
            for limit in (1, 10, matrix.size):
                assert ranked(matrix, criteria, limit) == restricted(matrix, criteria, limit), (
                    area,
                    limit,
                )
                checked += 1
    assert checked == len(areas_of(matrix)) * 12


@pytest.mark.parametrize("seed", SEEDS)
def test_an_area_where_nothing_meets_every_indispensable_tells_what_to_relax(seed):
    matrix = areas_matrix(seed)
    rng = random.Random(400 + seed)
    stated = {key: Importance.REQUIRED for key in ("besoin", "gare", "proximite", "ecoles")}
    criteria = replace(random_criteria(rng, **stated), area=Area(region="75"))

    ranking = ranked(matrix, criteria, 50)

    assert ranking == restricted(matrix, criteria, 50)
    assert ranking["count"] > 0 or ranking["relaxations"]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("scattered", [False, True])
def test_the_communes_of_an_area_are_those_the_matrix_says_inside(seed, scattered):
    matrix = areas_matrix(seed, scattered=scattered)
    bare = areas_matrix(seed, grouped=False, scattered=scattered)
    for area in areas_of(matrix):
        codes = {"region": area.region, "departement": area.departement, "epci": area.epci}
        expected = np.flatnonzero(matrix.inside(**codes)).tolist()

        assert matrix.area_rows(**codes).tolist() == expected
        assert bare.area_rows(**codes).tolist() == expected
        rows, runs = matrix.area_runs(**codes)
        assert rows.tolist() == expected
        assert runs == runs_of(rows)
        assert matrix.area_runs(**codes)[0] is rows  # kept for the next ranking


@pytest.mark.parametrize("seed", SEEDS)
def test_gathering_by_runs_copies_the_same_values(seed):
    rng = np.random.default_rng(seed)
    values = rng.random(500).astype(np.float32)
    columns = rng.random((4, 500)).astype(np.float32)
    for indices in (
        np.arange(100, 180),  # one run
        np.r_[0:10, 50:60, 499:500],  # a few
        np.sort(rng.choice(500, 200, replace=False)),  # many: gathered one by one
        np.zeros(0, dtype=np.int64),
    ):
        rows = Rows(indices, runs_of(indices))
        taken = rows.take(values)

        assert taken.tolist() == values[indices].tolist()
        assert not np.shares_memory(taken, values)
        assert rows.columns(columns).tolist() == columns[:, indices].tolist()
        members = rng.choice(500, 40, replace=False)
        at, found = rows.locate(members)
        assert indices[at].tolist() == members[found].tolist()
        assert set(members[found].tolist()) == set(members.tolist()) & set(indices.tolist())


@pytest.mark.parametrize("seed", SEEDS)
def test_the_best_sought_among_a_sample_s_best_are_the_best(seed):
    rng = np.random.default_rng(seed)
    n = 20_000
    for _ in range(10):
        # Few distinct scores (many ties), some left out (below 0), populations tied too.
        values = rng.choice([0.0, 0.25, 0.5, 0.75, 1.0, -1.5], n).astype(np.float32)
        values[rng.random(n) < rng.random()] = -2.0
        population = rng.choice([np.nan, 100.0, 2_000.0, 50_000.0], n).astype(np.float32)
        for limit in (0, 1, 50, 500, 5_000):
            assert _top_of_many(values, population, limit).tolist() == (
                top(values, population, limit).tolist()
            )
