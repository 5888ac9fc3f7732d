"""Importers of the INSEE employment zones (zones d’emploi 2020) and of their unemployment rates."""

from pathlib import Path

import openpyxl
import pytest

from tests.territories.conftest import real_file
from tests.territories.factories import CommuneAliasFactory, CommuneFactory
from tremplin.territories.importers import employment_zones, unemployment
from tremplin.territories.importers.base import ImportRefused
from tremplin.territories.models import (
    DataSource,
    IndicatorValue,
)

ZONES_FILE = "insee_ZE2020_communes_au_01-01-2023.xlsx"
RATES_FILE = "insee_chomage_zone_emploi_t1_2003_t3_2023.xlsx"
ZONE_CODES = ("CODGEO", "LIBGEO", "ZE2020", "LIBZE2020", "ZE2020_PARTIE_REG", "DEP", "REG")
RATE_CODES = ("ZE2020", "LIBZE2020", "REG", "LIBREG", "2023-T1", "2023-T2", "2023-T3", "2023-T4")


def workbook_save(path: Path, sheets: dict[str, list[tuple]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def zones_file(
    tmp_path: Path,
    rows: list[tuple] | None = None,
    codes: tuple = ZONE_CODES,
    name: str = ZONES_FILE,
) -> Path:
    data = [
        ("23096", "Guéret", "7511", "Guéret", None, "23", "75"),
        # A former commune of Saint-Sulpice with another zone: Saint-Sulpice's own row wins.
        ("23999", "Ancienne commune", "7512", "Ailleurs", None, "23", "75"),
        ("23247", "Saint-Sulpice-le-Guérétois", "7511", "Guéret", None, "23", "75"),
        ("23001", "Ajain", "7512", "La Souterraine", None, "23", "75"),
        ("97302", "Cayenne", "0301", "Cayenne", None, "973", "03"),
        ("99001", "Inconnue", "7511", "Guéret", None, "99", "99"),
    ]
    sheet = [
        ("Zones d'emploi 2020",),
        ("France - Composition communale",),
        ("Mise en ligne le 17/03/2023       Géographie au 01/01/2023",),
        ("@Insee       Source(s) : Insee, Code officiel géographique",),
        ("Code géographique communal", "Libellé géographique", "Zone d'emploi 2020"),
        codes,
        *(rows if rows is not None else data),
    ]
    return workbook_save(tmp_path / name, {"ZE2020": [("Zones",)], "Composition_communale": sheet})


def rates_file(
    tmp_path: Path,
    rows: list[tuple] | None = None,
    codes: tuple = RATE_CODES,
    name: str = RATES_FILE,
) -> Path:
    data = [
        ("7511", "Guéret", "75", "NOUVELLE AQUITAINE", 6.9, 6.8, 7.1, None),
        ("7512", "La Souterraine", "75", "NOUVELLE AQUITAINE", 7, 7.2, "7,4", None),
        ("9999", "Sans commune", "93", "PACA", 10.1, 10, 9.9, None),
    ]
    sheet = [
        ("Taux de chômage localisés par zone d'emploi, en moyenne trimestrielle",),
        ("Source : Insee, Estimations de taux de chômage localisés.",),
        (),
        (None, None, None, None, None, None, None, "en\xa0%"),
        ("Code de la zone d'emploi 2020", "Libellé", "Code région", "Libellé région", "1er t."),
        codes,
        *(rows if rows is not None else data),
    ]
    return workbook_save(tmp_path / name, {"Documentation": [("Doc",)], "txcho_ze": sheet})


@pytest.fixture
def base(db) -> None:
    CommuneFactory(insee="23096", name="Guéret")
    saint_sulpice = CommuneFactory(insee="23247", name="Saint-Sulpice-le-Guérétois")
    CommuneFactory(insee="23001", name="Ajain")
    CommuneFactory(insee="97302", name="Cayenne")
    CommuneAliasFactory(code="23999", commune=saint_sulpice, kind="COMD")


def snapshot() -> tuple:
    values = IndicatorValue.objects.order_by("commune_id", "key", "year").values_list(
        "commune_id", "key", "year", "value", "category", "share_above", "share_below"
    )
    sources = DataSource.objects.order_by("key").values_list("key", "file_sha256", "rows", "year")
    return list(values), list(sources)


def indicator(key: str) -> dict[str, tuple]:
    rows = IndicatorValue.objects.filter(key=key).values_list(
        "commune_id", "year", "value", "category"
    )
    return {commune: rest for commune, *rest in rows}


def assert_nothing_changed(result) -> None:
    assert (result.created, result.updated, result.deleted) == (0, 0, 0), result.summary()


# --- Employment zones -------------------------------------------------------------------------


def test_employment_zones(base, tmp_path):
    result = employment_zones.run(zones_file(tmp_path), progress=False)

    assert indicator("employment_zone") == {
        "23096": [2023, None, "7511 Guéret"],
        "23247": [2023, None, "7511 Guéret"],
        "23001": [2023, None, "7512 La Souterraine"],
        "97302": [2023, None, "0301 Cayenne"],
    }
    assert result.skipped == 1
    source = DataSource.objects.get(key="employment_zones")
    assert (source.publisher, source.year) == ("INSEE", 2023)


def test_employment_zones_codes_published_as_numbers_are_padded(base, tmp_path):
    rows = [("23096", "Guéret", 7511, "Guéret", None, "23", "75"), (23001, "Ajain", 51, "X")]
    employment_zones.run(zones_file(tmp_path, rows), progress=False)

    assert indicator("employment_zone")["23001"][2] == "0051 X"


def test_employment_zones_rerun_changes_nothing(base, tmp_path):
    path = zones_file(tmp_path)
    employment_zones.run(path, progress=False)
    before = snapshot()

    assert_nothing_changed(employment_zones.run(path, force=True, progress=False))
    assert snapshot() == before
    assert "nothing to do" in employment_zones.run(path, progress=False).summary()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("2300A", "Mauvais", "7511", "Guéret"), "code commune « 2300A »"),
        (("23001", "Ajain", "75-11", "Guéret"), "zone d’emploi « 75-11 »"),
        (("23001", "Ajain", "7511", None), "sans libellé"),
    ],
)
def test_employment_zones_malformed_file_is_refused_and_nothing_changes(
    base, tmp_path, row, message
):
    employment_zones.run(zones_file(tmp_path), progress=False)
    before = snapshot()
    bad = zones_file(tmp_path, name="bad.xlsx", rows=[("23096", "Guéret", "7512", "Ailleurs"), row])

    with pytest.raises(ImportRefused) as refused:
        employment_zones.run(bad, force=True, progress=False)

    assert refused.value.line == 8
    assert message in str(refused.value)
    assert "feuille « Composition_communale », ligne 8" in str(refused.value)
    assert snapshot() == before


