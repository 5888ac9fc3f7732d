"""The feature matrix: what matching needs to know about every commune, held as NumPy arrays.

Built once per process from the database (a few seconds on the full base), then reused: a
ranking is vector arithmetic over these arrays, never a query per commune. The matrix carries
the versions of the data it was built from; `matrix_current()` compares them with the database
at every ranking (four small queries) and rebuilds what changed: everything after an import
(each importer records its `DataSource.imported_at`), only the offer arrays when an offer event
was written (`offers.events`: every publication, edit, closure, expiry or support change of an
offer), only the welcomes when the hosting app's pages, housings, periods or activities changed
(`hosting.selectors.welcomes_version`, one query). Every process sees the same versions, so all
notice at their next ranking.
`matrix_invalidate()` drops the matrix (tests).

Layout (n = number of communes, sorted by INSEE code):
- `columns` (float32, one row per feature, n wide): the static satisfactions in [0, 1] of the
  indicator criteria (0 where unknown, see `known`), then the distances in km to the nearest
  station, hospital site, cinema and coastal commune (UNKNOWN_KM where there is none);
- `xyz` (float64, n × 3): unit vectors of the centroids, for great-circle distances;
- `population`, `size_class`, `epci`, `departement_index` and `region_index` (the area
  filters; the communes of each région and département grouped, `area_groups`), the neighbourhood (`near_indptr`, `near_indices`: the
  communes within NEAR_KM of each commune, itself included) and the published offers.
See docs/matching.md.
"""

import bisect
import contextlib
import hashlib
import logging
import math
import os
import pickle
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import timezone

from tremplin.core.professions import Profession
from tremplin.hosting.selectors import Welcome, published_welcomes, welcomes_version
from tremplin.matching.catchment import CATCHMENT_KM, catchments
from tremplin.matching.rows import runs_of
from tremplin.matching.welcomes import welcome_coverage, welcome_satisfaction
from tremplin.offers.events import offer_events_version
from tremplin.offers.models import Offer, OfferKind
from tremplin.organisations.models import OrganisationType
from tremplin.territories.coverage import (
    COVERAGES,
    departement_of,
    territory_of,
    territory_of_point,
)
from tremplin.territories.geo import EARTH_RADIUS_KM
from tremplin.territories.models import (
    Commune,
    DataSource,
    Departement,
    Epci,
    IndicatorValue,
    Place,
)
from tremplin.territories.zonages import SCHEMES_BY_KEY

logger = logging.getLogger(__name__)

MEMO_SIZE = 32
# Bumped when the stored matrix's fields change meaning (the columns are checked by name).
MATRIX_FORMAT = 4
AREAS_KEPT = 256
# Offers and welcome packages count when they lie within this distance of a commune.
NEAR_KM = 10.0
# Stands for "no such place known": far enough that every distance criterion scores 0.
UNKNOWN_KM = 1.0e6

APL_KEYS = ("apl_mg", "apl_inf", "apl_sf", "apl_cd", "apl_mk")
# Static satisfaction columns, in `columns` order; then the distance columns.
STATIC_COLUMNS = (
    *(f"need:{key}" for key in APL_KEYS),
    "zonage",
    "zrr",
    "employment",
    "schools",
    "shops",
    "housing",
    "welcome",
    "coastal",
    "station_here",
)
DISTANCE_COLUMNS = ("station_km", "hospital_km", "cinema_km", "coast_km")
COLUMNS = {name: index for index, name in enumerate((*STATIC_COLUMNS, *DISTANCE_COLUMNS))}
# The satisfaction of each médecins' zonage: aids are widest in a ZIP, then a ZAC.
ZONAGE_SATISFACTION = {"ZIP": 1.0, "ZAC": 0.75, "ZAR": 0.5, "HZ": 0.0}
ZONAGE_CATEGORIES = list(ZONAGE_SATISFACTION)
# Town sizes (population municipale): 1 village, 2 small town, 3 medium town, 4 city; 0 unknown.
SIZE_BOUNDS = (2_000, 20_000, 100_000)
PLACE_COLUMNS = {
    Place.Kind.STATION: "station_km",
    Place.Kind.HOSPITAL: "hospital_km",
    Place.Kind.CINEMA: "cinema_km",
}
# The indicator whose source's coverage (territories.coverage) a column depends on: outside it
# the column is unknown and the criterion counts neither for nor against the commune.
COLUMN_COVERAGE = {
    **{f"need:{key}": key for key in APL_KEYS},
    "employment": "unemployment",
    "schools": "schools_primary",
    "shops": "shops",
    "station_km": "stations",
    "cinema_km": "cinemas",
    "coast_km": "coastline",
    "coastal": "coastline",
    "station_here": "stations",
}
PROFESSION_CODES = {profession.value: code for code, profession in enumerate(Profession)}
KIND_CODES = {kind.value: code for code, kind in enumerate(OfferKind)}
KIND_VALUES = [kind.value for kind in OfferKind]


