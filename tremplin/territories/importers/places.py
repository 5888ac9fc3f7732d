"""What the importers of located facilities (stations, cinemas, hospitals) share: reading a
published CSV, checking coordinates, finding the nearest commune, and saving the `Place` rows of
one kind atomically and idempotently."""

import csv
import io
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, cast

from django.db import transaction

from tremplin.territories.coverage import covered_communes
from tremplin.territories.geo import haversine_km
from tremplin.territories.importers.base import (
    ImportRefused,
    ImportResult,
    SourceInfo,
    Values,
    indicator_values_save,
    parse_number,
    read_text,
    source_record,
)
from tremplin.territories.models import Commune, Place

PLACE_FIELDS = ("name", "commune_id", "city", "latitude", "longitude", "details")
NAME_LENGTH = Place._meta.get_field("name").max_length
CITY_LENGTH = Place._meta.get_field("city").max_length
# A CharField: its max_length is set (the stubs type any field's as optional).
EXTERNAL_ID_LENGTH = cast(int, Place._meta.get_field("external_id").max_length)


def places_save(
    *,
    kind: str,
    rows: dict[str, dict],
    info: SourceInfo,
    path: Path | None,
    sha256: str,
    result: ImportResult,
) -> ImportResult:
    """Make the places of `kind` exactly `rows` (keyed by external id), touching only what differs.

    Each row holds name, commune_id (or None), city, latitude, longitude and details. Places of
    that kind missing from `rows` are deleted. Call it alone or inside a larger atomic block.
    """
    with transaction.atomic():
        source = source_record(info, path=path, sha256=sha256, rows=len(rows))
        existing = {place.external_id: place for place in Place.objects.filter(kind=kind)}
        to_create, to_update = [], []
        for external_id, fields in rows.items():
            wanted = {**_clean(fields), "source_id": source.pk}
            place = existing.pop(external_id, None)
            if place is None:
                to_create.append(Place(kind=kind, external_id=external_id, **wanted))
            elif any(getattr(place, name) != value for name, value in wanted.items()):
                for name, value in wanted.items():
                    setattr(place, name, value)
                to_update.append(place)
            else:
                result.unchanged += 1
        Place.objects.bulk_create(to_create, batch_size=2000)
        Place.objects.bulk_update(to_update, [*PLACE_FIELDS, "source_id"], batch_size=2000)
        stale = [place.pk for place in existing.values()]
        for start in range(0, len(stale), 5000):
            Place.objects.filter(pk__in=stale[start : start + 5000]).delete()
    result.created += len(to_create)
    result.updated += len(to_update)
    result.deleted += len(stale)
    return result


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    missing = set(PLACE_FIELDS) - set(fields)
    if missing:
        raise ValueError(f"place fields missing: {', '.join(sorted(missing))}")
    return {
        "name": str(fields["name"])[:NAME_LENGTH],
        "commune_id": fields["commune_id"],
        "city": str(fields["city"] or "")[:CITY_LENGTH],
        "latitude": float(fields["latitude"]),
        "longitude": float(fields["longitude"]),
        "details": dict(fields["details"] or {}),
    }


def place_counts(
    rows: dict[str, dict], communes: set[str], cities: dict[str, str] | None = None
) -> dict[str, int]:
    """How many places each commune holds, 0 for every commune of `communes` without any; a
    place in an arrondissement (a key of `cities`) counts for its city too."""
    cities = cities or {}
    counts = dict.fromkeys(communes, 0)
    for fields in rows.values():
        commune = fields["commune_id"]
        for territory in (commune, cities.get(commune)):
            if territory is not None:
                counts[territory] = counts.get(territory, 0) + 1
    return counts


def places_and_counts_save(
    *,
    kind: str,
    rows: dict[str, dict],
    key: str,
    year: int,
    communes: set[str],
    cities: dict[str, str] | None = None,
    info: SourceInfo,
    path: Path | None,
    sha256: str,
    result: ImportResult,
) -> ImportResult:
    """The places of `kind` and, in the same transaction, the indicator `key` for `year`: the
    number of those places in every commune of `communes` the source covers (0 where there is
    none; nothing outside its coverage, where a 0 would be a guess), a city's including its
    arrondissements' (`cities`)."""
    covered = covered_communes(key, communes)
    values: Values = {
        (insee, key, year): (float(count), "")
        for insee, count in place_counts(rows, covered, cities).items()
        if insee in covered
    }
    with transaction.atomic():
        indicator_values_save(
            info=info, path=path, sha256=sha256, values=values, scope={(key, year)}, result=result
        )
        # Second, so that the source records the number of places, not of communes.
        places_save(kind=kind, rows=rows, info=info, path=path, sha256=sha256, result=result)
    return result


