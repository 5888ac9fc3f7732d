"""INSEE Filosofi poverty rates per commune ("FILO<year>_DISP_Pauvres_COM.xlsx").

Sheet "ENSEMBLE" (all households): titles on rows 1-4, labels on row 5, variable codes on row 6
(CODGEO, LIBGEO, TP4019, TP5019, TP6019, …), one row per commune from row 7. The indicator is the
poverty rate at the 60 % threshold, `TP60<yy>`; the year comes from that code. Only communes with
enough households are published: empty cells mean "not published" and give no value.

Arrondissements (Paris, Lyon, Marseille) get their own rows, and their city its own. A
rate cannot be added up, so a commune formed since the file's geography from several published
former communes gets no value.
"""

import re
from collections import defaultdict
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
    parse_number,
    sha256_of,
    unchanged_since_last_import,
)
from tremplin.territories.importers.xlsx import sheet_rows, workbook_open

KEY = "poverty"
SHEET_NAME = "ENSEMBLE"
HEADER_ROW, FIRST_DATA_ROW = 6, 7
RATE_COLUMN = re.compile(r"^TP60(\d{2})$")
URL = "https://www.insee.fr/fr/metadonnees/source/serie/s1172"


def _columns(row: tuple, *, where: str) -> tuple[int, int, str, int]:
    """(CODGEO column, TP60yy column, its name, year) from the header row."""
    cells = [str(cell).strip().upper() if cell is not None else "" for cell in row]
    if "CODGEO" not in cells:
        raise ImportRefused(
            "colonne « CODGEO » introuvable dans l’en-tête", line=HEADER_ROW, where=where
        )
    for index, cell in enumerate(cells):
        if match := RATE_COLUMN.match(cell):
            return cells.index("CODGEO"), index, cell, 2000 + int(match.group(1))
    raise ImportRefused(
        "colonne « TP60<année> » (taux de pauvreté au seuil de 60 %) introuvable dans l’en-tête",
        line=HEADER_ROW,
        where=where,
    )


def _cell(row: tuple, index: int) -> object:
    return row[index] if index < len(row) else None


def _rate(value: object, *, line: int, column: str, where: str) -> float | None:
    rate = parse_number(value, line=line, column=column, where=where)
    if rate is not None and not 0 <= rate <= 100:
        raise ImportRefused(
            f"colonne « {column} » : taux « {value} » hors de 0-100", line=line, where=where
        )
    return rate


def _read(
    path: Path, *, resolver: CommuneResolver, progress: bool
) -> tuple[dict[str, list[float | None]], int, int]:
    """(published rates of each commune, year, rows with an unknown code)."""
    workbook = workbook_open(path)
    try:
        sheet = (
            workbook[SHEET_NAME] if SHEET_NAME in workbook.sheetnames else workbook.worksheets[0]
        )
        where = f"feuille « {sheet.title} »"
        rates: dict[str, list[float | None]] = defaultdict(list)
        code_column = rate_column = year = 0
        column = ""
        skipped = 0
        bar = Progress(None, path.name, enabled=progress)
        for line, row in sheet_rows(sheet):
            if line == HEADER_ROW:
                code_column, rate_column, column, year = _columns(row, where=where)
            if line < FIRST_DATA_ROW or not any(cell not in (None, "") for cell in row):
                continue
            bar.advance()
            code = check_insee(_cell(row, code_column), line=line, where=where)
            rate = _rate(_cell(row, rate_column), line=line, column=column, where=where)
            insee = resolver.resolve(code)
            if insee is None:
                skipped += 1
            else:  # an arrondissement's own rate is its own: the city has its row too
                rates[insee].append(rate)
        bar.close()
    finally:
        workbook.close()
    if not year:
        raise ImportRefused(
            "en-tête absent : la feuille est trop courte", line=HEADER_ROW, where=where
        )
    return rates, year, skipped


def run(path: Path, *, force: bool = False, progress: bool = True) -> ImportResult:
    sha256 = sha256_of(path)
    rates, year, skipped = _read(path, resolver=CommuneResolver(), progress=progress)
    read_rows = sum(len(published) for published in rates.values()) + skipped
    values: Values = {}
    unpublished = ambiguous = 0
    for insee, published in rates.items():
        if len(published) > 1:
            ambiguous += 1
            continue
        rate = published[0]
        if rate is None:
            unpublished += 1
            continue
        values[(insee, KEY, year)] = (rate, "")
    info = SourceInfo(
        key=KEY,
        title="Taux de pauvreté au seuil de 60 % (Filosofi)",
        publisher="INSEE",
        url=URL,
        year=year,
    )
    result = ImportResult(source=KEY, skipped=skipped + ambiguous, rows_read=read_rows)
    result.unmatched_add(UNKNOWN_CODE, skipped)
    result.unmatched_add("taux non publié (secret statistique : trop peu de ménages)", unpublished)
    result.conflicts_add(
        "communes nouvelles publiées en plusieurs anciennes communes (un taux ne s’additionne pas)",
        ambiguous,
    )
    if unpublished:
        result.notes.append(f"{unpublished} communes without a published rate")
    if ambiguous:
        result.notes.append(f"{ambiguous} merged communes left without a rate")
    if unchanged_since_last_import(result, key=KEY, sha256=sha256, force=force, rows=len(values)):
        return result
    return indicator_values_save(
        info=info, path=path, sha256=sha256, values=values, scope={(KEY, year)}, result=result
    )