@dataclass
class OfferArrays:
    """Published offers placed in a commune, sorted by profession then kind: the offers of one
    (profession, kind) are the slice `starts[key]:starts[key + 1]`, key = profession × kinds +
    kind, so that choosing them costs nothing."""

    commune: np.ndarray  # int32 commune index
    housing: np.ndarray  # bool: housing offered
    starts: np.ndarray  # int64, len(PROFESSION_CODES) × len(KIND_CODES) + 1
    # bool: a collectivité supports the offer (its housing or a personal welcome); empty: none.
    supported: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))

    @property
    def nbytes(self) -> int:
        return (
            self.commune.nbytes + self.housing.nbytes + self.starts.nbytes + self.supported.nbytes
        )

    def supported_communes(self) -> np.ndarray:
        """Commune indices of the offers a collectivité supports."""
        if len(self.supported) != len(self.commune):
            return np.zeros(0, dtype=np.int32)
        return self.commune[self.supported]

    def communes_of(self, profession: str, kinds: tuple[str, ...] = ()) -> np.ndarray:
        """Commune indices of the offers for a profession and kinds (all kinds when empty)."""
        code = PROFESSION_CODES.get(profession)
        if code is None:
            return np.zeros(0, dtype=np.int32)
        wanted = [KIND_CODES[k] for k in kinds if k in KIND_CODES] or range(len(KIND_CODES))
        first = code * len(KIND_CODES)
        if not kinds:  # all kinds of a profession: one slice
            return self.commune[self.starts[first] : self.starts[first + len(KIND_CODES)]]
        return np.concatenate(
            [self.commune[self.starts[first + k] : self.starts[first + k + 1]] for k in wanted]
        )


_NONE = np.zeros(0, dtype=np.int64)


