"""Distances between communes and places on the sphere, in NumPy: unit vectors, nearest places
(within the same land mass), the neighbourhoods within a distance."""

import math
from collections.abc import Sequence

import numpy as np

from tremplin.matching.layout import UNKNOWN_KM
from tremplin.territories.coverage import departement_of, territory_of, territory_of_point
from tremplin.territories.geo import EARTH_RADIUS_KM


def unit_vectors(latitude: np.ndarray, longitude: np.ndarray) -> np.ndarray:
    """Unit vectors (float64, n × 3) of points in degrees; NaN positions give 0 vectors."""
    lat = np.radians(np.asarray(latitude, dtype=np.float64))
    lon = np.radians(np.asarray(longitude, dtype=np.float64))
    cos_lat = np.cos(lat)
    xyz = np.stack([cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)], axis=1)
    # What np.nan_to_num does here (cosines and sines are finite or NaN), at half the cost
    # for the one point of an origin.
    xyz[np.isnan(xyz)] = 0.0
    return xyz


def distances_km(xyz: np.ndarray, point: np.ndarray) -> np.ndarray:
    """Great-circle distances (float64 km) from a unit vector to each row of `xyz`; rows of
    unknown position (0 vectors) come out at about a quarter of the Earth's circumference, and
    callers mask them with `known_position`."""
    return EARTH_RADIUS_KM * np.arccos(np.clip(xyz @ point, -1.0, 1.0))


def nearest_km(origins: np.ndarray, targets: np.ndarray, chunk: int = 1024) -> np.ndarray:
    """Distance (km) from each origin to its nearest target, by blocks of float64 dot products
    (float32 would not tell 1 km from 3 km apart); UNKNOWN_KM without targets."""
    result = np.full(len(origins), UNKNOWN_KM, dtype=np.float32)
    if not len(targets):
        return result
    targets_t = np.ascontiguousarray(targets.T)
    for start in range(0, len(origins), chunk):
        block = origins[start : start + chunk] @ targets_t
        best = np.clip(block.max(axis=1), -1.0, 1.0)
        result[start : start + chunk] = EARTH_RADIUS_KM * np.arccos(best)
    return result


def nearest_km_by_territory(
    origins: np.ndarray, lands: np.ndarray, targets: np.ndarray, target_lands: np.ndarray
) -> np.ndarray:
    """`nearest_km` within each land mass: a commune's nearest target on its own territory
    (mainland France, Corsica, one DROM), never one across the sea; UNKNOWN_KM without any."""
    result = np.full(len(origins), UNKNOWN_KM, dtype=np.float32)
    for land in np.unique(lands):
        members = np.flatnonzero(lands == land)
        result[members] = nearest_km(origins[members], targets[target_lands == land])
    return result


def _place_lands(rows: Sequence[tuple[float, float, str | None]]) -> np.ndarray:
    """The land mass of each place: its commune's, else where its coordinates fall."""
    return np.asarray(
        [
            territory_of(departement_of(commune))
            if commune
            else (territory_of_point(lat, lon) or "")
            for lat, lon, commune in rows
        ],
        dtype=object,
    )


def _neighbourhoods(
    latitude: np.ndarray, longitude: np.ndarray, xyz: np.ndarray, km: float
) -> tuple[np.ndarray, np.ndarray]:
    """CSR lists of the communes within `km` of each commune (itself included), found in a grid
    whose cells are wider than `km`, comparing each cell with the 3 × 3 cells around it."""
    n = len(latitude)
    known = ~(np.isnan(latitude) | np.isnan(longitude))
    cell_lat = km / 111.0 * 1.01
    cell_lon = cell_lat / max(0.2, math.cos(math.radians(60)))  # valid up to 60° N/S
    rows = np.where(known, np.floor(np.nan_to_num(latitude) / cell_lat), 0).astype(np.int64)
    cols = np.where(known, np.floor(np.nan_to_num(longitude) / cell_lon), 0).astype(np.int64)
    cells: dict[tuple[int, int], np.ndarray] = {}
    order = np.lexsort((cols, rows))
    keys = np.stack([rows[order], cols[order]], axis=1)
    if n:
        breaks = np.flatnonzero(np.any(np.diff(keys, axis=0) != 0, axis=1)) + 1
        for group in np.split(order, breaks):
            if known[group[0]]:
                cells[(int(rows[group[0]]), int(cols[group[0]]))] = group
    threshold = math.cos(km / EARTH_RADIUS_KM)
    pairs_from: list[np.ndarray] = []
    pairs_to: list[np.ndarray] = []
    for (row, col), members in cells.items():
        around = [
            cells[(row + dr, col + dc)]
            for dr in (-1, 0, 1)
            for dc in (-1, 0, 1)
            if (row + dr, col + dc) in cells
        ]
        candidates = np.concatenate(around)
        close = (xyz[members] @ xyz[candidates].T) >= threshold
        source, target = np.nonzero(close)
        pairs_from.append(members[source])
        pairs_to.append(candidates[target])
    unknown = np.flatnonzero(~known)  # alone in their neighbourhood
    pairs_from.append(unknown)
    pairs_to.append(unknown)
    sources = np.concatenate(pairs_from).astype(np.int64)
    targets = np.concatenate(pairs_to).astype(np.int32)
    order = np.argsort(sources, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.bincount(sources, minlength=n), out=indptr[1:])
    return indptr, targets[order]
