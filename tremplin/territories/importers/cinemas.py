"""CNC list of active cinemas (data year 2022), as published on data.culture.gouv.fr:
`;`-separated, UTF-8 with a byte-order mark, 40 columns, one row per cinema with its INSEE code
(Paris, Lyon and Marseille by arrondissement) and its coordinates.

One place per cinema (identified by « N° auto ») and the number of cinemas of EVERY commune (the
list is exhaustive: a commune without a cinema has 0)."""

from pathlib import Path

from tremplin.territories.importers.base import (
    UNKNOWN_CODE,
    CommuneResolver,
    ImportRefused,
    ImportResult,
    Progress,
    SourceInfo,
    check_insee,
    sha256_of,
    unchanged_since_last_import,
)
from tremplin.territories.importers.places import (
    CsvFile,
    check_external_id,
    parse_coordinates,
    parse_count,
    places_and_counts_save,
)

KEY, YEAR = "cinemas", 2022
INFO = SourceInfo(
    key=KEY,
    title="Établissements cinématographiques actifs",
    publisher="CNC",
    url="https://data.culture.gouv.fr/explore/dataset/etablissements-cinematographiques/",
    year=YEAR,
)
COLUMNS = {
    "id": "N° auto",
    "name": "nom",
    "insee": "code INSEE",
    "city": "commune",
    "screens": "écrans",
    "seats": "fauteuils",
    "latitude": "latitude",
    "longitude": "longitude",
}


class CinemaPlaces:
    """Turns the rows into place rows, counting what had to be skipped."""

    def __init__(self, resolver: CommuneResolver) -> None:
        self.resolver = resolver
        self.rows: dict[str, dict] = {}
        self.lines: dict[str, int] = {}
        self.no_point = self.unknown = 0

    def add(self, line: int, cells: dict[str, str]) -> None:
        external_id = check_external_id(cells["id"], line=line, column=COLUMNS["id"])
        if external_id in self.lines:
            raise ImportRefused(
                f"« {COLUMNS['id']} » {external_id} déjà vu ligne {self.lines[external_id]}",
                line=line,
            )
        self.lines[external_id] = line
        if not cells["name"]:
            raise ImportRefused(f"colonne « {COLUMNS['name']} » vide", line=line)
        code = check_insee(cells["insee"], line=line)
        details = {
            "screens": parse_count(cells["screens"], line=line, column=COLUMNS["screens"]),
            "seats": parse_count(cells["seats"], line=line, column=COLUMNS["seats"]),
        }
        point = parse_coordinates(
            cells["latitude"],
            cells["longitude"],
            line=line,
            columns=(COLUMNS["latitude"], COLUMNS["longitude"]),
        )
        commune = self.resolver.resolve(code)
        if commune is None:
            self.unknown += 1
            return
        if point is None:
            self.no_point += 1
            return
        self.rows[external_id] = {
            "name": cells["name"],
            "commune_id": commune,
            "city": cells["city"],
            "latitude": point[0],
            "longitude": point[1],
            "details": details,
        }

    def notes(self) -> list[str]:
        notes = [f"{len(self.rows)} cinemas"]
        if self.no_point:
            notes.append(f"{self.no_point} without coordinates skipped")
        if self.unknown:
            notes.append(f"{self.unknown} with an unknown commune code skipped")
        return notes


def run(path: Path, *, force: bool = False, progress: bool = True) -> ImportResult:
    sha256 = sha256_of(path)
    table = CsvFile(path, delimiter=";", required=list(COLUMNS.values()))
    resolver = CommuneResolver()
    places = CinemaPlaces(resolver)
    bar = Progress(None, path.name, enabled=progress)
    for line, cells in bar.wrap(table.rows()):
        places.add(line, {name: cells[column] for name, column in COLUMNS.items()})
    bar.close()
    result = ImportResult(source=KEY, skipped=places.no_point + places.unknown, rows_read=bar.done)
    result.unmatched_add(UNKNOWN_CODE, places.unknown)
    result.unmatched_add("sans coordonnées", places.no_point)
    result.notes.extend(places.notes())
    if unchanged_since_last_import(
        result, key=KEY, sha256=sha256, force=force, rows=len(places.rows)
    ):
        return result
    return places_and_counts_save(
        kind="cinema",
        rows=places.rows,
        key=KEY,
        year=YEAR,
        # The CNC locates each cinema in its arrondissement: they are covered, 0 included.
        communes=resolver.current | set(resolver.cities),
        cities=resolver.cities,
        info=INFO,
        path=path,
        sha256=sha256,
        result=result,
    )
