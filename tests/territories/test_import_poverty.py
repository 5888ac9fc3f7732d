from pathlib import Path

import openpyxl
import pytest

from tests.conftest import OPEN_DATA_DIR
from tests.territories.factories import CommuneFactory, arrondissement_make
from tremplin.territories.importers import communes, poverty
from tremplin.territories.importers.base import ImportRefused
from tremplin.territories.models import DataSource, IndicatorValue

pytestmark = pytest.mark.django_db

HEADER = ["CODGEO", "LIBGEO", "TP4019", "TP5019", "TP6019", "TP60Q219", "TP60IP19"]
ROWS = [
    ("23096", "Guéret", 5, 11, 20, 10500, 0.2),
    ("23001", "Ajain", None, None, 12.5, 10800, 0.18),
    ("23002", "Alleyrat", None, None, None, None, None),  # not published
    ("75056", "Paris", 6, 10, 15, 9670, 0.265),
    ("75101", "Paris 1er Arrondissement", 5, 8, 11, 8840, 0.328),
    ("01999", "Inconnue", 5, 8, 30, 9000, 0.2),
]


def _workbook(tmp_path: Path, rows: list[tuple], header: list[str] = HEADER) -> Path:
    """A workbook shaped like Filosofi's: a summary sheet, then "ENSEMBLE" (codes on row 6)."""
    book = openpyxl.Workbook()
    book.active.title = "Sommaire"
    book.active.append(["Fichier Localisé Social et Fiscal (FiLoSoFi) - Année 2019"])
    sheet = book.create_sheet("ENSEMBLE")
    for title in ["FiLoSoFi 2019", "Taux de pauvreté", "Mise en ligne", "©Insee"]:
        sheet.append([title])
    sheet.append(["Code géographique", "Libellé géographique", "Taux de pauvreté…"])
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    path = tmp_path / "FILO2019_DISP_Pauvres_COM.xlsx"
    book.save(path)
    return path


def _values() -> dict[str, float | None]:
    return dict(
        IndicatorValue.objects.filter(key="poverty", year=2019).values_list("commune_id", "value")
    )


@pytest.fixture
def base() -> None:
    CommuneFactory(insee="23096", name="Guéret")
    CommuneFactory(insee="23001", name="Ajain")
    CommuneFactory(insee="23002", name="Alleyrat")
    paris = CommuneFactory(insee="75056", name="Paris")
    arrondissement_make("75101", city=paris)


def test_poverty_rates(tmp_path: Path, base: None) -> None:
    result = poverty.run(_workbook(tmp_path, ROWS), progress=False)
    # Alleyrat is not published; Paris keeps its own rate, its 1st arrondissement its own.
    assert _values() == {"23096": 20.0, "23001": 12.5, "75056": 15.0, "75101": 11.0}
    assert result.skipped == 1
    source = DataSource.objects.get(key="poverty")
    assert (source.year, source.publisher) == (2019, "INSEE")


def test_year_comes_from_the_column(tmp_path: Path, base: None) -> None:
    header = ["CODGEO", "LIBGEO", "TP6021", "TP60Q221"]
    poverty.run(_workbook(tmp_path, [("23096", "Guéret", 21, 10000)], header), progress=False)
    assert IndicatorValue.objects.get(key="poverty").year == 2021


def test_same_file_again_changes_nothing(tmp_path: Path, base: None) -> None:
    path = _workbook(tmp_path, ROWS)
    poverty.run(path, progress=False)
    again = poverty.run(path, force=True, progress=False)
    assert (again.created, again.updated, again.deleted, again.unchanged) == (0, 0, 0, 4)


@pytest.mark.parametrize(
    ("bad_row", "header", "message"),
    [
        (("23001", "Ajain", 1, 2, "beaucoup", 3, 4), HEADER, "ligne 8 : .*beaucoup"),
        (("23001", "Ajain", 1, 2, 130, 3, 4), HEADER, "ligne 8 : .*130"),
        (("23X01", "Ajain", 1, 2, 3, 3, 4), HEADER, "ligne 8 : .*23X01"),
        (("23001", "Ajain", 1, 2, 3, 3, 4), ["CODE", "LIBGEO", "TP6019"], "ligne 6 : .*CODGEO"),
        (("23001", "Ajain", 1, 2, 3, 3, 4), ["CODGEO", "LIBGEO", "TP60Q219"], "ligne 6 : .*TP60"),
    ],
)
def test_malformed_file_is_refused_and_nothing_changes(
    tmp_path: Path, base: None, bad_row: tuple, header: list[str], message: str
) -> None:
    poverty.run(_workbook(tmp_path, ROWS), progress=False)
    before, source = _values(), DataSource.objects.values().get(key="poverty")
    bad = _workbook(tmp_path, [ROWS[0], bad_row, *ROWS[1:]], header)
    with pytest.raises(ImportRefused, match=message):
        poverty.run(bad, force=True, progress=False)
    assert _values() == before
    assert DataSource.objects.values().get(key="poverty") == source


def test_real_file() -> None:
    path = OPEN_DATA_DIR / "insee_filosofi2019_DISP_pauvres_COM.xlsx"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    wheel = communes.wheel_locate(download=False)
    if not wheel.is_file():
        pytest.skip(f"commune base not available ({wheel})")
    communes.run(wheel, progress=False)
    result = poverty.run(path, progress=False)
    values = _values()
    assert values["01004"] == 18.0  # Ambérieu-en-Bugey
    assert values["75056"] == 15.0  # Paris, from its own row
    assert values["97424"] == 51.0  # Cilaos
    assert "01001" not in values  # too few households: not published
    assert 4_000 < result.created < 4_400
