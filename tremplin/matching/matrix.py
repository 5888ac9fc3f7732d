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
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
from django.db.models import Count, Max, Q

from tremplin.hosting.selectors import Welcome
from tremplin.matching.catchment import (
    CATCHMENT_KM,
    catchment_population,
    catchments,
    need_by_catchment,
    practice_places,
    serving_centres,
)
from tremplin.matching.geometry import (
    _neighbourhoods,
    _place_lands,
    nearest_km_by_territory,
    unit_vectors,
)
from tremplin.matching.layout import (
    APL_KEYS,
    COLUMN_COVERAGE,
    COLUMNS,
    DISTANCE_COLUMNS,
    KIND_CODES,
    NEAR_KM,
    PLACE_COLUMNS,
    PROFESSION_CODES,
    SIZE_BOUNDS,
    STATIC_COLUMNS,
    UNKNOWN_KM,
    ZONAGE_CATEGORIES,
    ZONAGE_SATISFACTION,
)
from tremplin.matching.live import (
    OfferArrays,
    hosting_version,
    offers_version,
    with_offers,
    with_welcomes,
)
from tremplin.matching.rows import runs_of
from tremplin.territories.coverage import (
    COVERAGES,
    territory_of,
)
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
AREAS_KEPT = 256


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


def _uncovered(departements: list[str]) -> dict[str, np.ndarray]:
    """For each column with a declared coverage, the communes outside it."""
    codes = np.asarray(departements, dtype=object)
    found = {}
    for column, key in COLUMN_COVERAGE.items():
        outside = COVERAGES[key].outside
        if outside:
            found[column] = np.flatnonzero(np.isin(codes, list(outside))).astype(np.int64)
    return found


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
