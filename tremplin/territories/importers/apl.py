"""DREES APL workbooks (accessibilité potentielle localisée), as published: one sheet per year
("APL 2022", "APL 2023"), header on row 9, units on row 10, one row per commune from row 11.
Paris, Lyon and Marseille are published by arrondissement: each arrondissement gets its own row,
and the city the average of its arrondissements weighted by standardised population, as the
DREES aggregates APLs. A commune nouvelle published with its former communes (a file on an older
geography) gets their average weighted the same way; see `territory_rows`. The standardised
population is stored with each value, for the averages of EPCIs, départements and régions."""

import re
from collections import defaultdict
from dataclasses import dataclass
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
from tremplin.territories.importers.xlsx import header_index, sheet_rows, workbook_open

HEADER_ROW, UNITS_ROW, FIRST_DATA_ROW = 9, 10, 11
SHEET_NAME = re.compile(r"^APL (\d{4})$")
URL = "https://data.drees.solidarites-sante.gouv.fr/explore/dataset/530_l-accessibilite-potentielle-localisee-apl/"

# Column heading that identifies the profession → (source key, indicator key, title).
PROFESSIONS = [
    ("apl aux médecins généralistes", "apl_mg", "médecins généralistes"),
    ("apl aux infirmi", "apl_inf", "infirmiers"),
    ("apl aux sages-femmes", "apl_sf", "sages-femmes"),
    ("apl aux chirurgiens-dentistes", "apl_cd", "chirurgiens-dentistes"),
    ("apl aux masseurs-kinésithérapeutes", "apl_mk", "masseurs-kinésithérapeutes"),
]
UNDER_65 = "apl aux médecins généralistes de moins de 65 ans"


def _profession(header: tuple) -> tuple[str, str]:
    cells = [str(c).strip().lower() for c in header if c]
    for prefix, key, title in PROFESSIONS:
        if any(cell.startswith(prefix) for cell in cells):
            return key, title
    raise ImportRefused(
        "aucune colonne « APL aux … » reconnue (médecins généralistes, infirmiers, sages-femmes, "
        "chirurgiens-dentistes, masseurs-kinésithérapeutes)",
        line=HEADER_ROW,
    )


@dataclass
class _Row:
    code: str  # as published
    measures: dict[str, float | None]
    weight: float | None  # the standardised population the DREES weights the APL by


def _combined(rows: list[_Row], measure: str) -> tuple[float | None, float | None]:
    """(APL, standardised population) of a territory from the rows published for its parts,
    weighted by standardised population as the DREES aggregates APLs; the weights of rows
    without a value do not count. (None, None) when no part has both."""
    known = [
        (row.measures[measure], row.weight) for row in rows if row.measures.get(measure) is not None
    ]
    if len(known) == 1:
        return known[0]
    total = sum(weight or 0.0 for _, weight in known)
    if not known or not total:
        return None, None
    value = sum(apl * (weight or 0.0) for apl, weight in known if apl is not None) / total
    return round(value, 3), round(total, 3)


def territory_rows(rows: list[_Row], resolver: CommuneResolver) -> dict[str, list[_Row]]:
    """The rows each current territory's value comes from, following the file's geography:

    - a commune (or an arrondissement) published under its own code alone: that row;
    - a commune nouvelle whose former communes are published too (the file predates the merger):
      all of its rows, own code included, combined by standardised population;
    - a city without a row of its own (Paris, Lyon, Marseille are published by arrondissement):
      its arrondissements' rows, combined the same way.

    The result never depends on the order of the rows.
    """
    parts: dict[str, list[_Row]] = defaultdict(list)
    from_arrondissements: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        insee = resolver.resolve(row.code)
        if insee is None:
            continue
        parts[insee].append(row)
        if (city := resolver.city_of(row.code)) is not None:
            from_arrondissements[city].append(row)
    for city, arrondissements in from_arrondissements.items():
        parts.setdefault(city, arrondissements)
    return parts