class CsvFile:
    """A published CSV read whole: UTF-8 (with or without BOM), else Windows-1252; the header is
    checked for the required columns, and each row comes with its line number."""

    def __init__(self, path: Path, *, delimiter: str, required: list[str]) -> None:
        self.path = path
        self.text = read_text(path)
        self.reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=delimiter)
        try:
            header = next(self.reader)
        except (StopIteration, csv.Error):
            raise ImportRefused("fichier vide ou illisible", line=1) from None
        self.header = [cell.strip() for cell in header]
        lowered = [cell.lower() for cell in self.header]
        self.columns: dict[str, int] = {}
        for name in required:
            if name.lower() not in lowered:
                raise ImportRefused(
                    f"colonne « {name} » introuvable dans l’en-tête (séparateur « {delimiter} » "
                    "attendu)",
                    line=1,
                )
            self.columns[name] = lowered.index(name.lower())

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(line number, {required column: stripped text}) for every non-empty row."""
        width = len(self.header)
        try:
            for row in self.reader:
                line = self.reader.line_num
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != width:
                    raise ImportRefused(f"{len(row)} colonnes au lieu de {width}", line=line)
                yield line, {name: row[index].strip() for name, index in self.columns.items()}
        except csv.Error as error:
            raise ImportRefused(
                f"ligne CSV illisible ({error})", line=self.reader.line_num
            ) from None


def parse_coordinates(
    latitude: object, longitude: object, *, line: int, columns: tuple[str, str]
) -> tuple[float, float] | None:
    """(latitude, longitude) in WGS84 degrees; None when both are empty; refused when malformed,
    out of range or only one is given."""
    lat = parse_number(latitude, line=line, column=columns[0])
    lon = parse_number(longitude, line=line, column=columns[1])
    if lat is None and lon is None:
        return None
    if lat is None or lon is None:
        raise ImportRefused("latitude ou longitude manquante", line=line)
    if not (-90 <= lat <= 90) or not (-180 <= lon <= 180) or (lat == 0 and lon == 0):
        raise ImportRefused(f"coordonnées ({lat}, {lon}) hors limites", line=line)
    return lat, lon


def parse_count(value: object, *, line: int, column: str) -> int | None:
    """A whole, non-negative number ("6.0" is fine); empty gives None."""
    number = parse_number(value, line=line, column=column)
    if number is None:
        return None
    if number < 0 or not number.is_integer():
        raise ImportRefused(
            f"colonne « {column} » : « {value} » n’est pas un nombre entier positif", line=line
        )
    return int(number)


def check_external_id(value: str, *, line: int, column: str) -> str:
    if not value or len(value) > EXTERNAL_ID_LENGTH or not value.replace("-", "").isalnum():
        raise ImportRefused(f"colonne « {column} » : identifiant « {value} » invalide", line=line)
    return value


class NearestCommune:
    """The commune (or arrondissement) whose centroid is nearest to a point, found in a grid of 0.1° cells (a few
    communes per cell) instead of measuring the distance to every commune. Loaded on first use."""

    CELL = 0.1  # degrees
    MAX_RINGS = 30  # about 300 km north-south: farther means the point is outside the base
    POSTCODE_RADIUS_KM = 15.0

    def __init__(self) -> None:
        self._grid: dict[tuple[int, int], list[tuple[float, float, str]]] | None = None
        self._by_postcode: dict[str, list[tuple[float, float, str]]] = defaultdict(list)

    def _load(self) -> dict[tuple[int, int], list[tuple[float, float, str]]]:
        grid: dict[tuple[int, int], list[tuple[float, float, str]]] = defaultdict(list)
        # Paris, Lyon and Marseille are tiled by their arrondissements: a point there lands in
        # its arrondissement (and counts for the city through it).
        cities = Commune.objects.filter(kind=Commune.Kind.ARRONDISSEMENT).values("city_id")
        rows = (
            Commune.objects.exclude(latitude=None).exclude(longitude=None).exclude(insee__in=cities)
        )
        # Without NULL coordinates (excluded above), which the stubs cannot know.
        located = cast(
            "Iterable[tuple[str, float, float, str]]",
            rows.values_list("insee", "latitude", "longitude", "postal_codes"),
        )
        for insee, lat, lon, postal_codes in located:
            grid[self._cell(lat, lon)].append((lat, lon, insee))
            for code in postal_codes.split():
                self._by_postcode[code].append((lat, lon, insee))
        return grid

    def _cell(self, lat: float, lon: float) -> tuple[int, int]:
        return math.floor(lat / self.CELL), math.floor(lon / self.CELL)

    def find(self, lat: float, lon: float, postcode: str = "") -> str | None:
        """The nearest commune; when `postcode` is given, the nearest of the communes it serves
        if one lies within POSTCODE_RADIUS_KM (a big commune's centroid can be farther than a
        small neighbour's)."""
        if self._grid is None:
            self._grid = self._load()
        if postcode in self._by_postcode:
            distance, insee = _closest(lat, lon, self._by_postcode[postcode])
            if distance <= self.POSTCODE_RADIUS_KM:
                return insee
        return self._nearest_in_grid(lat, lon)

    def _nearest_in_grid(self, lat: float, lon: float) -> str | None:
        assert self._grid is not None
        row, column = self._cell(lat, lon)
        # A cell k rings away is at least (k - 1) cells away in latitude or longitude.
        cell_km = self.CELL * 111.0 * max(0.05, math.cos(math.radians(min(89.0, abs(lat) + 3))))
        best_km, best = math.inf, None
        for ring in range(self.MAX_RINGS + 1):
            if best is not None and best_km <= (ring - 1) * cell_km:
                break
            candidates = [
                commune
                for cell in _ring_cells(row, column, ring)
                for commune in self._grid.get(cell, ())
            ]
            if candidates:
                distance, insee = _closest(lat, lon, candidates)
                if distance < best_km:
                    best_km, best = distance, insee
        return best


def _ring_cells(row: int, column: int, ring: int) -> Iterator[tuple[int, int]]:
    if ring == 0:
        yield row, column
        return
    for d in range(-ring, ring + 1):
        yield row - ring, column + d
        yield row + ring, column + d
    for d in range(-ring + 1, ring):
        yield row + d, column - ring
        yield row + d, column + ring


def _closest(lat: float, lon: float, communes: list[tuple[float, float, str]]) -> tuple[float, str]:
    return min((haversine_km(lat, lon, clat, clon), insee) for clat, clon, insee in communes)
