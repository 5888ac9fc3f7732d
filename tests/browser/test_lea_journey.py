"""Léa, interne en médecine générale à Lyon, looks for a practice place within 80 km with
housing, in Debian's Chromium: from the home page to "Territoires pour moi", her criteria, the
ranked results with their figures, the welcoming commune's profile, its welcome page and its
offer, by clicking only, with axe-core on every page visited.

"Nature" (hiking) is not asked: no nature or mountain classification is loaded, so the form
offers no such criterion."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import axe_check
from tests.matching.builders import commune, published_offer, welcome
from tests.territories.factories import DepartementFactory, RegionFactory
from tremplin.core.professions import Profession
from tremplin.matching.store import matrix_invalidate
from tremplin.offers.models import OfferKind
from tremplin.organisations.models import OrganisationType
from tremplin.territories.models import Commune

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JOURNEY = "lea-journey"
OFFER_TITLE = "Stage d’interne en médecine générale à Tarare"
WELCOME_NAME = "Commune de Tarare"


def check(page: Page, name: str) -> None:
    axe_check(page, JOURNEY, name)


@pytest.fixture(autouse=True)
def _fresh_matrix():
    matrix_invalidate()
    yield
    matrix_invalidate()


def around_lyon() -> dict[str, Commune]:
    """Lyon, four practice places within 80 km of it (Tarare the least served for general
    practitioners) and Grenoble beyond."""
    region = RegionFactory(code="84", name="Auvergne-Rhône-Alpes")
    rhone = DepartementFactory(code="69", name="Rhône", region=region)
    ain = DepartementFactory(code="01", name="Ain", region=region)
    isere = DepartementFactory(code="38", name="Isère", region=region)
    return {
        "lyon": commune("69123", "Lyon", 45.7640, 4.8357, population=520_000,
                        departement=rhone, apl_mg=0.20),
        "villefranche": commune("69264", "Villefranche-sur-Saône", 45.9898, 4.7186,
                                population=36_000, departement=rhone, apl_mg=0.55),
        "tarare": commune("69243", "Tarare", 45.8964, 4.4335, population=10_500,
                          departement=rhone, apl_mg=0.90),
        "amberieu": commune("01004", "Ambérieu-en-Bugey", 45.9584, 5.3594, population=14_500,
                            departement=ain, apl_mg=0.75),
        "bourgoin": commune("38053", "Bourgoin-Jallieu", 45.5861, 5.2736, population=29_000,
                            departement=isere, apl_mg=0.65),
        "grenoble": commune("38185", "Grenoble", 45.1885, 5.7245, population=158_000,
                            departement=isere, apl_mg=0.95),
    }  # fmt: skip


def test_lea_finds_a_welcoming_practice_place_near_lyon_and_reaches_its_welcome_and_offer(
    page: Page, live_server
):
    page.set_default_timeout(10_000)
    places = around_lyon()
    welcome(
        OrganisationType.COMMUNE,
        "69243",
        WELCOME_NAME,
        housing_in=places["tarare"],
        referent="Sophie Martin",
    )
    published_offer(
        places["tarare"],
        profession=Profession.GENERAL_PRACTITIONER,
        kind=OfferKind.INTERNSHIP,
        title=OFFER_TITLE,
        housing_offered=True,
    )
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(live_server.url)
    check(page, "1-home")
    page.get_by_role("link", name="Territoires pour moi", exact=True).first.click()
    expect(page.get_by_role("button", name="Classer les territoires")).to_be_visible()
    check(page, "2-criteria")
    page.get_by_label("Ma profession", exact=True).select_option(label="Médecin généraliste")
    page.get_by_role("combobox", name="Près de Une ou plusieurs communes").fill("Lyon")
    page.get_by_label("À moins de (km)", exact=True).fill("80")
    page.get_by_label("Logement offert à proximité", exact=True).select_option(label="Important")
    page.get_by_label("Territoire qui accueille").select_option(label="Important")
    page.get_by_role("button", name="Classer les territoires").click()

    results = page.get_by_test_id("result-item")
    expect(page.get_by_test_id("result-count")).to_contain_text("5 communes vous correspondent")
    expect(results).to_have_count(5)  # Grenoble is beyond 80 km
    expect(results.first.get_by_role("heading")).to_contain_text("Tarare")
    for item in results.all():
        expect(item.get_by_test_id("score")).to_contain_text("/100")
        if item.get_by_role("heading").get_by_role("link").inner_text().strip() == "Lyon":
            expect(item.get_by_test_id("explanation")).to_have_text("à Lyon")
        else:  # the reasons are figures: a distance, an APL, a count
            expect(item.get_by_test_id("explanation")).to_have_text(re.compile(r"\d"))
    tarare = results.filter(has=page.get_by_role("link", name="Tarare", exact=True))
    expect(tarare.get_by_test_id("welcome-flag")).to_contain_text(
        f"Ce territoire vous accueille — {WELCOME_NAME}"
    )
    expect(tarare.get_by_test_id("explanation")).to_contain_text(
        f"{WELCOME_NAME} vous accueille : 1 logement à réserver, référent installation"
    )
    for reason in (
        "à 34 km de Lyon",
        "APL aux médecins généralistes 1,00 pour une référence de 3,00",
        "10 500 habitants à portée (moins de 20 min de route estimées)",
        "1 annonce (stage) à moins de 10 km",
    ):
        expect(tarare.get_by_test_id("explanation")).to_contain_text(reason)
    for other in ("Villefranche-sur-Saône", "Bourgoin-Jallieu", "Ambérieu-en-Bugey"):
        row = results.filter(has=page.get_by_role("link", name=other, exact=True))
        expect(row.get_by_test_id("welcome-flag")).to_have_count(0)
    assert "pres_de=Lyon" in page.url and "rayon=80" in page.url
    check(page, "3-results")

    tarare.get_by_role("heading").get_by_role("link", name="Tarare").click()
    expect(page.get_by_role("heading", name="Tarare", exact=True)).to_be_visible()
    assert "/territoires/communes/69243/" in page.url
    expect(page.get_by_test_id("welcome-pages")).to_contain_text(
        "référent installation : Sophie Martin"
    )
    expect(page.get_by_test_id("nearby-offers")).to_contain_text(OFFER_TITLE)
    check(page, "4-profile")

    page.get_by_test_id("welcome-pages").get_by_role("link", name=WELCOME_NAME).click()
    expect(page.get_by_role("heading", name=WELCOME_NAME, exact=True)).to_be_visible()
    expect(page.get_by_test_id("housings")).to_contain_text("Studio du centre")
    check(page, "5-welcome")

    page.go_back()
    page.get_by_test_id("nearby-offers").get_by_role("link", name=OFFER_TITLE).click()
    expect(page.get_by_role("heading", name=OFFER_TITLE, exact=True)).to_be_visible()
    check(page, "6-offer")
    assert errors == []
