"""A visitor states their criteria and gets territories ranked for them, in Debian's Chromium."""

import pytest
from playwright.sync_api import Page, expect

from tests.matching.builders import limousin, published_offer
from tremplin.core.professions import Profession
from tremplin.matching.store import matrix_invalidate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_matrix():
    matrix_invalidate()
    yield
    matrix_invalidate()


def test_a_nurse_finds_territories_near_limoges_with_reasons_and_opens_one(page: Page, live_server):
    page.set_default_timeout(10_000)
    places = limousin()
    published_offer(
        places["saint_junien"],
        profession=Profession.NURSE,
        title="Remplacement infirmier à Saint-Junien",
        housing_offered=True,
    )
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(f"{live_server.url}/territoires/pour-moi/")
    page.get_by_label("Ma profession", exact=True).select_option(label="Infirmier")
    page.get_by_role("combobox", name="Près de Une ou plusieurs communes").fill("Limoges")
    page.get_by_label("À moins de (km)", exact=True).fill("60")
    page.get_by_label("Gare à proximité").select_option(label="Important")
    page.get_by_label("Logement offert à proximité", exact=True).select_option(label="Souhaitable")
    page.get_by_role("button", name="Classer les territoires").click()

    results = page.get_by_test_id("result-item")
    expect(results.first).to_be_visible()
    expect(page.get_by_test_id("matching-map")).to_be_visible()
    expect(page.get_by_test_id("result-count")).to_contain_text("4 communes vous correspondent")
    expect(results).to_have_count(4)  # Lyon is too far from Limoges
    first = results.first
    expect(first.get_by_test_id("explanation")).to_contain_text("gare à")
    expect(first.get_by_test_id("explanation")).to_contain_text("logement offert")
    expect(first.get_by_test_id("score")).to_contain_text("/100")
    # The criteria are in the address: the page can be shared.
    assert "pres_de=Limoges" in page.url and "gare=important" in page.url
    expect(page.get_by_test_id("matching-map").locator("circle")).to_have_count(5)  # + Limoges

    name = first.get_by_role("heading").get_by_role("link").inner_text()
    first.get_by_role("heading").get_by_role("link").click()

    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
    assert "/territoires/communes/" in page.url
    assert errors == []
