"""INSEE « taux de chômage localisés » by employment zone (ZE2020, quarterly averages, seasonally
adjusted), as published: sheet « txcho_ze » with title rows, a row of labels ("1er trimestre
2003"), a row of codes (ZE2020, LIBZE2020, REG, LIBREG, 2003-T1 … 2023-T3), then one row per zone.

The latest quarter with values is given to every commune of the zone, read from the commune's
`employment_zone` indicator: import the zones d’emploi file first."""

import hashlib
import re
from pathlib import Path

from tremplin.territories.importers.base import (
    ImportRefused,
    ImportResult,
    Progress,
    SourceInfo,
    Values,
    indicator_values_save,
    normalise_code,
    parse_number,
    sha256_of,
    unchanged_since_last_import,
)
from tremplin.territories.importers.employment_zones import KEY as ZONE_KEY
from tremplin.territories.importers.xlsx import sheet_rows, workbook_open
from tremplin.territories.models import DataSource, IndicatorValue

KEY = "unemployment"
SHEET = "txcho_ze"
WHERE = f"feuille « {SHEET} »"
ZONE_COLUMN, LABEL_COLUMN = "ZE2020", "LIBZE2020"
HEADER_SEARCH_ROWS = 30
QUARTER = re.compile(r"^(\d{4})-T[1-4]$")
ZONE_CODE = re.compile(r"^\d{4}$")
URL = "https://www.insee.fr/fr/statistiques/1893230"


def _header(row: tuple, line: int) -> tuple[int, list[tuple[int, str]]] | None:
    """(zone column, [(column, "2023-T3"), …]) when `row` is the row of codes (it holds the zone
    code column or quarter codes), else None."""
    cells = [str(cell).strip().upper() if cell is not None else "" for cell in row]
    quarters = [(index, cell) for index, cell in enumerate(cells) if QUARTER.match(cell)]
    if ZONE_COLUMN not in cells and LABEL_COLUMN not in cells and not quarters:
        return None
    if ZONE_COLUMN not in cells:
        raise ImportRefused(
            f"colonne « {ZONE_COLUMN} » introuvable dans l’en-tête", line=line, where=WHERE
        )
    if not quarters:
        raise ImportRefused(
            "aucune colonne trimestrielle (« 2023-T3 ») dans l’en-tête", line=line, where=WHERE
        )
    return cells.index(ZONE_COLUMN), quarters


def _rates(row: tuple, quarters: list[tuple[int, str]], line: int) -> list[float | None]:
    rates = []
    for index, label in quarters:
        value = row[index] if index < len(row) else None
        rate = parse_number(value, line=line, column=label, where=WHERE)
        if rate is not None and not 0 <= rate <= 100:
            raise ImportRefused(
                f"colonne « {label} » : taux {value} hors de 0 à 100", line=line, where=WHERE
            )
        rates.append(rate)
    return rates


def _read(path: Path, progress: bool) -> tuple[list[tuple[int, str]], dict[str, list]]:
    """The quarter columns and, for each zone code, its rates (one per quarter)."""
    workbook = workbook_open(path)
    try:
        if SHEET not in workbook.sheetnames:
            raise ImportRefused(f"feuille « {SHEET} » introuvable dans le classeur")
        bar = Progress(None, path.name, enabled=progress)
        quarters, zones = _walk(workbook[SHEET], bar)
        bar.close()
    finally:
        workbook.close()
    return quarters, zones


def _walk(sheet, bar: Progress) -> tuple[list[tuple[int, str]], dict[str, list]]:  # noqa: ANN001
    header: tuple[int, list[tuple[int, str]]] | None = None
    zones: dict[str, list] = {}
    for line, row in sheet_rows(sheet):
        if header is None:
            header = _header(row, line)
            if header is None and line >= HEADER_SEARCH_ROWS:
                break
            continue
        if not any(cell not in (None, "") for cell in row):
            continue
        bar.advance()
        _zone_row(zones, row, *header, line)
    if header is None:
        raise ImportRefused(
            f"ligne des codes ({ZONE_COLUMN}, 2003-T1…) introuvable dans les "
            f"{HEADER_SEARCH_ROWS} premières lignes",
            where=WHERE,
        )
    return header[1], zones


def _zone_row(
    zones: dict[str, list], row: tuple, zone_column: int, quarters: list, line: int
) -> None:
    rates = _rates(row, quarters, line)
    code = normalise_code(row[zone_column], width=4)
    if not ZONE_CODE.match(code):
        if not code or all(rate is None for rate in rates):
            return  # a note under the table
        raise ImportRefused(
            f"code de zone d’emploi « {row[zone_column]} » invalide", line=line, where=WHERE
        )
    if code in zones:
        raise ImportRefused(f"zone d’emploi {code} en double", line=line, where=WHERE)
    zones[code] = rates


def _latest(quarters: list[tuple[int, str]], zones: dict[str, list]) -> int:
    """Position (in `quarters`) of the latest quarter that has values."""
    for position in range(len(quarters) - 1, -1, -1):
        if any(rates[position] is not None for rates in zones.values()):
            return position
    raise ImportRefused("aucun taux de chômage dans le fichier", where=WHERE)


def _commune_zones() -> dict[str, str]:
    """Commune → employment zone code, from the latest `employment_zone` values."""
    latest = (
        IndicatorValue.objects.filter(key=ZONE_KEY).order_by("-year").values_list("year").first()
    )
    if latest is None:
        raise ImportRefused(
            "aucune zone d’emploi en base : importez d’abord le fichier des zones d’emploi "
            "(insee_ZE2020_communes_au_01-01-2023.xlsx, commande `manage.py "
            "import_employment_zones`)."
        )
    rows = IndicatorValue.objects.filter(key=ZONE_KEY, year=latest[0])
    return {
        commune: category.split(" ", 1)[0]
        for commune, category in rows.values_list("commune_id", "category")
    }


def run(path: Path, *, force: bool = False, progress: bool = True) -> ImportResult:
    # The rates depend on the file *and* on the communes' employment zones: the fingerprint
    # covers both, so re-importing the zones makes the next run of this file count again.
    zones_sha = (
        DataSource.objects.filter(key="employment_zones")
        .values_list("file_sha256", flat=True)
        .first()
    )
    sha256 = hashlib.sha256(f"{sha256_of(path)}:{zones_sha}".encode()).hexdigest()
    communes = _commune_zones()
    quarters, zones = _read(path, progress)
    position = _latest(quarters, zones)
    label = quarters[position][1]
    year = int(label[:4])
    values: Values = {}
    skipped = 0
    for commune, zone in communes.items():
        rate = zones.get(zone, [None] * len(quarters))[position]
        if rate is None:
            skipped += 1
        else:
            values[(commune, KEY, year)] = (rate, label)
    info = SourceInfo(
        key=KEY,
        title="Taux de chômage localisés par zone d’emploi (moyenne trimestrielle, CVS)",
        publisher="INSEE",
        url=URL,
        year=year,
    )
    result = ImportResult(source=KEY, skipped=skipped, rows_read=len(zones))
    result.unmatched_add("commune d’une zone d’emploi sans taux pour ce trimestre", skipped)
    result.notes.append(f"{label}, {len(zones)} employment zones")
    if skipped:
        result.notes.append(f"{skipped} communes in a zone without a rate for {label}")
    if unchanged_since_last_import(result, key=KEY, sha256=sha256, force=force, rows=len(values)):
        return result
    return indicator_values_save(
        info=info, path=path, sha256=sha256, values=values, scope={(KEY, year)}, result=result
    )
