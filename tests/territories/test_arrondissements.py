"""Paris, Lyon and Marseille: arrondissements are territories, their city never one value
picked for them."""

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from tests.territories.factories import CommuneFactory, DepartementFactory, arrondissement_make
from tremplin.territories import areas, selectors
from tremplin.territories.maps import departement_values
from tremplin.territories.models import Commune, DataSource, IndicatorValue

pytestmark = pytest.mark.django_db


def _source(key: str, publisher: str = "DREES", year: int = 2023) -> DataSource:
    return DataSource.objects.get_or_create(
        key=key,
        defaults={
            "title": key,
            "publisher": publisher,
            "year": year,
            "imported_at": timezone.now(),
        },
    )[0]


def _value(commune, key, *, year=2023, value=None, category="", weight=None, source=None):
    return IndicatorValue.objects.create(
        commune=commune,
        key=key,
        year=year,
        value=value,
        category=category,
        weight=weight,
        source=source or _source(key),
    )


@pytest.fixture
def paris():
    departement = DepartementFactory(code="75", name="Paris")
    city = CommuneFactory(
        insee="75056", name="Paris", departement=departement, population=2_133_111
    )
    first = arrondissement_make("75101", city=city, name="Paris 1er Arrondissement")
    twelfth = arrondissement_make(
        "75112", city=city, name="Paris 12e Arrondissement", population=139_297
    )
    third = arrondissement_make("75103", city=city, name="Paris 3e Arrondissement")
    for arrondissement, zonage in [(first, "ZIP"), (twelfth, "ZAC"), (third, "ZAC")]:
        _value(
            arrondissement,
            "zonage_mg",
            year=2025,
            category=zonage,
            source=_source("zonage_mg", "ARS", 2025),
        )
    _value(twelfth, "apl_mg", value=2.5, weight=140_000.0)
    _value(city, "apl_mg", value=3.1, weight=2_100_000.0)
    _value(city, "stations", year=2017, value=6.0, source=_source("stations", "SNCF", 2017))
    return city


def test_a_city_shows_the_breakdown_of_its_arrondissements_never_one_zonage(client, paris):
    indicators = selectors.commune_indicators(paris)

    zonage = indicators["zonage_mg"]
    assert zonage.category == ""
    assert zonage.display == "1 arrondissement en ZIP, 2 en ZAC"  # the scheme’s order
    page = client.get(reverse("territories:commune", args=["75056"])).text
    assert "1 arrondissement en ZIP, 2 en ZAC" in page
    assert "Zone d’intervention prioritaire" not in page  # no aid text picked for the city
    for code in ["75101", "75103", "75112"]:
        assert reverse("territories:commune", args=[code]) in page


def test_an_arrondissement_has_its_own_profile_and_its_city_values_marked(client, paris):
    page = client.get(reverse("territories:commune", args=["75112"])).text

    assert "<h1>Paris 12e Arrondissement</h1>" in page
    assert "Zone d’action complémentaire (ZAC)" in page  # its own zonage
    assert "2,50" in page  # its own APL, not Paris's 3,10
    assert "3,10" not in page
    # The station count is published for Paris as a whole: shown, and said so.
    assert 'data-testid="city-stations"' in page
    assert "Valeur de Paris dans son ensemble" in page
    assert reverse("territories:commune", args=["75056"]) in page


def test_the_api_gives_the_arrondissement_and_the_city(client, paris):
    arrondissement = client.get("/api/v1/communes/75112").json()
    assert (arrondissement["kind"], arrondissement["city"]) == ("ARM", "75056")
    stations = next(i for i in arrondissement["indicators"] if i["key"] == "stations")
    assert (stations["value"], stations["published_for"]) == (6.0, "75056")
    apl = next(i for i in arrondissement["indicators"] if i["key"] == "apl_mg")
    assert (apl["value"], apl["published_for"]) == (2.5, None)

    city = client.get("/api/v1/communes/75056").json()
    assert city["kind"] == "COM" and city["arrondissements"] == ["75101", "75103", "75112"]
    zonage = next(i for i in city["indicators"] if i["key"] == "zonage_mg")
    assert (zonage["category"], zonage["breakdown"]) == ("", {"ZAC": 2, "ZIP": 1})


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Paris 12", "75112"),
        ("paris 12e", "75112"),
        ("Lyon 3e", "69383"),
        ("Marseille 15e", "13215"),
        ("Paris", "75056"),
    ],
)
def test_arrondissements_are_found_as_people_type_them(query, expected):
    cities = {
        "75056": ("Paris", "Paris 12e Arrondissement", "75112"),
        "69123": ("Lyon", "Lyon 3e Arrondissement", "69383"),
        "13055": ("Marseille", "Marseille 15e Arrondissement", "13215"),
    }
    for code, (name, arrondissement, arrondissement_code) in cities.items():
        city = CommuneFactory(insee=code, name=name, population=500_000)
        arrondissement_make(arrondissement_code, city=city, name=arrondissement, population=90_000)
    DataSource.objects.create(
        key="communes", title="c", publisher="INSEE", imported_at=timezone.now()
    )

    assert selectors.commune_search(query, limit=3)[0].insee == expected


