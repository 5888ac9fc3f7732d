"""Hospital sites of France from Eurostat's "basic services" collection (FINESS extraction of
06/03/2020, DREES), as published: comma-separated UTF-8, one row per establishment (FINESS ET
number without its leading 0 in « id »), WGS84 coordinates, a postcode and a city name but no
INSEE code.

Each site is attached to the commune whose centroid is nearest, preferring the communes its
postcode serves. Capacity and emergency columns are empty in the 2020 extraction: kept as None."""

from pathlib import Path

from tremplin.territories.importers.base import (
    ImportRefused,
    ImportResult,
    Progress,
    SourceInfo,
    normalise_code,
    sha256_of,
    unchanged_since_last_import,
)
from tremplin.territories.importers.places import (
    CsvFile,
    NearestCommune,
    check_external_id,
    parse_coordinates,
    parse_count,
    places_save,
)
from tremplin.territories.models import Commune

KEY, YEAR = "hospitals", 2020
INFO = SourceInfo(
    key=KEY,
    title="Établissements hospitaliers (extraction FINESS du 06/03/2020)",
    publisher="Eurostat (FINESS, DREES)",
    url="https://github.com/eurostat/basic-services",
    licence="EUPL-1.2 (dépôt), données FINESS Licence Ouverte",
    year=YEAR,
)
COLUMNS = [
    "id",
    "hospital_name",
    "site_name",
    "lat",
    "lon",
    "postcode",
    "city",
    "cap_beds",
    "emergency",
    "facility_type",
    "public_private",
]
YES, NO = {"yes", "y", "true", "1", "oui"}, {"no", "n", "false", "0", "non"}


def _emergency(value: str, *, line: int) -> bool | None:
    lowered = value.lower()
    if not lowered:
        return None
    if lowered in YES | NO:
        return lowered in YES
    raise ImportRefused(f"colonne « emergency » : « {value} » au lieu de yes/no", line=line)


def _postcode(value: str, *, line: int) -> str:
    code = normalise_code(value)
    if code and not (code.isdigit() and len(code) == 5):
        raise ImportRefused(f"code postal « {value} » invalide", line=line)
    return code


def _name(cells: dict[str, str], *, line: int) -> str:
    """The establishment's name; « site_name » is only a complement (often the group or the
    street), used when the name is missing."""
    name = cells["hospital_name"] or cells["site_name"]
    if not name:
        raise ImportRefused("ni « hospital_name » ni « site_name »", line=line)
    return name


class HospitalPlaces:
    """Turns the rows into place rows attached to the nearest commune."""

    def __init__(self) -> None:
        self.nearest = NearestCommune()
        self.rows: dict[str, dict] = {}
        self.lines: dict[str, int] = {}
        self.no_point = self.outside = 0

    def add(self, line: int, cells: dict[str, str]) -> None:
        external_id = check_external_id(cells["id"], line=line, column="id")
        if external_id in self.lines:
            raise ImportRefused(
                f"« id » {external_id} déjà vu ligne {self.lines[external_id]}", line=line
            )
        self.lines[external_id] = line
        name = _name(cells, line=line)
        postcode = _postcode(cells["postcode"], line=line)
        details = {
            "postcode": postcode,
            "emergency": _emergency(cells["emergency"], line=line),
            "facility_type": cells["facility_type"],
            "public_private": cells["public_private"] or None,
            "beds": parse_count(cells["cap_beds"], line=line, column="cap_beds"),
        }
        if cells["site_name"] and cells["site_name"] != name:
            details["site"] = cells["site_name"]
        point = parse_coordinates(cells["lat"], cells["lon"], line=line, columns=("lat", "lon"))
        if point is None:
            self.no_point += 1
            return
        commune = self.nearest.find(*point, postcode=postcode)
        if commune is None:
            self.outside += 1
        self.rows[external_id] = {
            "name": name,
            "commune_id": commune,
            "city": cells["city"],
            "latitude": point[0],
            "longitude": point[1],
            "details": details,
        }

    def notes(self) -> list[str]:
        notes = [f"{len(self.rows)} hospital sites"]
        if self.no_point:
            notes.append(f"{self.no_point} without coordinates skipped")
        if self.outside:
            notes.append(f"{self.outside} far from every commune, kept without commune")
        return notes


def run(path: Path, *, force: bool = False, progress: bool = True) -> ImportResult:
    sha256 = sha256_of(path)
    table = CsvFile(path, delimiter=",", required=COLUMNS)
    if not Commune.objects.exists():
        raise ImportRefused(
            "la base des communes est vide : lancez d’abord `manage.py import_communes`."
        )
    places = HospitalPlaces()
    bar = Progress(None, path.name, enabled=progress)
    for line, cells in bar.wrap(table.rows()):
        places.add(line, cells)
    bar.close()
    result = ImportResult(source=KEY, skipped=places.no_point, rows_read=bar.done)
    result.unmatched_add("sans coordonnées", places.no_point)
    result.unmatched_add("loin de toute commune de la base (gardé sans commune)", places.outside)
    result.notes.extend(places.notes())
    result.territories = len({row["commune_id"] for row in places.rows.values()} - {None})
    if unchanged_since_last_import(
        result, key=KEY, sha256=sha256, force=force, rows=len(places.rows)
    ):
        return result
    return places_save(
        kind="hospital", rows=places.rows, info=INFO, path=path, sha256=sha256, result=result
    )
