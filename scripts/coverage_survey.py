#!/usr/bin/env python
"""Which départements each open-data file covers, read from the files themselves.

    .venv/bin/python scripts/coverage_survey.py [DIR]   (default: ../shared/data/open)

Prints, per file, the number of rows and of départements, and the départements of Corsica and
the DROM it holds: what tremplin/territories/coverage.py declares and docs/data-sources.md
(« Couverture ») reports. Run it again when a new release of a file is imported.
"""

import csv
import io
import sys
from collections import Counter
from pathlib import Path

import openpyxl

SPECIAL = ("2A", "2B", "971", "972", "973", "974", "976")


def departement(code: str) -> str:
    code = code.strip().upper().replace("-", "")
    return code[:3] if code.startswith("97") else code[:2]


def report(name: str, codes: list[str]) -> None:
    found = Counter(departement(code) for code in codes if code)
    special = {code: found[code] for code in SPECIAL if found[code]}
    missing = [code for code in SPECIAL if not found[code]]
    print(f"{name}: {len(codes)} rows, {len(found)} départements; {special}; absent: {missing}")


def read_csv(path: Path, delimiter: str, column: str) -> list[str]:
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    return [row[column] for row in csv.DictReader(io.StringIO(text), delimiter=delimiter)]


def stations(folder: Path) -> None:
    path = folder / "sncf_referentiel_gares_voyageurs_2017_with_insee.csv"
    report("SNCF gares (plateformes)", read_csv(path, ";", "Département - Commune"))


def cinemas(folder: Path) -> None:
    path = folder / "cnc_etablissements_cinematographiques_2022.csv"
    report("CNC cinémas", read_csv(path, ";", "code INSEE"))


def coastline(folder: Path) -> None:
    text = (folder / "onml_communes_littorales_2019.csv").read_bytes().decode(errors="replace")
    rows = [row for row in csv.reader(text.splitlines(), delimiter=";") if len(row) > 3]
    report("ONML communes littorales", [row[3] for row in rows])
    print("  types:", dict(Counter(row[5] for row in rows)))


def hospitals(folder: Path) -> None:
    codes = read_csv(folder / "eurostat_healthcare_FR_hospitals.csv", ",", "postcode")
    report("FINESS hôpitaux (code postal)", [c.zfill(5) for c in codes if c])


def bpe(folder: Path) -> None:
    for path in sorted(folder.glob("insee_bpe2020_*.csv")):
        report(path.name, read_csv(path, ";", "CODGEO"))


def workbook_column(path: Path, sheet: str, header: str, first_row: int = 1) -> list[list]:
    book = openpyxl.load_workbook(path, read_only=True)
    rows = [list(row) for row in book[sheet].iter_rows(min_row=first_row, values_only=True)]
    start = next(i for i, row in enumerate(rows) if row and row[0] == header)
    return [row for row in rows[start + 1 :] if row and row[0]]


def apl(folder: Path) -> None:
    for path in sorted(folder.glob("drees_apl_*.xlsx")):
        book = openpyxl.load_workbook(path, read_only=True)
        for sheet in [name for name in book.sheetnames if name.startswith("APL")]:
            rows = book[sheet].iter_rows(min_row=11, values_only=True)
            report(f"{path.name} {sheet}", [str(row[0]) for row in rows if row[0]])


def employment(folder: Path) -> None:
    zones = workbook_column(
        folder / "insee_ZE2020_communes_au_01-01-2023.xlsx", "Composition_communale", "CODGEO"
    )
    report("INSEE zones d'emploi 2020", [str(row[0]) for row in zones])
    rates = workbook_column(
        folder / "insee_chomage_zone_emploi_t1_2003_t3_2023.xlsx", "txcho_ze", "ZE2020"
    )
    with_rate = {str(row[0]) for row in rates if row[-1] is not None}
    report("INSEE chômage (communes dont la zone a un taux)",
           [str(row[0]) for row in zones if str(row[2]) in with_rate])  # fmt: skip


def poverty(folder: Path) -> None:
    rows = workbook_column(
        folder / "insee_filosofi2019_DISP_pauvres_COM.xlsx", "ENSEMBLE", "CODGEO"
    )
    report(
        "INSEE Filosofi 2019 (taux publiés)", [str(row[0]) for row in rows if row[4] is not None]
    )


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/open")
    for survey in (stations, cinemas, coastline, hospitals, bpe, apl, employment, poverty):
        try:
            survey(folder)
        except FileNotFoundError as error:
            print(f"{survey.__name__}: absent ({error.filename})")


if __name__ == "__main__":
    main()
