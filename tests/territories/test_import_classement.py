from datetime import date
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from tests.territories.factories import (
    CommuneAliasFactory,
    CommuneFactory,
    DepartementFactory,
    RegionFactory,
    arrondissement_make,
)
from tremplin.territories.importers import classement, zonage
from tremplin.territories.importers.base import ImportRefused
from tremplin.territories.models import DataSource, IndicatorValue, PostalCode
from tremplin.territories.zonages import SCHEMES

pytestmark = pytest.mark.django_db

FRR_DATE = date(2024, 6, 19)
# The ANCT's shape: "Code commune", "Libellé commune", "Classement FRR".
FRR_CSV = (
    "Code commune;Libellé commune;Classement FRR\n"
    "23096;Guéret;Commune classée en FRR\n"
    "23001;Ajain;Commune non classée\n"
    "23002;Alleyrat;Commune classée en FRR+\n"
    "23900;Ancienne commune d’Alleyrat;Commune non classée\n"  # former code: Alleyrat's own row wins
    "97401;Les Avirons;Commune partiellement classée\n"
)
FRR_MAP = [
    "Commune classée en FRR=FRR",
    "Commune classée en FRR+=FRR+",
    "Commune non classée=NC",
    "Commune partiellement classée=P",
]


@pytest.fixture
def base() -> None:
    CommuneFactory(insee="23096", name="Guéret")
    ajain = CommuneFactory(insee="23001", name="Ajain")
    alleyrat = CommuneFactory(insee="23002", name="Alleyrat")
    reunion = DepartementFactory(code="974", name="La Réunion", region=RegionFactory(code="04"))
    CommuneFactory(insee="97401", name="Les Avirons", departement=reunion)
    CommuneAliasFactory(code="23900", commune=alleyrat, kind="COMD")
    CommuneAliasFactory(code="23901", commune=ajain, kind="COMD")


