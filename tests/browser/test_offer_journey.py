"""From the guided editor to a candidate's screen, in Debian's Chromium."""

import json
import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.accounts.factories import UserFactory
from tests.browser.helpers import log_in
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.territories.factories import CommuneFactory, DepartementFactory
from tremplin.offers.jsonld import REQUIRED_FIELDS
from tremplin.offers.models import Offer, OfferStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def score(page: Page) -> int:
    return int(page.get_by_test_id("score").inner_text())


def test_an_offer_goes_from_the_guided_editor_to_a_candidate(browser: Browser, live_server):
    base = live_server.url
    creuse = DepartementFactory(code="23", name="Creuse")
    CommuneFactory(
        insee="23079", name="Felletin", latitude=45.88, longitude=2.17, departement=creuse
    )
    CommuneFactory(insee="23096", name="Guéret", latitude=46.17, longitude=1.87, departement=creuse)
    CommuneFactory(insee="13055", name="Marseille", latitude=43.3, longitude=5.4)
    author = MembershipFactory(
        organisation=OrganisationFactory(verified=True, name="MSP de Felletin")
    ).user
    moderator = UserFactory(moderator=True)

    page = browser.new_page(locale="fr-FR")
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, base, author.email)

    page.goto(f"{base}/annonces/nouvelle/")
    first = score(page)
    page.get_by_label("Type d’annonce").select_option(label="Remplacement")
    page.get_by_label("Profession").select_option(label="Médecin généraliste")
    page.get_by_label("Titre").fill("Remplacement en maison de santé au bord de la Creuse")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    page.get_by_label("Commune d’exercice").fill("Felletin")
    page.get_by_label("dès que possible").check(force=True)
    page.get_by_role("button", name="Enregistrer et continuer").click()
    after_place = score(page)
    assert after_place > first

    # htmx autosave: the score rises as a field changes, without submitting.
    page.get_by_label("Taux de rétrocession (%)").fill("70")
    page.get_by_label("Taux de rétrocession (%)").blur()
    expect(page.get_by_test_id("autosave")).to_be_visible()
    assert score(page) > after_place
    page.get_by_role("button", name="Enregistrer et continuer").click()

    page.get_by_text("Oui", exact=True).click()
    page.get_by_label("Précisions sur le logement").fill(
        "Studio meublé à deux pas du cabinet, gratuit."
    )
    page.get_by_label("Description").fill(
        "Maison de santé de six professionnels, patientèle fidèle, secrétariat sur place. " * 5
    )
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.get_by_role("link", name="Continuer").click()  # photos step
    expect(page.get_by_test_id("preview")).to_contain_text("Studio meublé")
    page.get_by_role("button", name="Envoyer à la modération").click()
    offer = Offer.objects.get()
    assert offer.status == OfferStatus.SUBMITTED

    moderation = browser.new_page(locale="fr-FR")
    log_in(moderation, base, moderator.email)
    moderation.goto(f"{base}/annonces/moderation/")
    moderation.get_by_test_id("pending-offer").get_by_role("button", name="Publier").click()
    expect(moderation.get_by_text("est publiée")).to_be_visible()

    visitor = browser.new_page(locale="fr-FR")
    visitor.set_default_timeout(10_000)
    visitor.goto(f"{base}/annonces/")
    visitor.get_by_label("Mots-clés").fill("maisons de sante creuse")
    visitor.get_by_label("Mots-clés").press("Enter")
    expect(
        visitor.get_by_role("link", name=re.compile("Remplacement en maison de santé"))
    ).to_be_visible()

    visitor.goto(f"{base}/annonces/?commune=23096&rayon=50&tri=distance")
    expect(
        visitor.get_by_role("link", name=re.compile("Remplacement en maison de santé"))
    ).to_be_visible()
    visitor.goto(f"{base}/annonces/?commune=13055&rayon=50")
    expect(
        visitor.get_by_role("link", name=re.compile("Remplacement en maison de santé"))
    ).to_have_count(0)

    visitor.goto(f"{base}/annonces/?vue=carte")
    map_list = visitor.get_by_test_id("offers-map-list")
    expect(map_list.locator(f'a[href="/annonces/{offer.pk}/"]')).to_have_count(1)

    visitor.goto(f"{base}/annonces/{offer.pk}/")
    expect(visitor.get_by_test_id("offer-title")).to_have_text(
        "Remplacement en maison de santé au bord de la Creuse"
    )
    posting = json.loads(visitor.locator('script[type="application/ld+json"]').inner_text())
    for field in REQUIRED_FIELDS:
        assert posting.get(field), field
    assert posting["jobLocation"]["address"]["addressLocality"] == "Felletin"
    assert errors == []
