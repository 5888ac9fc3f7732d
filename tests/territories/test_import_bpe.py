import hashlib
from pathlib import Path

import pytest
from django.utils import timezone

from tests.conftest import OPEN_DATA_DIR
from tests.territories.factories import CommuneAliasFactory, CommuneFactory, arrondissement_make
from tremplin.territories.importers import bpe, communes
from tremplin.territories.importers.base import ImportRefused
from tremplin.territories.models import DataSource, IndicatorValue

pytestmark = pytest.mark.django_db

COMMERCE = (
    "CODGEO;NB_B101;NB_B102;NB_B103;NB_B201;NB_B203;NB_B316;NB_B203_X\n"
    "23001;1;0;0;2;3;1;7\n"
    "23002;0;1;1;0;0;0;9\n"
    "23900;1;0;0;0;1;0;0\n"
    "01999;4;4;4;4;4;4;4\n"
)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _values(key: str) -> dict[str, float | None]:
    return dict(
        IndicatorValue.objects.filter(key=key, year=2020).values_list("commune_id", "value")
    )


@pytest.fixture
def base() -> None:
    CommuneFactory(insee="23001", name="Ajain")
    merged = CommuneFactory(insee="23002", name="Alleyrat")
    CommuneAliasFactory(code="23900", commune=merged, name="Ancienne", kind="COMD")


def test_commerce_counts(tmp_path: Path, base: None) -> None:
    result = bpe.run(_write(tmp_path, "equip-serv-commerce-com-2020.csv", COMMERCE), progress=False)
    # Suffixed columns (NB_B203_X) are not equipment types; merged communes add up.
    assert _values("shops") == {"23001": 7.0, "23002": 4.0}
    assert _values("supermarkets") == {"23001": 1.0, "23002": 2.0}
    assert _values("bakeries") == {"23001": 3.0, "23002": 1.0}
    assert result.skipped == 1
    source = DataSource.objects.get(key="bpe_commerce")
    assert source.year == 2020
    assert source.publisher == "INSEE"
    assert source.title.startswith("Base permanente des équipements (BPE) — ")


def test_schools_and_tourism(tmp_path: Path, base: None) -> None:
    schools = (
        "CODGEO;NB_C101;NB_C101_NB_CANT;NB_C102;NB_C104;NB_C104PU\n"
        "23001;1;5;2;3;8\n"
        "23002;0;0;0;1;1\n"
    )
    tourism = "CODGEO;NB_E101;NB_G101;NB_G102;NB_G103;NB_G104\n23001;9;1;2;3;4\n23002;0;0;0;0;0\n"
    bpe.run(_write(tmp_path, "equip-ens-1er-degre-com-2020.csv", schools), progress=False)
    bpe.run(_write(tmp_path, "equip-tour-transp-com-2020.csv", tourism), progress=False)
    assert _values("schools_primary") == {"23001": 6.0, "23002": 1.0}
    assert _values("hotels") == {"23001": 2.0, "23002": 0.0}
    assert _values("campings") == {"23001": 3.0, "23002": 0.0}
    assert set(DataSource.objects.values_list("key", flat=True)) == {"bpe_schools", "bpe_tourism"}


def test_arrondissements_only_without_commune_row(tmp_path: Path) -> None:
    paris, lyon = CommuneFactory(insee="75056"), CommuneFactory(insee="69123")
    arrondissement_make("75101", city=paris)
    arrondissement_make("69381", city=lyon)
    arrondissement_make("69382", city=lyon)
    text = (
        "CODGEO;NB_G102;NB_G103\n"
        "75056;10;1\n75101;4;0\n"  # Paris has its own row: its arrondissement's is not added.
        "69381;2;0\n69382;3;1\n"  # Lyon has none: its arrondissements add up.
    )
    bpe.run(_write(tmp_path, "tour-com-2020.csv", text), progress=False)
    # Every arrondissement keeps its own count.
    assert _values("hotels") == {
        "75056": 10.0,
        "75101": 4.0,
        "69123": 5.0,
        "69381": 2.0,
        "69382": 3.0,
    }


def test_former_communes_add_up_into_their_commune_nouvelle(tmp_path: Path) -> None:
    nouvelle = CommuneFactory(insee="01187", name="Haut Valromey")
    CommuneAliasFactory(code="01330", commune=nouvelle, name="Ruffieu")
    text = "CODGEO;NB_G102;NB_G103\n01330;1;0\n01187;2;1\n"
    bpe.run(_write(tmp_path, "tour-com-2020.csv", text), progress=False)
    assert _values("hotels") == {"01187": 3.0}


