"""A nurse looks for a territory that welcomes her, in Debian's Chromium: from the home page to
"Territoires pour moi", a result flagged "Ce territoire vous accueille", its profile (offers and
welcomes nearby) and the collectivité's welcome page, by clicking only, with axe-core on every
page visited."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import axe_check
from tests.matching.builders import limousin, published_offer, welcome
from tremplin.core.professions import Profession
from tremplin.matching.store import matrix_invalidate
from tremplin.organisations.models import OrganisationType

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JOURNEY = "welcome-journey"


def check(page: Page, name: str) -> None:
    axe_check(page, JOURNEY, name)


@pytest.fixture(autouse=True)
def _fresh_matrix():
    matrix_invalidate()
    yield
    matrix_invalidate()


def test_a_nurse_finds_a_welcoming_territory_and_reaches_its_welcome(page: Page, live_server):
    page.set_default_timeout(10_000)
    places = limousin()
    welcome(
        OrganisationType.EPCI,
        "248719312",
        "Communauté de communes Porte Océane du Limousin",
        housing_in=places["saint_junien"],
        activities=1,
        referent="Sophie Martin",
    )
    published_offer(
        places["rochechouart"],
        profession=Profession.NURSE,
        title="Remplacement infirmier à Rochechouart",
    )
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(live_server.url)
    check(page, "1-home")
    page.get_by_role("link", name="Territoires pour moi", exact=True).first.click()
    page.get_by_label("Ma profession", exact=True).select_option(label="Infirmier")
    page.get_by_label("Territoire qui accueille").select_option(label="Important")
    page.get_by_role("button", name="Classer les territoires").click()

    first = page.get_by_test_id("result-item").first
    expect(first.get_by_test_id("welcome-flag")).to_contain_text("Ce territoire vous accueille")
    expect(first.get_by_test_id("explanation")).to_contain_text(
        "Communauté de communes Porte Océane du Limousin vous accueille : 1 logement à réserver"
    )
    check(page, "2-results")

    name = first.get_by_role("heading").get_by_role("link").inner_text()
    first.get_by_role("heading").get_by_role("link").click()
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Offres et accueil")).to_be_visible()
    expect(page.get_by_test_id("nearby-offers")).to_contain_text(
        "Remplacement infirmier à Rochechouart"
    )
    welcomes = page.get_by_test_id("welcome-pages")
    expect(welcomes).to_contain_text("référent installation : Sophie Martin")
    check(page, "3-profile")

    welcomes.get_by_role("link", name="Communauté de communes Porte Océane du Limousin").click()
    expect(
        page.get_by_role("heading", name="Communauté de communes Porte Océane du Limousin")
    ).to_be_visible()
    expect(page.get_by_test_id("housings")).to_contain_text("Studio du centre")
    check(page, "4-welcome")
    assert errors == []
