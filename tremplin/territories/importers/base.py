"""What every open-data importer shares: reading a file or URL, refusing bad input with the line
and the reason, writing atomically and idempotently, showing progress, recording the source."""

import bisect
import hashlib
import math
import re
import shutil
import sys
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from tremplin.territories.models import Commune, CommuneAlias, DataSource, IndicatorValue

UNKNOWN_CODE = "code absent de la base des communes (ni commune actuelle, ni ancienne commune)"
INSEE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
DOWNLOAD_TIMEOUT = 60


class ImportRefused(Exception):
    """The file does not have the expected shape: nothing was written."""

    def __init__(self, reason: str, *, line: int | None = None, where: str = "") -> None:
        self.reason, self.line, self.where = reason, line, where
        location = f"ligne {line}" if line is not None else ""
        if where:
            location = f"{where}, {location}" if location else where
        super().__init__(f"{location} : {reason}" if location else reason)


@dataclass(frozen=True)
class SourceInfo:
    key: str
    title: str
    publisher: str
    url: str = ""
    licence: str = "Licence Ouverte / Etalab 2.0"
    year: int | None = None
    published_on: date | None = None  # the date of the text (arrêté) that published the data


@dataclass
class ImportResult:
    source: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    skipped: int = 0
    notes: list[str] = field(default_factory=list)
    # What `manage.py data_audit` reports: data rows read, territories that got a value, rows
    # not matched (reason → rows) and territories whose rows disagree (what → territories).
    rows_read: int = 0
    territories: int = 0
    unmatched: dict[str, int] = field(default_factory=dict)
    conflicts: dict[str, int] = field(default_factory=dict)

    def unmatched_add(self, reason: str, rows: int) -> None:
        if rows:
            self.unmatched[reason] = self.unmatched.get(reason, 0) + rows

    def conflicts_add(self, what: str, territories: int) -> None:
        if territories:
            self.conflicts[what] = self.conflicts.get(what, 0) + territories

    def summary(self) -> str:
        text = (
            f"{self.source}: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.deleted} deleted, {self.skipped} skipped"
        )
        return "; ".join([text, *self.notes])


def fetch(location: str, *, cache_dir: Path | None = None) -> Path:
    """A local path as is; an http(s) URL downloaded once into the cache folder."""
    if not location.startswith(("http://", "https://")):
        path = Path(location).expanduser()
        if not path.is_file():
            raise ImportRefused(f"fichier introuvable : {path}")
        return path
    cache_dir = cache_dir or Path(settings.BASE_DIR) / ".cache" / "downloads"
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / (location.rstrip("/").rsplit("/", 1)[-1].split("?")[0] or "download")
    if target.is_file():
        return target
    partial = target.with_suffix(target.suffix + ".part")
    try:
        with (
            urllib.request.urlopen(location, timeout=DOWNLOAD_TIMEOUT) as response,
            partial.open("wb") as out,
        ):
            shutil.copyfileobj(response, out)
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        partial.unlink(missing_ok=True)
        raise ImportRefused(
            f"téléchargement impossible de {location} ({getattr(error, 'reason', error)}). "
            "Téléchargez le fichier vous-même et donnez son chemin à la commande."
        ) from None
    partial.rename(target)
    return target


def read_text(path: Path) -> str:
    """A published text file: UTF-8 (with or without BOM) when it is, else Windows-1252, else
    Latin-1 — never fails on bytes (some official CSVs are still published in Windows-1252)."""
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


# Part of every file's fingerprint: bumped when the importers read files differently (revision 2:
# arrondissements as territories, standardised populations kept, coverage), so that a file
# imported by an older revision is imported again, once, by `make run` / `import_opendata`.
IMPORT_REVISION = b"tremplin-territories-import-2\n"


def sha256_of(path: Path) -> str:
    """The file's fingerprint for "already imported": its SHA-256, salted by IMPORT_REVISION."""
    digest = hashlib.sha256(IMPORT_REVISION)
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def already_imported(key: str, sha256: str) -> bool:
    return DataSource.objects.filter(key=key, file_sha256=sha256).exists()


def unchanged_since_last_import(
    result: ImportResult, *, key: str, sha256: str, force: bool, rows: int
) -> bool:
    """True (and `result` says so) when this exact file was the last one imported for `key`:
    the import then writes nothing."""
    if force or not already_imported(key, sha256):
        return False
    result.unchanged = rows
    result.notes.append("same file as last import, nothing to do")
    return True