def test_employment_zones_wrong_header_is_refused(base, tmp_path):
    codes = ("CODGEO", "LIBGEO", "ZE2010", "LIBZE2010")
    with pytest.raises(ImportRefused, match="ligne 6 : colonne « ZE2020 » introuvable"):
        employment_zones.run(zones_file(tmp_path, codes=codes), progress=False)


def test_employment_zones_missing_sheet_is_refused(base, tmp_path):
    path = workbook_save(tmp_path / "ze.xlsx", {"Feuil1": [("CODGEO", "ZE2020")]})
    with pytest.raises(ImportRefused, match="Composition_communale"):
        employment_zones.run(path, progress=False)


# --- Unemployment -----------------------------------------------------------------------------


def test_unemployment_refused_before_the_employment_zones(base, tmp_path):
    with pytest.raises(ImportRefused, match="importez d’abord le fichier des zones d’emploi"):
        unemployment.run(rates_file(tmp_path), progress=False)
    assert not IndicatorValue.objects.exists()


def test_unemployment_latest_quarter_for_every_commune_of_the_zone(base, tmp_path):
    employment_zones.run(zones_file(tmp_path), progress=False)

    result = unemployment.run(rates_file(tmp_path), progress=False)

    assert indicator("unemployment") == {
        "23096": [2023, 7.1, "2023-T3"],
        "23247": [2023, 7.1, "2023-T3"],
        "23001": [2023, 7.4, "2023-T3"],
    }
    assert result.skipped == 1  # Cayenne: no rate published for Guyane
    gueret = IndicatorValue.objects.get(key="unemployment", commune_id="23096")
    assert (gueret.share_above, gueret.share_below) == (pytest.approx(1 / 3, abs=1e-4), 0.0)
    source = DataSource.objects.get(key="unemployment")
    assert (source.publisher, source.year) == ("INSEE", 2023)


