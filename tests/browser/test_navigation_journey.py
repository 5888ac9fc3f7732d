"""Navigation by role, in Debian's Chromium: from the home page, by clicking only, a
professional reaches « Mes alertes » and a collectivité's agent reaches its housings; a visitor
opens every footer page. axe-core runs on every page visited."""

import pytest
from playwright.sync_api import Page, expect

from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.browser.helpers import axe_check
from tests.hosting.factories import HousingFactory, agent_of, collectivity_for
from tests.offers.factories import OfferFactory
from tests.territories.factories import CommuneFactory
from tremplin.hosting.models import TerritoryPage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JOURNEY = "navigation-journey"


def check(page: Page, name: str) -> None:
    axe_check(page, JOURNEY, name)


def menu(page: Page):
    return page.get_by_role("navigation", name="Menu principal")


def log_in_from_home(page: Page, base: str, email: str, prefix: str) -> None:
    """From the home page, through the header's « Se connecter », then back home by the menu."""
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto(base)
    page.get_by_role("link", name="Se connecter").first.click()
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Mon compte", exact=True)).to_be_visible()
    menu(page).get_by_role("link", name="Accueil", exact=True).click()
    expect(page.get_by_role("heading", name="Dernières annonces")).to_be_visible()
    check(page, f"{prefix}-home-logged-in")


@pytest.fixture
def felletin():
    commune = CommuneFactory(insee="23079", name="Felletin", latitude=45.88, longitude=2.17)
    collectivity = collectivity_for(commune)
    TerritoryPage.objects.create(
        organisation=collectivity,
        is_published=True,
        presentation="Un bourg de la Creuse au bord de la Creuse, avec sa maison de santé.",
    )
    HousingFactory(organisation=collectivity, commune=commune, name="Studio de la mairie")
    OfferFactory(published=True, commune=commune, title="Remplacement d’été à Felletin")
    return collectivity


def test_a_professional_reaches_mes_alertes_from_the_home_page(page: Page, live_server, felletin):
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    professional = UserFactory(professional=True)

    page.goto(live_server.url)
    expect(page.get_by_test_id("home-offers")).to_contain_text("Remplacement d’été à Felletin")
    expect(page.get_by_test_id("home-territories")).to_contain_text("Commune de Felletin")
    check(page, "1-home")
    log_in_from_home(page, live_server.url, professional.email, "2")

    # No organisation menu for a professional; their own one opens on « Mes alertes ».
    expect(menu(page).get_by_role("button", name="Ma structure")).to_have_count(0)
    expect(menu(page).get_by_role("button", name="Modération")).to_have_count(0)
    menu(page).get_by_role("button", name="Mes démarches").click()
    expect(menu(page).get_by_role("link", name="Mes alertes")).to_be_visible()
    check(page, "3-menu-open")
    menu(page).get_by_role("link", name="Mes alertes").click()
    expect(page.get_by_role("heading", name="Mes alertes", exact=True)).to_be_visible()
    check(page, "4-alerts")

    # « Mon espace » gathers the same entry points.
    page.get_by_role("link", name="Mon espace").first.click()
    expect(page.get_by_role("heading", name="Mon espace", exact=True)).to_be_visible()
    expect(page.get_by_test_id("section-professional")).to_be_visible()
    expect(page.get_by_test_id("section-collectivity")).to_have_count(0)
    check(page, "5-space")
    page.get_by_test_id("section-professional").get_by_role(
        "link", name="Mes séjours découverte"
    ).click()
    expect(page.get_by_role("heading", name="Mes séjours découverte")).to_be_visible()
    check(page, "6-stays")
    assert errors == []


def test_an_agent_reaches_their_housings_from_the_home_page(page: Page, live_server, felletin):
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    agent = agent_of(felletin)

    log_in_from_home(page, live_server.url, agent.email, "1")
    expect(menu(page).get_by_role("button", name="Modération")).to_have_count(0)
    expect(menu(page).get_by_role("button", name="Mes démarches")).to_have_count(0)
    menu(page).get_by_role("button", name="Mon territoire").click()
    check(page, "2-agent-menu-open")
    menu(page).get_by_role("link", name="Logements").click()
    housings = page.get_by_test_id("housings")
    expect(housings.get_by_role("heading", name="Logements")).to_be_visible()
    check(page, "3-manage-housings")
    housings.get_by_role("link", name="Studio de la mairie").click()
    expect(page.get_by_role("heading", name="Studio de la mairie")).to_be_visible()
    check(page, "4-housing")
    assert errors == []


def test_a_visitor_opens_every_footer_page(page: Page, live_server):
    page.set_default_timeout(10_000)
    page.goto(live_server.url)
    footer = page.get_by_role("contentinfo")
    for index, (link, heading) in enumerate(
        [
            ("Accessibilité : non conforme", "Déclaration d’accessibilité"),
            ("Mentions légales", "Mentions légales"),
            ("Données personnelles", "Données personnelles"),
            ("Conditions d’utilisation", "Conditions d’utilisation"),
        ],
        start=1,
    ):
        footer.get_by_role("link", name=link).click()
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        check(page, f"footer-{index}")
