from pathlib import Path

import pytest

from tests.conftest import OPEN_DATA_DIR
from tests.territories.factories import CommuneAliasFactory, CommuneFactory
from tremplin.territories.importers import coastline, communes
from tremplin.territories.importers.base import ImportRefused
from tremplin.territories.models import DataSource, IndicatorValue

pytestmark = pytest.mark.django_db

SEA = "Commune riveraine de la mer ou d'un oc\ufffdan"
ESTUARY = "Commune sur un estuaire en aval de la limite transversale de la mer (LTM)"
LIST = (
    f"PACA;06;Alpes-Maritimes;06004;Antibes;Mer;{SEA};;74982;0\n"
    f"Normandie;14;Calvados;14382;Louvi\ufffdres;Mer;{SEA};;79;14281\n"
    f"Normandie;14;Calvados;14600;Estuaire;Mer;{ESTUARY};Fleuve Seine;500;0\n"
    f"Bretagne;22;C\ufffdtes-d'Armor;22999;Disparue;Mer;{SEA};;10;0\n"
)


def _write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "onml_communes_littorales_2019.csv"
    path.write_bytes(text.encode(encoding))
    return path


def _values() -> dict[str, tuple[float | None, str]]:
    return {
        commune: (value, category)
        for commune, value, category in IndicatorValue.objects.filter(
            key="coastline", year=2019
        ).values_list("commune_id", "value", "category")
    }


@pytest.fixture
def base() -> None:
    CommuneFactory(insee="06004", name="Antibes")
    merged = CommuneFactory(insee="14281", name="Formigny La Bataille")
    CommuneAliasFactory(code="14900", commune=merged, kind="COMD")
    CommuneFactory(insee="14600", name="Estuaire")
    CommuneFactory(insee="23096", name="Guéret")


def test_listed_communes_are_coastal_and_the_others_not(tmp_path: Path, base: None) -> None:
    result = coastline.run(_write(tmp_path, LIST), progress=False)
    assert _values() == {
        "06004": (1.0, "Commune riveraine de la mer ou d'un océan"),  # accents restored
        "14281": (1.0, "Commune riveraine de la mer ou d'un océan"),  # via the new code
        "14600": (1.0, ESTUARY),
        "23096": (0.0, ""),
    }
    assert result.skipped == 1
    source = DataSource.objects.get(key="coastline")
    assert (source.year, source.publisher) == (
        2019,
        "Observatoire national de la mer et du littoral (ONML)",
    )


def test_latin1_file_is_read(tmp_path: Path, base: None) -> None:
    text = "PACA;06;Alpes-Maritimes;06004;Antibes;Mer;Commune riveraine d'un étang salé;;1;0\n"
    coastline.run(_write(tmp_path, text, encoding="latin-1"), progress=False)
    assert _values()["06004"] == (1.0, "Commune riveraine d'un étang salé")


def test_same_file_again_changes_nothing(tmp_path: Path, base: None) -> None:
    path = _write(tmp_path, LIST)
    coastline.run(path, progress=False)
    again = coastline.run(path, force=True, progress=False)
    assert (again.created, again.updated, again.deleted, again.unchanged) == (0, 0, 0, 4)


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        ("Bretagne;22;Côtes;22001;Commune;Mer;Classement;;10\n", "9 colonnes"),
        ("Bretagne;22;Côtes;2200X;Commune;Mer;Classement;;10;0\n", "2200X"),
        ("Bretagne;22;Côtes;22001;Commune;Mer;Classement;;10;ABC\n", "ABC"),
        ("Bretagne;22;Côtes;22001;Commune;Mer;;;10;0\n", "classement vide"),
    ],
)
def test_malformed_file_is_refused_and_nothing_changes(
    tmp_path: Path, base: None, bad_row: str, message: str
) -> None:
    coastline.run(_write(tmp_path, LIST), progress=False)
    before, source = _values(), DataSource.objects.values().get(key="coastline")
    with pytest.raises(ImportRefused, match=f"ligne 3 : .*{message}"):
        coastline.run(
            _write(tmp_path, LIST[: LIST.index("\n") + 1] + "\n" + bad_row),
            force=True,
            progress=False,
        )
    assert _values() == before
    assert DataSource.objects.values().get(key="coastline") == source


def test_real_file() -> None:
    path = OPEN_DATA_DIR / "onml_communes_littorales_2019.csv"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    wheel = communes.wheel_locate(download=False)
    if not wheel.is_file():
        pytest.skip(f"commune base not available ({wheel})")
    communes.run(wheel, progress=False)
    result = coastline.run(path, progress=False)
    values = _values()
    assert values["06004"] == (1.0, "Commune riveraine de la mer ou d'un océan")  # Antibes
    assert values["23096"] == (0.0, "")  # Guéret
    assert values["17219"][0] == 1.0  # Marennes-Hiers-Brouage, through its commune nouvelle
    assert 900 < sum(value for value, _ in values.values()) < 1000
    assert len(values) == result.created > 34_000