@dataclass
class CommuneMatrix:
    data_version: tuple
    offers_version: tuple
    insee: list[str]
    names: list[str]
    departement: list[str]
    departement_names: dict[str, str]
    epci: np.ndarray  # int32 index in epci_sirens, -1 without EPCI
    epci_sirens: list[str]
    epci_names: list[str]
    latitude: np.ndarray  # float32 degrees, NaN unknown
    longitude: np.ndarray
    xyz: np.ndarray  # float64 n × 3 unit vectors (0 where the position is unknown)
    positioned: np.ndarray  # bool: the position is known
    population: np.ndarray  # float32, NaN unknown
    size_class: np.ndarray  # int8
    columns: np.ndarray  # float32 (len(COLUMNS), n)
    known: np.ndarray  # bool (len(STATIC_COLUMNS), n): the static value is known
    raw: dict[str, np.ndarray]  # float32 published values for explanations (NaN unknown)
    zonage: np.ndarray  # int8 index in ZONAGE_CATEGORIES, -1 unknown
    near_indptr: np.ndarray  # int32 n + 1
    near_indices: np.ndarray  # int32
    offers: OfferArrays
    housing_count: np.ndarray  # float32 housing offers within NEAR_KM
    # The published welcomes (hosting) and, per commune, the one shown (index, -1: none), how
    # many cover it, and the offers a collectivité supports within NEAR_KM.
    welcomes: list[Welcome] = field(default_factory=list)
    welcome_page: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    welcome_pages: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int16))
    supported_count: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    welcomes_version: tuple = ()
    # Area filters: each commune's département and région as int16 indices in these sorted code
    # lists, so that "inside an area" is one vector comparison.
    departement_index: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int16))
    departement_codes: list[str] = field(default_factory=list)
    region_index: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int16))
    region_codes: list[str] = field(default_factory=list)
    # The communes of each région and département, in INSEE order: those of code position p are
    # `region_order[region_starts[p] : region_starts[p + 1]]` (`area_groups`), so that a
    # ranking inside an area computes on them alone. Empty: found by `inside()` (a matrix
    # built by hand).
    region_order: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    region_starts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    departement_order: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    departement_starts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    # Communes grouped by EPCI, for the EPCI ranking (np.maximum.reduceat).
    epci_order: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    epci_starts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    epci_present: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    epci_population: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    unpositioned: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    # Population within NEAR_KM of each commune (itself included), and the reference APL of each
    # profession (the median of the communes) the need is measured against.
    catchment: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    apl_reference: dict[str, float] = field(default_factory=dict)
    # By APL key: the population each commune's practice would serve, weighted by travel time
    # as the DREES weighs it for that profession (`catchment.catchments`).
    catchments: dict[str, np.ndarray] = field(default_factory=dict)
    # Communes that can host a practice (`practice_places`), and for the others the practice
    # place within NEAR_KM serving the most people (-1: none).
    practice: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    served_by: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    # What the "zrr" column holds: "frr" once an FRR classement is imported, else "zrr" (the
    # 2017 classification), "" when neither is.
    rural_scheme: str = ""
    # By column: the communes (int64 indices) its source does not cover.
    uncovered: dict[str, np.ndarray] = field(default_factory=dict)
    index: dict[str, int] = field(default_factory=dict)
    built_in_ms: float = 0.0
    # The communes of the areas ranked lately (`area_runs`): shared by the matrices `replace()`
    # derives for new offers or welcomes, which hold the same communes.
    areas: dict[tuple[str, str, str], tuple[np.ndarray, list[slice] | None]] = field(
        default_factory=dict
    )
    # Vectors derived from the matrix for one query shape (offers of a profession and kinds),
    # kept for the next queries: a new matrix starts empty.
    memo: dict = field(default_factory=dict)

    def memoised(self, key: tuple, compute: Callable[[], np.ndarray]) -> np.ndarray:
        value = self.memo.get(key)
        if value is None:
            if len(self.memo) >= MEMO_SIZE:
                self.memo.pop(next(iter(self.memo)))
            value = self.memo[key] = compute()
            value.flags.writeable = False
        return value

    @property
    def size(self) -> int:
        return len(self.insee)

    @property
    def nbytes(self) -> int:
        """Memory held by the arrays (the lists of codes and names aside)."""
        arrays = [
            self.epci, self.latitude, self.longitude, self.xyz,
            self.positioned, self.population, self.size_class, self.columns, self.known, self.near_indptr,
            self.near_indices, self.housing_count, self.epci_order, self.epci_starts,
            self.epci_present, self.epci_population, self.unpositioned, self.zonage,
            self.welcome_page, self.welcome_pages, self.supported_count, self.departement_index,
            self.region_index, self.catchment, self.practice, self.served_by,
            self.region_order, self.region_starts, self.departement_order,
            self.departement_starts,
            *self.raw.values(), *self.uncovered.values(),
            *{id(a): a for a in self.catchments.values()}.values(),
        ]  # fmt: skip
        return sum(a.nbytes for a in arrays) + self.offers.nbytes

    def column(self, name: str) -> np.ndarray:
        return self.columns[COLUMNS[name]]

    def inside(self, *, region: str = "", departement: str = "", epci: str = "") -> np.ndarray:
        """Whether each commune lies in the area (every code given; none: all France), by
        vector comparisons of small integer codes."""
        mask = np.ones(self.size, dtype=bool)
        for code, codes, values in (
            (region, self.region_codes, self.region_index),
            (departement, self.departement_codes, self.departement_index),
            (epci, self.epci_sirens, self.epci),
        ):
            if not code:
                continue
            position = bisect.bisect_left(codes, code)
            if position == len(codes) or codes[position] != code:
                mask[:] = False
            else:
                mask &= values == position
        return mask

    def area_rows(self, *, region: str = "", departement: str = "", epci: str = "") -> np.ndarray:
        """The communes inside the area (every code given), as sorted indices: what
        `np.flatnonzero(self.inside(...))` gives, read from the groups of `area_groups` (the
        smallest group given, filtered by the other codes) instead of comparing every commune."""
        grouped = len(self.region_order) == len(self.departement_order) == self.size
        if not grouped or (epci and not len(self.epci_order)):
            return np.flatnonzero(self.inside(region=region, departement=departement, epci=epci))
        groups: list[tuple[np.ndarray, np.ndarray, int]] = []  # (members, index, position)
        for code, codes, values, order, starts in (
            (region, self.region_codes, self.region_index, self.region_order, self.region_starts),
            (
                departement,
                self.departement_codes,
                self.departement_index,
                self.departement_order,
                self.departement_starts,
            ),
            (epci, self.epci_sirens, self.epci, self.epci_order, None),
        ):
            if not code:
                continue
            position = bisect.bisect_left(codes, code)
            if position == len(codes) or codes[position] != code:
                return _NONE
            if starts is None:  # EPCIs: groups of the EPCIs that hold communes
                group = int(np.searchsorted(self.epci_present, position))
                if group == len(self.epci_present) or self.epci_present[group] != position:
                    return _NONE
                end = self.epci_starts[group + 1] if group + 1 < len(self.epci_starts) else None
                members = order[self.epci_starts[group] : end]
            else:
                members = order[starts[position] : starts[position + 1]]
            groups.append((members, values, position))
        if not groups:
            return np.arange(self.size)
        groups.sort(key=lambda group: len(group[0]))
        rows = groups[0][0]
        for _, values, position in groups[1:]:
            rows = rows[values[rows] == position]
        return rows

    def area_runs(
        self, *, region: str = "", departement: str = "", epci: str = ""
    ) -> tuple[np.ndarray, list[slice] | None]:
        """`area_rows()` and their runs of consecutive indices (`rows.runs_of`), kept for the
        next rankings in the same area: the communes of a matrix never change."""
        key = (region, departement, epci)
        found = self.areas.get(key)
        if found is None:
            if len(self.areas) >= AREAS_KEPT:
                self.areas.pop(next(iter(self.areas)), None)
            rows = self.area_rows(region=region, departement=departement, epci=epci)
            rows.flags.writeable = False
            found = self.areas[key] = (rows, runs_of(rows))
        return found

    def is_known(self, name: str) -> np.ndarray:
        return self.known[COLUMNS[name]]

    def uncovered_of(self, name: str) -> np.ndarray:
        """The communes whose source for column `name` does not cover them."""
        return self.uncovered.get(name, _NONE)

    def has_data(self, name: str) -> bool:
        """Whether any commune has a value for a column (a source never imported has none)."""
        if name in DISTANCE_COLUMNS:
            return bool((self.column(name) < UNKNOWN_KM).any())
        return bool(self.is_known(name).any())

    def near_sum(self, values: np.ndarray) -> np.ndarray:
        """For each commune, the sum of `values` over the communes within NEAR_KM of it.

        The neighbourhood is symmetric, so each commune with a non-zero value adds it to its
        neighbours: proportional to the communes holding offers, not to all communes."""
        sources = np.flatnonzero(values)
        if not len(sources):
            return np.zeros(self.size, np.float32)
        starts = self.near_indptr[sources]
        lengths = self.near_indptr[sources + 1] - starts
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        positions = offsets + np.arange(int(lengths.sum()), dtype=np.int64)
        return np.bincount(
            self.near_indices[positions],
            weights=np.repeat(values[sources], lengths),
            minlength=self.size,
        ).astype(np.float32)

    def neighbours(self, index: int) -> np.ndarray:
        return self.near_indices[self.near_indptr[index] : self.near_indptr[index + 1]]

    def welcome_of(self, index: int) -> Welcome | None:
        """The welcome shown for a commune: the most local with housing, if any covers it."""
        if index >= len(self.welcome_page) or self.welcome_page[index] < 0:
            return None
        return self.welcomes[int(self.welcome_page[index])]

    def supported_near(self, index: int) -> int:
        if index >= len(self.supported_count):
            return 0
        return round(float(self.supported_count[index]))


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


