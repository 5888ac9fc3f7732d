"""The /donnees/ page and `manage.py data_audit`: every source, what it covers, what it gave."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from tests.conftest import OPEN_DATA_DIR
from tests.territories.conftest import real_file
from tests.territories.factories import CommuneAliasFactory, CommuneFactory, DepartementFactory
from tremplin.territories.importers import bpe
from tremplin.territories.models import DataSource, IndicatorValue, Place

pytestmark = pytest.mark.django_db

BPE = "CODGEO;NB_G102;NB_G103\n23096;2;1\n23900;1;0\n99999;1;1\n"


@pytest.fixture
def base():
    gueret = CommuneFactory(insee="23096", name="Guéret")
    CommuneFactory(insee="23001", name="Ajain")
    CommuneAliasFactory(code="23900", commune=gueret, name="Ancienne")
    corse = DepartementFactory(code="2A", name="Corse-du-Sud")
    CommuneFactory(insee="2A004", name="Ajaccio", departement=corse)
    return gueret


def _folder(tmp_path: Path) -> Path:
    (tmp_path / "insee_bpe2020_equip-tour-transp-com-2020.csv").write_text(BPE)
    (tmp_path / "notes.txt").write_text("ignored")
    return tmp_path


def _section(page: str, key: str) -> str:
    section = page[page.index(f'data-source="{key}"') :]
    return section[: section.index("</section>")]


def test_the_page_lists_each_source_with_its_reach_and_coverage(client, base, tmp_path):
    bpe.run(_folder(tmp_path) / "insee_bpe2020_equip-tour-transp-com-2020.csv", progress=False)
    source = DataSource.objects.create(
        key="stations", title="Gares", publisher="SNCF", year=2017, imported_at=timezone.now()
    )
    Place.objects.create(
        kind="station", external_id="1", name="Guéret", commune=base, latitude=46.1,
        longitude=1.8, source=source,
    )  # fmt: skip

    page = client.get(reverse("data-sources")).text

    assert "<h1>Sources des données</h1>" in page
    tourism = _section(page, "bpe_tourism")
    assert "toute la France" in tourism and "manage.py import_bpe" in tourism
    assert "2020" in tourism  # the edition
    # Only Guéret is in the file (its former commune's row added to its own): counted in the
    # database, not assumed.
    assert re.search(r'data-testid="territories">\s*1\s', tourism)
    stations_section = _section(page, "stations")
    assert "toute la France sauf la Corse, la Guadeloupe" in stations_section
    assert "1 lieu localisé" in stations_section


def test_every_profile_links_to_the_sources_page(client, base):
    page = client.get(reverse("territories:commune", args=["23096"])).text
    assert reverse("data-sources") in page


def test_the_audit_reports_each_file_and_writes_nothing(base, tmp_path):
    out = io.StringIO()
    call_command("data_audit", dir=str(_folder(tmp_path)), stdout=out)

    text = out.getvalue()
    line = next(row for row in text.splitlines() if "equip-tour-transp" in row)
    cells = [cell.strip() for cell in line.strip("|").split("|")]
    # rows read, territories with a value (Guéret, with its former commune's row), none outside
    # coverage, the unknown code 99999 with its reason.
    assert cells[1:5] == ["`bpe_tourism`", "3", "1", "0"]
    assert cells[5].startswith("1 : code absent de la base des communes")
    assert not IndicatorValue.objects.exists()
    assert not DataSource.objects.exists()


def test_the_audit_refuses_a_missing_folder(base, tmp_path):
    with pytest.raises(CommandError, match="introuvable"):
        call_command("data_audit", dir=str(tmp_path / "absent"))


@pytest.mark.slow
@pytest.mark.usefixtures("commune_base")
class TestRealFiles:
    def test_the_audit_on_the_real_files(self):
        real_file("drees_apl_medecins_generalistes_2022_2023.xlsx")
        out = io.StringIO()
        call_command("data_audit", dir=str(OPEN_DATA_DIR), stdout=out)
        apl = next(row for row in out.getvalue().splitlines() if "drees_apl_medecins" in row)
        cells = [cell.strip() for cell in apl.strip("|").split("|")]
        assert cells[1] == "`apl_mg`"
        assert int(cells[2]) == 69_918  # both sheets, every data row
        assert int(cells[3]) > 34_800
        assert cells[4].endswith("(Mayotte)")
        assert "communes nouvelles publiées avec leurs anciennes communes" in cells[6]
        assert not IndicatorValue.objects.exists()