def source_record(info: SourceInfo, *, path: Path | None, sha256: str, rows: int) -> DataSource:
    source, _ = DataSource.objects.update_or_create(
        key=info.key,
        defaults={
            "title": info.title,
            "publisher": info.publisher,
            "url": info.url,
            "licence": info.licence,
            "year": info.year,
            "published_on": info.published_on,
            "file_name": path.name if path else "",
            "file_sha256": sha256,
            "rows": rows,
            "imported_at": timezone.now(),
        },
    )
    return source


class Progress:
    """A one-line progress bar on the terminal: rows done, rate, time left."""

    def __init__(
        self, total: int | None, label: str, stream: IO[str] | None = None, enabled: bool = True
    ) -> None:
        self.total, self.label = total, label
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.done = 0
        self.started = time.monotonic()
        self._last = 0.0

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = time.monotonic()
        if self.enabled and now - self._last > 0.2:
            self._last = now
            self._draw(now)

    def wrap(self, rows: Iterable[Any]) -> Iterator[Any]:
        for row in rows:
            yield row
            self.advance()

    def _draw(self, now: float) -> None:
        elapsed = max(now - self.started, 1e-6)
        rate = self.done / elapsed
        if self.total:
            share = min(self.done / self.total, 1)
            bar = "#" * int(share * 30)
            left = (self.total - self.done) / rate if rate else math.inf
            text = (
                f"\r{self.label} [{bar:<30}] {self.done}/{self.total} "
                f"{rate:,.0f}/s, {left:,.0f}s left   "
            )
        else:
            text = f"\r{self.label} {self.done} rows, {rate:,.0f}/s   "
        self.stream.write(text)
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.done:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()


class CommuneResolver:
    """Turns a published commune code into the INSEE code of a current territory (or None).

    A current commune's code and an arrondissement's code resolve to themselves; a delegated or
    associated commune's code to its commune nouvelle. `current` holds the communes proper (what
    a count gives 0 to when a source lists nothing there); `cities` maps each arrondissement to
    its city, whose value an importer derives from the arrondissements' by the source's method
    when the source has no row for the city itself.
    """

    def __init__(self) -> None:
        kinds = dict(Commune.objects.values_list("insee", "kind"))
        self.current = {code for code, kind in kinds.items() if kind == Commune.Kind.COMMUNE}
        self.cities: dict[str, str] = dict(
            Commune.objects.filter(kind=Commune.Kind.ARRONDISSEMENT).values_list("insee", "city_id")
        )
        self.aliases = dict(CommuneAlias.objects.values_list("code", "commune_id"))
        if not self.current:
            raise ImportRefused(
                "la base des communes est vide : lancez d’abord `manage.py import_communes`."
            )

    def resolve(self, code: str) -> str | None:
        if code in self.current or code in self.cities:
            return code
        return self.aliases.get(code)

    def is_arrondissement(self, code: str) -> bool:
        return code in self.cities

    def is_former_commune(self, code: str) -> bool:
        """A delegated or associated commune: its row is part of its commune nouvelle's."""
        return code in self.aliases

    def city_of(self, code: str) -> str | None:
        return self.cities.get(code)


def check_insee(value: object, *, line: int, where: str = "") -> str:
    code = normalise_code(value)
    if not INSEE_CODE.match(code):
        raise ImportRefused(f"code commune « {value} » invalide", line=line, where=where)
    return code


def normalise_code(value: object, width: int = 5) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip().upper()
    if text.isdigit() and len(text) < width:
        text = text.zfill(width)
    return text


