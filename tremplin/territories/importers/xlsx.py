from collections.abc import Iterator
from pathlib import Path

from tremplin.territories.importers.base import ImportRefused


def workbook_open(path: Path):  # noqa: ANN201 — openpyxl's Workbook
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ImportRefused(f"{path.name} n’est pas un classeur Excel lisible ({error})") from None


def sheet_rows(sheet) -> Iterator[tuple[int, tuple]]:  # noqa: ANN001
    """(Excel row number, values) for every row of a read-only sheet."""
    yield from enumerate(sheet.iter_rows(values_only=True), start=1)


def header_index(
    header: tuple, *, line: int, where: str, required: dict[str, str]
) -> dict[str, int]:
    """Find required columns by (case-insensitive) prefix; refuse naming what is missing."""
    cells = [str(cell).strip().lower() if cell is not None else "" for cell in header]
    found = {}
    for name, prefix in required.items():
        for index, cell in enumerate(cells):
            if cell.startswith(prefix.lower()):
                found[name] = index
                break
        else:
            raise ImportRefused(
                f"colonne « {prefix} » introuvable dans l’en-tête", line=line, where=where
            )
    return found
