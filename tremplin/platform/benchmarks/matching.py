"""Benchmarks of matching, run by `make bench` after the territories ones (which import the
commune base and the open data) and the offers ones (which publish 100,000 offers)."""

import statistics
import time
from collections.abc import Callable
from urllib.parse import urlencode

import numpy as np
from django.test import Client

from tremplin.matching import scoring
from tremplin.matching.matrix import COLUMNS, matrix_current, matrix_invalidate
from tremplin.matching.scoring import Origin, criteria_build
from tremplin.territories.models import Commune

ROUNDS = 200
HTTP_ROUNDS = 30
# Ten criteria, one of them a distance to a commune (Limoges, 150 km, weighed, not a filter).
QUERY = {
    "profession": "medecin_generaliste",
    "besoin": "important",
    "zonage": "souhaitable",
    "annonces": "souhaitable",
    "types": "remplacement",
    "logement": "souhaitable",
    "hopital": "important",
    "pres_de": "87085",
    "rayon": "150",
    "proximite": "important",
    "gare": "important",
    "ecoles": "souhaitable",
    "emploi": "souhaitable",
    "taille": "souhaitable",
    "tailles": "petite_ville",
}


def _median_ms(function: Callable[[], object], rounds: int) -> tuple[float, float]:
    function()  # warm-up
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def _criteria() -> scoring.Criteria:
    limoges = Commune.objects.get(insee=QUERY["pres_de"])
    assert limoges.latitude is not None and limoges.longitude is not None
    return criteria_build(
        profession=QUERY["profession"],
        stated={key: QUERY.get(key, "") for key in scoring.CRITERIA},
        origins=(Origin(limoges.insee, limoges.name, limoges.latitude, limoges.longitude),),
        km={"proximite": float(QUERY["rayon"])},
        offer_kinds=(QUERY["types"],),
        sizes=(QUERY["tailles"],),
    )


def _floor_weights(ranking: scoring.Ranking) -> np.ndarray:
    """The weights of the ranking's criteria on the matrix's columns (distances, offers and
    sizes computed per query stand on the column nearest to them)."""
    weights = np.zeros(len(COLUMNS), dtype=np.float32)
    stand_ins = {"proximite": "station_km", "taille": "schools", "annonces": "housing"}
    query = ranking.query
    for key, weight in ranking.weights.items():
        column = (
            query.column_of(key) or scoring.DISTANCE_CRITERIA.get(key) or stand_ins.get(key, "")
        )
        weights[COLUMNS[column]] += weight
    return weights


def run(report: Callable[[str, str], None]) -> None:
    matrix_invalidate()
    started = time.perf_counter()
    matrix = matrix_current()  # built, then held by the process as a server holds it
    elapsed = time.perf_counter() - started
    report(
        f"Matching: feature matrix build ({matrix.size:,} communes, "
        f"{len(matrix.offers.commune):,} published offers)",
        f"{elapsed:.1f} s",
    )
    report(
        "Matching: feature matrix memory",
        f"{matrix.columns.nbytes / 1e6:.1f} MB for the {len(COLUMNS)} feature columns (float32); "
        f"{matrix.nbytes / 1e6:.1f} MB with positions, neighbourhoods within 10 km and offers",
    )

    criteria = _criteria()
    ranking = scoring.rank(matrix, criteria, limit=50)
    assert len(ranking.weights) == 10, sorted(ranking.weights)
    rank_median, rank_p95 = _median_ms(lambda: scoring.rank(matrix, criteria, limit=50), ROUNDS)
    weights = _floor_weights(ranking)
    floor_median, _ = _median_ms(lambda: np.einsum("k,kn->n", weights, matrix.columns), ROUNDS)

    def cold() -> None:
        matrix.memo.clear()  # offer counts near each commune computed again
        scoring.rank(matrix, criteria, limit=50)

    cold_median, _ = _median_ms(cold, ROUNDS)
    report(
        "Matching: ranking all communes, 10 criteria incl. a distance (target < 30 ms)",
        f"median {rank_median:.2f} ms, p95 {rank_p95:.2f} ms ({ranking.count:,} communes kept); "
        f"with the offer counts recomputed (first query of a profession) {cold_median:.2f} ms",
    )
    report(
        "Matching: floor, one weighted sum over the same matrix (np.einsum, as the ranking)",
        f"median {floor_median * 1000:.0f} µs; ranking / floor {rank_median / floor_median:.0f}× "
        f"({cold_median / floor_median:.0f}× with the offer counts recomputed)",
    )
    epci_median, _ = _median_ms(
        lambda: scoring.rank(matrix, criteria, limit=50, scale="epci"), ROUNDS
    )
    report("Matching: ranking all EPCIs, same criteria", f"median {epci_median:.2f} ms")

    client = Client()
    for label, url in (
        ("API /api/v1/matching/communes, top 50 explained", "/api/v1/matching/communes"),
        ("API /api/v1/matching/epcis, top 50 explained", "/api/v1/matching/epcis"),
        ("Page /territoires/pour-moi/, top 50 explained + map", "/territoires/pour-moi/"),
    ):
        full = f"{url}?{urlencode(QUERY)}"

        def get(full: str = full) -> None:
            response = client.get(full)
            assert response.status_code == 200, (full, response.status_code)

        median, p95 = _median_ms(get, HTTP_ROUNDS)
        report(f"Matching: {label} (target < 150 ms)", f"median {median:.1f} ms, p95 {p95:.1f} ms")
