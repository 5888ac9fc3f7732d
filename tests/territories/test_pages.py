import re

import pytest
from django.urls import reverse

from tests.territories.factories import CommuneFactory, DepartementFactory, EpciFactory
from tremplin.territories.models import DataSource, IndicatorValue, Place

pytestmark = pytest.mark.django_db


@pytest.fixture
def source():
    from django.utils import timezone

    return DataSource.objects.create(
        key="apl_mg", title="APL", publisher="DREES", year=2023, imported_at=timezone.now()
    )


def value(
    commune, key, year, value=None, category="", source=None, share_above=None, share_below=None
):
    return IndicatorValue.objects.create(
        commune=commune, key=key, year=year, value=value, category=category, source=source,
        share_above=share_above, share_below=share_below,
    )  # fmt: skip


@pytest.fixture
def gueret(source):
    commune = CommuneFactory(
        insee="23096",
        name="Guéret",
        epci=EpciFactory(siren="200034825", name="CA du Grand Guéret"),
        population=13161,
        latitude=46.17,
        longitude=1.87,
        town_hall_address="Esplanade François-Mitterrand\n23000 Guéret",
        town_hall_phone="05 55 51 47 00",
        town_hall_email="mairie@ville-gueret.fr",
        town_hall_hours=[["lundi", "vendredi", [["08:30:00", "12:00:00"]]]],
        postal_codes="23000",
    )
    value(commune, "apl_mg", 2022, 3.204, source=source, share_above=0.4, share_below=0.59)
    value(commune, "apl_mg", 2023, 2.95, source=source, share_above=0.18, share_below=0.82)
    value(commune, "zonage_mg", 2025, category="ZAC", source=source)
    return commune


def test_a_commune_profile_shows_its_identity_and_town_hall(client, gueret):
    response = client.get(reverse("territories:commune", args=["23096"]))

    assert response.status_code == 200
    page = response.text
    for text in ["Guéret", "23096", "23000", "Creuse (23)", "CA du Grand Guéret", "13\xa0161 habitants (INSEE)",
                 "05 55 51 47 00", "mairie@ville-gueret.fr", "du lundi au vendredi", "08:30–12:00"]:  # fmt: skip
        assert text in page, text


def test_a_profile_shows_the_latest_year_with_its_rank_and_source(client, gueret):
    page = client.get(reverse("territories:commune", args=["23096"])).text

    assert "2,95" in page
    assert "3,20" not in page
    assert "plus élevé que 82 % des communes" in page
    assert "Source : DREES, 2023" in page


def test_a_profile_explains_the_zonage(client, gueret):
    page = client.get(reverse("territories:commune", args=["23096"])).text

    assert "Zone d’action complémentaire (ZAC)" in page
    assert "aides de l’État et des collectivités" in page


def test_missing_data_is_said_not_invented(client, gueret):
    page = client.get(reverse("territories:commune", args=["23096"])).text

    assert 'data-testid="value-apl_sf">donnée non disponible' in page
    assert 'data-testid="value-poverty">donnée non disponible' in page


def test_a_profile_lists_the_nearest_station_and_hospitals_with_distances(client, gueret, source):
    Place.objects.create(
        kind="station",
        external_id="1",
        name="Guéret",
        latitude=46.17,
        longitude=1.88,
        source=source,
    )
    Place.objects.create(
        kind="station",
        external_id="2",
        name="Limoges-Bénédictins",
        latitude=45.84,
        longitude=1.27,
        source=source,
    )
    Place.objects.create(
        kind="hospital",
        external_id="3",
        name="CH de Guéret",
        latitude=46.18,
        longitude=1.87,
        source=source,
    )

    page = client.get(reverse("territories:commune", args=["23096"])).text

    assert 'Guéret\n    \n    — <span data-testid="distance-station">0,8 km' in page
    assert "Limoges" not in page
    assert "CH de Guéret" in page


def test_an_unknown_commune_is_a_404(client, gueret):
    response = client.get(reverse("territories:commune", args=["99999"]))

    assert response.status_code == 404
    assert "Page introuvable" in response.text


def test_area_pages_aggregate_their_communes(client, gueret, source):
    felletin = CommuneFactory(insee="23079", name="Felletin", population=1000, epci=gueret.epci)
    value(felletin, "apl_mg", 2023, 1.0, source=source)

    for url in [
        reverse("territories:departement", args=["23"]),
        reverse("territories:region", args=["75"]),
        reverse("territories:epci", args=["200034825"]),
    ]:
        page = client.get(url).text
        # (2.95 × 13161 + 1.0 × 1000) / 14161
        assert "2,81" in page, url
        assert "14\xa0161 habitants" in page, url
        # The least served first.
        assert page.index("Felletin") < page.index(">Guéret<"), url


def test_the_territories_index_draws_the_map(client, gueret):
    DepartementFactory(code="974", name="La Réunion")

    response = client.get(reverse("territories:index"))

    assert response.status_code == 200
    assert 'data-map-mode="choropleth"' in response.text
    assert 'data-map-departements="/territoires/carte/departements.geojson' in response.text
    assert 'href="/territoires/departements/23/"' in response.text
    assert "La Réunion" in response.text


def map_rows(page: str) -> dict[str, str]:
    """The table beside the map: département code → its value cell's text."""
    table = page.split('id="france-map-table"')[1].split("</table>")[0]
    rows = re.findall(r'<tr data-map-item data-code="([^"]+)".*?<td>(.*?)</td>', table, re.S)
    return {code: re.sub(r"<[^>]+>", "", cell).strip() for code, cell in rows}


def test_the_map_table_says_unknown_never_zero_with_the_source_and_year(client, gueret, source):
    DepartementFactory(code="974", name="La Réunion")  # no commune, no value: unknown
    # Guéret's latest APL (2023) is 2.95; 2022 was 3.204.

    page = client.get(reverse("territories:index"), {"indicateur": "apl_mg"}).text

    assert map_rows(page) == {"23": "2,95", "974": "inconnu"}
    source = page.split('data-testid="map-source"')[1].split("</p>")[0]
    assert "2023" in source and "DREES" in source


def test_area_pages_are_public_and_bounded_in_queries(
    client, gueret, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        assert client.get(reverse("territories:departement", args=["23"])).status_code == 200


def test_a_profile_lists_its_sources_with_their_import_date(client, gueret):
    page = client.get(reverse("territories:commune", args=["23096"])).text

    assert "Sources des données" in page
    assert "APL — DREES, 2023" in page
    assert "importé le" in page
