"""The 500 and 503 pages in Debian's Chromium: the DSFR layout with its styles (drawn without
the database or a request context), no axe-core violation, a way back to the home page."""

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.helpers import axe_check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JOURNEY = "error-pages"


@pytest.mark.parametrize(
    ("path", "status", "heading"),
    [
        ("/en-panne/", 500, "Erreur inattendue"),
        ("/hors-service/", 503, "Service momentanément indisponible"),
    ],
)
def test_the_failure_pages_are_french_dsfr_pages_that_lead_home(
    browser: Browser, live_server, settings, path, status, heading
):
    settings.ROOT_URLCONF = "tests.core.urls_errors"
    page = browser.new_page(locale="fr-FR")
    page.set_default_timeout(10_000)

    response = page.goto(live_server.url + path)

    assert response is not None and response.status == status
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    # The DSFR stylesheet was found and applied (the header's logo is drawn by it).
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.fr-header')).display") != "inline"
    )
    axe_check(page, JOURNEY, f"error-{status}")
    page.get_by_role("link", name="Retour à l’accueil").click()
    expect(page).to_have_url(live_server.url + "/")
    page.close()
