from pathlib import Path

import openpyxl
import pytest

from tests.conftest import OPEN_DATA_DIR
from tests.territories.factories import CommuneAliasFactory, CommuneFactory
from tremplin.territories.importers import communes, zrr
from tremplin.territories.importers.base import ImportRefused
from tremplin.territories.models import DataSource, IndicatorValue

pytestmark = pytest.mark.django_db

CLASSED, NOT_CLASSED = "C - Classée en ZRR", "NC - Non classée"
PARTIAL = "P - Partiellement classée en ZRR"
ROWS = [
    ("23096", "Guéret", CLASSED, CLASSED),
    ("23001", "Ajain", NOT_CLASSED, NOT_CLASSED),
    ("97401", "Les Avirons", PARTIAL, PARTIAL),
    ("23002", "Alleyrat", CLASSED, CLASSED),
    ("23900", "Ancienne", NOT_CLASSED, NOT_CLASSED),  # merged into 23002 since 2017
    (23901, "Déléguée", NOT_CLASSED, NOT_CLASSED),  # a number cell; merged into 23001
    ("01999", "Inconnue", CLASSED, CLASSED),
]


def _workbook(tmp_path: Path, rows: list[tuple], *, header: bool = True) -> Path:
    """A workbook shaped like the ANCT one: a truncated COG 2021 sheet, a full COG 2017 one."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, data in [
        ("Classement ZRR (COG 2021)", rows[:1]),
        ("Classement ZRR (COG 2017)", rows),
    ]:
        sheet = book.create_sheet(title)
        sheet.append(["Champ : France entière"])
        sheet.append(["Géographie : Communes"])
        sheet.append(["Source : ANCT"])
        sheet.append([])
        sheet.append(["Code Insee", "Libellé", "Classement en ZRR", "Modalités"])
        sheet.append(["CODGEO", "LIBGEO", "ZRR_SIMP", "ZONAGE_ZRR"] if header else ["", "", ""])
        for row in data:
            sheet.append(list(row))
    book.create_sheet("Documentation").append(["Définition"])
    path = tmp_path / "diffusion-zonages-zrr-cog2021.xlsx"
    book.save(path)
    return path


def _values() -> dict[str, tuple[float | None, str]]:
    return {
        commune: (value, category)
        for commune, value, category in IndicatorValue.objects.filter(
            key="zrr", year=2017
        ).values_list("commune_id", "value", "category")
    }


@pytest.fixture
def base() -> None:
    CommuneFactory(insee="23096", name="Guéret")
    ajain = CommuneFactory(insee="23001", name="Ajain")
    CommuneFactory(insee="97401", name="Les Avirons")
    alleyrat = CommuneFactory(insee="23002", name="Alleyrat")
    CommuneAliasFactory(code="23900", commune=alleyrat, kind="COMD")
    CommuneAliasFactory(code="23901", commune=ajain, kind="COMD")


def test_classements_from_the_fullest_sheet(tmp_path: Path, base: None) -> None:
    result = zrr.run(_workbook(tmp_path, ROWS), progress=False)
    assert _values() == {
        "23096": (1.0, "Classée en ZRR"),
        "23001": (0.0, "Non classée"),
        "97401": (0.5, "Partiellement classée en ZRR"),
        # Former communes classed differently: the new commune is partially classed.
        "23002": (0.5, "Partiellement classée en ZRR"),
    }
    assert result.skipped == 1
    source = DataSource.objects.get(key="zrr")
    assert (source.year, source.publisher) == (2017, "ANCT")


def test_same_file_again_changes_nothing(tmp_path: Path, base: None) -> None:
    path = _workbook(tmp_path, ROWS)
    zrr.run(path, progress=False)
    again = zrr.run(path, force=True, progress=False)
    assert (again.created, again.updated, again.deleted, again.unchanged) == (0, 0, 0, 4)


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        (("23001", "Ajain", "X - Inconnu", ""), "ligne 9 : .*X - Inconnu"),
        (("23001", "Ajain", "Classée", ""), "ligne 9 : .*Classée"),
        (("2300Z", "Ajain", CLASSED, CLASSED), "ligne 9 : .*2300Z"),
    ],
)
def test_malformed_file_is_refused_and_nothing_changes(
    tmp_path: Path, base: None, bad_row: tuple, message: str
) -> None:
    zrr.run(_workbook(tmp_path, ROWS), progress=False)
    before, source = _values(), DataSource.objects.values().get(key="zrr")
    bad = _workbook(tmp_path, [ROWS[0], ROWS[1], bad_row, *ROWS[2:]])
    with pytest.raises(ImportRefused, match=message) as refused:
        zrr.run(bad, force=True, progress=False)
    assert "COG 2017" in str(refused.value)
    assert _values() == before
    assert DataSource.objects.values().get(key="zrr") == source


def test_missing_header_or_sheet_is_refused(tmp_path: Path, base: None) -> None:
    with pytest.raises(ImportRefused, match="CODGEO"):
        zrr.run(_workbook(tmp_path, ROWS, header=False), progress=False)
    book = openpyxl.Workbook()
    book.active.title = "Autre"
    book.save(tmp_path / "other.xlsx")
    with pytest.raises(ImportRefused, match="Classement ZRR"):
        zrr.run(tmp_path / "other.xlsx", progress=False)
    (tmp_path / "broken.xls").write_bytes(b"not a workbook")
    with pytest.raises(ImportRefused, match="classeur"):
        zrr.run(tmp_path / "broken.xls", progress=False)
    assert not IndicatorValue.objects.exists()


def test_real_file() -> None:
    path = OPEN_DATA_DIR / "anct_insee_zonages_zrr_cog2021.xls"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    wheel = communes.wheel_locate(download=False)
    if not wheel.is_file():
        pytest.skip(f"commune base not available ({wheel})")
    communes.run(wheel, progress=False)
    result = zrr.run(path, progress=False)
    values = _values()
    assert values["23096"] == (1.0, "Classée en ZRR")  # Guéret
    assert values["01001"] == (0.0, "Non classée")  # L'Abergement-Clémenciat
    assert values["97401"] == (0.5, "Partiellement classée en ZRR")  # Les Avirons
    assert result.created > 34_000
    assert DataSource.objects.get(key="zrr").year == 2017