def parse_number(value: object, *, line: int, column: str, where: str = "") -> float | None:
    """A published number: int/float cells, French decimals "1,9", spaces as thousand separators;
    empty and secret-statistics markers give None."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ImportRefused(f"colonne « {column} » : nombre attendu", line=line, where=where)
    if isinstance(value, int | float):
        if isinstance(value, float) and math.isnan(value):
            return None
        return float(value)
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if text in {"", "s", "nd", "n.d.", "NA", "N/A", "-", "."}:
        return None
    try:
        return float(text)
    except ValueError:
        raise ImportRefused(
            f"colonne « {column} » : « {value} » n’est pas un nombre", line=line, where=where
        ) from None


Values = dict[tuple[str, str, int], tuple[float | None, str]]


def indicator_values_save(
    *,
    info: SourceInfo,
    path: Path | None,
    sha256: str,
    values: Values,
    scope: set[tuple[str, int]],
    result: ImportResult,
    weights: dict[tuple[str, str, int], float | None] | None = None,
    regions: set[str] | None = None,
) -> ImportResult:
    """Replace, atomically, the values of the (key, year) pairs in `scope` by `values` (only
    those of communes of `regions` when given: a regional file leaves the others alone).

    Ranks (shares of communes above and below) are computed here, over the values of the
    communes proper of each (key, year); an arrondissement is placed among them. `weights` are
    the populations the source weights values by (stored for area aggregates). Unchanged rows
    are not touched, so re-importing the same file changes nothing; when many rows change, the
    scope is rewritten in bulk (faster than row-by-row updates).
    """
    weights = weights or {}
    arrondissements = set(
        Commune.objects.filter(kind=Commune.Kind.ARRONDISSEMENT).values_list("insee", flat=True)
    )
    shares = _shares(values, placed_only=arrondissements)
    result.territories = len({commune for commune, _key, _year in values})
    with transaction.atomic():
        source = source_record(info, path=path, sha256=sha256, rows=len(values))
        existing: dict[tuple[str, str, int], tuple] = {}
        for key, year in scope:
            rows = IndicatorValue.objects.filter(key=key, year=year)
            if regions is not None:
                rows = rows.filter(commune__region_id__in=regions)
            for row in rows.values_list(
                "pk",
                "commune_id",
                "value",
                "category",
                "share_above",
                "share_below",
                "weight",
                "source_id",
            ):
                pk, commune, *rest = row
                existing[(commune, key, year)] = (pk, *rest)
        new_rows, changed, unchanged = [], [], 0
        for ident, (value, category) in values.items():
            above, below = shares.get(ident, (None, None))
            weight = weights.get(ident)
            wanted = (value, category, above, below, weight, source.pk)
            current = existing.pop(ident, None)
            if current is None:
                new_rows.append((ident, wanted))
            elif tuple(current[1:]) != wanted:
                changed.append((current[0], ident, wanted))
            else:
                unchanged += 1
        stale = [current[0] for current in existing.values()]
        result.created += len(new_rows)
        result.deleted += len(stale)
        result.updated += len(changed)
        result.unchanged += unchanged
        if len(changed) > 1000:
            # Rewrite everything that differs in bulk: delete, then create.
            stale += [pk for pk, _, _ in changed]
            new_rows += [(ident, wanted) for _, ident, wanted in changed]
            changed = []
        for start in range(0, len(stale), 5000):
            IndicatorValue.objects.filter(pk__in=stale[start : start + 5000]).delete()
        IndicatorValue.objects.bulk_create(
            [
                IndicatorValue(
                    commune_id=commune,
                    key=key,
                    year=year,
                    value=value,
                    category=category,
                    share_above=above,
                    share_below=below,
                    weight=weight,
                    source_id=source_pk,
                )
                for (commune, key, year), (
                    value,
                    category,
                    above,
                    below,
                    weight,
                    source_pk,
                ) in new_rows
            ],
            batch_size=5000,
        )
        for pk, _, (value, category, above, below, weight, source_pk) in changed:
            IndicatorValue.objects.filter(pk=pk).update(
                value=value,
                category=category,
                share_above=above,
                share_below=below,
                weight=weight,
                source_id=source_pk,
            )
    statistics_refresh()
    return result


def statistics_refresh() -> None:
    """Refresh the query planner's statistics after a bulk import.

    Without them SQLite joins indicator values to communes the slow way round (area pages took
    seconds instead of milliseconds on the full base); PostgreSQL's autovacuum would get there
    eventually, this makes it immediate.
    """
    tables = ["territories_indicatorvalue", "territories_commune", "territories_place"]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {table}")


def _shares(
    values: Values, *, placed_only: Collection[str] = ()
) -> dict[tuple[str, str, int], tuple[float, float]]:
    """For each numeric value, the share of communes (same key and year) strictly above and
    strictly below it: 0.82 above reads "plus faible que 82 % des communes".

    The communes of `placed_only` (arrondissements, inside a commune already counted) are placed
    among the others without being counted themselves.
    """
    groups: dict[tuple[str, int], list[tuple[float, tuple[str, str, int]]]] = defaultdict(list)
    placed: dict[tuple[str, int], list[tuple[float, tuple[str, str, int]]]] = defaultdict(list)
    for ident, (value, _category) in values.items():
        if value is not None:
            target = placed if ident[0] in placed_only else groups
            target[(ident[1], ident[2])].append((value, ident))
    shares = {}
    for group, members in groups.items():
        ordered = sorted(value for value, _ in members)
        total = len(ordered)
        for value, ident in [*members, *placed.get(group, [])]:
            below = bisect.bisect_left(ordered, value)
            above = total - bisect.bisect_right(ordered, value)
            shares[ident] = (round(above / total, 4), round(below / total, 4))
    return shares
