"""One importer for every "classement by commune" file: the FRR arrêté of the ANCT, the ARS
zonage of a profession. The file is read as published: the command line says which column holds
the commune code, which the category, how the file's labels map to the scheme's categories
(`zonages.SCHEMES`), and the date of the arrêté.

A file is refused whole, naming the line, when a row names a commune that is neither current
nor a known former code, or a label that is neither mapped nor a category of the scheme; nothing
is written then. An ARS file covers its région: importing it replaces that région's values only.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction

from tremplin.territories.importers.base import (
    CommuneResolver,
    ImportRefused,
    ImportResult,
    Progress,
    SourceInfo,
    Values,
    check_insee,
    indicator_values_save,
    sha256_of,
)
from tremplin.territories.importers.table import Table, table_read
from tremplin.territories.models import Commune, DataSource, IndicatorValue
from tremplin.territories.text import normalise_name
from tremplin.territories.zonages import PARTIAL, SCHEMES, Scheme

# A mapping target meaning "no classement published for this row": the row is left out.
SKIP = "-"
SOURCE_KEY_LENGTH = 40


@dataclass(frozen=True)
class Options:
    scheme: Scheme
    code_column: str
    category_column: str
    published_on: date
    mapping: dict[str, str] = field(default_factory=dict)  # normalised label → code or SKIP
    sheet: str | None = None
    header_row: int = 1


def scheme_get(name: str) -> Scheme:
    scheme = SCHEMES.get(name)
    if scheme is None:
        raise ImportRefused(f"schéma « {name} » inconnu (schémas : {', '.join(SCHEMES)})")
    return scheme


def mapping_parse(pairs: list[str], *, scheme: Scheme) -> dict[str, str]:
    """ "Libellé du fichier=CODE" pairs (the last "=" separates them), CODE a category of the
    scheme or "-" for rows without classement; refuse an unknown code before reading."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        label, separator, code = pair.rpartition("=")
        code = code.strip()
        if not separator:
            raise ImportRefused(f"--map « {pair} » : la forme attendue est « libellé=CATÉGORIE »")
        if code != SKIP and scheme.category(code) is None:
            raise ImportRefused(
                f"--map « {pair} » : « {code} » n’est pas une catégorie de {scheme.name} "
                f"({', '.join(scheme.codes)}, ou « {SKIP} » pour ignorer la ligne)"
            )
        mapping[normalise_name(label)] = code
    return mapping


def _known_labels(scheme: Scheme) -> dict[str, str]:
    """The scheme's own codes and French labels, accepted without a --map."""
    known = {normalise_name(c.code): c.code for c in scheme.categories}
    for category in scheme.categories:
        label = normalise_name(str(category.label))
        known[label] = category.code
        known[label.removeprefix("zone ")] = category.code  # "Sous-dotée" for "Zone sous-dotée"
    return known


def _category(
    value: object, *, options: Options, known: dict[str, str], line: int, where: str
) -> str:
    label = "" if value is None else str(value).strip()
    wanted = normalise_name(label)
    code = options.mapping.get(wanted, known.get(wanted))
    if code is None:
        said = f"« {label} »" if label else "une cellule vide"
        raise ImportRefused(
            f"colonne « {options.category_column} » : {said} n’est pas une catégorie de "
            f"{options.scheme.name} ({', '.join(options.scheme.codes)}) ; "
            f'ajoutez --map "{label}=CATÉGORIE"',
            line=line,
            where=where,
        )
    return code


@dataclass
class Read:
    """What the rows say, by current commune: the categories of its own code and of former
    codes (delegated communes) that lead to it; an arrondissement's code is its own, and counts
    for its city when the city has no row (`from_arrondissements`)."""

    direct: dict[str, str] = field(default_factory=dict)
    via_alias: dict[str, set[str]] = field(default_factory=dict)
    from_arrondissements: dict[str, set[str]] = field(default_factory=dict)
    lines: dict[str, tuple[int, str]] = field(default_factory=dict)  # code → (line, category)
    skipped: int = 0


def _read(table: Table, *, options: Options, progress: bool, name: str) -> Read:
    code_column = table.column(options.code_column)
    category_column = table.column(options.category_column)
    resolver = CommuneResolver()
    known = _known_labels(options.scheme)
    read = Read()
    bar = Progress(len(table.rows), name, enabled=progress)
    for line, cells in bar.wrap(table.rows):
        cell = cells[code_column] if code_column < len(cells) else None
        code = check_insee(cell, line=line, where=table.where)
        value = cells[category_column] if category_column < len(cells) else None
        category = _category(value, options=options, known=known, line=line, where=table.where)
        insee = resolver.resolve(code)
        if insee is None:
            raise ImportRefused(
                f"commune « {code} » inconnue : ni commune actuelle, ni ancien code connu "
                "(le fichier suit-il le code officiel géographique en vigueur ?)",
                line=line,
                where=table.where,
            )
        _check_repeated(read, code=code, category=category, line=line, where=table.where)
        if category == SKIP:
            read.skipped += 1
        elif insee == code:
            read.direct[insee] = category
            if (city := resolver.city_of(code)) is not None:
                read.from_arrondissements.setdefault(city, set()).add(category)
        else:
            read.via_alias.setdefault(insee, set()).add(category)
    bar.close()
    return read


def _check_repeated(read: Read, *, code: str, category: str, line: int, where: str) -> None:
    """The same code twice with two categories: the file contradicts itself."""
    first = read.lines.setdefault(code, (line, category))
    if first[1] != category:
        raise ImportRefused(
            f"commune « {code} » classée deux fois, différemment (voir la ligne {first[0]})",
            line=line,
            where=where,
        )


