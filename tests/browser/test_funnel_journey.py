"""Sophie shows her elected officials what the welcome led to, in Debian's Chromium: from the
home page to her collectivité and its results — the DSFR charts drawn, the same figures in
tables, the CSV downloaded — by clicking only, with axe-core on every page visited."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.applications.factories import ApplicationFactory
from tests.browser.helpers import axe_check
from tests.browser.walk import log_in_by_clicking
from tests.hosting.factories import agent_of, collectivity_for
from tests.offers.factories import OfferFactory
from tests.territories.factories import CommuneFactory
from tremplin.applications.models import ApplicationStatus, OfferDayViews
from tremplin.hosting.models import Stay

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JOURNEY = "funnel-journey"


def test_an_agent_opens_her_territorys_funnel_and_downloads_it(page: Page, live_server):
    page.set_default_timeout(10_000)
    commune = CommuneFactory(insee="23079", name="Felletin")
    collectivity = collectivity_for(commune)
    agent = agent_of(collectivity)
    offer = OfferFactory(published=True, commune=commune, title="Remplacement à Felletin")
    OfferDayViews.objects.create(offer=offer, day=timezone.localdate(), views=40)
    accepted = ApplicationFactory(offer=offer, status=ApplicationStatus.ACCEPTED)
    ApplicationFactory(offer=offer)
    today = timezone.localdate()
    Stay.objects.create(
        professional=accepted.candidate,
        collectivity=collectivity,
        offer=offer,
        start=today,
        end=today + timedelta(days=5),
    )
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(live_server.url)
    axe_check(page, JOURNEY, "0-home")
    log_in_by_clicking(page, agent.email)
    navigation = page.get_by_role("navigation", name="Menu principal")
    navigation.get_by_role("button", name="Mon territoire").click()
    navigation.get_by_role("link", name="Entonnoir", exact=True).click()
    expect(
        page.get_by_role("heading", name="Résultats : de la vue à l’installation")
    ).to_be_visible()
    # The web components draw their charts (a canvas each) from the vendored module.
    for chart in ("funnel-steps", "funnel-views", "funnel-months"):
        expect(page.get_by_test_id(chart).locator("canvas").first).to_be_attached()
    total = page.get_by_test_id("funnel-total")
    expect(total.locator("caption")).to_have_text("De la vue à l’installation, sur douze mois")
    expect(total.locator("tbody td")).to_have_text(["40", "2", "1", "1", "0", "0"])
    expect(page.get_by_test_id("funnel-communes")).to_contain_text("Felletin")
    expect(page.get_by_test_id("funnel-offers")).to_contain_text("Remplacement à Felletin")
    axe_check(page, JOURNEY, "1-funnel")

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger par commune (CSV)").click()
    text = download.value.path().read_bytes().decode("utf-8")
    assert text.startswith("\ufeffCommune;Vues;")
    assert "Felletin;40;2;1;1;0;0" in text
    # Their legends are styled inside the shadow roots: each series has its coloured dot.
    widths = page.evaluate(
        "() => [...document.querySelectorAll('bar-chart')].flatMap(chart =>"
        " [...chart.shadowRoot.querySelectorAll('.legende_dot')].map(dot => dot.offsetWidth))"
    )
    assert len(widths) == 7 and all(width > 0 for width in widths)
    assert errors == []