def _csv(tmp_path: Path, text: str, *, name: str = "frr.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _options(scheme: str = "frr", **overrides: object) -> classement.Options:
    values: dict = {
        "scheme": SCHEMES[scheme],
        "code_column": "Code commune",
        "category_column": "Classement FRR",
        "published_on": FRR_DATE,
    }
    values.update(overrides)
    if "mapping" not in values:
        values["mapping"] = classement.mapping_parse(FRR_MAP, scheme=SCHEMES[scheme])
    return classement.Options(**values)


def _values(key: str = "frr", year: int = 2024) -> dict[str, tuple[float | None, str]]:
    return {
        commune: (value, category)
        for commune, value, category in IndicatorValue.objects.filter(
            key=key, year=year
        ).values_list("commune_id", "value", "category")
    }


def test_it_reads_the_frr_arrete_as_published(tmp_path: Path, base: None) -> None:
    result = classement.run(_csv(tmp_path, FRR_CSV), options=_options(), progress=False)

    assert _values() == {
        "23096": (1.0, "FRR"),
        "23001": (0.0, "NC"),
        "23002": (1.0, "FRR+"),
        "97401": (0.5, "P"),
    }
    assert result.created == 4
    source = DataSource.objects.get(key="frr:2024-06-19")
    assert (source.year, source.published_on, source.publisher) == (2024, FRR_DATE, "ANCT")


def test_it_reads_windows_1252_and_commas(tmp_path: Path, base: None) -> None:
    text = FRR_CSV.replace(";", ",").replace("’", "'")
    classement.run(_csv(tmp_path, text, encoding="cp1252"), options=_options(), progress=False)

    assert _values()["23096"] == (1.0, "FRR")


def test_the_schemes_own_labels_need_no_map(tmp_path: Path, base: None) -> None:
    text = "Code commune;Classement FRR\n23096;Classée en FRR\n23001;NC\n"
    classement.run(_csv(tmp_path, text), options=_options(mapping={}), progress=False)

    assert _values() == {"23096": (1.0, "FRR"), "23001": (0.0, "NC")}


def test_former_codes_classed_differently_make_a_partially_classed_commune(
    tmp_path: Path, base: None
) -> None:
    text = (
        "Code commune;Classement FRR\n"
        "23900;Commune classée en FRR\n"
        "23901;Commune non classée\n"
        "23901;Commune non classée\n"  # the same row twice says nothing more
        "23096;Commune classée en FRR\n"
    )
    result = classement.run(_csv(tmp_path, text), options=_options(), progress=False)

    # 23900 alone leads to Alleyrat; 23901 alone to Ajain.
    assert _values() == {"23002": (1.0, "FRR"), "23001": (0.0, "NC"), "23096": (1.0, "FRR")}
    assert result.created == 3


def test_arrondissements_keep_their_own_category_and_the_city_none_picked_for_it(
    tmp_path: Path, base: None
) -> None:
    rhone = DepartementFactory(code="69", name="Rhône")
    lyon = CommuneFactory(insee="69123", name="Lyon", departement=rhone)
    paris = CommuneFactory(insee="75056", name="Paris")
    for code, city in [("69381", lyon), ("69382", lyon), ("75101", paris), ("75102", paris)]:
        arrondissement_make(code, city=city)
    text = (
        "Code commune;Classement FRR\n"
        "69381;Commune non classée\n69382;Commune classée en FRR\n"
        "75101;Commune non classée\n75102;Commune non classée\n"
    )
    classement.run(_csv(tmp_path, text), options=_options(), progress=False)

    values = _values()
    assert values["69381"] == (0.0, "NC") and values["69382"] == (1.0, "FRR")
    assert "69123" not in values  # its arrondissements differ: shown as their breakdown
    assert values["75056"] == (0.0, "NC")  # all its arrondissements agree


def _ars_workbook(tmp_path: Path, rows: list[tuple], *, sheet: str = "Zonage IDE") -> Path:
    """An ARS arrêté's annex: title rows, then the header on row 4."""
    book = openpyxl.Workbook()
    book.active.title = "Notice"
    data = book.create_sheet(sheet)
    data.append(["Arrêté relatif à la détermination des zones pour la profession d’infirmier"])
    data.append(["ARS Nouvelle-Aquitaine"])
    data.append([])
    data.append(["Code INSEE", "Commune", "Bassin de vie", "Zonage infirmier"])
    for row in rows:
        data.append(list(row))
    path = tmp_path / "zonage_infirmiers.xlsx"
    book.save(path)
    return path


ARS_ROWS = [
    (23096, "Guéret", "Guéret", "Très sous-dotée"),  # a number cell
    ("23001", "Ajain", "Guéret", "Intermédiaire"),
    ("23002", "Alleyrat", "Aubusson", "zone sur-dotée"),
]
ARS_MAP = ["Très sous-dotée=TSD", "Intermédiaire=INT", "zone sur-dotée=SUR"]


def _ars_options(**overrides: object) -> classement.Options:
    scheme = SCHEMES["zonage_infirmiers"]
    values: dict = {
        "scheme": scheme,
        "code_column": "Code INSEE",
        "category_column": "Zonage infirmier",
        "published_on": date(2025, 3, 1),
        "mapping": classement.mapping_parse(ARS_MAP, scheme=scheme),
        "sheet": "Zonage IDE",
        "header_row": 4,
    }
    values.update(overrides)
    return classement.Options(**values)


def test_it_reads_an_ars_zonage_workbook(tmp_path: Path, base: None) -> None:
    classement.run(_ars_workbook(tmp_path, ARS_ROWS), options=_ars_options(), progress=False)

    assert _values("zonage_inf", 2025) == {
        "23096": (None, "TSD"),
        "23001": (None, "INT"),
        "23002": (None, "SUR"),
    }
    # A regional file: its source names its région.
    assert DataSource.objects.get(key="zonage_inf:2025-03-01:75").published_on == date(2025, 3, 1)


def test_a_regional_file_leaves_the_other_regions_values_alone(tmp_path: Path, base: None) -> None:
    classement.run(_ars_workbook(tmp_path, ARS_ROWS), options=_ars_options(), progress=False)
    reunion = _csv(tmp_path, "Code INSEE;Zonage\n97401;Sous-dotée\n", name="974.csv")
    classement.run(
        reunion,
        options=_ars_options(category_column="Zonage", sheet=None, header_row=1, mapping={}),
        progress=False,
    )

    assert _values("zonage_inf", 2025) == {
        "23096": (None, "TSD"),
        "23001": (None, "INT"),
        "23002": (None, "SUR"),
        "97401": (None, "SD"),
    }
    assert DataSource.objects.filter(key__startswith="zonage_inf:").count() == 2


def test_a_new_arrete_replaces_the_former_one_and_its_source(tmp_path: Path, base: None) -> None:
    path = _ars_workbook(tmp_path, ARS_ROWS)
    classement.run(path, options=_ars_options(), progress=False)
    classement.run(path, options=_ars_options(published_on=date(2025, 9, 1)), progress=False)

    assert set(DataSource.objects.values_list("key", flat=True)) == {"zonage_inf:2025-09-01:75"}
    assert len(_values("zonage_inf", 2025)) == 3


def test_former_codes_zoned_differently_give_no_zonage_rather_than_one_picked(
    tmp_path: Path, base: None
) -> None:
    CommuneAliasFactory(code="23902", commune_id="23001", kind="COMD")
    text = "Code commune;Zonage\n23901;SD\n23902;TSD\n23900;SD\n23096;INT\n"
    options = _options("zonage_infirmiers", category_column="Zonage", mapping={})
    classement.run(_csv(tmp_path, text, name="ide.csv"), options=options, progress=False)

    # Ajain's former communes disagree: unknown; Alleyrat's single former code: its category.
    assert _values("zonage_inf", 2024) == {"23002": (None, "SD"), "23096": (None, "INT")}


def test_a_new_arrete_of_a_later_year_replaces_the_former_one(tmp_path: Path, base: None) -> None:
    classement.run(_ars_workbook(tmp_path, ARS_ROWS), options=_ars_options(), progress=False)
    # The 2026 arrêté no longer lists Alleyrat: it keeps no 2025 category.
    later = _ars_workbook(tmp_path, ARS_ROWS[:2])
    classement.run(later, options=_ars_options(published_on=date(2026, 1, 15)), progress=False)

    assert _values("zonage_inf", 2025) == {}
    assert set(_values("zonage_inf", 2026)) == {"23096", "23001"}
    assert set(DataSource.objects.values_list("key", flat=True)) == {"zonage_inf:2026-01-15:75"}


def test_an_official_medecins_arrete_wins_over_the_cartosante_extraction(
    tmp_path: Path, base: None
) -> None:
    PostalCode.objects.create(code="23000", commune_id="23096")
    extraction = tmp_path / "zonage_medecins.csv"
    extraction.write_text("Code_postal,Nom_commune,Zonage\n23000,Guéret,1_ZIP\n")
    zonage.run(extraction, progress=False)  # year 2025
    arrete = _csv(tmp_path, "Code commune;Zonage\n23096;ZAC\n23001;HZ\n", name="arrete.csv")
    options = _options(
        "zonage_medecins",
        category_column="Zonage",
        mapping={},
        published_on=date(2024, 5, 1),
    )
    classement.run(arrete, options=options, progress=False)

    # The arrêté (2024) replaced the extraction's 2025 row of its région…
    rows = IndicatorValue.objects.filter(key="zonage_mg", commune_id="23096")
    assert list(rows.values_list("year", "category")) == [(2024, "ZAC")]
    # …and importing the extraction again leaves that région alone.
    zonage.run(extraction, force=True, progress=False)
    assert list(rows.values_list("year", "category")) == [(2024, "ZAC")]


def test_the_same_file_twice_changes_nothing(tmp_path: Path, base: None) -> None:
    path = _csv(tmp_path, FRR_CSV)
    classement.run(path, options=_options(), progress=False)
    before, source = _values(), DataSource.objects.values().get()

    again = classement.run(path, options=_options(), progress=False)

    assert (again.created, again.updated, again.deleted, again.unchanged) == (0, 0, 0, 4)
    assert _values() == before
    assert DataSource.objects.values().get() == source
    forced = classement.run(path, options=_options(), force=True, progress=False)
    assert (forced.created, forced.updated, forced.deleted, forced.unchanged) == (0, 0, 0, 4)


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        ("01999;Inconnue;Commune classée en FRR", "ligne 4 : commune « 01999 » inconnue"),
        ("23001;Ajain;Commune classée ZRR", "ligne 4 : .*« Commune classée ZRR » n’est pas une"),
        ("23001;Ajain;", "ligne 4 : .*une cellule vide n’est pas une catégorie"),
        ("2300Z;Ajain;Commune classée en FRR", "ligne 4 : code commune « 2300Z » invalide"),
        ("23096;Guéret;Commune non classée", "ligne 4 : commune « 23096 » classée deux fois"),
    ],
)
def test_a_bad_row_refuses_the_whole_file_with_its_line(
    tmp_path: Path, base: None, bad_row: str, message: str
) -> None:
    classement.run(_csv(tmp_path, FRR_CSV), options=_options(), progress=False)
    before, source = _values(), DataSource.objects.values().get()
    lines = FRR_CSV.splitlines()
    bad = _csv(tmp_path, "\n".join([*lines[:3], bad_row, *lines[3:]]) + "\n", name="bad.csv")

    with pytest.raises(ImportRefused, match=message):
        classement.run(bad, options=_options(published_on=date(2024, 7, 1)), progress=False)

    assert _values() == before
    assert DataSource.objects.values().get() == source


