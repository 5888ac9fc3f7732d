"""ARS zonage of médecins généralistes (ZIP, ZAC, ZAR, hors zonage) by postal code.

Our copy is an extraction of CartoSanté made in 2025 and keyed by postal code, not by INSEE code:
header `Code_postal,Nom_commune,Zonage`, postal codes without their leading zero ("1400"),
values "1_ZIP", "2_ZAC", "3_HZ", "4_ZAR" or "N/A - résultat non disponible".

Each row is matched to a commune (or an arrondissement of Paris, Lyon or Marseille) among those
of its postal code: by name, then by the name of a delegated or associated commune, then the
postal code's only commune. A commune whose rows disagree gets no zonage (see `zonages_decide`).
"""

import csv
import re
from collections import defaultdict
from pathlib import Path

from tremplin.territories.importers.base import (
    ImportRefused,
    ImportResult,
    Progress,
    SourceInfo,
    Values,
    indicator_values_save,
    read_text,
    sha256_of,
    unchanged_since_last_import,
)
from tremplin.territories.models import Commune, CommuneAlias, IndicatorValue, PostalCode
from tremplin.territories.text import normalise_name

KEY = "zonage_mg"
# The file is the CartoSanté extraction of 2025 (its name carries no year).
YEAR = 2025
COLUMNS = {"postal_code": "code_postal", "name": "nom_commune", "zonage": "zonage"}
POSTAL_CODE = re.compile(r"^\d{4,5}$")
ZONAGE = re.compile(r"^[1-4]_(ZIP|ZAC|HZ|ZAR)$")
NOT_AVAILABLE = "N/A"
INFO = SourceInfo(
    key=KEY,
    title="Zonage des médecins généralistes (zones d’intervention prioritaire et d’action complémentaire)",
    publisher="ARS (via CartoSanté)",
    url="https://cartosante.atlasante.fr/",
    year=YEAR,
)


def _header(row: list[str]) -> dict[str, int]:
    cells = [cell.strip().lower() for cell in row]
    found = {}
    for name, heading in COLUMNS.items():
        if heading not in cells:
            raise ImportRefused(
                "en-tête attendu : Code_postal,Nom_commune,Zonage "
                f"(colonne « {heading.capitalize()} » introuvable)",
                line=1,
            )
        found[name] = cells.index(heading)
    return found


def _postal_code(value: str, *, line: int) -> str:
    text = value.strip()
    if not POSTAL_CODE.match(text):
        raise ImportRefused(f"code postal « {value} » invalide", line=line)
    return text.zfill(5)


def _zonage(value: str, *, line: int) -> str | None:
    """ "ZIP" from "1_ZIP"; None for "N/A - résultat non disponible"; refuse anything else."""
    text = value.strip()
    if text.startswith(NOT_AVAILABLE):
        return None
    match = ZONAGE.match(text)
    if match is None:
        raise ImportRefused(
            f"colonne « Zonage » : « {value} » inconnu (1_ZIP, 2_ZAC, 3_HZ, 4_ZAR ou N/A)",
            line=line,
        )
    return match.group(1)


class CommuneMatcher:
    """Finds the commune of a (postal code, name) pair."""

    def __init__(self) -> None:
        self.by_postal_code: dict[str, list[str]] = defaultdict(list)
        for code, insee in PostalCode.objects.order_by("code", "commune_id").values_list(
            "code", "commune_id"
        ):
            self.by_postal_code[code].append(insee)
        self.search_names = dict(Commune.objects.values_list("insee", "search_name"))
        self.cities: dict[str, str] = dict(
            Commune.objects.filter(kind=Commune.Kind.ARRONDISSEMENT).values_list("insee", "city_id")
        )
        self.alias_names: dict[str, set[str]] = defaultdict(set)
        for insee, name in CommuneAlias.objects.values_list("commune_id", "name"):
            self.alias_names[insee].add(normalise_name(name))

    def match(self, postal_code: str, name: str) -> tuple[str, bool] | None:
        """(INSEE code, whether the row names the commune itself) or None."""
        candidates = self.by_postal_code.get(postal_code, [])
        wanted = normalise_name(name)
        by_name = [insee for insee in candidates if self.search_names.get(insee) == wanted]
        if len(by_name) == 1:
            return by_name[0], True
        by_alias = [insee for insee in candidates if wanted in self.alias_names[insee]]
        if len(by_alias) == 1:
            return by_alias[0], False
        if len(candidates) == 1:
            return candidates[0], False
        return None