def _uncovered(departements: list[str]) -> dict[str, np.ndarray]:
    """For each column with a declared coverage, the communes outside it."""
    codes = np.asarray(departements, dtype=object)
    found = {}
    for column, key in COLUMN_COVERAGE.items():
        outside = COVERAGES[key].outside
        if outside:
            found[column] = np.flatnonzero(np.isin(codes, list(outside))).astype(np.int64)
    return found


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


def _latest_years(keys: list[str]) -> dict[str, int]:
    rows = (
        IndicatorValue.objects.filter(key__in=keys)
        .values("key")
        .annotate(year=Max("year"))
        .values_list("key", "year")
    )
    return dict(rows)


def _indicator_rows(index: dict[str, int], keys: list[str]) -> dict[str, tuple]:
    """For each key, its latest year's (positions, values, categories, share_above) arrays.

    A classement (FRR, an ARS zonage) is imported région by région, each under its arrêté's
    year: each commune then keeps its own latest row, as its profile shows, not the latest
    year found anywhere in France."""
    years = _latest_years(keys)
    if not years:
        return {}
    wanted = Q()
    for key, year in years.items():
        wanted |= Q(key=key) if key in SCHEMES_BY_KEY else Q(key=key, year=year)
    latest: dict[tuple[str, int], tuple[int, float, str, float]] = {}
    for commune, key, year, value, category, above in (
        IndicatorValue.objects.filter(wanted)
        .values_list("commune_id", "key", "year", "value", "category", "share_above")
        .iterator(chunk_size=20_000)
    ):
        position = index.get(commune)
        if position is None:
            continue
        row = (
            year,
            np.nan if value is None else value,
            category,
            np.nan if above is None else above,
        )
        if (key, position) not in latest or latest[(key, position)][0] < year:
            latest[(key, position)] = row
    gathered: dict[str, tuple[list, list, list, list]] = {k: ([], [], [], []) for k in years}
    for (key, position), (_year, value, category, above) in sorted(latest.items()):
        positions, values, categories, shares = gathered[key]
        positions.append(position)
        values.append(value)
        categories.append(category)
        shares.append(above)
    return {
        key: (
            np.asarray(positions, dtype=np.int64),
            np.asarray(values, dtype=np.float32),
            categories,
            np.asarray(shares, dtype=np.float32),
        )
        for key, (positions, values, categories, shares) in gathered.items()
    }


