"""A visitor checks territory figures against their sources, in Debian's Chromium: from the
home page to an arrondissement, its city, a Corsican commune and the sources page, by clicking
only, with axe-core on every page visited."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.helpers import axe_check
from tests.territories.factories import CommuneFactory, DepartementFactory, arrondissement_make
from tremplin.territories.models import DataSource, IndicatorValue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JOURNEY = "territory-truth-journey"


def check(page: Page, name: str) -> None:
    axe_check(page, JOURNEY, name)


def _source(key: str, publisher: str, year: int) -> DataSource:
    return DataSource.objects.create(
        key=key, title=f"{publisher} {key}", publisher=publisher, year=year,
        imported_at=timezone.now(), licence="Licence Ouverte / Etalab 2.0",
    )  # fmt: skip


def _territories() -> None:
    DataSource.objects.create(
        key="communes", title="Communes", publisher="INSEE", year=2023, imported_at=timezone.now()
    )
    apl, zonage = _source("apl_mg", "DREES", 2023), _source("zonage_mg", "ARS", 2025)
    stations = _source("stations", "SNCF", 2017)
    paris = CommuneFactory(
        insee="75056", name="Paris", population=2_133_111,
        departement=DepartementFactory(code="75", name="Paris"),
    )  # fmt: skip
    for code, name, zone, value in [
        ("75112", "Paris 12e Arrondissement", "ZAC", 4.221),
        ("75119", "Paris 19e Arrondissement", "ZIP", 3.1),
        ("75101", "Paris 1er Arrondissement", "HZ", 5.0),
    ]:
        arrondissement = arrondissement_make(code, city=paris, name=name, population=140_000)
        IndicatorValue.objects.create(
            commune=arrondissement, key="zonage_mg", year=2025, category=zone, source=zonage
        )
        IndicatorValue.objects.create(
            commune=arrondissement, key="apl_mg", year=2023, value=value, weight=1e5, source=apl
        )
    IndicatorValue.objects.create(
        commune=paris, key="stations", year=2017, value=32, source=stations
    )
    ajaccio = CommuneFactory(
        insee="2A004", name="Ajaccio", population=71_000, latitude=41.93, longitude=8.74,
        departement=DepartementFactory(code="2A", name="Corse-du-Sud"),
    )  # fmt: skip
    IndicatorValue.objects.create(
        commune=ajaccio, key="stations", year=2017, value=0, source=stations
    )


def test_a_visitor_checks_figures_from_an_arrondissement_to_their_sources(page: Page, live_server):
    page.set_default_timeout(10_000)
    _territories()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(live_server.url)
    check(page, "1-home")
    page.get_by_role("link", name="Territoires", exact=True).first.click()
    page.get_by_label("Rechercher une commune").press_sequentially("Paris 12", delay=30)
    results = page.get_by_test_id("search-results")
    results.get_by_role("link", name="Paris 12e Arrondissement").click()

    # The arrondissement's own figures; the city's where the source publishes the city only.
    expect(page.get_by_role("heading", name="Paris 12e Arrondissement")).to_be_visible()
    expect(page.get_by_test_id("value-zonage_mg")).to_have_text(
        "Zone d’action complémentaire (ZAC)"
    )
    expect(page.get_by_test_id("value-apl_mg")).to_have_text("4,22")
    expect(page.get_by_test_id("value-stations")).to_have_text("32")
    expect(page.get_by_test_id("city-stations")).to_contain_text(
        "Valeur de Paris dans son ensemble"
    )
    check(page, "2-arrondissement")

    # The city: its arrondissements' breakdown, never one zonage picked for it.
    page.locator("dl.tremplin-facts").get_by_role("link", name="Paris", exact=True).click()
    expect(page.get_by_role("heading", name="Paris", exact=True)).to_be_visible()
    expect(page.get_by_test_id("value-zonage_mg")).to_have_text(
        "1 arrondissement en ZIP, 1 en ZAC, 1 hors zonage"
    )
    expect(page.get_by_test_id("arrondissements")).to_contain_text("Paris 19e Arrondissement")
    check(page, "3-city")

    # A Corsican commune: the SNCF list does not cover Corsica — unknown, not 0.
    page.get_by_role("link", name="Territoires", exact=True).first.click()
    page.get_by_label("Rechercher une commune").press_sequentially("Ajaccio", delay=30)
    page.get_by_test_id("search-results").get_by_role("link", name="Ajaccio").click()
    expect(page.get_by_test_id("value-stations")).to_have_text(
        "non couvert par cette source : la liste SNCF des gares voyageurs ne couvre pas la Corse"
    )
    check(page, "4-corsica")

    # Where every figure comes from.
    page.get_by_role("link", name="Toutes les sources, leur couverture et leur édition").click()
    expect(page.get_by_role("heading", name="Sources des données", exact=True)).to_be_visible()
    stations = page.locator('[data-source="stations"]')
    expect(stations).to_contain_text("toute la France sauf la Corse")
    expect(stations.get_by_test_id("territories")).to_contain_text("2")
    expect(page.locator('[data-source="apl_mg"]')).to_contain_text("Licence Ouverte")
    check(page, "5-sources")
    assert errors == []
