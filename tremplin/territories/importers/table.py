"""A published table as rows of cells, whatever its format: CSV (`;` or `,`, UTF-8 or
Windows-1252), XLSX (openpyxl) or the older XLS (xlrd), with its header on a given row."""

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tremplin.territories.importers.base import ImportRefused, read_text
from tremplin.territories.importers.xlsx import workbook_open

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"


@dataclass
class Table:
    where: str  # "feuille « … »" for a workbook, "" for a CSV
    header_line: int
    header: list[str]
    rows: list[tuple[int, list[object]]]  # (line number in the file, cells)

    def column(self, name: str) -> int:
        """The position of a column named exactly `name` (case and spaces aside)."""
        wanted = _cell_key(name)
        if not any(self.header):
            raise ImportRefused(
                f"le fichier est vide : colonne « {name} » introuvable "
                f"(pas d’en-tête à la ligne {self.header_line})",
                where=self.where,
            )
        for index, cell in enumerate(self.header):
            if _cell_key(cell) == wanted:
                return index
        found = ", ".join(f"« {cell} »" for cell in self.header if cell) or "aucune"
        raise ImportRefused(
            f"colonne « {name} » introuvable dans l’en-tête (colonnes : {found})",
            line=self.header_line,
            where=self.where,
        )


def _cell_key(value: object) -> str:
    return " ".join(str(value or "").split()).casefold()


def table_read(path: Path, *, sheet: str | None = None, header_row: int = 1) -> Table:
    if header_row < 1:
        raise ImportRefused("la ligne d’en-tête est numérotée à partir de 1")
    with path.open("rb") as handle:
        start = handle.read(len(OLE2_SIGNATURE))
    if start == OLE2_SIGNATURE:
        where, lines = _xls_rows(path, sheet)
    elif start.startswith(ZIP_SIGNATURE):
        where, lines = _xlsx_rows(path, sheet)
    else:
        if sheet:
            raise ImportRefused(f"--sheet « {sheet} » donné pour un fichier CSV")
        where, lines = "", _csv_rows(path, header_row)
    return _table(where, lines, header_row)


def _table(where: str, lines: Iterator[tuple[int, list[object]]], header_row: int) -> Table:
    header: list[str] | None = None
    rows = []
    for line, cells in lines:
        if line < header_row:
            continue
        if line == header_row:
            header = [str(cell).strip() if cell is not None else "" for cell in cells]
            continue
        if any(str(cell).strip() for cell in cells if cell is not None):
            rows.append((line, cells))
    # An empty file has no header: the first column asked for is then refused by name.
    return Table(where=where, header_line=header_row, header=header or [], rows=rows)


def _csv_rows(path: Path, header_row: int) -> Iterator[tuple[int, list[object]]]:
    lines = read_text(path).splitlines()
    sample = lines[header_row - 1] if len(lines) >= header_row else ""
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    for line, row in enumerate(csv.reader(lines, delimiter=delimiter), start=1):
        yield line, list(row)


def _xlsx_rows(path: Path, sheet: str | None) -> tuple[str, Iterator[tuple[int, list[object]]]]:
    book = workbook_open(path)
    try:
        names = book.sheetnames
        name = _sheet_name(names, sheet)
        rows = [list(row) for row in book[name].iter_rows(values_only=True)]
    finally:
        book.close()
    return f"feuille « {name} »", iter(enumerate(rows, start=1))


def _xls_rows(path: Path, sheet: str | None) -> tuple[str, Iterator[tuple[int, list[object]]]]:
    import xlrd

    try:
        book = xlrd.open_workbook(path, on_demand=True)
    except Exception as error:  # xlrd raises many kinds for a broken file
        raise ImportRefused(f"{path.name} n’est pas un classeur Excel lisible ({error})") from None
    try:
        name = _sheet_name(book.sheet_names(), sheet)
        data = book.sheet_by_name(name)
        rows = [list(data.row_values(i)) for i in range(data.nrows)]
    finally:
        book.release_resources()
    return f"feuille « {name} »", iter(enumerate(rows, start=1))


def _sheet_name(names: list[str], wanted: str | None) -> str:
    if wanted is None:
        if not names:
            raise ImportRefused("le classeur n’a aucune feuille")
        return names[0]
    for name in names:
        if _cell_key(name) == _cell_key(wanted):
            return name
    listed = ", ".join(f"« {name} »" for name in names)
    raise ImportRefused(f"feuille « {wanted} » introuvable (feuilles : {listed})")