def _presence_rank(counts: np.ndarray) -> np.ndarray:
    """0 where the count is 0; else 0.5 plus half the percentile rank among communes with at
    least one (ties share their mean rank): having one matters most, more counts a little."""
    result = np.where(np.isnan(counts), np.nan, 0.0).astype(np.float32)
    positive = np.flatnonzero(counts > 0)
    if len(positive):
        values = counts[positive]
        order = np.argsort(values, kind="stable")
        ranks = np.empty(len(values), dtype=np.float64)
        ranks[order] = np.arange(len(values), dtype=np.float64)
        # Equal values share their mean rank.
        _, inverse = np.unique(values, return_inverse=True)
        mean_ranks = (np.bincount(inverse, weights=ranks) / np.bincount(inverse))[inverse]
        share = mean_ranks / (len(values) - 1) if len(values) > 1 else np.ones(1)
        result[positive] = 0.5 + 0.5 * share
    return result


def data_version() -> tuple:
    """What changes when communes, places or indicators are (re)imported: every importer
    records its source's `imported_at`."""
    sources = DataSource.objects.aggregate(count=Count("id"), latest=Max("imported_at"))
    return (
        Commune.objects.count(),
        sources["count"],
        sources["latest"].isoformat() if sources["latest"] else "",
    )


def offers_version() -> tuple:
    """What changes when an offer is published, edited, closed, expires or gains a support
    (the latest offer event, one indexed query), and the day: `live()` offers change at
    midnight when an end date or a lifetime passes, before the daily expiry writes anything."""
    return (offer_events_version(), timezone.localdate().isoformat())


def hosting_version() -> tuple:
    """What changes when a collectivité's welcome changes (`hosting.selectors.welcomes_version`,
    one query), and the day: booking periods end at midnight."""
    return (*welcomes_version(), timezone.localdate().isoformat())


def offer_arrays(index: dict[str, int]) -> OfferArrays:
    """The live offers by commune row; an offer in an arrondissement counts for its city (the
    matrix ranks communes proper)."""
    cities = dict(
        Commune.objects.filter(kind=Commune.Kind.ARRONDISSEMENT).values_list("insee", "city_id")
    )
    rows = (
        Offer.objects.live()
        .exclude(commune=None)
        .values_list(
            "commune_id",
            "profession",
            "kind",
            "housing_offered",
            "supported_housing",
            "supported_welcome",
        )
        .iterator(chunk_size=20_000)
    )
    communes, keys, housing, supports = [], [], [], []
    width = len(KIND_CODES)
    for commune, profession, kind, housed, supported, welcomed in rows:
        position = index.get(commune)
        if position is None and commune in cities:
            position = index.get(cities[commune])
        if position is None or profession not in PROFESSION_CODES or kind not in KIND_CODES:
            continue
        communes.append(position)
        keys.append(PROFESSION_CODES[profession] * width + KIND_CODES[kind])
        housing.append(bool(housed or supported))
        supports.append(bool(supported or welcomed))
    key_array = np.asarray(keys, dtype=np.int64)
    order = np.argsort(key_array, kind="stable")
    return OfferArrays(
        commune=np.asarray(communes, dtype=np.int32)[order],
        housing=np.asarray(housing, dtype=bool)[order],
        supported=np.asarray(supports, dtype=bool)[order],
        starts=np.searchsorted(
            key_array[order], np.arange(len(PROFESSION_CODES) * width + 1), side="left"
        ).astype(np.int64),
    )


def welcome_counts(matrix: CommuneMatrix, offers: OfferArrays) -> np.ndarray:
    """How many welcome offers (housing) each commune has within NEAR_KM: the published offers
    whose structure offers housing or whose housing a collectivité offers (hosting's accepted
    supports set `Offer.supported_housing`)."""
    local = np.bincount(offers.commune[offers.housing], minlength=matrix.size).astype(np.float32)
    return matrix.near_sum(local)


def _saturating(counts: np.ndarray) -> np.ndarray:
    """1 - 2^-count: the first offer counts for half, the second for a quarter…"""
    return (1.0 - np.exp2(-counts)).astype(np.float32)


