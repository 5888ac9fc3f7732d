"""On a phone (375 px wide), the offer search shows its results first and its filters behind
« Filtrer », opened with the keyboard or the mouse; on the application form, the message's
counter follows the typing, the error summary lists every error at once, and the chosen CV is
kept through the error. axe-core runs on every page (tests/browser/axe_watch.py)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.accounts.factories import UserFactory
from tests.applications.factories import pdf_bytes
from tests.browser.walk import People, last_page
from tests.offers.factories import OfferFactory
from tests.organisations.factories import OrganisationFactory
from tremplin.applications.models import Application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JOURNEY = "phone-and-forms"
TITLE = "Remplacement estival à Felletin"


@pytest.fixture
def people(browser: Browser, live_server) -> Iterator[People]:
    crowd = People(browser, live_server.url)
    yield crowd
    crowd.close()


def test_on_a_phone_the_results_come_before_the_filters(people: People, capsys):
    OfferFactory(published=True, title=TITLE)
    page = people.visitor(width=375, height=812)
    page.get_by_role("link", name="Trouver une annonce", exact=True).first.click()

    toggle = page.get_by_role("button", name="Filtrer")
    criteria = page.get_by_role("search", name="Critères de recherche")
    result = page.get_by_role("link", name=TITLE)
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(criteria).to_be_hidden()
    expect(result).to_be_visible()
    assert result.bounding_box()["y"] < 812  # on the first screen

    # The keyboard opens and closes the panel; Tab then goes into it.
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(criteria).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Mots-clés")).to_be_focused()
    toggle.focus()
    page.keyboard.press("Enter")
    expect(criteria).to_be_hidden()

    # And so does the mouse.
    toggle.click()
    expect(criteria).to_be_visible()
    last_page(page, JOURNEY, "01-phone-filters-open", capsys)


def test_on_a_large_screen_the_filters_are_open_without_a_button(people: People):
    page = people.visitor()
    page.get_by_role("link", name="Trouver une annonce", exact=True).first.click()
    expect(page.get_by_role("search", name="Critères de recherche")).to_be_visible()
    expect(page.get_by_role("button", name="Filtrer")).to_be_hidden()


def test_the_application_form_counts_lists_every_error_and_keeps_the_cv(
    people: People, tmp_path: Path, capsys
):
    OfferFactory(published=True, title=TITLE, organisation=OrganisationFactory(verified=True))
    candidate = UserFactory(professional=True)
    cv_file = tmp_path / "CV Camille.pdf"
    cv_file.write_bytes(pdf_bytes("Camille Martin"))
    page = people.logged_in(candidate.email)
    page.get_by_role("link", name="Accueil").first.click()
    page.get_by_role("link", name="Trouver une annonce", exact=True).first.click()
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Je suis intéressé(e)").click()

    message = page.get_by_label("Votre message")
    expect(page.get_by_test_id("counter")).to_have_text("0 caractère sur 5 000")
    message.fill("Bonjour")
    expect(page.get_by_test_id("counter")).to_have_text("7 caractères sur 5 000")
    expect(page.get_by_role("status").filter(has_text="7 caractères sur 5 000")).to_be_attached()
    message.fill("x" * 5003)  # not cut: the counter says by how much it is too long
    assert len(message.input_value()) == 5003
    expect(page.get_by_test_id("counter")).to_contain_text("3 de trop")

    # Two errors at once (a message too long, dates in the wrong order), the CV chosen.
    page.get_by_label("Disponible à partir du").fill("2027-07-10")
    page.get_by_label("Disponible jusqu’au").fill("2027-07-01")
    page.get_by_label("Ou joindre un autre CV").set_input_files(str(cv_file))
    page.get_by_role("button", name="Envoyer ma candidature").click()
    summary = page.get_by_test_id("error-summary")
    expect(summary.get_by_role("link")).to_have_count(2)
    expect(summary.get_by_role("link", name="Votre message")).to_be_visible()
    expect(summary.get_by_role("link", name="Disponible jusqu’au")).to_be_visible()
    expect(page.get_by_test_id("kept-cv")).to_contain_text("CV choisi : CV Camille.pdf (conservé)")
    summary.get_by_role("link", name="Votre message").click()
    expect(message).to_be_focused()

    message.fill("Bonjour, je termine mon internat et je suis libre en juillet.")
    page.get_by_label("Disponible jusqu’au").fill("2027-07-31")
    page.get_by_role("button", name="Envoyer ma candidature").click()
    expect(page.get_by_text("Candidature envoyée : la structure")).to_be_visible()
    assert Application.objects.get().cv.original_name == "CV Camille.pdf"
    last_page(page, JOURNEY, "02-application-sent", capsys)
    # The form sent back with its errors answers 400, which the console reports; nothing else.
    assert [e for e in people.console_errors if "status of 400" not in e] == []
