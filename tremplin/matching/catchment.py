"""The people a practice would serve: each profession's catchment, as the DREES weighs it.

The APL of a profession weighs the population of the surrounding communes by travel time, in
steps its workbook states (sheet « Paramètres », « Décroissance de l'accessibilité avec la
distance »): for médecins généralistes, infirmiers and chirurgiens-dentistes 1 under 10 minutes,
⅔ from 10 to 15, ⅓ from 15 to 20, 0 beyond; for sages-femmes 1 under 10, ⅔ from 10 to 20, ⅓ from
20 to 30. We hold no road network, so a travel time is estimated from the distance between
commune centroids: ROAD_MINUTES_PER_KM minutes per kilometre as the crow flies (roads 1.3 times
longer than the straight line, driven at 60 km/h). `tests/matching/test_catchment.py` checks the
steps against the workbooks when they are present.
"""

from typing import TYPE_CHECKING

import numpy as np

from tremplin.territories.geo import EARTH_RADIUS_KM

if TYPE_CHECKING:
    from tremplin.matching.matrix import CommuneMatrix

# (upper bound in minutes, weight) steps, by APL indicator key.
TWENTY_MINUTES = ((10.0, 1.0), (15.0, 2 / 3), (20.0, 1 / 3))
DECAY: dict[str, tuple[tuple[float, float], ...]] = {
    "apl_mg": TWENTY_MINUTES,
    "apl_inf": TWENTY_MINUTES,
    "apl_cd": TWENTY_MINUTES,
    "apl_sf": ((10.0, 1.0), (20.0, 2 / 3), (30.0, 1 / 3)),
    # The kinés' workbook is not imported: the twenty-minute steps until it is.
    "apl_mk": TWENTY_MINUTES,
}
ROAD_MINUTES_PER_KM = 1.3
# The farthest a catchment reaches, in km as the crow flies (30 minutes: 23 km).
CATCHMENT_KM = max(steps[-1][0] for steps in DECAY.values()) / ROAD_MINUTES_PER_KM
CHUNK = 1 << 20


def reach_minutes(key: str) -> int:
    """How far the catchment of an APL key reaches, in minutes (20 or 30)."""
    return round(DECAY[key][-1][0])


def catchments(
    xyz: np.ndarray,
    population: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
) -> dict[str, np.ndarray]:
    """For each APL key, the population of every commune's catchment (float32, n): the
    population of the communes within reach (`indptr`/`indices`: the communes within
    CATCHMENT_KM of each, itself included) weighted by the estimated travel time. A commune
    without a known position counts its own population."""
    n = len(population)
    own = np.nan_to_num(population).astype(np.float64)
    sources = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    minutes = np.empty(len(indices), dtype=np.float32)
    for start in range(0, len(indices), CHUNK):
        chunk = slice(start, start + CHUNK)
        dots = np.einsum("ij,ij->i", xyz[sources[chunk]], xyz[indices[chunk]])
        km = EARTH_RADIUS_KM * np.arccos(np.clip(dots, -1.0, 1.0))
        minutes[chunk] = km * ROAD_MINUTES_PER_KM
    people = own[indices]
    found: dict[str, np.ndarray] = {}
    for key, steps in DECAY.items():
        same = [other for other in found if DECAY[other] == steps]
        if same:
            found[key] = found[same[0]]
            continue
        bounds = np.asarray([bound for bound, _ in steps], dtype=np.float32)
        weights = np.asarray([weight for _, weight in steps] + [0.0])
        weight = weights[np.searchsorted(bounds, minutes, side="right")]
        total = np.bincount(sources, weights=people * weight, minlength=n)
        found[key] = np.maximum(total, own).astype(np.float32)
    return found


# A place where one can practise: enough inhabitants, or the services a practice lives with.
PRACTICE_POPULATION = 1_000


def practice_places(
    population: np.ndarray, schools: np.ndarray | None, shops: np.ndarray | None
) -> np.ndarray:
    """Communes that can host a practice: PRACTICE_POPULATION inhabitants or more, or at least
    one school and one shop (BPE) — a village without either is served from elsewhere."""
    practice = np.nan_to_num(population) >= PRACTICE_POPULATION
    if schools is not None and shops is not None:
        practice |= (np.nan_to_num(schools) >= 1) & (np.nan_to_num(shops) >= 1)
    return practice


def serving_centres(matrix: "CommuneMatrix") -> np.ndarray:
    """For each commune that is not a practice place, the practice place within NEAR_KM that
    serves the most people (its catchment); -1 for a practice place or when there is none."""
    served_by = np.full(matrix.size, -1, dtype=np.int32)
    for row in np.flatnonzero(~matrix.practice):
        around = matrix.near_indices[matrix.near_indptr[row] : matrix.near_indptr[row + 1]]
        centres = around[matrix.practice[around]]
        if len(centres):
            served_by[row] = centres[np.argmax(matrix.catchment[centres])]
    return served_by


# The need of a place to practise: a shortage (an APL below the reference) that concerns people.
# Its catchment (the people within reach, weighted by travel time): below PEOPLE_FLOOR a practice
# has hardly anyone to serve, from PEOPLE_FULL on the need counts whole; in between on a log
# scale (a bourg serving 9,000 counts 0.78, a hamlet of 40 with nobody around 0).
PEOPLE_FLOOR, PEOPLE_FULL = 500.0, 20_000.0


def catchment_population(matrix: "CommuneMatrix") -> np.ndarray:
    """The population within NEAR_KM of each commune, itself included (its own population when
    its position is unknown)."""
    own = np.nan_to_num(matrix.population).astype(np.float32)
    around = matrix.near_sum(own)
    return np.maximum(around, own).astype(np.float32)


def need_by_catchment(apl: np.ndarray, catchment: np.ndarray) -> tuple[np.ndarray, float]:
    """(need in [0, 1] per commune, NaN where the APL is unknown; the reference APL).

    shortage = how far the APL is below the reference — the median APL of the communes —, 0
    above it, 1 for an APL of 0 (the DREES's "no accessible supply"); need = shortage × the
    share of a full catchment (`PEOPLE_FLOOR` → 0, `PEOPLE_FULL` → 1, log scale). A DREES zero in
    a hamlet with nobody around is then no need, not an infinite one."""
    known = ~np.isnan(apl)
    if not known.any():
        return np.full(len(apl), np.nan, dtype=np.float32), float("nan")
    reference = float(np.median(apl[known]))
    with np.errstate(divide="ignore", invalid="ignore"):
        shortage = np.clip(1.0 - apl / reference, 0.0, 1.0) if reference > 0 else (apl == 0) * 1.0
        people = np.clip(
            np.log(np.maximum(catchment, 1.0) / PEOPLE_FLOOR) / np.log(PEOPLE_FULL / PEOPLE_FLOOR),
            0.0,
            1.0,
        )
    need = np.where(known, shortage * people, np.nan).astype(np.float32)
    return need, reference
