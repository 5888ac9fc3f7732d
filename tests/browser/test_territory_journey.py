"""A visitor finds a commune as they type and reads its profile, in Debian's Chromium."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.territories.factories import CommuneFactory
from tremplin.territories.models import DataSource, IndicatorValue, Place, PostalCode

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_searches_as_they_type_and_opens_a_profile(page: Page, live_server):
    page.set_default_timeout(10_000)
    gueret = CommuneFactory(
        insee="23096",
        name="Guéret",
        town_hall_phone="05 55 51 47 00",
        latitude=46.17,
        longitude=1.87,
    )
    CommuneFactory(insee="35284", name="Saint-Jouan-des-Guérets", population=2900)
    PostalCode.objects.create(code="23000", commune=gueret)
    source = DataSource.objects.create(
        key="apl_mg", title="APL", publisher="DREES", year=2023, imported_at=timezone.now()
    )
    IndicatorValue.objects.create(
        commune=gueret,
        key="apl_mg",
        year=2023,
        value=2.95,
        source=source,
        share_above=0.18,
        share_below=0.82,
    )
    Place.objects.create(
        kind="station",
        external_id="87592006",
        name="Guéret",
        latitude=46.172,
        longitude=1.875,
        source=source,
    )
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(f"{live_server.url}/territoires/")
    page.get_by_label("Rechercher une commune").press_sequentially("guere", delay=30)

    results = page.get_by_test_id("search-results")
    expect(results.get_by_role("link", name="Guéret", exact=True)).to_be_visible()
    expect(results.get_by_role("link", name="Saint-Jouan-des-Guérets")).to_be_visible()
    assert page.url == f"{live_server.url}/territoires/"  # htmx updated the page in place
    results.get_by_role("link", name="Guéret", exact=True).click()

    expect(page.get_by_role("heading", name="Guéret", exact=True)).to_be_visible()
    expect(page.get_by_test_id("town-hall")).to_contain_text("05 55 51 47 00")
    expect(page.get_by_test_id("value-apl_mg")).to_have_text("2,95")
    expect(page.get_by_test_id("nearest-station")).to_contain_text("Guéret")
    expect(page.get_by_test_id("value-apl_inf")).to_have_text("donnée non disponible")
    assert errors == []
