"""SNCF « référentiel des gares voyageurs » (2017 release, with INSEE codes), as published:
`;`-separated UTF-8, one row per platform (Paris Gare du Nord has four rows, each with its own UIC
code), the commune as "93-010" in « Département - Commune ».

One place per station (the rows sharing a « Code gare »), identified by the UIC code of its first
platform (the « Code gare » when no platform has one), and the number of stations of EVERY
commune: the referential covers all of France, so a commune without a station has 0."""

from dataclasses import dataclass
from pathlib import Path

from tremplin.territories.importers.base import (
    INSEE_CODE,
    UNKNOWN_CODE,
    CommuneResolver,
    ImportRefused,
    ImportResult,
    Progress,
    SourceInfo,
    sha256_of,
    unchanged_since_last_import,
)
from tremplin.territories.importers.places import (
    CsvFile,
    NearestCommune,
    check_external_id,
    parse_coordinates,
    parse_count,
    places_and_counts_save,
)

KEY, YEAR = "stations", 2017
INFO = SourceInfo(
    key=KEY,
    title="Référentiel des gares voyageurs",
    publisher="SNCF Gares & Connexions",
    url="https://ressources.data.sncf.com/explore/dataset/referentiel-gares-voyageurs/",
    licence="ODbL",
    year=YEAR,
)
COLUMNS = {
    "code": "Code gare",
    "name": "Intitulé gare",
    "platform": "N° plateforme",
    "postcode": "Code postal",
    "city": "Commune",
    "insee": "Département - Commune",
    "longitude": "Longitude WGS84",
    "latitude": "Latitude WGS84",
    "uic": "Code UIC",
}


@dataclass(frozen=True)
class Platform:
    line: int
    station: str  # « Code gare »
    name: str
    number: int
    uic: str
    insee: str  # as published, without the dash; "" when missing
    city: str
    postcode: str
    point: tuple[float, float] | None


def _platform(line: int, cells: dict[str, str]) -> Platform:
    station = check_external_id(cells["code"], line=line, column=COLUMNS["code"])
    if not cells["name"]:
        raise ImportRefused(f"colonne « {COLUMNS['name']} » vide", line=line)
    uic = cells["uic"]
    if uic and not uic.isdigit():
        raise ImportRefused(f"code UIC « {uic} » invalide", line=line)
    insee = cells["insee"].replace("-", "").upper()
    if insee and not INSEE_CODE.match(insee):
        raise ImportRefused(f"code commune « {cells['insee']} » invalide", line=line)
    number = parse_count(cells["platform"], line=line, column=COLUMNS["platform"])
    point = parse_coordinates(
        cells["latitude"],
        cells["longitude"],
        line=line,
        columns=(COLUMNS["latitude"], COLUMNS["longitude"]),
    )
    return Platform(
        line=line,
        station=station,
        name=cells["name"],
        number=number if number is not None else 1,
        uic=uic,
        insee=insee,
        city=cells["city"],
        postcode=cells["postcode"],
        point=point,
    )


def _stations(platforms: list[Platform]) -> list[list[Platform]]:
    """The platforms of each station, first platform first."""
    stations: dict[str, list[Platform]] = {}
    for platform in platforms:
        stations.setdefault(platform.station, []).append(platform)
    return [sorted(group, key=lambda p: (p.number, p.line)) for group in stations.values()]


class StationPlaces:
    """Turns the stations into place rows, counting what had to be skipped or located."""

    def __init__(self, resolver: CommuneResolver) -> None:
        self.resolver = resolver
        self.nearest = NearestCommune()
        self.rows: dict[str, dict] = {}
        self.lines: dict[str, int] = {}
        self.no_point = self.unknown = self.located = 0

    def add(self, platforms: list[Platform]) -> None:
        first = platforms[0]
        uic = next((p.uic for p in platforms if p.uic), "")
        external_id = uic or first.station
        if external_id in self.rows:
            raise ImportRefused(
                f"gare « {first.name} » : identifiant {external_id} déjà utilisé ligne "
                f"{self.lines[external_id]}",
                line=first.line,
            )
        point = next((p.point for p in platforms if p.point), None)
        if point is None:
            self.no_point += 1
            return
        published = next((p for p in platforms if p.insee), None)
        if published is None:
            commune, city = self.nearest.find(*point, postcode=first.postcode), first.city
            self.located += 1
        else:
            commune, city = self.resolver.resolve(published.insee), published.city
            if commune is None:
                self.unknown += 1
                return
        self.lines[external_id] = first.line
        self.rows[external_id] = {
            "name": first.name,
            "commune_id": commune,
            "city": city,
            "latitude": point[0],
            "longitude": point[1],
            "details": {"uic": uic},
        }

    def notes(self) -> list[str]:
        notes = [f"{len(self.rows)} stations"]
        if self.no_point:
            notes.append(f"{self.no_point} without coordinates skipped")
        if self.unknown:
            notes.append(f"{self.unknown} with an unknown commune code skipped")
        if self.located:
            notes.append(f"{self.located} without commune code placed in the nearest commune")
        return notes


def run(path: Path, *, force: bool = False, progress: bool = True) -> ImportResult:
    sha256 = sha256_of(path)
    table = CsvFile(path, delimiter=";", required=list(COLUMNS.values()))
    resolver = CommuneResolver()
    bar = Progress(None, path.name, enabled=progress)
    platforms = [
        _platform(line, {name: cells[column] for name, column in COLUMNS.items()})
        for line, cells in bar.wrap(table.rows())
    ]
    bar.close()
    places = StationPlaces(resolver)
    for platforms_of_station in _stations(platforms):
        places.add(platforms_of_station)
    result = ImportResult(source=KEY, skipped=places.no_point + places.unknown, rows_read=bar.done)
    result.unmatched_add(UNKNOWN_CODE, places.unknown)
    result.unmatched_add("gare sans coordonnées", places.no_point)
    result.notes.extend(places.notes())
    if unchanged_since_last_import(
        result, key=KEY, sha256=sha256, force=force, rows=len(places.rows)
    ):
        return result
    return places_and_counts_save(
        kind="station",
        rows=places.rows,
        key=KEY,
        year=YEAR,
        communes=resolver.current,
        cities=resolver.cities,
        info=INFO,
        path=path,
        sha256=sha256,
        result=result,
    )