def area_groups(index: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """(order, starts): the communes of code position p, in INSEE order, are
    `order[starts[p] : starts[p + 1]]` (a stable sort keeps them in order within a code)."""
    order = np.argsort(index, kind="stable").astype(np.int32)
    starts = np.searchsorted(index[order], np.arange(count + 1)).astype(np.int32)
    return order, starts


def with_area_groups(matrix: "CommuneMatrix") -> "CommuneMatrix":
    """The same matrix with the communes of each région and département grouped."""
    region_order, region_starts = area_groups(matrix.region_index, len(matrix.region_codes))
    departement_order, departement_starts = area_groups(
        matrix.departement_index, len(matrix.departement_codes)
    )
    return replace(
        matrix,
        region_order=region_order,
        region_starts=region_starts,
        departement_order=departement_order,
        departement_starts=departement_starts,
    )


def _code_index(values: list[str], codes: list[str]) -> np.ndarray:
    """Each value's position in the sorted list `codes`, as int16."""
    positions = {code: position for position, code in enumerate(codes)}
    return np.asarray([positions[value] for value in values], dtype=np.int16)


def matrix_build() -> CommuneMatrix:
    started = time.perf_counter()
    versions = (data_version(), offers_version(), hosting_version())
    rows = list(
        Commune.objects.municipal()
        .order_by("insee")
        .values_list(
            "insee",
            "name",
            "departement_id",
            "epci_id",
            "population",
            "latitude",
            "longitude",
            "region_id",
        )
    )
    n = len(rows)
    insee = [r[0] for r in rows]
    index = {code: position for position, code in enumerate(insee)}
    latitude = np.asarray([np.nan if r[5] is None else r[5] for r in rows], dtype=np.float64)
    longitude = np.asarray([np.nan if r[6] is None else r[6] for r in rows], dtype=np.float64)
    xyz = unit_vectors(latitude, longitude)
    population = np.asarray([np.nan if r[4] is None else r[4] for r in rows], dtype=np.float32)
    size_class = np.zeros(n, dtype=np.int8)
    known_population = ~np.isnan(population)
    size_class[known_population] = 1 + np.searchsorted(
        np.asarray(SIZE_BOUNDS, dtype=np.float32), population[known_population], side="right"
    )
    sirens = sorted({r[3] for r in rows if r[3]})
    siren_index = {siren: position for position, siren in enumerate(sirens)}
    epci = np.asarray([siren_index.get(r[3], -1) for r in rows], dtype=np.int32)
    epci_names_by_siren = dict(Epci.objects.values_list("siren", "name"))
    departement_codes = sorted({r[2] for r in rows})
    region_codes = sorted({r[7] for r in rows})

    columns = np.zeros((len(COLUMNS), n), dtype=np.float32)
    known = np.zeros((len(STATIC_COLUMNS), n), dtype=bool)
    raw: dict[str, np.ndarray] = {}
    zonage = np.full(n, -1, dtype=np.int8)
    keys = [*APL_KEYS, "zonage_mg", "frr", "zrr", "unemployment", "schools_primary", "shops"]
    keys += ["coastline", "stations"]
    indicators = _indicator_rows(index, keys)

    def put(column: str, positions: np.ndarray, values: np.ndarray | list[float]) -> None:
        values = np.asarray(values, dtype=np.float32)
        ok = ~np.isnan(values)
        columns[COLUMNS[column], positions[ok]] = values[ok]
        known[COLUMNS[column], positions[ok]] = True

    def raw_values(key: str) -> np.ndarray:
        values = np.full(n, np.nan, dtype=np.float32)
        if key in indicators:
            positions, published, _, _ = indicators[key]
            values[positions] = published
        raw[key] = values
        return values

    for key in APL_KEYS:
        raw_values(key)
    if "zonage_mg" in indicators:
        positions, _, labels, _ = indicators["zonage_mg"]
        zonage[positions] = [
            ZONAGE_CATEGORIES.index(label) if label in ZONAGE_SATISFACTION else -1
            for label in labels
        ]
        put("zonage", positions, [ZONAGE_SATISFACTION.get(label, np.nan) for label in labels])
    # FRR replaced ZRR on 1 July 2024: the rural criterion reads it once imported.
    frr, zrr = raw_values("frr"), raw_values("zrr")
    rural_scheme = "frr" if "frr" in indicators else ("zrr" if "zrr" in indicators else "")
    put("zrr", np.arange(n), frr if rural_scheme == "frr" else zrr)
    raw_values("unemployment")
    if "unemployment" in indicators:
        positions, values, _, above = indicators["unemployment"]
        # Employment for a spouse: a lower unemployment rate than most communes.
        put("employment", positions, np.where(np.isnan(values), np.nan, above))
    for key, column in (("schools_primary", "schools"), ("shops", "shops")):
        put(column, np.arange(n), _presence_rank(raw_values(key)))

    lands = np.asarray([territory_of(r[2]) for r in rows], dtype=object)
    for kind, column in PLACE_COLUMNS.items():
        found = list(
            Place.objects.filter(kind=kind).values_list("latitude", "longitude", "commune")
        )
        points = np.asarray([(lat, lon) for lat, lon, _ in found], dtype=np.float64).reshape(-1, 2)
        columns[COLUMNS[column]] = nearest_km_by_territory(
            xyz, lands, unit_vectors(points[:, 0], points[:, 1]), _place_lands(found)
        )
    coastal = np.zeros(n, dtype=bool)
    # On the official list (1) or not (0), and a station in the commune itself: unknown
    # where the source has no row for the commune.
    for key, column in (("coastline", "coastal"), ("stations", "station_here")):
        raw_values(key)
        if key in indicators:
            positions, values, _, _ = indicators[key]
            put(column, positions, np.where(np.isnan(values), np.nan, values > 0))
    if "coastline" in indicators:
        positions, values, _, _ = indicators["coastline"]
        coastal[positions[values > 0]] = True
    coastal &= ~np.isnan(latitude)
    columns[COLUMNS["coast_km"]] = nearest_km_by_territory(xyz, lands, xyz[coastal], lands[coastal])
    unknown_position = np.isnan(latitude) | np.isnan(longitude)
    for column in DISTANCE_COLUMNS:
        columns[COLUMNS[column], unknown_position] = UNKNOWN_KM
    uncovered = _uncovered([r[2] for r in rows])
    for column, outside in uncovered.items():
        # Whatever an older import left there (a 0, "not coastal"): unknown.
        columns[COLUMNS[column], outside] = UNKNOWN_KM if column in DISTANCE_COLUMNS else 0.0
        if column in STATIC_COLUMNS:
            known[COLUMNS[column], outside] = False
        key = COLUMN_COVERAGE[column]
        if key in raw:
            raw[key][outside] = np.nan

    indptr, indices = _neighbourhoods(latitude, longitude, xyz, NEAR_KM)
    with_epci = np.flatnonzero(epci >= 0)
    epci_order = with_epci[np.argsort(epci[with_epci], kind="stable")].astype(np.int32)
    grouped = epci[epci_order]
    starts: np.ndarray | list[int] = (
        np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]]) if len(grouped) else []
    )
    matrix = CommuneMatrix(
        data_version=versions[0],
        offers_version=versions[1],
        insee=insee,
        names=[r[1] for r in rows],
        departement=[r[2] for r in rows],
        departement_names=dict(Departement.objects.values_list("code", "name")),
        epci=epci,
        epci_sirens=sirens,
        departement_codes=departement_codes,
        departement_index=_code_index([r[2] for r in rows], departement_codes),
        region_codes=region_codes,
        region_index=_code_index([r[7] for r in rows], region_codes),
        epci_names=[epci_names_by_siren.get(siren, siren) for siren in sirens],
        latitude=latitude.astype(np.float32),
        longitude=longitude.astype(np.float32),
        xyz=xyz,
        positioned=~unknown_position,
        unpositioned=np.flatnonzero(unknown_position),
        rural_scheme=rural_scheme,
        uncovered=uncovered,
        population=population,
        size_class=size_class,
        columns=columns,
        known=known,
        raw=raw,
        zonage=zonage,
        near_indptr=indptr,
        near_indices=indices,
        offers=OfferArrays(
            np.zeros(0, np.int32),
            np.zeros(0, bool),
            np.zeros(len(PROFESSION_CODES) * len(KIND_CODES) + 1, np.int64),
        ),
        housing_count=np.zeros(n, dtype=np.float32),
        epci_order=epci_order,
        epci_starts=np.asarray(starts, dtype=np.int32),
        epci_present=grouped[starts].astype(np.int32) if len(grouped) else np.zeros(0, np.int32),
        epci_population=(
            np.add.reduceat(np.nan_to_num(population[epci_order]), starts).astype(np.float32)
            if len(grouped)
            else np.zeros(0, np.float32)
        ),
        index=index,
    )
    matrix = with_area_groups(matrix)
    matrix.catchment = catchment_population(matrix)
    matrix.practice = practice_places(population, raw.get("schools_primary"), raw.get("shops"))
    matrix.served_by = serving_centres(matrix)
    if any(key in indicators for key in APL_KEYS):
        matrix.catchments = catchments(
            xyz, population, *_neighbourhoods(latitude, longitude, xyz, CATCHMENT_KM)
        )
    for key in APL_KEYS:
        if key in indicators:
            need, matrix.apl_reference[key] = need_by_catchment(raw[key], matrix.catchments[key])
            put(f"need:{key}", np.arange(n), need)
    matrix = with_welcomes(
        with_offers(matrix, offers_version=versions[1]), welcomes_version=versions[2]
    )
    matrix.built_in_ms = (time.perf_counter() - started) * 1000
    return matrix


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


