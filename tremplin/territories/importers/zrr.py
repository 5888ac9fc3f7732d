"""ANCT classement of communes in zones de revitalisation rurale (ZRR), as diffused by the
Observatoire des territoires ("diffusion-zonages-zrr-cog<year>.xls").

The workbook has one sheet per geography ("Classement ZRR (COG 2021)", "Classement ZRR (COG
2017)"): the fullest one is used (the COG 2021 sheet of our copy is truncated). Labels on row 5,
codes on row 6 (CODGEO, LIBGEO, ZRR_SIMP, ZONAGE_ZRR), then one row per commune with values such
as "C - Classée en ZRR", "NC - Non classée", "P - Partiellement classée en ZRR".

A commune formed since the sheet's geography from former communes classed differently is
partially classed, as the ANCT itself publishes such communes.

Old .xls workbooks are read with xlrd, .xlsx ones with openpyxl.
"""

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
    sha256_of,
    unchanged_since_last_import,
)
from tremplin.territories.importers.xlsx import workbook_open

KEY = "zrr"
SHEET_PREFIX = "classement zrr"
SHEET_YEAR = re.compile(r"COG (\d{4})", re.IGNORECASE)
HEADER_SEARCH_ROWS = 20
CLASS = re.compile(r"^\s*([A-Z]+)\s+-\s+(.+?)\s*$")
# ZRR_SIMP code → value: classée, partiellement classée, non classée.
CLASS_VALUES = {"C": 1.0, "P": 0.5, "NC": 0.0}
PARTIAL = ("P", "Partiellement classée en ZRR")
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

Rows = list[tuple]


def _xls_sheets(path: Path) -> list[tuple[str, Rows]]:
    import xlrd

    try:
        book = xlrd.open_workbook(path, on_demand=True)
    except Exception as error:  # xlrd raises many kinds for a broken file
        raise ImportRefused(f"{path.name} n’est pas un classeur Excel lisible ({error})") from None
    sheets = []
    try:
        for name in book.sheet_names():
            if name.strip().lower().startswith(SHEET_PREFIX):
                sheet = book.sheet_by_name(name)
                sheets.append((name, [tuple(sheet.row_values(i)) for i in range(sheet.nrows)]))
    finally:
        book.release_resources()
    return sheets


def _xlsx_sheets(path: Path) -> list[tuple[str, Rows]]:
    book = workbook_open(path)
    try:
        return [
            (sheet.title, list(sheet.iter_rows(values_only=True)))
            for sheet in book.worksheets
            if sheet.title.strip().lower().startswith(SHEET_PREFIX)
        ]
    finally:
        book.close()


def _sheet(path: Path) -> tuple[str, Rows]:
    """The "Classement ZRR …" sheet with the most rows."""
    with path.open("rb") as handle:
        is_xls = handle.read(len(OLE2_SIGNATURE)) == OLE2_SIGNATURE
    sheets = _xls_sheets(path) if is_xls else _xlsx_sheets(path)
    if not sheets:
        raise ImportRefused("aucune feuille « Classement ZRR … » dans le classeur")
    return max(sheets, key=lambda sheet: len(sheet[1]))


def _cells(row: tuple) -> list[str]:
    return [str(cell).strip().upper() if cell is not None else "" for cell in row]


def _header(rows: Rows, *, where: str) -> tuple[int, int, int]:
    """(Excel row number of the header, CODGEO column, ZRR_SIMP column)."""
    for line, row in enumerate(rows[:HEADER_SEARCH_ROWS], start=1):
        cells = _cells(row)
        if "CODGEO" in cells and "ZRR_SIMP" in cells:
            return line, cells.index("CODGEO"), cells.index("ZRR_SIMP")
    raise ImportRefused(
        f"ligne d’en-tête avec « CODGEO » et « ZRR_SIMP » introuvable "
        f"dans les {HEADER_SEARCH_ROWS} premières lignes",
        where=where,
    )


def _class(value: object, *, line: int, where: str) -> tuple[str, str]:
    """("C", "Classée en ZRR") from "C - Classée en ZRR"; refuse anything else."""
    match = CLASS.match(str(value or ""))
    if match is None or match.group(1) not in CLASS_VALUES:
        raise ImportRefused(
            f"colonne « ZRR_SIMP » : « {value} » n’est pas un classement connu "
            "(C - classée, NC - non classée, P - partiellement classée)",
            line=line,
            where=where,
        )
    return match.group(1), match.group(2)


def run(path: Path, *, force: bool = False, progress: bool = True) -> ImportResult:
    sha256 = sha256_of(path)
    name, rows = _sheet(path)
    where = f"feuille « {name} »"
    year_match = SHEET_YEAR.search(name)
    if year_match is None:
        raise ImportRefused("millésime du COG introuvable dans le nom de la feuille", where=where)
    year = int(year_match.group(1))
    header_line, code_column, class_column = _header(rows, where=where)
    resolver = CommuneResolver()
    classes: dict[str, set[tuple[str, str]]] = {}
    arrondissements: dict[str, set[tuple[str, str]]] = {}
    skipped = 0
    bar = Progress(len(rows) - header_line, path.name, enabled=progress)
    for line, row in enumerate(rows[header_line:], start=header_line + 1):
        bar.advance()
        if not any(cell not in (None, "") for cell in row):
            continue
        code = check_insee(row[code_column], line=line, where=where)
        zrr = _class(row[class_column], line=line, where=where)
        insee = resolver.resolve(code)
        if insee is None:
            skipped += 1
            continue
        classes.setdefault(insee, set()).add(zrr)
        if (city := resolver.city_of(code)) is not None:
            arrondissements.setdefault(city, set()).add(zrr)
    bar.close()
    values: Values = {}
    merged = 0
    for insee, found in classes.items():
        if len(found) > 1:
            merged += 1
        code, label = found.pop() if len(found) == 1 else PARTIAL
        values[(insee, KEY, year)] = (CLASS_VALUES[code], label)
    for city, found in arrondissements.items():
        # A city without a row of its own takes its arrondissements' classement only when they
        # all share it; otherwise its profile shows their breakdown, never one picked for it.
        if (city, KEY, year) not in values and len(found) == 1:
            code, label = found.pop()
            values[(city, KEY, year)] = (CLASS_VALUES[code], label)
    info = SourceInfo(
        key=KEY,
        title="Classement des communes en zone de revitalisation rurale (ZRR)",
        publisher="ANCT",
        year=year,
    )
    result = ImportResult(source=KEY, skipped=skipped, rows_read=bar.done)
    result.unmatched_add(UNKNOWN_CODE, skipped)
    result.conflicts_add(
        "communes nouvelles aux anciennes communes classées différemment (partiellement classées)",
        merged,
    )
    if merged:
        result.notes.append(f"{merged} merged communes with mixed classements → partially classed")
    if unchanged_since_last_import(result, key=KEY, sha256=sha256, force=force, rows=len(values)):
        return result
    return indicator_values_save(
        info=info, path=path, sha256=sha256, values=values, scope={(KEY, year)}, result=result
    )
