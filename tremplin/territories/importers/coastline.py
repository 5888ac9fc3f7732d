"""ONML list of the communes that the loi Littoral applies to (communes littorales, 2019).

The copy we have has no header and is `;`-separated; its accents were already lost (U+FFFD) in
the source, so the text is read without ever failing on bytes and the known "classement" labels
are restored. Columns: région; département; libellé du département; code INSEE; commune; type;
classement; plan d'eau ou île; population; code de la commune nouvelle (0 if none).

The list is exhaustive: every listed commune gets 1 with its classement as category, every
other commune of the base gets 0.
"""

import csv
import re
from pathlib import Path

from tremplin.territories.coverage import covered_communes
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
    read_text,
    sha256_of,
    unchanged_since_last_import,
)

KEY = "coastline"
YEAR = 2019
COLUMNS = 10
CODE, CLASSEMENT, NEW_CODE = 3, 6, 9
# The ONML classements, as published (the copy lost their accents).
CLASSEMENTS = [
    "Commune riveraine de la mer ou d'un océan",
    "Commune riveraine d'un étang salé",
    "Commune sur un estuaire en aval de la limite transversale de la mer (LTM)",
]
INFO = SourceInfo(
    key=KEY,
    title="Communes littorales au sens de la loi Littoral",
    publisher="Observatoire national de la mer et du littoral (ONML)",
    year=YEAR,
)


def _classement(text: str) -> str:
    """The published label, its lost accents (U+FFFD) restored when it is a known one."""
    text = " ".join(text.split())
    pattern = re.compile("".join("." if char == "\ufffd" else re.escape(char) for char in text))
    for label in CLASSEMENTS:
        if pattern.fullmatch(label):
            return label
    return text


def _new_code(value: str, *, line: int) -> str | None:
    """The code of the commune nouvelle the listed commune joined, None when "0" (none)."""
    if value.strip() in {"", "0"}:
        return None
    return check_insee(value, line=line)


def _rows(path: Path) -> list[tuple[int, list[str]]]:
    rows = []
    for line, row in enumerate(csv.reader(read_text(path).splitlines(), delimiter=";"), start=1):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != COLUMNS:
            raise ImportRefused(
                f"{len(row)} colonnes au lieu de {COLUMNS} (région ; département ; libellé ; "
                "code INSEE ; commune ; type ; classement ; plan d’eau ; population ; "
                "code commune nouvelle)",
                line=line,
            )
        rows.append((line, row))
    if not rows:
        raise ImportRefused("le fichier ne contient aucune commune", line=1)
    return rows


def run(path: Path, *, force: bool = False, progress: bool = True) -> ImportResult:
    sha256 = sha256_of(path)
    rows = _rows(path)
    resolver = CommuneResolver()
    # Current commune → (classement, whether it comes from the commune's own row).
    listed: dict[str, tuple[str, bool]] = {}
    skipped = 0
    bar = Progress(len(rows), path.name, enabled=progress)
    for line, row in bar.wrap(rows):
        code = check_insee(row[CODE], line=line)
        new_code = _new_code(row[NEW_CODE], line=line)
        classement = _classement(row[CLASSEMENT])
        if not classement:
            raise ImportRefused("classement vide", line=line)
        insee = resolver.resolve(new_code or code)
        if insee is None:
            skipped += 1
            continue
        own = insee == code and new_code is None
        if insee not in listed or (own and not listed[insee][1]):
            listed[insee] = (classement, own)
    bar.close()
    # "Not coastal" only where the list covers the commune: elsewhere it is unknown.
    values: Values = {
        (insee, KEY, YEAR): (0.0, "") for insee in covered_communes(KEY, resolver.current)
    }
    for insee, (classement, _own) in listed.items():
        values[(insee, KEY, YEAR)] = (1.0, classement)
    result = ImportResult(source=KEY, skipped=skipped, rows_read=bar.done)
    result.unmatched_add(UNKNOWN_CODE, skipped)
    result.notes.append(f"{len(listed)} coastal communes")
    if unchanged_since_last_import(result, key=KEY, sha256=sha256, force=force, rows=len(values)):
        return result
    return indicator_values_save(
        info=INFO, path=path, sha256=sha256, values=values, scope={(KEY, YEAR)}, result=result
    )