def test_an_unknown_commune_in_a_workbook_names_its_sheet_and_line(
    tmp_path: Path, base: None
) -> None:
    path = _ars_workbook(tmp_path, [*ARS_ROWS, ("01999", "Inconnue", "", "Intermédiaire")])

    with pytest.raises(ImportRefused, match="feuille « Zonage IDE », ligne 8 : commune « 01999 »"):
        classement.run(path, options=_ars_options(), progress=False)
    assert not IndicatorValue.objects.exists()
    assert not DataSource.objects.exists()


def test_a_missing_column_an_empty_file_or_sheet_are_refused_by_name(
    tmp_path: Path, base: None
) -> None:
    with pytest.raises(ImportRefused, match="colonne « Classement FRR » introuvable"):
        classement.run(
            _csv(tmp_path, "Code commune;Classement\n23096;FRR\n"),
            options=_options(),
            progress=False,
        )
    with pytest.raises(ImportRefused, match="vide : colonne « Code commune » introuvable"):
        classement.run(_csv(tmp_path, ""), options=_options(), progress=False)
    with pytest.raises(ImportRefused, match=r"feuille « Autre » introuvable .*« Zonage IDE »"):
        classement.run(
            _ars_workbook(tmp_path, ARS_ROWS), options=_ars_options(sheet="Autre"), progress=False
        )
    assert not IndicatorValue.objects.exists()