def _merged(scheme: Scheme, categories: set[str]) -> str | None:
    """The category of a commune reached by several former codes classed differently: FRR's
    « partiellement classée »; for a zonage, none (its profile says the zonage is unknown)."""
    if len(categories) == 1:
        return next(iter(categories))
    if scheme.merge == PARTIAL:
        values = {scheme.category(code).value for code in categories}  # type: ignore[union-attr]
        return "FRR" if values == {1.0} else "P"
    return None


def _values(read: Read, *, scheme: Scheme, year: int) -> tuple[Values, int]:
    values: Values = {}
    merged = 0
    for insee, categories in read.via_alias.items():
        if insee not in read.direct:  # a commune's own row says more than its former parts
            merged += len(categories) > 1
            merged_code = _merged(scheme, categories)
            if merged_code is not None:
                category = scheme.category(merged_code)
                values[(insee, scheme.key, year)] = (category.value, merged_code)  # type: ignore[union-attr]
    for insee, code in read.direct.items():
        values[(insee, scheme.key, year)] = (scheme.category(code).value, code)  # type: ignore[union-attr]
    for city, categories in read.from_arrondissements.items():
        # A city without its own row: its arrondissements' category when they all share it;
        # otherwise its profile shows their breakdown, never one category picked for it.
        if (city, scheme.key, year) not in values and len(categories) == 1:
            code = next(iter(categories))
            values[(city, scheme.key, year)] = (scheme.category(code).value, code)  # type: ignore[union-attr]
    return values, merged


def _regions(values: Values) -> set[str] | None:
    """The régions the file covers; None when it covers them all (a national file)."""
    region_of = dict(Commune.objects.values_list("insee", "region_id"))
    covered = {region_of[insee] for insee, _, _ in values}
    return None if covered >= set(region_of.values()) else covered


def replaced_scope(scheme: Scheme, *, year: int, regions: set[str] | None) -> set[tuple[str, int]]:
    """What an arrêté replaces in its régions: the scheme's values of its year and of earlier
    years (a former arrêté), and those of a derived extraction (the CartoSanté `zonage_mg`,
    keyed by the bare indicator key) whatever their year — the official text wins. A newer
    arrêté already imported stays."""
    rows = IndicatorValue.objects.filter(key=scheme.key)
    if regions is not None:
        rows = rows.filter(commune__region_id__in=regions)
    years = set(rows.values_list("year", flat=True).distinct())
    extraction = set(rows.filter(source__key=scheme.key).values_list("year", flat=True).distinct())
    return {(scheme.key, y) for y in years if y <= year or y in extraction} | {(scheme.key, year)}


def source_key(scheme: Scheme, *, published_on: date, regions: set[str] | None) -> str:
    """One DataSource per arrêté: its scheme, its date and, for a regional one, its régions."""
    key = f"{scheme.key}:{published_on.isoformat()}"
    if regions is None:
        return key
    joined = f"{key}:{'-'.join(sorted(regions))}"
    if len(joined) <= SOURCE_KEY_LENGTH:
        return joined
    digest = hashlib.sha1("-".join(sorted(regions)).encode()).hexdigest()[:8]
    return f"{key}:{len(regions)}r-{digest}"


def _unchanged(
    values: Values, *, key: str, sha256: str, scheme: Scheme, year: int, regions: set[str] | None
) -> bool:
    """This exact file, read with the same options, is already what the base holds."""
    source = DataSource.objects.filter(key=key, file_sha256=sha256).first()
    if source is None:
        return False
    rows = IndicatorValue.objects.filter(key=scheme.key, year=year)
    if regions is not None:
        rows = rows.filter(commune__region_id__in=regions)
    held = {
        (commune, scheme.key, year): (value, category)
        for commune, value, category, source_id in rows.values_list(
            "commune_id", "value", "category", "source_id"
        )
        if source_id == source.pk
    }
    return held == values and rows.count() == len(values)


def run(
    path: Path, *, options: Options, force: bool = False, progress: bool = True
) -> ImportResult:
    scheme, year = options.scheme, options.published_on.year
    sha256 = sha256_of(path)
    table = table_read(path, sheet=options.sheet, header_row=options.header_row)
    read = _read(table, options=options, progress=progress, name=path.name)
    values, merged = _values(read, scheme=scheme, year=year)
    if not values:
        raise ImportRefused("aucune commune classée dans le fichier", where=table.where)
    regions = _regions(values)
    key = source_key(scheme, published_on=options.published_on, regions=regions)
    result = ImportResult(source=key, skipped=read.skipped)
    if merged:
        result.notes.append(f"{merged} communes from former codes classed differently, merged")
    if not force and _unchanged(
        values, key=key, sha256=sha256, scheme=scheme, year=year, regions=regions
    ):
        result.unchanged = len(values)
        result.notes.append("same file and options as last import, nothing to do")
        return result
    info = SourceInfo(
        key=key,
        title=scheme.title,
        publisher=scheme.publisher,
        url=scheme.url,
        year=year,
        published_on=options.published_on,
    )
    with transaction.atomic():
        indicator_values_save(
            info=info,
            path=path,
            sha256=sha256,
            values=values,
            scope=replaced_scope(scheme, year=year, regions=regions),
            result=result,
            regions=regions,
        )
        # Earlier arrêtés of the scheme whose values were all replaced.
        DataSource.objects.filter(key__startswith=f"{scheme.key}:", values__isnull=True).delete()
    return result