def run(path: Path, *, force: bool = False, progress: bool = True) -> ImportResult:
    sha256 = sha256_of(path)
    workbook = workbook_open(path)
    sheets = [
        (int(m.group(1)), ws) for ws in workbook.worksheets if (m := SHEET_NAME.match(ws.title))
    ]
    if not sheets:
        raise ImportRefused("aucune feuille « APL <année> » dans le classeur")
    resolver = CommuneResolver()
    values: Values = {}
    weights: dict[tuple[str, str, int], float | None] = {}
    scope: set[tuple[str, int]] = set()
    key = title = ""
    skipped = 0
    merged: set[str] = set()  # communes nouvelles published with their former communes
    bar = Progress(None, path.name, enabled=progress)
    for year, sheet in sheets:
        where = f"feuille « {sheet.title} »"
        columns: dict[str, int] = {}
        rows: list[_Row] = []
        for line, row in sheet_rows(sheet):
            if line < HEADER_ROW:
                continue
            if line == HEADER_ROW:
                try:
                    sheet_key, sheet_title = _profession(row)
                except ImportRefused as refusal:
                    raise ImportRefused(refusal.reason, line=line, where=where) from None
                if key and sheet_key != key:
                    raise ImportRefused(
                        "les feuilles ne portent pas sur la même profession", line=line, where=where
                    )
                key, title = sheet_key, sheet_title
                required = {"code": "code commune insee", "apl": f"apl aux {title.split()[0][:6]}"}
                columns = header_index(row, line=line, where=where, required=required)
                cells = [str(c).strip().lower() if c else "" for c in row]
                if UNDER_65 in cells:
                    columns["apl_65"] = cells.index(UNDER_65)
                for index, cell in enumerate(cells):
                    if cell.startswith("population standardisée") or cell.startswith(
                        "population féminine standardisée"
                    ):
                        columns.setdefault("weight", index)
                scope.add((key, year))
                if "apl_65" in columns:
                    scope.add(("apl_mg_65", year))
                continue
            if line == UNITS_ROW or not any(cell not in (None, "") for cell in row):
                continue
            bar.advance()
            code = check_insee(row[columns["code"]], line=line, where=where)
            if resolver.resolve(code) is None:
                skipped += 1
                continue
            measures = {
                key: parse_number(row[columns["apl"]], line=line, column="APL", where=where)
            }
            if "apl_65" in columns:
                measures["apl_mg_65"] = parse_number(
                    row[columns["apl_65"]], line=line, column="APL moins de 65 ans", where=where
                )
            weight = (
                parse_number(row[columns["weight"]], line=line, column="population", where=where)
                if "weight" in columns
                else None
            )
            rows.append(_Row(code=code, measures=measures, weight=weight))
        grouped = territory_rows(rows, resolver)
        cities = set(resolver.cities.values())  # combined from arrondissements, not merged
        merged |= {
            insee
            for insee, parts in grouped.items()
            if len(parts) > 1 and insee in resolver.current and insee not in cities
        }
        for insee, parts in grouped.items():
            for measure in parts[0].measures:
                value, weight = _combined(parts, measure)
                if value is not None:
                    values[(insee, measure, year)] = (value, "")
                    weights[(insee, measure, year)] = weight
    bar.close()
    workbook.close()
    info = SourceInfo(
        key=key,
        title=f"Accessibilité potentielle localisée (APL) aux {title}",
        publisher="DREES",
        url=URL,
        year=max(year for year, _ in sheets),
    )
    result = ImportResult(source=key, skipped=skipped, rows_read=bar.done)
    result.unmatched_add(UNKNOWN_CODE, skipped)  # over every sheet
    result.conflicts_add(
        "communes nouvelles publiées avec leurs anciennes communes (moyenne pondérée)",
        len(merged),
    )
    if unchanged_since_last_import(result, key=key, sha256=sha256, force=force, rows=len(values)):
        return result
    return indicator_values_save(
        info=info,
        path=path,
        sha256=sha256,
        values=values,
        scope=scope,
        result=result,
        weights=weights,
    )
