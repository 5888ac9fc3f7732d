"""A long text survives a reload and a failed submit (core/static/core/keep-draft.js), in
Debian's Chromium: Camille writes her application message, the page reloads, the server
answers 503 to the submit; the text comes back each time with « Votre texte non enregistré a
été rétabli », and once the application is saved the draft is gone from the browser."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.accounts.factories import UserFactory
from tests.browser.walk import People, last_page
from tests.offers.factories import OfferFactory
from tests.organisations.factories import OrganisationFactory
from tremplin.applications.models import Application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JOURNEY = "keep-draft"
TITLE = "Remplacement estival à Felletin"
MESSAGE = (
    "Bonjour, je termine mon internat en juin et je cherche un remplacement de deux mois. "
    "J’ai déjà exercé en maison de santé rurale et je serais heureuse de découvrir le plateau."
)
NOTICE = "Votre texte non enregistré a été rétabli."


@pytest.fixture
def people(browser: Browser, live_server) -> Iterator[People]:
    crowd = People(browser, live_server.url)
    yield crowd
    crowd.close()


def drafts(page: Page) -> dict[str, str]:
    return page.evaluate(
        """() => Object.fromEntries(Object.keys(localStorage)
            .filter((k) => k.startsWith("tremplin:draft:"))
            .map((k) => [k, localStorage.getItem(k)]))"""
    )


def test_the_application_message_comes_back_after_a_reload_and_a_503_then_goes_once_sent(
    people: People, capsys: pytest.CaptureFixture
):
    OfferFactory(organisation=OrganisationFactory(verified=True), published=True, title=TITLE)
    candidate = UserFactory(professional=True, first_name="Camille")
    page = people.logged_in(candidate.email)

    page.get_by_role("banner").get_by_role("link", name="Accueil").click()
    page.get_by_test_id("home-offers").get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Je suis intéressé(e)").click()
    message = page.get_by_label("Votre message")
    message.fill(MESSAGE)
    expect(page.get_by_test_id("draft-restored")).to_have_count(0)

    # A reload (or a crash of the tab): the text is back, with the notice.
    page.reload()
    expect(page.get_by_label("Votre message")).to_have_value(MESSAGE)
    expect(page.get_by_test_id("draft-restored")).to_have_text(NOTICE)
    last_page(page, JOURNEY, "restored-after-reload", capsys)

    # The server is down when she sends it: a 503; back on the form, nothing is lost.
    def outage(route: Route) -> None:
        if route.request.method == "POST":
            route.fulfill(
                status=503,
                content_type="text/html; charset=utf-8",
                body=(
                    '<!doctype html><html lang="fr"><head><title>Service indisponible</title>'
                    "</head><body><main><h1>Service momentanément indisponible</h1></main>"
                    "</body></html>"
                ),
                headers={"Retry-After": "30"},
            )
        else:
            route.continue_()

    page.route("**/*", outage)
    page.get_by_role("button", name="Envoyer ma candidature").click()
    expect(page.get_by_text("Service momentanément indisponible")).to_be_visible()
    assert not Application.objects.exists()
    page.go_back()
    expect(page.get_by_label("Votre message")).to_have_value(MESSAGE)
    page.reload()
    expect(page.get_by_label("Votre message")).to_have_value(MESSAGE)
    expect(page.get_by_test_id("draft-restored")).to_have_text(NOTICE)
    assert len(drafts(page)) >= 1

    # The server is back: sent, saved, and the draft leaves the browser.
    page.unroute_all()
    page.get_by_role("button", name="Envoyer ma candidature").click()
    expect(page.get_by_text("Candidature envoyée : la structure")).to_be_visible()
    assert Application.objects.get().message.startswith("Bonjour, je termine mon internat")
    assert drafts(page) == {}
    last_page(page, JOURNEY, "sent", capsys)
