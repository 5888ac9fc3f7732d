"""A map of France by département, drawn from the commune centroids we hold: no tile server,
no GIS library. Communes are binned into a grid; each cell takes the département of most of its
communes; holes inside the land are filled from their neighbours; each département becomes one
SVG path of horizontal runs of cells. Overseas départements are shown as labelled tiles."""

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from django.core.cache import cache
from django.db.models import Count, F, FloatField, Max, Sum
from django.db.models.functions import Cast

from tremplin.territories.models import Commune, DataSource, Departement, IndicatorValue

CELL_LAT = 0.075
CELL_LON = CELL_LAT / math.cos(math.radians(46.5))
CELL_PX = 5
WEST, NORTH = -5.3, 51.2
PALETTE = ["#6a1d13", "#b34000", "#e4794a", "#fcc0b0", "#fef4f3"]  # scarce → well served
NO_DATA = "#dddddd"


@dataclass
class MapArea:
    code: str
    name: str
    path: str
    value: float | None
    color: str
    url: str


def departement_values(key: str) -> dict[str, float]:
    """Mean of an indicator's latest year over each département's communes, as the area pages
    compute it: weighted by the weight its source gives (the standardised population of an
    APL) when every value has one, else by municipal population."""
    year = IndicatorValue.objects.filter(key=key).aggregate(year=Max("year"))["year"]
    if year is None:
        return {}
    population = Cast("commune__population", FloatField())
    rows = (
        IndicatorValue.objects.filter(
            key=key, year=year, value__isnull=False, commune__kind=Commune.Kind.COMMUNE
        )
        .values("commune__departement_id")
        .annotate(
            standardised=Sum(Cast("value", FloatField()) * F("weight")),
            weight_total=Sum("weight"),
            unweighted=Count("id") - Count("weight"),
            weighted=Sum(Cast("value", FloatField()) * population),
            population=Sum(population),
        )
    )
    values = {}
    for row in rows:
        if row["weight_total"] and not row["unweighted"]:
            values[row["commune__departement_id"]] = row["standardised"] / row["weight_total"]
        elif row["population"]:
            values[row["commune__departement_id"]] = row["weighted"] / row["population"]
    return values


def indicator_source(key: str) -> dict | None:
    """The source and year of an indicator's latest values, for a map's legend."""
    latest = (
        IndicatorValue.objects.filter(key=key)
        .order_by("-year")
        .select_related("source")
        .only("year", "source__title", "source__publisher")
        .first()
    )
    if latest is None:
        return None
    return {
        "title": latest.source.title,
        "publisher": latest.source.publisher,
        "year": latest.year,
    }


def _grid() -> dict[tuple[int, int], str]:
    votes: dict[tuple[int, int], Counter] = defaultdict(Counter)
    located = (
        Commune.objects.municipal()
        .exclude(departement__code__startswith="97")
        .exclude(latitude=None)
        .values_list("latitude", "longitude", "departement_id")
    )
    # Communes are located with both coordinates or neither; the stubs keep them optional.
    for lat, lon, departement in cast("Iterable[tuple[float, float, str]]", located):
        cell = (int((NORTH - lat) / CELL_LAT), int((lon - WEST) / CELL_LON))
        votes[cell][departement] += 1
    grid = {cell: counter.most_common(1)[0][0] for cell, counter in votes.items()}
    if not grid:
        return grid
    for _ in range(2):  # fill holes left by large communes
        additions = {}
        rows = [r for r, _ in grid]
        cols = [c for _, c in grid]
        for row in range(min(rows), max(rows) + 1):
            for col in range(min(cols), max(cols) + 1):
                if (row, col) in grid:
                    continue
                around = [
                    grid[(row + dr, col + dc)]
                    for dr in (-1, 0, 1)
                    for dc in (-1, 0, 1)
                    if (dr or dc) and (row + dr, col + dc) in grid
                ]
                if len(around) >= 5:
                    additions[(row, col)] = Counter(around).most_common(1)[0][0]
        grid.update(additions)
    return grid


def _paths(grid: dict[tuple[int, int], str]) -> dict[str, str]:
    by_row: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for (row, column), code in grid.items():
        by_row[row].append((column, code))
    paths: dict[str, list[str]] = defaultdict(list)
    for row, cells in by_row.items():
        cells.sort()
        start, current, previous = cells[0][0], cells[0][1], cells[0][0]
        for col, departement in [*cells[1:], (None, None)]:
            if col is not None and departement == current and col == previous + 1:
                previous = col
                continue
            width = (previous - start + 1) * CELL_PX
            paths[current].append(f"M{start * CELL_PX} {row * CELL_PX}h{width}v{CELL_PX}h-{width}z")
            if col is not None and departement is not None:  # not the (None, None) end marker
                start, current, previous = col, departement, col
    return {code: "".join(parts) for code, parts in paths.items()}


def _classes(values: dict[str, float]) -> list[float]:
    ordered = sorted(values.values())
    if not ordered:
        return []
    return [ordered[min(len(ordered) - 1, int(len(ordered) * q / 5))] for q in range(1, 5)]


def _color(value: float | None, bounds: list[float]) -> str:
    if value is None:
        return NO_DATA
    for index, bound in enumerate(bounds):
        if value < bound:
            return PALETTE[index]
    return PALETTE[-1]


def france_map(key: str = "apl_mg") -> dict:
    """Areas (metropolitan paths and overseas tiles), legend and size, cached until data changes."""
    version = DataSource.objects.aggregate(latest=Max("imported_at"))["latest"]
    cache_key = f"france-map:{key}:{version.isoformat() if version else 'none'}"
    cached = cache.get(cache_key)
    if cached is not None:
        return cached
    values = departement_values(key)
    bounds = _classes(values)
    names = dict(Departement.objects.values_list("code", "name"))
    grid = _grid()
    paths = _paths(grid) if grid else {}
    areas = [
        MapArea(
            code=code,
            name=names.get(code, code),
            path=path,
            value=values.get(code),
            color=_color(values.get(code), bounds),
            url=f"/territoires/departements/{code}/",
        )
        for code, path in sorted(paths.items())
    ]
    overseas = [
        MapArea(
            code=code,
            name=name,
            path="",
            value=values.get(code),
            color=_color(values.get(code), bounds),
            url=f"/territoires/departements/{code}/",
        )
        for code, name in sorted(names.items())
        if code.startswith("97")
    ]
    width = (max((c for _, c in grid), default=0) + 1) * CELL_PX
    height = (max((r for r, _ in grid), default=0) + 1) * CELL_PX
    legend = []
    edges = [None, *bounds, None]
    for index, color in enumerate(PALETTE[: len(bounds) + 1] if bounds else []):
        legend.append({"color": color, "low": edges[index], "high": edges[index + 1]})
    table = [
        MapArea(
            code=code,
            name=name,
            path="",
            value=values.get(code),
            color=_color(values.get(code), bounds),
            url=f"/territoires/departements/{code}/",
        )
        for code, name in sorted(names.items())
    ]
    result = {
        "areas": areas,
        # Every département, unknown values as None: the map's text equivalent.
        "table": table,
        "source": indicator_source(key),
        # The same classes for the map's canvas (territories/map.js), low to high.
        "steps": [{"color": item["color"], "low": item["low"]} for item in legend],
        "overseas": overseas,
        "width": width,
        "height": height,
        "legend": legend,
        "key": key,
    }
    cache.set(cache_key, result, 24 * 3600)
    return result
