"""APL figures in the DREES's words: its units, its zeros, shares that never overstate, and a
workbook of a newer edition."""

import openpyxl
import pytest
from django.utils import timezone

from tests.conftest import OPEN_DATA_DIR
from tests.territories import builders
from tests.territories.factories import CommuneFactory
from tremplin.territories import selectors
from tremplin.territories.importers import apl
from tremplin.territories.importers.base import ImportRefused
from tremplin.territories.indicators import INDICATORS
from tremplin.territories.models import DataSource, IndicatorValue

pytestmark = pytest.mark.django_db

WORKBOOKS = {
    "apl_mg": "drees_apl_medecins_generalistes_2022_2023.xlsx",
    "apl_inf": "drees_apl_infirmiers.xlsx",
    "apl_sf": "drees_apl_sages_femmes.xlsx",
    "apl_cd": "drees_apl_chirurgiens_dentistes.xlsx",
}


@pytest.mark.parametrize(("key", "name"), WORKBOOKS.items())
def test_units_are_those_the_workbooks_print(key, name):
    path = OPEN_DATA_DIR / name
    if not path.is_file():
        pytest.skip(f"{path} absent")
    book = openpyxl.load_workbook(path, read_only=True)
    sheet = book[book.sheetnames[-1]]
    header, units = [row for row in sheet.iter_rows(min_row=9, max_row=10, values_only=True)]
    book.close()
    published = units[header.index(next(h for h in header if str(h).startswith("APL aux")))]
    # "En ETP pour 100 000 habitantes standardisées" → "ETP pour 100 000 habitantes standardisées"
    assert str(INDICATORS[key].unit) == published.removeprefix("En ").strip()


def _view(value, share_above=None, share_below=None, key="apl_mg"):
    return selectors.IndicatorView(
        definition=INDICATORS[key],
        value=value,
        category="",
        year=2023,
        source=None,
        share_above=share_above,
        share_below=share_below,
    )


@pytest.mark.parametrize(
    ("above", "below", "text"),
    [
        (0.9996, 0.0, "plus faible que 99 % des communes"),  # not "100 %": some are not above
        (0.5, 0.4, "plus faible que 50 % des communes"),
        (0.2, 0.7999, "plus élevé que 79 % des communes"),
        (0.0, 0.995, "plus élevé que 99 % des communes"),
    ],
)
def test_a_share_never_reads_more_than_it_is(above, below, text):
    assert _view(1.0, above, below).rank_text == text


def test_a_drees_zero_is_shown_as_published_and_flagged(client):
    commune = CommuneFactory(insee="23001", name="Ajain")
    source = DataSource.objects.create(
        key="apl_mg", title="APL", publisher="DREES", year=2023, imported_at=timezone.now()
    )
    IndicatorValue.objects.create(
        commune=commune, key="apl_mg", year=2023, value=0.0, source=source
    )

    view = selectors.commune_indicators(commune)["apl_mg"]
    assert (view.display, view.is_zero_supply) == ("0,00", True)
    assert not _view(0.01).is_zero_supply
    page = client.get(commune.get_absolute_url()).text
    assert 'data-testid="zero-apl_mg"' in page
    assert "0 tel que publié par la DREES" in page


def test_a_workbook_with_an_extra_year_sheet_is_read(tmp_path):
    CommuneFactory(insee="23096", name="Guéret")
    rows = [("23096", "Guéret", 2.9, 2.5, 100.0, 100)]
    path = builders.apl_workbook(tmp_path / "apl.xlsx", {2023: rows, 2024: rows, 2025: rows})

    apl.run(path, progress=False)

    assert set(IndicatorValue.objects.filter(key="apl_mg").values_list("year", flat=True)) == {
        2023,
        2024,
        2025,
    }
    assert DataSource.objects.get(key="apl_mg").year == 2025


def test_a_workbook_whose_header_moved_is_refused_with_the_sheet_and_line(tmp_path):
    CommuneFactory(insee="23096", name="Guéret")
    path = builders.apl_workbook(
        tmp_path / "apl.xlsx", {2024: [("23096", "Guéret", 2.9, 2.5, 100.0, 100)]}
    )
    book = openpyxl.load_workbook(path)
    book["APL 2024"].insert_rows(1, amount=2)  # a newer layout: two more title rows
    book.save(path)

    with pytest.raises(ImportRefused) as refusal:
        apl.run(path, progress=False)

    assert (refusal.value.where, refusal.value.line) == ("feuille « APL 2024 »", 9)
    assert "APL aux" in refusal.value.reason
    assert not IndicatorValue.objects.exists()
