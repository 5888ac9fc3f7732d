"""INSEE « zones d’emploi 2020 », composition communale, as published: a workbook whose sheet
« Composition_communale » has a few title rows, a row of labels, then the header row (CODGEO,
LIBGEO, ZE2020, LIBZE2020, ZE2020_PARTIE_REG, DEP, REG) and one row per commune.

Stored as the category indicator `employment_zone`: "<code> <label>", e.g. "7511 Guéret"; the
unemployment importer reads the code back from it."""

import re
from pathlib import Path

from tremplin.territories.importers.base import (
    UNKNOWN_CODE,
    CommuneResolver,
    ImportRefused,
    ImportResult,
    Progress,
    SourceInfo,
    Values,
    check_insee,
    indicator_values_save,
    normalise_code,
    sha256_of,
    unchanged_since_last_import,
)
from tremplin.territories.importers.xlsx import sheet_rows, workbook_open
from tremplin.territories.models import IndicatorValue

SOURCE_KEY, KEY = "employment_zones", "employment_zone"
SHEET = "Composition_communale"
WHERE = f"feuille « {SHEET} »"
HEADER = {"code": "CODGEO", "zone": "ZE2020", "label": "LIBZE2020"}
HEADER_SEARCH_ROWS = 30
ZONE_CODE = re.compile(r"^\d{4}$")
# "Mise en ligne le 17/03/2023       Géographie au 01/01/2023"
GEOGRAPHY = re.compile(r"g[ée]ographie au \d{1,2}/\d{1,2}/(\d{4})", re.IGNORECASE)
DEFAULT_YEAR = 2023
CATEGORY_LENGTH = IndicatorValue._meta.get_field("category").max_length
URL = "https://www.insee.fr/fr/information/4652957"


def _header(row: tuple, line: int) -> dict[str, int] | None:
    """Column indexes when `row` is the header row (it names one of the columns), else None."""
    cells = [str(cell).strip().upper() if cell is not None else "" for cell in row]
    if not any(name in cells for name in HEADER.values()):
        return None
    for name in HEADER.values():
        if name not in cells:
            raise ImportRefused(
                f"colonne « {name} » introuvable dans l’en-tête", line=line, where=WHERE
            )
    return {key: cells.index(name) for key, name in HEADER.items()}


def _geography_year(row: tuple) -> int | None:
    for cell in row:
        if isinstance(cell, str) and (match := GEOGRAPHY.search(cell)):
            return int(match.group(1))
    return None


def _zone(row: tuple, columns: dict[str, int], line: int) -> str:
    code = normalise_code(row[columns["zone"]], width=4)
    if not ZONE_CODE.match(code):
        raise ImportRefused(
            f"code de zone d’emploi « {row[columns['zone']]} » invalide", line=line, where=WHERE
        )
    label = str(row[columns["label"]] or "").strip()
    if not label:
        raise ImportRefused(f"zone d’emploi {code} sans libellé", line=line, where=WHERE)
    return f"{code} {label}"[:CATEGORY_LENGTH]


class Zones:
    """Commune → zone, a current commune's own row winning over the rows of its former
    (delegated, associated) communes."""

    def __init__(self, resolver: CommuneResolver) -> None:
        self.resolver = resolver
        self.zones: dict[str, str] = {}
        self.direct: set[str] = set()
        self.skipped = self.read = 0

    def add(self, row: tuple, columns: dict[str, int], line: int) -> None:
        code = check_insee(row[columns["code"]], line=line, where=WHERE)
        zone = _zone(row, columns, line)
        self.read += 1
        insee = self.resolver.resolve(code)
        if insee is None:
            self.skipped += 1
        elif insee == code:
            self.zones[insee] = zone
            self.direct.add(insee)
        elif insee not in self.direct:
            self.zones.setdefault(insee, zone)


def _read(path: Path, resolver: CommuneResolver, progress: bool) -> tuple[Zones, int]:
    workbook = workbook_open(path)
    try:
        if SHEET not in workbook.sheetnames:
            raise ImportRefused(f"feuille « {SHEET} » introuvable dans le classeur")
        bar = Progress(None, path.name, enabled=progress)
        zones, year = _walk(workbook[SHEET], resolver, bar)
        bar.close()
    finally:
        workbook.close()
    return zones, year


def _walk(sheet, resolver: CommuneResolver, bar: Progress) -> tuple[Zones, int]:  # noqa: ANN001
    zones = Zones(resolver)
    columns: dict[str, int] | None = None
    year = None
    for line, row in sheet_rows(sheet):
        if columns is None:
            year = year or _geography_year(row)
            columns = _header(row, line)
            if columns is None and line >= HEADER_SEARCH_ROWS:
                break
            continue
        if not any(cell not in (None, "") for cell in row):
            continue
        bar.advance()
        zones.add(row, columns, line)
    if columns is None:
        raise ImportRefused(
            f"en-tête ({', '.join(HEADER.values())}) introuvable dans les "
            f"{HEADER_SEARCH_ROWS} premières lignes",
            where=WHERE,
        )
    return zones, year or DEFAULT_YEAR


def run(path: Path, *, force: bool = False, progress: bool = True) -> ImportResult:
    sha256 = sha256_of(path)
    resolver = CommuneResolver()
    zones, year = _read(path, resolver, progress)
    values: Values = {(insee, KEY, year): (None, zone) for insee, zone in zones.zones.items()}
    info = SourceInfo(
        key=SOURCE_KEY,
        title="Zones d’emploi 2020 : composition communale",
        publisher="INSEE",
        url=URL,
        year=year,
    )
    result = ImportResult(source=SOURCE_KEY, skipped=zones.skipped, rows_read=zones.read)
    result.unmatched_add(UNKNOWN_CODE, zones.skipped)
    result.notes.append(f"{len(set(zones.zones.values()))} employment zones")
    if unchanged_since_last_import(
        result, key=SOURCE_KEY, sha256=sha256, force=force, rows=len(values)
    ):
        return result
    return indicator_values_save(
        info=info, path=path, sha256=sha256, values=values, scope={(KEY, year)}, result=result
    )