def catchment_population(matrix: CommuneMatrix) -> np.ndarray:
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


def with_offers(matrix: CommuneMatrix, *, offers_version: tuple) -> CommuneMatrix:
    """The same matrix with the published offers (and what they offer) read again."""
    return with_offers_arrays(matrix, offer_arrays(matrix.index), offers_version=offers_version)


def with_offers_arrays(
    matrix: CommuneMatrix, offers: OfferArrays, *, offers_version: tuple = ()
) -> CommuneMatrix:
    """The same matrix with other offers, and the welcome counts that follow from them."""
    housing_count = welcome_counts(matrix, offers)
    supported = np.bincount(offers.supported_communes(), minlength=matrix.size)
    columns = matrix.columns.copy()
    known = matrix.known.copy()
    columns[COLUMNS["housing"]] = _saturating(housing_count)
    known[COLUMNS["housing"]] = True
    changed = replace(
        matrix,
        memo={},
        offers=offers,
        housing_count=housing_count,
        supported_count=matrix.near_sum(supported.astype(np.float32)),
        columns=columns,
        known=known,
        offers_version=offers_version,
    )
    columns[COLUMNS["welcome"]] = welcome_satisfaction(changed)
    known[COLUMNS["welcome"]] = True
    return changed


def with_welcomes(matrix: CommuneMatrix, *, welcomes_version: tuple) -> CommuneMatrix:
    """The same matrix with the published welcomes of the hosting app read again."""
    welcomes = published_welcomes()
    cities: dict[str, str] = {}
    if any(w.type == OrganisationType.COMMUNE and w.territory_code not in matrix.index
           for w in welcomes):  # fmt: skip
        cities = dict(
            Commune.objects.filter(kind=Commune.Kind.ARRONDISSEMENT).values_list("insee", "city_id")
        )
    return with_welcome_list(matrix, welcomes, cities, welcomes_version=welcomes_version)


