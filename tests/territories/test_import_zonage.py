from pathlib import Path

import pytest

from tests.conftest import OPEN_DATA_DIR
from tests.territories.factories import CommuneAliasFactory, CommuneFactory, arrondissement_make
from tremplin.territories.importers import communes, zonage
from tremplin.territories.importers.base import ImportRefused
from tremplin.territories.models import Commune, DataSource, IndicatorValue, PostalCode
from tremplin.territories.selectors import commune_indicators

pytestmark = pytest.mark.django_db

ZONAGE = (
    "Code_postal,Nom_commune,Zonage\n"
    "1400,L'Abergement-Clémenciat,2_ZAC\n"  # by name, leading zero restored
    "1400,Saint-André-de-Corcy,1_ZIP\n"  # by name, same postal code
    "1400,Ancienne Commune,3_HZ\n"  # a delegated commune of Saint-André-de-Corcy
    "23000,Guéret,4_ZAR\n"  # only commune of its postal code, whatever the name
    "23000,Gueret (ville),3_HZ\n"
    "1400,Inconnue,1_ZIP\n"  # several communes, no name matches: skipped
    "99999,Nulle part,1_ZIP\n"  # unknown postal code: skipped
    "23000,Guéret,N/A - résultat non disponible\n"
)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "zonage_medecins.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _values() -> dict[str, tuple[float | None, str]]:
    return {
        commune: (value, category)
        for commune, value, category in IndicatorValue.objects.filter(
            key="zonage_mg", year=2025
        ).values_list("commune_id", "value", "category")
    }


@pytest.fixture
def base() -> None:
    abergement = CommuneFactory(insee="01001", name="L'Abergement-Clémenciat")
    saint_andre = CommuneFactory(insee="01333", name="Saint-André-de-Corcy")
    CommuneAliasFactory(code="01900", commune=saint_andre, name="Ancienne-Commune")
    gueret = CommuneFactory(insee="23096", name="Guéret")
    for code, commune in [("01400", abergement), ("01400", saint_andre), ("23000", gueret)]:
        PostalCode.objects.create(code=code, commune=commune)


def test_zonage_by_postal_code_and_name(tmp_path: Path, base: None) -> None:
    result = zonage.run(_write(tmp_path, ZONAGE), progress=False)
    assert _values() == {
        "01001": (None, "ZAC"),
        "01333": (None, "ZIP"),  # its own row decides over its delegated commune's HZ
        "23096": (None, "ZAR"),  # the row naming Guéret decides over "Gueret (ville)"
    }
    assert result.skipped == 3
    source = DataSource.objects.get(key="zonage_mg")
    assert (source.year, source.publisher) == (2025, "ARS (via CartoSanté)")


@pytest.mark.parametrize("order", [1, -1])
def test_rows_that_disagree_give_no_zonage_whatever_their_order(
    tmp_path: Path, base: None, order: int
) -> None:
    rows = ["1400,Ancienne Commune,1_ZIP", "1400,Ancienne-Commune,3_HZ"][::order]
    zonage.run(
        _write(tmp_path, "Code_postal,Nom_commune,Zonage\n" + "\n".join(rows)), progress=False
    )
    # Two rows for the same former commune, none naming the commune itself: no zonage at all,
    # rather than the most favourable one.
    assert _values() == {}


def test_arrondissements_have_their_zonage_and_the_city_no_single_one(
    tmp_path: Path, base: None
) -> None:
    marseille = CommuneFactory(insee="13055", name="Marseille")
    lyon = CommuneFactory(insee="69123", name="Lyon")
    for code, city, postal in [
        ("13201", marseille, "13001"),
        ("13202", marseille, "13002"),
        ("69381", lyon, "69001"),
        ("69382", lyon, "69002"),
    ]:
        ordinal = "1er" if code.endswith("1") else "2e"
        arrondissement = arrondissement_make(
            code, city=city, name=f"{city.name} {ordinal} Arrondissement"
        )
        for commune in (arrondissement, city):
            PostalCode.objects.create(code=postal, commune=commune)
    text = (
        "Code_postal,Nom_commune,Zonage\n"
        "13001,Marseille 1er Arrondissement,1_ZIP\n13002,Marseille 2e Arrondissement,2_ZAC\n"
        "69001,Lyon 1er Arrondissement,2_ZAC\n69002,Lyon 2e Arrondissement,2_ZAC\n"
    )
    zonage.run(_write(tmp_path, text), progress=False)
    values = _values()
    assert values["13201"] == (None, "ZIP") and values["13202"] == (None, "ZAC")
    assert "13055" not in values  # never the most favourable picked for the whole city
    assert values["69123"] == (None, "ZAC")  # all its arrondissements agree


def test_same_file_again_changes_nothing(tmp_path: Path, base: None) -> None:
    path = _write(tmp_path, ZONAGE)
    zonage.run(path, progress=False)
    again = zonage.run(path, force=True, progress=False)
    assert (again.created, again.updated, again.deleted, again.unchanged) == (0, 0, 0, 3)


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        ("1400,L'Abergement-Clémenciat,5_ZXY", "ligne 3 : .*5_ZXY"),
        ("14OO,L'Abergement-Clémenciat,1_ZIP", "ligne 3 : .*14OO"),
        ("1400,L'Abergement-Clémenciat", "ligne 3 : 2 colonnes"),
    ],
)
def test_malformed_file_is_refused_and_nothing_changes(
    tmp_path: Path, base: None, bad_row: str, message: str
) -> None:
    zonage.run(_write(tmp_path, ZONAGE), progress=False)
    before, source = _values(), DataSource.objects.values().get(key="zonage_mg")
    lines = ZONAGE.splitlines()
    bad = "\n".join([lines[0], lines[1], bad_row, *lines[2:]])
    with pytest.raises(ImportRefused, match=message):
        zonage.run(_write(tmp_path, bad), force=True, progress=False)
    assert _values() == before
    assert DataSource.objects.values().get(key="zonage_mg") == source


def test_wrong_header_is_refused(tmp_path: Path, base: None) -> None:
    with pytest.raises(ImportRefused, match=r"ligne 1 : .*Zonage"):
        zonage.run(_write(tmp_path, "Code_postal,Nom_commune,Zone\n1400,X,1_ZIP\n"), progress=False)
    assert not IndicatorValue.objects.exists()


def test_real_file() -> None:
    path = OPEN_DATA_DIR / "zonage_medecins_zip_zac_par_code_postal_derived.csv"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    wheel = communes.wheel_locate(download=False)
    if not wheel.is_file():
        pytest.skip(f"commune base not available ({wheel})")
    communes.run(wheel, progress=False)
    result = zonage.run(path, progress=False)
    values = _values()
    assert values["23096"] == (None, "ZIP")  # Guéret
    assert values["01001"] == (None, "ZAC")  # L'Abergement-Clémenciat
    assert result.created > 34_000
    assert result.skipped < 500
    # Arrondissements have their own zonage; the cities, whose arrondissements differ, none.
    assert values["75119"] == (None, "ZIP") and values["75101"] == (None, "HZ")
    assert values["13215"] == (None, "ZIP")
    assert {"75056", "69123", "13055"}.isdisjoint(values)
    paris = commune_indicators(Commune.objects.get(insee="75056"))["zonage_mg"]
    assert paris.display == "1 arrondissement en ZIP, 11 en ZAC, 8 hors zonage"
