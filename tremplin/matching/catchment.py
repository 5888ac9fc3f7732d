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

import numpy as np

from tremplin.territories.geo import EARTH_RADIUS_KM

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