def with_welcome_list(
    matrix: CommuneMatrix,
    welcomes: list[Welcome],
    cities: dict[str, str] | None = None,
    *,
    welcomes_version: tuple = (),
) -> CommuneMatrix:
    """The same matrix with other welcomes, and the "accueil" satisfaction that follows."""
    shown, count = welcome_coverage(matrix, welcomes, cities)
    columns = matrix.columns.copy()
    known = matrix.known.copy()
    changed = replace(
        matrix,
        memo={},
        welcomes=welcomes,
        welcome_page=shown,
        welcome_pages=count,
        columns=columns,
        known=known,
        welcomes_version=welcomes_version,
    )
    columns[COLUMNS["welcome"]] = welcome_satisfaction(changed)
    known[COLUMNS["welcome"]] = True
    return changed


class _Cache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.matrix: CommuneMatrix | None = None


_cache = _Cache()


def _stored_path(version: tuple) -> Path | None:
    """Where the matrix of a data version is stored (None: storing is off, as in tests)."""
    folder = getattr(settings, "MATCHING_MATRIX_DIR", "")
    if not folder:
        return None
    # The layout is in the name too: a file written by an older version of the code, with other
    # columns, is never read as this one.
    layout = (MATRIX_FORMAT, tuple(COLUMNS))
    digest = hashlib.sha256(repr((version, layout)).encode()).hexdigest()[:20]
    return Path(folder) / f"matrix-{digest}.pickle"


def matrix_store(matrix: CommuneMatrix) -> CommuneMatrix:
    """Write the matrix once for every process (atomically: a temporary file renamed), and
    remove the files of older data versions. A process that starts, or sees an import, loads it
    in tens of milliseconds instead of building it in seconds."""
    path = _stored_path(matrix.data_version)
    if path is None:
        return matrix
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("wb") as handle:
            pickle.dump(replace(matrix, memo={}), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, path)
        for old in path.parent.glob("matrix-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as error:
        # A read-only or full disk must not fail a ranking: this process keeps its matrix.
        logger.warning("matching matrix not stored in %s: %s", path.parent, error)
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
    return matrix


def matrix_load(version: tuple) -> CommuneMatrix | None:
    """The stored matrix of this data version, if a process (or `manage.py matching_matrix`)
    wrote it; None otherwise or when it cannot be read. The file is the application's own, in
    its cache folder, never user input."""
    path = _stored_path(version)
    if path is None or not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            matrix = pickle.load(handle)  # our own file, see above
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
        return None
    if not isinstance(matrix, CommuneMatrix) or matrix.data_version != version:
        return None
    if any(item.name not in vars(matrix) for item in fields(CommuneMatrix)):
        return None  # written by a version of this code with fewer arrays: built again
    return matrix


def matrix_current() -> CommuneMatrix:
    """The matrix of this process, checked against the database at each call (four small
    queries): after an import, loaded from the stored file of the new data version (or built
    and stored, by the first process to need it); its offers re-read after an offer event, its
    welcomes after a change in the hosting app's pages, housings or activities."""
    with _cache.lock:
        matrix = _cache.matrix
        version = data_version()
        if matrix is None or matrix.data_version != version:
            matrix = matrix_load(version)
            if matrix is None:
                matrix = _cache.matrix = matrix_store(matrix_build())
                return matrix
        current = offers_version()
        if current != matrix.offers_version:
            matrix = with_offers(matrix, offers_version=current)
        welcomes = hosting_version()
        if welcomes != matrix.welcomes_version:
            matrix = with_welcomes(matrix, welcomes_version=welcomes)
        _cache.matrix = matrix
        return matrix


def matrix_invalidate() -> None:
    """Forget this process's matrix: the next ranking rebuilds it whole (tests)."""
    with _cache.lock:
        _cache.matrix = None