def test_area_figures_count_each_inhabitant_once_and_weight_by_standardised_population(paris):
    creuse = DepartementFactory(code="23", name="Creuse")
    gueret = CommuneFactory(insee="23096", departement=creuse, population=13_000)
    bourganeuf = CommuneFactory(insee="23030", departement=creuse, population=2_500)
    _value(gueret, "apl_mg", value=4.0, weight=10_000.0)
    _value(bourganeuf, "apl_mg", value=1.0, weight=30_000.0)

    creuse_summary = areas.area_summary(
        Commune.objects.filter(departement_id="23"), scope={"departement_id": "23"}
    )
    # (4 × 10,000 + 1 × 30,000) / 40,000 — not (4 × 13,000 + 1 × 2,500) / 15,500 = 3.52.
    assert creuse_summary["apl"]["apl_mg"]["value"] == pytest.approx(1.75)
    assert creuse_summary["apl"]["apl_mg"]["method"] == "standardised"

    paris_summary = areas.area_summary(
        Commune.objects.filter(departement_id="75"), scope={"departement_id": "75"}
    )
    # Paris, not Paris plus its arrondissements.
    assert paris_summary["population"] == 2_133_111
    assert paris_summary["commune_count"] == 1
    assert paris_summary["apl"]["apl_mg"]["value"] == pytest.approx(3.1)


def test_without_standardised_population_the_area_says_it_weights_by_population():
    creuse = DepartementFactory(code="23", name="Creuse")
    gueret = CommuneFactory(insee="23096", departement=creuse, population=3_000)
    bourganeuf = CommuneFactory(insee="23030", departement=creuse, population=1_000)
    _value(gueret, "apl_mg", value=4.0)
    _value(bourganeuf, "apl_mg", value=2.0)

    summary = areas.area_summary(
        Commune.objects.filter(departement_id="23"), scope={"departement_id": "23"}
    )

    assert summary["apl"]["apl_mg"]["value"] == pytest.approx(3.5)
    assert summary["apl"]["apl_mg"]["method"] == "population"


def test_an_offer_can_be_placed_in_an_arrondissement(paris):
    from tests.offers.factories import OfferFactory

    twelfth = Commune.objects.get(insee="75112")
    offer = OfferFactory(commune=twelfth)
    assert offer.commune.city_id == "75056"


def test_nearest_places_of_a_list_never_imported_are_unknown_not_none_within_reach(client):
    from tremplin.territories.selectors import commune_nearby

    gueret = CommuneFactory(insee="23096", name="Guéret", latitude=46.17, longitude=1.87)

    nearby = commune_nearby(gueret, kind="hospital", limit=3)

    assert nearby.empty_text == "donnée non disponible"
    _source("hospitals", "FINESS", 2020)
    assert commune_nearby(gueret, kind="hospital", limit=3).empty_text == "aucun à moins de 150 km"


@pytest.mark.slow
@pytest.mark.usefixtures("commune_base")
class TestRealBase:
    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("Paris 12", "75112"),
            ("Lyon 3e", "69383"),
            ("Marseille 15e", "13215"),
            ("Paris", "75056"),
            ("75012", "75056"),  # a postal code finds the city first, its arrondissement next
        ],
    )
    def test_arrondissements_of_the_real_base_are_found(self, query, expected):
        found = [commune.insee for commune in selectors.commune_search(query, limit=3)]
        assert found[0] == expected
        if query == "75012":
            assert "75112" in found

    def test_the_real_base_has_45_arrondissements_inside_their_cities(self):
        cities = dict(
            Commune.objects.filter(kind=Commune.Kind.ARRONDISSEMENT)
            .values("city_id")
            .annotate(n=Count("insee"))
            .values_list("city_id", "n")
        )
        assert cities == {"75056": 20, "69123": 9, "13055": 16}
        twelfth = Commune.objects.get(insee="75112")
        assert (twelfth.departement_id, twelfth.postal_codes) == ("75", "75012")
        assert twelfth.epci_id == Commune.objects.get(insee="75056").epci_id


def test_an_arrondissement_never_borrows_its_citys_total_from_a_source_that_lists_arrondissements(
    paris,
):
    bpe = _source("bpe_commerce", "INSEE", 2020)
    _value(paris, "shops", year=2020, value=12_000.0, source=bpe)
    _value(Commune.objects.get(insee="75101"), "shops", year=2020, value=900.0, source=bpe)

    twelfth = selectors.commune_indicators(Commune.objects.get(insee="75112"))

    # The BPE lists arrondissements: without a row, the 12th has none (a real 0), not Paris's.
    assert twelfth["shops"].value == 0 and twelfth["shops"].published_for is None
    # The SNCF lists the city only: its figure is shown, marked.
    assert twelfth["stations"].published_for is not None


def test_a_paramedical_breakdown_reads_in_words(paris):
    nurses = _source("zonage_inf:2025-03-01:11", "ARS", 2025)
    for code, category in [("75101", "SD"), ("75103", "INT"), ("75112", "INT")]:
        _value(Commune.objects.get(insee=code), "zonage_inf", year=2025, category=category,
               source=nurses)  # fmt: skip

    view = selectors.commune_indicators(paris)["zonage_inf"]

    assert view.display == "1 arrondissement « Zone sous-dotée », 2 « Zone intermédiaire »"


def test_the_france_map_weights_like_the_area_pages(paris):
    creuse = DepartementFactory(code="23", name="Creuse")
    gueret = CommuneFactory(insee="23096", departement=creuse, population=13_000)
    bourganeuf = CommuneFactory(insee="23030", departement=creuse, population=2_500)
    _value(gueret, "apl_mg", value=4.0, weight=10_000.0)
    _value(bourganeuf, "apl_mg", value=1.0, weight=30_000.0)

    values = departement_values("apl_mg")

    assert values["23"] == pytest.approx(1.75)  # by standardised population
    assert values["75"] == pytest.approx(3.1)  # Paris alone, not with its arrondissements