def test_same_file_again_changes_nothing(tmp_path: Path, base: None) -> None:
    path = _write(tmp_path, "equip-serv-commerce-com-2020.csv", COMMERCE)
    bpe.run(path, progress=False)
    again = bpe.run(path, force=True, progress=False)
    assert (again.created, again.updated, again.deleted, again.unchanged) == (0, 0, 0, 6)
    skipped = bpe.run(path, progress=False)
    assert "same file as last import" in skipped.summary()


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("CODE;NB_B101;NB_B102;NB_B203\n23001;1;1;1\n", 1),
        ("CODGEO;NB_X101\n23001;1\n", 1),
        ("CODGEO;NB_B101;NB_B203\n23001;1;1\n", 1),  # NB_B102 missing
        ("CODGEO;NB_B101;NB_B102;NB_B203\n23001;1;1;1\n2300A;1;1;1\n", 3),
        ("CODGEO;NB_B101;NB_B102;NB_B203\n23001;1;1;1\n23002;1;x;1\n", 3),
        ("CODGEO;NB_B101;NB_B102;NB_B203\n23001;1;1;1\n23002;1;1.5;1\n", 3),
        ("CODGEO;NB_B101;NB_B102;NB_B203\n23001;1;1;1\n23002;1;1\n", 3),
    ],
)
def test_malformed_file_is_refused_and_nothing_changes(
    tmp_path: Path, base: None, text: str, line: int
) -> None:
    bpe.run(_write(tmp_path, "good-com-2020.csv", COMMERCE), progress=False)
    before = list(IndicatorValue.objects.values_list("commune_id", "key", "value"))
    source = DataSource.objects.values().get(key="bpe_commerce")
    with pytest.raises(ImportRefused, match=f"ligne {line} ") as refused:
        bpe.run(_write(tmp_path, "bad-com-2020.csv", text), force=True, progress=False)
    assert refused.value.line == line
    assert list(IndicatorValue.objects.values_list("commune_id", "key", "value")) == before
    assert DataSource.objects.values().get(key="bpe_commerce") == source


def test_year_must_be_in_file_name(tmp_path: Path, base: None) -> None:
    with pytest.raises(ImportRefused, match="millésime"):
        bpe.run(_write(tmp_path, "commerce.csv", COMMERCE), progress=False)
    assert not IndicatorValue.objects.exists()


def test_real_files() -> None:
    names = ["serv-commerce", "serv-ens-1er-degre", "tour-transp"]
    paths = [OPEN_DATA_DIR / f"insee_bpe2020_equip-{name}-com-2020.csv" for name in names]
    if not all(path.is_file() for path in paths):
        pytest.skip(f"BPE 2020 files not found in {OPEN_DATA_DIR}")
    wheel = communes.wheel_locate(download=False)
    if not wheel.is_file():
        pytest.skip(f"commune base not available ({wheel})")
    communes.run(wheel, progress=False)
    for path in paths:
        result = bpe.run(path, progress=False)
        assert result.created > 34_000
        assert result.skipped < 100
    # L'Abergement-Clémenciat: one NB_B202 and one NB_B203 shop, one NB_C104 school.
    assert _values_of("01001") == {
        "shops": 2.0,
        "supermarkets": 0.0,
        "bakeries": 1.0,
        "schools_primary": 1.0,
        "hotels": 0.0,
        "campings": 0.0,
    }
    # Paris from its own row, not added to its arrondissements' rows.
    paris = _values_of("75056")
    assert (paris["shops"], paris["hotels"], paris["campings"]) == (28089.0, 1610.0, 1.0)


def _values_of(insee: str) -> dict[str, float | None]:
    return dict(
        IndicatorValue.objects.filter(commune_id=insee, year=2020).values_list("key", "value")
    )


def test_a_file_imported_by_an_older_revision_of_the_importers_is_imported_again(
    tmp_path: Path, base: None
) -> None:
    path = _write(tmp_path, "equip-serv-commerce-com-2020.csv", COMMERCE)
    DataSource.objects.create(
        key="bpe_commerce",
        title="BPE",
        publisher="INSEE",
        imported_at=timezone.now(),
        file_sha256=hashlib.sha256(path.read_bytes()).hexdigest(),  # what revision 1 stored
    )

    result = bpe.run(path, progress=False)

    assert "same file as last import" not in result.summary()
    assert result.created == 6