def test_a_map_to_an_unknown_category_is_refused_before_reading() -> None:
    with pytest.raises(ImportRefused, match="« ZIP » n’est pas une catégorie de frr"):
        classement.mapping_parse(["Classée=ZIP"], scheme=SCHEMES["frr"])
    with pytest.raises(ImportRefused, match="libellé=CATÉGORIE"):
        classement.mapping_parse(["Classée"], scheme=SCHEMES["frr"])


def test_rows_mapped_to_a_dash_are_left_out(tmp_path: Path, base: None) -> None:
    text = "Code commune;Classement FRR\n23096;Commune classée en FRR\n23001;N/A\n"
    options = _options(mapping=classement.mapping_parse([*FRR_MAP, "N/A=-"], scheme=SCHEMES["frr"]))

    result = classement.run(_csv(tmp_path, text), options=options, progress=False)

    assert _values() == {"23096": (1.0, "FRR")}
    assert result.skipped == 1


def test_the_command_line(tmp_path: Path, base: None) -> None:
    path = _csv(tmp_path, FRR_CSV)
    maps = [argument for label in FRR_MAP for argument in ("--map", label)]

    call_command(
        "import_classement", str(path), "--scheme", "frr", "--code-column", "Code commune",
        "--category-column", "Classement FRR", *maps, "--date", "2024-06-19", verbosity=0,
    )  # fmt: skip

    assert _values()["23002"] == (1.0, "FRR+")
    with pytest.raises(CommandError, match=r"frr\.csv refusé, rien n’a été modifié — .*« FRR2 »"):
        call_command(
            "import_classement", str(path), "--scheme", "frr", "--code-column", "Code commune",
            "--category-column", "Classement FRR", "--map", "x=FRR2", "--date", "2024-06-19",
        )  # fmt: skip
    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        call_command(
            "import_classement", str(path), "--scheme", "frr", "--code-column", "Code commune",
            "--category-column", "Classement FRR", "--date", "19/06/2024",
        )  # fmt: skip


def test_the_medecins_scheme_writes_the_zonage_the_cartosante_import_writes(
    tmp_path: Path, base: None
) -> None:
    text = "Code commune;Zonage\n23096;ZIP\n23001;Zone d’action complémentaire (ZAC)\n"
    classement.run(
        _csv(tmp_path, text),
        options=_options(
            "zonage_medecins", category_column="Zonage", mapping={}, published_on=date(2026, 1, 1)
        ),
        progress=False,
    )

    assert _values("zonage_mg", 2026) == {"23096": (None, "ZIP"), "23001": (None, "ZAC")}


# --- Real files -------------------------------------------------------------------------------
# real_file and commune_base come from tests/territories/conftest.py.
ZRR_FILE = "anct_insee_zonages_zrr_cog2021.xls"


def test_the_table_reader_reads_the_anct_workbook_as_published() -> None:
    from tests.territories.conftest import real_file
    from tremplin.territories.importers.table import table_read

    table = table_read(real_file(ZRR_FILE), sheet="Classement ZRR (COG 2017)", header_row=6)

    assert table.column("CODGEO") == 0
    assert table.column("zrr_simp") == 2
    assert len(table.rows) > 35_000
    assert table.rows[0][1][:2] == ["01001", "L'Abergement-Clémenciat"]


@pytest.mark.usefixtures("commune_base")
class TestRealFiles:
    def test_the_real_zrr_file_still_imports_and_shows_as_the_2017_classement(
        self, db: None, client: object
    ) -> None:
        from django.urls import reverse

        from tests.territories.conftest import real_file
        from tremplin.territories.importers import zrr

        result = zrr.run(real_file(ZRR_FILE), progress=False)

        assert result.created > 34_000
        assert _values("zrr", 2017)["23096"] == (1.0, "Classée en ZRR")
        page = client.get(reverse("territories:commune", args=["23096"])).text  # type: ignore[attr-defined]
        assert "ZRR, classement 2017, remplacé par France Ruralités Revitalisation" in page
        assert "exonération" not in page.lower()
        assert "Zonage ARS des infirmiers</strong> :" in page
