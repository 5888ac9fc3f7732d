"""The scoring of territories against a professional's criteria: the one module that decides.

Every criterion gives each commune a satisfaction in [0, 1] (0 where the data is unknown: never
as good as a known value), computed from ranks, percentiles or distances in the feature matrix,
never from raw figures. Where the criterion's source does not cover the commune at all (no SNCF
station list for Corsica, no CNC cinema list for the DROM: territories.coverage), the criterion
counts neither for nor against it: it leaves that commune's weighted mean, and an
"indispensable" one does not exclude it; the explanation names the gap. Importance sets its weight (indifférent 0, souhaitable 1, important 3,
indispensable 3); "indispensable" also keeps only the communes whose satisfaction reaches the
criterion's threshold. The score is the weighted mean of the satisfactions, out of 100. An EPCI
scores as its best commune. docs/matching.md explains it with a worked example.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from tremplin.matching.criteria import (
    CRITERIA,
    DISTANCE_CRITERIA,
    SIZE_CLASSES,
    STATIC_CRITERIA,
    ZONAGE_PROFESSIONS,
    Criteria,
    TownSize,
)
from tremplin.matching.geometry import unit_vectors
from tremplin.matching.layout import COLUMNS, STATIC_COLUMNS, UNKNOWN_KM
from tremplin.matching.matrix import CommuneMatrix
from tremplin.matching.rows import Rows
from tremplin.territories.geo import EARTH_RADIUS_KM
from tremplin.territories.indicators import PROFESSION_APL

if TYPE_CHECKING:
    pass


class Query:
    """One ranking's inputs and the per-commune vectors computed for it, kept for the
    explanations of the top results."""

    def __init__(self, matrix: CommuneMatrix, criteria: Criteria) -> None:
        self.matrix = matrix
        self.criteria = criteria
        self._vectors: dict[str, np.ndarray] = {}

    def apl_column(self) -> str | None:
        key = PROFESSION_APL.get(self.criteria.profession)
        return f"need:{key}" if key else None

    def column_of(self, key: str) -> str | None:
        """The static column a criterion reads, if it reads one."""
        if key == "besoin":
            return self.apl_column()
        return STATIC_CRITERIA.get(key)

    def uncovered(self, key: str) -> np.ndarray:
        """The communes whose source for criterion `key` does not cover them (indices)."""
        column = self.column_of(key) or DISTANCE_CRITERIA.get(key)
        if column is None:
            return np.zeros(0, dtype=np.int64)
        return self.matrix.uncovered_of(column)

    def uncovered_weight(
        self, weights: dict[str, float], rows: Rows | None = None
    ) -> np.ndarray | None:
        """For each commune (of `rows`; None: all), the weight of the criteria its sources do
        not cover (None: the sources cover every commune of France, even outside `rows`, so
        that the scores are divided alike whatever `rows`)."""
        gaps: np.ndarray | None = None
        if rows is not None:
            return self._uncovered_weight_of(weights, rows)
        for key, weight in weights.items():
            outside = self.uncovered(key)
            if len(outside):
                if gaps is None:
                    gaps = np.zeros(self.matrix.size, dtype=np.float32)
                gaps[outside] += np.float32(weight)
        return gaps

    def _uncovered_weight_of(self, weights: dict[str, float], rows: Rows) -> np.ndarray | None:
        """`uncovered_weight` of a few communes: every criterion's gaps located at once, added
        in the same order (a commune's weights summed criterion after criterion)."""
        gaps = [
            (self.uncovered(key), np.float32(weight))
            for key, weight in weights.items()
            if len(self.uncovered(key))
        ]
        if not gaps:
            return None
        found = np.zeros(len(rows), dtype=np.float32)
        members = np.concatenate([outside for outside, _ in gaps])
        at, inside = rows.locate(members)
        if len(at):
            weights_of = np.asarray([weight for _, weight in gaps], dtype=np.float32)
            amounts = np.repeat(weights_of, [len(outside) for outside, _ in gaps])
            np.add.at(found, at, amounts[inside])
        return found

    def origin_km(self) -> np.ndarray:
        """Distance to the nearest origin commune (UNKNOWN_KM without a position), as the
        chord through the Earth: shorter than the great circle by 0.01 % at 300 km, 0.1 % at
        1,000 km, and a square root where the arc needs an arc cosine."""
        if "origin_km" not in self._vectors:
            self._vectors["origin_km"] = self._origin_km(None)
        return self._vectors["origin_km"]

    def _origin_km(self, rows: Rows | None) -> np.ndarray:
        """`origin_km()` of the communes `rows` (None: all)."""
        matrix = self.matrix
        origins = self.criteria.origins
        points = unit_vectors(
            np.asarray([o.latitude for o in origins]),
            np.asarray([o.longitude for o in origins]),
        )
        # The nearest origin has the largest dot product; chord² = 2 - 2 cos(angle). The
        # products over every commune, even for a few rows: BLAS may round a product of one
        # row otherwise than the same row among many, and both paths must agree to the bit.
        dots = matrix.xyz @ points[0] if len(points) == 1 else (matrix.xyz @ points.T).max(1)
        if rows is not None:
            dots = rows.take(dots)
        np.multiply(dots, -2.0, out=dots)
        dots += 2.0
        np.maximum(dots, 0.0, out=dots)
        np.sqrt(dots, out=dots)
        chord = dots.astype(np.float32)
        chord *= np.float32(EARTH_RADIUS_KM)
        unpositioned = matrix.unpositioned
        chord[unpositioned if rows is None else rows.positions(unpositioned)] = UNKNOWN_KM
        return chord

    def offer_count(self) -> np.ndarray:
        """Published offers for the profession (and the kinds asked) within NEAR_KM of each
        commune; memoised by the matrix for the next queries of the same shape."""
        matrix, criteria = self.matrix, self.criteria
        kinds = tuple(sorted(criteria.offer_kinds))

        def compute() -> np.ndarray:
            communes = matrix.offers.communes_of(criteria.profession, kinds)
            local = np.bincount(communes, minlength=matrix.size).astype(np.float32)
            return matrix.near_sum(local)

        return matrix.memoised(("offers", criteria.profession, kinds), compute)

    def satisfaction(self, key: str) -> np.ndarray:
        """The satisfaction of every commune for one criterion (float32, n)."""
        column = self.column_of(key)
        if column is not None:
            return self.matrix.column(column)
        cached = self._vectors.get(f"satisfaction:{key}")
        if cached is None:
            cached = self._vectors[f"satisfaction:{key}"] = self._computed(key)
        return cached

    def satisfaction_of(self, key: str, rows: Rows | None) -> np.ndarray:
        """`satisfaction(key)` of the communes `rows` only (None: all), computed on them alone
        where the arithmetic goes element by element: the same values."""
        if rows is None:
            return self.satisfaction(key)
        matrix, criteria = self.matrix, self.criteria
        column = self.column_of(key) or DISTANCE_CRITERIA.get(key)
        if column is not None and key not in DISTANCE_CRITERIA:
            return rows.columns(matrix.columns)[COLUMNS[column]]
        cached = self._vectors.get(f"satisfaction:{key}")
        if cached is not None or key == "annonces":
            return rows.take(self.satisfaction(key))
        if column is not None:
            return distance_satisfaction(
                rows.columns(matrix.columns)[COLUMNS[column]], criteria.km[key]
            )
        if key == "proximite":
            return distance_satisfaction(self._origin_km(rows), criteria.km["proximite"])
        if key == "taille":
            return size_satisfaction(rows.take(matrix.size_class), criteria.sizes)
        raise KeyError(key)

    def _computed(self, key: str) -> np.ndarray:
        matrix, criteria = self.matrix, self.criteria
        if key in DISTANCE_CRITERIA:
            return distance_satisfaction(matrix.column(DISTANCE_CRITERIA[key]), criteria.km[key])
        if key == "proximite":
            return distance_satisfaction(self.origin_km(), criteria.km["proximite"])
        if key == "taille":
            return size_satisfaction(matrix.size_class, criteria.sizes)
        if key == "annonces":
            # Memoised with the offer counts it follows from: the same for every query of
            # this profession and these kinds.
            kinds = tuple(sorted(criteria.offer_kinds))
            return matrix.memoised(
                ("annonces", criteria.profession, kinds),
                lambda: (1.0 - np.exp2(-self.offer_count())).astype(np.float32),
            )
        raise KeyError(key)


def distance_satisfaction(km: np.ndarray, radius: float) -> np.ndarray:
    """1 within the radius, then falling linearly to 0 at twice the radius."""
    result = np.multiply(km, np.float32(-1.0 / radius), dtype=np.float32)
    result += np.float32(2.0)
    return np.clip(result, 0.0, 1.0, out=result)


def size_satisfaction(size_class: np.ndarray, sizes: tuple[str, ...]) -> np.ndarray:
    """1 for a size asked for, 0.5 for the size next to one, 0 otherwise or unknown."""
    table = np.zeros(5, dtype=np.float32)
    for size in sizes:
        wanted = SIZE_CLASSES[TownSize(size)]
        for neighbour in (wanted - 1, wanted + 1):
            if 1 <= neighbour <= 4:
                table[neighbour] = max(table[neighbour], 0.5)
    for size in sizes:
        table[SIZE_CLASSES[TownSize(size)]] = 1.0
    return np.take(table, size_class)


@dataclass(frozen=True)
class Ignored:
    key: str
    reason: str  # "not_applicable" | "no_data" | "incomplete"


@dataclass(frozen=True)
class Relaxation:
    """An indispensable criterion that, made only important, would let `count` territories in."""

    key: str
    count: int


@dataclass
class Ranking:
    scale: str  # "communes" or "epci"
    query: Query
    weights: dict[str, float]  # the criteria that count, by key
    rows: np.ndarray  # commune index of each result (an EPCI's best commune)
    scores: np.ndarray  # float in [0, 1], one per result
    count: int  # territories meeting every indispensable criterion
    total: int
    epcis: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    ignored: list[Ignored] = field(default_factory=list)
    relaxations: list[Relaxation] = field(default_factory=list)
    # The criterion whose figure orders territories of equal score (then the population):
    # "" when none of those counted has one (the population alone).
    tiebreak: str = ""

    @property
    def total_weight(self) -> float:
        return sum(self.weights.values())


def active_criteria(query: Query) -> tuple[dict[str, float], list[Ignored]]:
    """The criteria that count (weight > 0, applicable, with data) and those set aside."""
    criteria, matrix = query.criteria, query.matrix
    weights: dict[str, float] = {}
    ignored: list[Ignored] = []
    for key in CRITERIA:
        weight = criteria.weight(key)
        if weight == 0:
            continue
        if key == "besoin" and query.apl_column() is None:
            ignored.append(Ignored(key, "not_applicable"))
            continue
        if key == "zonage" and criteria.profession not in ZONAGE_PROFESSIONS:
            ignored.append(Ignored(key, "not_applicable"))
            continue
        if (key == "proximite" and not criteria.origins) or (
            key == "taille" and not criteria.sizes
        ):
            ignored.append(Ignored(key, "incomplete"))
            continue
        column = query.column_of(key) or DISTANCE_CRITERIA.get(key)
        if column is not None and not matrix.has_data(column):
            ignored.append(Ignored(key, "no_data"))
            continue
        weights[key] = weight
    return weights, ignored


def rank(
    matrix: CommuneMatrix, criteria: Criteria, *, limit: int = 50, scale: str = "communes"
) -> Ranking:
    """The `limit` best territories for `criteria`, best first (ties: larger population first).

    One matrix-vector product for the criteria read from static columns, a few vector passes
    for each distance, size or offer criterion, a boolean filter for the indispensable ones,
    and a partial sort: no loop over communes."""
    query = Query(matrix, criteria)
    weights, ignored = active_criteria(query)
    if scale == "communes" and criteria.area:
        return _rank_area(query, weights, ignored, limit)
    n = matrix.size
    score, passes = _scores(query, weights, None)
    inside = criteria.area.mask(matrix)
    kept = _kept(query, passes, None, inside)
    masked = _masked(score, kept)
    if scale == "epci":
        return _rank_epcis(query, weights, ignored, masked, passes, limit, inside)
    tiebreak, figure = tie_breaker(query, weights)
    rows = _top_of_many(masked, matrix.population, limit, figure)
    count = int(np.count_nonzero(kept))
    return Ranking(
        scale="communes",
        query=query,
        weights=weights,
        rows=rows,
        scores=score[rows],
        count=count,
        total=n if inside is None else int(np.count_nonzero(inside)),
        ignored=ignored,
        tiebreak=tiebreak,
        relaxations=_relaxations(passes, lambda mask: int(np.count_nonzero(mask)), inside)
        if count == 0
        else [],
    )


def _rank_area(
    query: Query, weights: dict[str, float], ignored: list[Ignored], limit: int
) -> Ranking:
    """`rank()` inside an area, computed on the area's communes alone (a région holds about a
    tenth of them): element by element the same arithmetic as over all France, so the same
    rows, scores and counts as the whole matrix masked by the area."""
    matrix = query.matrix
    area = query.criteria.area
    rows = Rows(*matrix.area_runs(region=area.region, departement=area.departement, epci=area.epci))
    score, passes = _scores(query, weights, rows)
    kept = _kept(query, passes, rows, None)
    tiebreak, figure = tie_breaker(query, weights)
    chosen = _top_of_many(
        _masked(score, kept),
        rows.take(matrix.population),
        limit,
        None if figure is None else (lambda positions: figure(rows.indices[positions])),
    )
    count = int(np.count_nonzero(kept))
    return Ranking(
        scale="communes",
        query=query,
        weights=weights,
        rows=rows.indices[chosen].astype(np.intp),
        scores=score[chosen],
        count=count,
        total=len(rows),
        ignored=ignored,
        tiebreak=tiebreak,
        # Every commune here is inside: the area adds nothing to the others' masks.
        relaxations=_relaxations(passes, lambda mask: int(np.count_nonzero(mask)))
        if count == 0
        else [],
    )


def _scores(
    query: Query, weights: dict[str, float], rows: Rows | None
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(the weighted mean of the satisfactions, each indispensable criterion's pass mask) of
    the communes `rows` (None: all).

    One matrix-vector product for the criteria read from static columns, a few vector passes
    for each distance, size or offer criterion. The sums run in the same order whatever
    `rows`: a commune's score does not depend on which others are computed with it."""
    matrix, criteria = query.matrix, query.criteria
    static_weights = np.zeros(len(STATIC_COLUMNS), dtype=np.float32)
    score: np.ndarray | None = None
    passes: dict[str, np.ndarray] = {}
    for key, weight in weights.items():
        column = query.column_of(key)
        satisfaction = None
        if column is not None:
            static_weights[COLUMNS[column]] += weight
        else:
            satisfaction = query.satisfaction_of(key, rows)
            term = np.float32(weight) * satisfaction  # a new array: 0 + term, exactly
            if score is None:
                score = term
            else:
                score += term
        if criteria.is_required(key):
            if satisfaction is None:
                satisfaction = query.satisfaction_of(key, rows)
            passing = satisfaction >= np.float32(CRITERIA[key].threshold)
            # Not covered by the source: unknown, so not a reason to leave the commune out.
            outside = query.uncovered(key)
            passing[outside if rows is None else rows.positions(outside)] = True
            passes[key] = passing
    if static_weights.any():
        # Only the columns that weigh, one multiply-add each in column order: the same
        # arithmetic for every commune whatever the layout (einsum's vector loops round
        # differently on a copied subset), and fewer passes than all the columns.
        used = np.flatnonzero(static_weights)
        columns = matrix.columns if rows is None else rows.columns(matrix.columns)
        weighted = np.multiply(columns[used[0]], static_weights[used[0]])
        for column in used[1:]:
            weighted += static_weights[column] * columns[column]
        if score is None:
            score = weighted
        else:
            score += weighted
    if score is None:  # nothing weighs: every commune meeting the indispensables is as good
        return np.ones(matrix.size if rows is None else len(rows), dtype=np.float32), passes
    total_weight = sum(weights.values())
    gaps = query.uncovered_weight(weights, rows)
    if gaps is None:
        score *= np.float32(1.0 / total_weight)
    elif rows is not None and not gaps.any():
        # What `_divide_by_covered_weight` does when every commune is covered.
        score /= np.float32(total_weight)
    else:
        _divide_by_covered_weight(score, np.float32(total_weight) - gaps)
    return score, passes


def _kept(
    query: Query,
    passes: dict[str, np.ndarray],
    rows: Rows | None,
    inside: np.ndarray | None,
) -> np.ndarray:
    """Which communes (of `rows`; None: all) meet every indispensable and lie in the area."""
    matrix = query.matrix
    kept: np.ndarray | None = None if inside is None else inside.copy()
    # Places where one can practise, unless villages are asked for (an empty mask: the matrix
    # of a test built by hand, where every commune counts).
    masks = list(passes.values())
    if len(matrix.practice) and not query.criteria.villages:
        masks.insert(0, matrix.practice if rows is None else rows.take(matrix.practice))
    for mask in masks:
        if kept is None:
            kept = mask.copy()
        else:
            kept &= mask
    if kept is None:
        return np.ones(matrix.size if rows is None else len(rows), dtype=bool)
    return kept


def _masked(score: np.ndarray, kept: np.ndarray) -> np.ndarray:
    """The scores with the communes left out pushed below 0, by arithmetic (a boolean-masked
    copy is several times slower): score - 2 for them, the score itself for the others."""
    masked = kept.astype(np.float32)
    masked -= np.float32(1.0)
    masked *= np.float32(2.0)
    masked += score
    return masked


# Above this many rows per result, the best are sought among a sample's best first.
SAMPLE_STEP = 16


def _top_of_many(
    values: np.ndarray, population: np.ndarray, limit: int, tiebreak: "Figure | None" = None
) -> np.ndarray:
    """`top()`, on far fewer values: the `limit`-th largest of every SAMPLE_STEP-th value is a
    bound at least `limit` values reach, so the best are among those reaching it (≈
    SAMPLE_STEP × limit of them) instead of all communes; the same rows in the same order,
    since `top()` breaks ties by the tie-break figure, population then position, all kept."""
    sample = values[::SAMPLE_STEP]
    if limit <= 0 or len(sample) < SAMPLE_STEP * limit:  # as fast at once
        return top(values, population, limit, tiebreak)
    bound = np.partition(sample, len(sample) - limit)[len(sample) - limit]
    if not bound >= 0:  # fewer than `limit` sampled communes kept: the whole vector
        return top(values, population, limit, tiebreak)
    candidates = np.flatnonzero(values >= bound)
    figure = None if tiebreak is None else (lambda positions: tiebreak(candidates[positions]))
    return candidates[top(values[candidates], population[candidates], limit, figure)]


def _divide_by_covered_weight(score: np.ndarray, covered: np.ndarray) -> None:
    """The weighted mean over the criteria the sources cover, in place; 0 where they cover
    none of them (nothing known is no reason to come first). Every commune divided, then those
    without a covered criterion set to 0: the same values as dividing only the others, without
    two boolean-masked copies."""
    with np.errstate(divide="ignore", invalid="ignore"):
        score /= covered
    score[covered <= 0] = 0.0


def _distance_figure(column: str) -> Callable[[Query, np.ndarray], np.ndarray]:
    def figure(query: Query, rows: np.ndarray) -> np.ndarray:
        return -query.matrix.column(column)[rows]

    return figure


# The criteria with a figure finer than their satisfaction, to order territories of equal
# score: each one's figure for some communes, the larger the better.
TIEBREAKS: dict[str, Callable[[Query, np.ndarray], np.ndarray]] = {
    "proximite": lambda query, rows: -query.origin_km()[rows],
    **{key: _distance_figure(column) for key, column in DISTANCE_CRITERIA.items()},
    "annonces": lambda query, rows: query.offer_count()[rows],
}
Figure = Callable[[np.ndarray], np.ndarray]


def tie_breaker(query: Query, weights: dict[str, float]) -> tuple[str, Figure | None]:
    """The weightiest criterion counted (in the form's order among equals) that has a finer
    figure than its satisfaction, and that figure: two places with the same score are told
    apart by how near the station or the origin is, how many offers lie around."""
    for key in sorted(weights, key=lambda k: -weights[k]):
        if key in TIEBREAKS:
            return key, functools.partial(TIEBREAKS[key], query)
    return "", None


def top(
    values: np.ndarray, population: np.ndarray, limit: int, tiebreak: Figure | None = None
) -> np.ndarray:
    """Indices of the `limit` largest non-negative values, ties broken by the larger
    `tiebreak` figure of the candidates when given, then by larger population, then by
    position (INSEE order)."""
    valid = int(np.count_nonzero(values >= 0))
    if valid == 0 or limit <= 0:
        return np.zeros(0, dtype=np.int64)
    k = min(limit, valid)
    if valid > k:
        part = np.argpartition(values, len(values) - k)[len(values) - k :]
        candidates = np.flatnonzero(values >= values[part].min())
    else:
        candidates = np.flatnonzero(values >= 0)
    size = np.nan_to_num(population[candidates], nan=-1.0)
    keys = [candidates, -size]
    if tiebreak is not None:
        keys.append(-np.nan_to_num(tiebreak(candidates), nan=-np.inf))
    order = np.lexsort((*keys, -values[candidates]))
    return candidates[order[:k]]


def _relaxations(
    passes: dict[str, np.ndarray],
    count: Callable[[np.ndarray], int],
    inside: np.ndarray | None = None,
) -> list[Relaxation]:
    """For each indispensable criterion, how many territories the others alone let in (in
    the area: relaxing a criterion never lets in a territory outside it)."""
    found = []
    for key in passes:
        others = [mask for other, mask in passes.items() if other != key]
        if inside is not None:
            others.append(inside)
        kept = np.logical_and.reduce(others) if others else np.ones_like(passes[key])
        found.append(Relaxation(key=key, count=count(kept)))
    return sorted(found, key=lambda r: -r.count)


def _rank_epcis(
    query: Query,
    weights: dict[str, float],
    ignored: list[Ignored],
    masked: np.ndarray,
    passes: dict[str, np.ndarray],
    limit: int,
    inside: np.ndarray | None = None,
) -> Ranking:
    """EPCIs ranked by their best commune (the professional lives in one commune)."""
    matrix = query.matrix
    order, starts = matrix.epci_order, matrix.epci_starts
    if not len(order):
        best = np.zeros(0, dtype=np.float32)
    else:
        best = np.maximum.reduceat(masked[order], starts)
    chosen = top(best, matrix.epci_population, limit)
    ends = np.r_[starts[1:], len(order)] if len(order) else np.zeros(0, np.int64)
    rows = []
    for group in chosen:
        members = order[starts[group] : ends[group]]
        rows.append(int(members[top(masked[members], matrix.population[members], 1)[0]]))
    rows_array = np.asarray(rows, dtype=np.int64)

    def epci_count(mask: np.ndarray) -> int:
        if not len(order):
            return 0
        return int(np.count_nonzero(np.maximum.reduceat(mask[order].astype(np.int8), starts)))

    count = int(np.count_nonzero(best >= 0))
    total = len(starts)
    if inside is not None:
        total = epci_count(inside)
    return Ranking(
        scale="epci",
        query=query,
        weights=weights,
        rows=rows_array,
        scores=best[chosen],
        count=count,
        total=total,
        epcis=matrix.epci_present[chosen],
        ignored=ignored,
        relaxations=_relaxations(passes, epci_count, inside) if count == 0 else [],
    )