def test_unemployment_rerun_changes_nothing(base, tmp_path):
    employment_zones.run(zones_file(tmp_path), progress=False)
    path = rates_file(tmp_path)
    unemployment.run(path, progress=False)
    before = snapshot()

    assert_nothing_changed(unemployment.run(path, force=True, progress=False))
    assert snapshot() == before


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("75X2", "Mauvais", "75", "NA", 7, 7, 7, None), "code de zone d’emploi « 75X2 »"),
        (("7512", "La Souterraine", "75", "NA", 7, "sept", 7, None), "« sept »"),
        (("7512", "La Souterraine", "75", "NA", 7, 7, 140, None), "hors de 0 à 100"),
        (("7511", "Guéret", "75", "NA", 7, 7, 7, None), "en double"),
    ],
)
def test_unemployment_malformed_file_is_refused_and_nothing_changes(base, tmp_path, row, message):
    employment_zones.run(zones_file(tmp_path), progress=False)
    unemployment.run(rates_file(tmp_path), progress=False)
    before = snapshot()
    good = ("7511", "Guéret", "75", "NOUVELLE AQUITAINE", 6.9, 6.8, 7.5, None)
    bad = rates_file(tmp_path, [good, row], name="bad.xlsx")

    with pytest.raises(ImportRefused) as refused:
        unemployment.run(bad, force=True, progress=False)

    assert refused.value.line == 8
    assert message in str(refused.value)
    assert snapshot() == before


def test_unemployment_wrong_header_is_refused(base, tmp_path):
    employment_zones.run(zones_file(tmp_path), progress=False)
    codes = ("ZE2010", "LIBZE2020", "REG", "LIBREG", "2023-T1")
    with pytest.raises(ImportRefused, match="ligne 6 : colonne « ZE2020 » introuvable"):
        unemployment.run(rates_file(tmp_path, codes=codes), progress=False)
    no_quarters = ("ZE2020", "LIBZE2020", "REG", "LIBREG", "T1 2023")
    with pytest.raises(ImportRefused, match="ligne 6 : aucune colonne trimestrielle"):
        unemployment.run(rates_file(tmp_path, codes=no_quarters), progress=False)


def test_unemployment_notes_under_the_table_are_ignored(base, tmp_path):
    employment_zones.run(zones_file(tmp_path), progress=False)
    rows = [
        ("7511", "Guéret", "75", "NOUVELLE AQUITAINE", 6.9, 6.8, 7.1, None),
        (),
        ("Note : données provisoires pour le dernier trimestre.",),
    ]
    unemployment.run(rates_file(tmp_path, rows), progress=False)
    assert indicator("unemployment")["23096"] == [2023, 7.1, "2023-T3"]


# --- Real files -------------------------------------------------------------------------------
# real_file and commune_base come from tests/territories/conftest.py.


@pytest.mark.usefixtures("commune_base")
class TestRealFiles:
    def test_employment_zones_then_unemployment(self, db):
        zones_path, rates_path = real_file(ZONES_FILE), real_file(RATES_FILE)

        result = employment_zones.run(zones_path, progress=False)

        zones = indicator("employment_zone")
        assert len(zones) > 34_000
        assert zones["23096"] == [2023, None, "7511 Guéret"]
        assert zones["75056"] == [2023, None, "1109 Paris"]
        assert result.skipped < 50
        assert_nothing_changed(employment_zones.run(zones_path, force=True, progress=False))

        result = unemployment.run(rates_path, progress=False)

        rates = indicator("unemployment")
        assert len(rates) > 34_000
        assert rates["23096"] == [2023, 7.1, "2023-T3"]
        assert rates["75056"] == [2023, 6.9, "2023-T3"]
        assert "97302" not in rates  # Guyane: no localised rate
        assert_nothing_changed(unemployment.run(rates_path, force=True, progress=False))