Found = dict[str, dict[str, bool]]  # commune → zonage → named by a row naming the commune


def zonages_decide(
    found: Found, from_arrondissements: dict[str, set[str]]
) -> tuple[dict[str, str], int]:
    """(zonage of each commune, communes left without one), whatever the order of the rows.

    A commune's own rows (naming it) decide; without any, its other rows (former communes,
    the postal code's only commune) when they agree. Rows that disagree give no zonage — never
    the most favourable picked for it. A city without rows of its own takes its arrondissements'
    zonage only when they all share it; its profile otherwise shows their breakdown.
    """
    zonages, mixed = {}, 0
    for insee, rows in found.items():
        own = {zonage for zonage, named in rows.items() if named}
        decisive = own or set(rows)
        if len(decisive) == 1:
            zonages[insee] = next(iter(decisive))
        else:
            mixed += 1
    for city, zonages_found in from_arrondissements.items():
        if city not in found and len(zonages_found) == 1:
            zonages[city] = next(iter(zonages_found))
    return zonages, mixed


def _rows(path: Path) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    reader = csv.reader(read_text(path).splitlines())
    header = next(reader, None)
    if header is None:
        raise ImportRefused("le fichier est vide", line=1)
    columns = _header(header)
    rows = []
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise ImportRefused(
                f"{len(row)} colonnes au lieu de {len(header)} comme l’en-tête", line=line
            )
        rows.append((line, row))
    return columns, rows


def run(path: Path, *, force: bool = False, progress: bool = True) -> ImportResult:
    sha256 = sha256_of(path)
    columns, rows = _rows(path)
    matcher = CommuneMatcher()
    if not matcher.search_names:
        raise ImportRefused(
            "la base des communes est vide : lancez d’abord `manage.py import_communes`."
        )
    found: Found = {}
    from_arrondissements: dict[str, set[str]] = {}
    not_available = unmatched = 0
    bar = Progress(len(rows), path.name, enabled=progress)
    for line, row in bar.wrap(rows):
        postal_code = _postal_code(row[columns["postal_code"]], line=line)
        zonage = _zonage(row[columns["zonage"]], line=line)
        if zonage is None:
            not_available += 1
            continue
        match = matcher.match(postal_code, row[columns["name"]])
        if match is None:
            unmatched += 1
            continue
        insee, named = match
        rows_found = found.setdefault(insee, {})
        rows_found[zonage] = rows_found.get(zonage, False) or named
        if (city := matcher.cities.get(insee)) is not None:
            from_arrondissements.setdefault(city, set()).add(zonage)
    bar.close()
    zonages, mixed = zonages_decide(found, from_arrondissements)
    # Where an official arrêté is imported (`import_classement --scheme zonage_medecins`), it
    # wins: this extraction leaves those régions alone.
    official = official_regions()
    region_of = dict(Commune.objects.values_list("insee", "region_id"))
    regions = set(region_of.values()) - official
    values: Values = {
        (insee, KEY, YEAR): (None, zonage)
        for insee, zonage in zonages.items()
        if region_of.get(insee) in regions
    }
    result = ImportResult(source=KEY, skipped=not_available + unmatched, rows_read=bar.done)
    result.unmatched_add("résultat non disponible (N/A) dans le fichier", not_available)
    result.unmatched_add(
        "code postal inconnu, ou plusieurs communes sans nom correspondant", unmatched
    )
    result.conflicts_add("communes aux lignes de zonages différents (laissées sans zonage)", mixed)
    result.notes.append(f"{not_available} rows without result (N/A), {unmatched} rows unmatched")
    if mixed:
        result.notes.append(f"{mixed} communes with differing zonages left without one")
    if unchanged_since_last_import(result, key=KEY, sha256=sha256, force=force, rows=len(values)):
        return result
    if official:
        result.notes.append(f"{len(official)} régions with an official arrêté left alone")
    return indicator_values_save(
        info=INFO,
        path=path,
        sha256=sha256,
        values=values,
        scope={(KEY, YEAR)},
        result=result,
        regions=regions if official else None,
    )


def official_regions() -> set[str]:
    """The régions whose médecins' zonage comes from an imported arrêté (sources keyed
    "zonage_mg:<date>…" by import_classement)."""
    return set(
        IndicatorValue.objects.filter(key=KEY, source__key__startswith=f"{KEY}:")
        .values_list("commune__region_id", flat=True)
        .distinct()
    )
