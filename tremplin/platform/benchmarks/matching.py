"""Benchmarks of matching, run by `make bench` after the territories ones (which import the
commune base and the open data) and the offers ones (which publish 100,000 offers)."""

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from urllib.parse import urlencode

import numpy as np
from django.conf import settings
from django.test import Client

from tremplin.matching import criteria as criteria_module
from tremplin.matching import scoring
from tremplin.matching.areas import Area
from tremplin.matching.criteria import Origin, criteria_build
from tremplin.matching.layout import COLUMNS
from tremplin.matching.store import _stored_path, matrix_current, matrix_invalidate
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
# The same query kept to an area: a région, then a département (the ranking computes on their
# communes alone).
AREAS = (
    ("région Nouvelle-Aquitaine", {"region": "75"}),
    ("département Haute-Vienne", {"departement": "87"}),
)
FRESH_RUNS = 3
# A fresh Python process (as a web worker after a restart): the matrix stored by
# `matrix_current()` above loaded, then one ranking of QUERY explained, as the API makes it.
FRESH_PROCESS = """
import json, os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from tremplin.matching import matrix
from tremplin.matching.selectors import matching_search
from tremplin.platform.benchmarks.matching import _criteria

def rss_mb():
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024

criteria = _criteria()  # one query: the database connection is open, as in a worker
before = rss_mb()
if sys.argv[1] == "memory":
    matrix.matrix_current()
    print(json.dumps({"before": before, "after": rss_mb()}))
else:
    from django.urls import reverse

    started = time.perf_counter()
    reverse("matching:search")  # any first request of a process imports the URLconf
    urls = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    result = matching_search(criteria=criteria)
    first = (time.perf_counter() - started) * 1000
    assert len(result.results) == 50, len(result.results)
    started = time.perf_counter()
    matching_search(criteria=criteria)
    second = (time.perf_counter() - started) * 1000
    print(json.dumps({"urls": urls, "first": first, "second": second}))
"""


def _median_ms(function: Callable[[], object], rounds: int) -> tuple[float, float]:
    function()  # warm-up
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def _criteria() -> criteria_module.Criteria:
    limoges = Commune.objects.get(insee=QUERY["pres_de"])
    assert limoges.latitude is not None and limoges.longitude is not None
    return criteria_build(
        profession=QUERY["profession"],
        stated={key: QUERY.get(key, "") for key in criteria_module.CRITERIA},
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
            query.column_of(key)
            or criteria_module.DISTANCE_CRITERIA.get(key)
            or stand_ins.get(key, "")
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
        f"median {floor_median * 1000:.0f} µs; ranking / floor {rank_median / floor_median:.1f}× "
        f"({cold_median / floor_median:.0f}× with the offer counts recomputed)",
    )
    for label, codes in AREAS:
        area_criteria = replace(criteria, area=Area(**codes))
        area_ranking = scoring.rank(matrix, area_criteria, limit=50)
        area_median, area_p95 = _median_ms(partial(scoring.rank, matrix, area_criteria), ROUNDS)
        subset = np.ascontiguousarray(matrix.columns[:, matrix.area_rows(**codes)])
        subset_median, _ = _median_ms(partial(np.einsum, "k,kn->n", weights, subset), ROUNDS)
        report(
            f"Matching: ranking the communes of the {label} ({area_ranking.total:,}), same "
            "10 criteria (target ≤ 3× the floor over all communes)",
            f"median {area_median:.2f} ms, p95 {area_p95:.2f} ms ({area_ranking.count:,} kept): "
            f"{area_median / floor_median:.1f}× the floor over all communes "
            f"({floor_median * 1000:.0f} µs), {area_median / subset_median:.0f}× the floor over "
            f"the area's communes alone ({subset_median * 1000:.0f} µs)",
        )
    epci_median, _ = _median_ms(
        lambda: scoring.rank(matrix, criteria, limit=50, scale="epci"), ROUNDS
    )
    report("Matching: ranking all EPCIs, same criteria", f"median {epci_median:.2f} ms")

    client = Client()
    region = urlencode(AREAS[0][1])
    for label, url, target in (
        ("API /api/v1/matching/communes, top 50 explained", "/api/v1/matching/communes", 60),
        (
            f"API /api/v1/matching/communes, {AREAS[0][0]}, top 50 explained",
            f"/api/v1/matching/communes?{region}",
            60,
        ),
        ("API /api/v1/matching/epcis, top 50 explained", "/api/v1/matching/epcis", 150),
        ("Page /territoires/pour-moi/, top 50 explained + map", "/territoires/pour-moi/", 150),
    ):
        full = f"{url}{'&' if '?' in url else '?'}{urlencode(QUERY)}"

        def get(full: str = full) -> None:
            response = client.get(full)
            assert response.status_code == 200, (full, response.status_code)

        median, p95 = _median_ms(get, HTTP_ROUNDS)
        report(
            f"Matching: {label} (target ≤ {target} ms)", f"median {median:.1f} ms, p95 {p95:.1f} ms"
        )
    _fresh_process(report, matrix.data_version)


def _fresh_process(report: Callable[[str, str], None], version: tuple) -> None:
    """The memory and the first ranking of a fresh process loading the stored matrix."""
    path = _stored_path(version)
    if path is None or not path.is_file():
        report("Matching: fresh process", "not measured: no stored matrix (MATCHING_MATRIX_DIR)")
        return

    def fresh(mode: str) -> dict:
        done = subprocess.run(
            [sys.executable, "-c", FRESH_PROCESS, mode],
            cwd=settings.BASE_DIR,
            env=os.environ,
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(done.stdout.strip().splitlines()[-1])

    memory = fresh("memory")
    report(
        "Matching: memory of a fresh process loading the stored matrix (VmRSS)",
        f"{memory['before']:.0f} MB before, {memory['after']:.0f} MB after "
        f"(+{memory['after'] - memory['before']:.0f} MB; the file {path.stat().st_size / 1e6:.1f} MB)",
    )
    runs = [fresh("first") for _ in range(FRESH_RUNS)]
    totals = sorted(run["first"] for run in runs)
    report(
        "Matching: first ranking of a fresh process, matrix stored, top 50 explained "
        "(target ≤ 300 ms)",
        f"median {statistics.median(totals):.0f} ms of {FRESH_RUNS} processes "
        f"({' / '.join(f'{ms:.0f}' for ms in totals)} ms) of matching (load, version queries, "
        "offer counts, ranking, explanations); the URLconf's import "
        f"({statistics.median(r['urls'] for r in runs):.0f} ms) is paid when the worker starts "
        "(config/wsgi.py), not by its first request; the second ranking "
        f"{statistics.median(r['second'] for r in runs):.0f} ms",
    )
