"""INSEE BPE (base permanente des équipements) counts per commune, as published in the
"equip-<theme>-com-<year>.csv" files: `;`-separated, header `CODGEO;NB_<TYPEQU>;…`, one row per
commune. The theme is recognised from the header columns, not from the file name:

- commerce (NB_B1xx, NB_B2xx, NB_B3xx): shops, supermarkets, bakeries;
- écoles du premier degré (NB_C101…): schools_primary;
- tourisme et transports (NB_E1xx, NB_G1xx): hotels, campings.

The files cover every commune and also Paris, Lyon and Marseille by arrondissement: the rows of
communes are used, arrondissements only when their commune has no row of its own. Communes merged
since the file's geography get the sum of their former communes.
"""

import csv
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
    read_text,
    sha256_of,
    unchanged_since_last_import,
)

YEAR_IN_NAME = re.compile(r"(\d{4})\.csv$")
URL = "https://www.insee.fr/fr/metadonnees/source/serie/s1161"
SHOP_COLUMN = re.compile(r"^NB_B\d{3}$")
TITLE = "Base permanente des équipements (BPE) — {}"


@dataclass(frozen=True)
class Kind:
    """One BPE theme: its source key, its title and how its indicators add up columns."""

    key: str
    title: str
    # Indicator key → the columns whose counts add up to it.
    indicators: dict[str, tuple[str, ...]]


def _kind(columns: list[str]) -> Kind:
    """The theme of a file, from its header columns; refuse when none (or several) match."""
    present = set(columns)
    found = []
    shops = tuple(column for column in columns if SHOP_COLUMN.match(column))
    if shops:
        found.append(
            Kind(
                key="bpe_commerce",
                title="commerces",
                indicators={
                    "shops": shops,
                    "supermarkets": ("NB_B101", "NB_B102"),
                    "bakeries": ("NB_B203",),
                },
            )
        )
    schools = tuple(c for c in ("NB_C101", "NB_C102", "NB_C104", "NB_C105") if c in present)
    if schools:
        found.append(
            Kind(
                key="bpe_schools",
                title="écoles maternelles et élémentaires",
                indicators={"schools_primary": schools},
            )
        )
    if present & {"NB_G102", "NB_G103"}:
        found.append(
            Kind(
                key="bpe_tourism",
                title="tourisme et transports",
                indicators={"hotels": ("NB_G102",), "campings": ("NB_G103",)},
            )
        )
    if not found:
        raise ImportRefused(
            "en-tête non reconnu : ni commerces (NB_B…), ni écoles (NB_C101…), "
            "ni tourisme (NB_G102, NB_G103)",
            line=1,
        )
    if len(found) > 1:
        raise ImportRefused(
            "en-tête ambigu : le fichier mêle plusieurs thèmes de la BPE "
            f"({', '.join(kind.title for kind in found)})",
            line=1,
        )
    kind = found[0]
    for needed in kind.indicators.values():
        for column in needed:
            if column not in present:
                raise ImportRefused(f"colonne « {column} » introuvable dans l’en-tête", line=1)
    return kind


def _year(path: Path) -> int:
    match = YEAR_IN_NAME.search(path.name)
    if match is None:
        raise ImportRefused(
            f"millésime introuvable dans le nom du fichier « {path.name} » "
            "(attendu : …-com-<année>.csv)"
        )
    return int(match.group(1))


def _count(value: str, *, line: int, column: str) -> int:
    number = parse_number(value, line=line, column=column)
    if number is None or number < 0 or not number.is_integer():
        raise ImportRefused(
            f"colonne « {column} » : « {value} » n’est pas un nombre d’équipements", line=line
        )
    return int(number)


def _header(row: list[str]) -> list[str]:
    columns = [cell.strip().upper() for cell in row]
    if not columns or columns[0] != "CODGEO":
        raise ImportRefused("la première colonne de l’en-tête doit être « CODGEO »", line=1)
    return columns


def run(path: Path, *, force: bool = False, progress: bool = True) -> ImportResult:
    year = _year(path)
    sha256 = sha256_of(path)
    rows = list(csv.reader(read_text(path).splitlines(), delimiter=";"))
    if not rows:
        raise ImportRefused("le fichier est vide", line=1)
    columns = _header(rows[0])
    kind = _kind(columns)
    index = {column: position for position, column in enumerate(columns)}
    resolver = CommuneResolver()
    # Counts of each territory's rows (a commune nouvelle's include its former communes'), and
    # of cities from their arrondissements' rows (used only for a city without a row of its own).
    direct: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(kind.indicators, 0))
    by_arrondissement: dict[str, dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(kind.indicators, 0)
    )
    skipped = 0
    bar = Progress(len(rows) - 1, path.name, enabled=progress)
    for line, row in enumerate(rows[1:], start=2):
        bar.advance()
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            raise ImportRefused(
                f"{len(row)} colonnes au lieu de {len(columns)} comme l’en-tête", line=line
            )
        code = check_insee(row[0], line=line)
        counts = {
            column: _count(row[index[column]], line=line, column=column)
            for needed in kind.indicators.values()
            for column in needed
        }
        insee = resolver.resolve(code)
        if insee is None:
            skipped += 1
            continue
        # An arrondissement's row is its own, and part of its city's when the city has none.
        targets = [(direct, insee)]
        if (city := resolver.city_of(code)) is not None:
            targets.append((by_arrondissement, city))
        for target, commune in targets:
            for indicator, needed in kind.indicators.items():
                target[commune][indicator] += sum(counts[column] for column in needed)
    bar.close()
    totals = {**by_arrondissement, **direct}
    values: Values = {
        (insee, indicator, year): (float(count), "")
        for insee, counts in totals.items()
        for indicator, count in counts.items()
    }
    info = SourceInfo(
        key=kind.key, title=TITLE.format(kind.title), publisher="INSEE", url=URL, year=year
    )
    result = ImportResult(source=kind.key, skipped=skipped, rows_read=bar.done)
    result.unmatched_add(UNKNOWN_CODE, skipped)
    if unchanged_since_last_import(
        result, key=kind.key, sha256=sha256, force=force, rows=len(values)
    ):
        return result
    scope = {(indicator, year) for indicator in kind.indicators}
    return indicator_values_save(
        info=info, path=path, sha256=sha256, values=values, scope=scope, result=result
    )
