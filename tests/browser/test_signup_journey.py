"""A newcomer's first journey, in Debian's Chromium: from sign-up to a pending organisation."""

import re

import pytest
from playwright.sync_api import Page, expect

from tremplin.organisations.models import Organisation, OrganisationStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_newcomer_signs_up_confirms_logs_in_and_creates_an_organisation(
    page: Page, live_server, mailoutbox
):
    page.set_default_timeout(10_000)
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

    page.goto(live_server.url)
    expect(page.locator("header.fr-header")).to_be_visible()
    page.get_by_role("link", name="Créer un compte").first.click()

    page.get_by_label("Prénom").fill("Jean")
    page.get_by_label("Nom", exact=True).fill("Martin")
    page.get_by_label("Adresse e-mail").fill("jean.martin@example.org")
    page.locator("#id_password1").fill("felletin-creuse-2026")
    page.get_by_label("Confirmation du mot de passe").fill("felletin-creuse-2026")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", name="Vérifiez votre messagerie")).to_be_visible()

    # Logging in before confirming is refused with an explanation.
    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill("jean.martin@example.org")
    page.get_by_label("Mot de passe").fill("felletin-creuse-2026")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Confirmez d’abord votre adresse e-mail")).to_be_visible()

    assert len(mailoutbox) == 1
    link = re.search(r"http://\S+(/compte/confirmer/\S+/)", mailoutbox[0].body).group(1)
    page.goto(live_server.url + link)
    expect(page.get_by_text("est confirmée")).to_be_visible()

    page.get_by_label("Adresse e-mail").fill("jean.martin@example.org")
    page.get_by_label("Mot de passe").fill("felletin-creuse-2026")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Mon compte", exact=True)).to_be_visible()

    page.get_by_role("link", name="Créer une organisation").first.click()
    page.get_by_text("Structure de santé", exact=True).click()
    page.get_by_label("Type").select_option(label="Maison de santé pluriprofessionnelle (MSP)")
    page.get_by_label("Nom", exact=True).fill("MSP de Felletin")
    page.get_by_label("SIRET").fill("732 829 320 00074")
    page.get_by_label("Code postal").fill("23500")
    page.get_by_label("Commune (Optionnel)", exact=True).fill("Felletin")
    page.get_by_role("button", name="Créer l’organisation").click()

    expect(page.get_by_role("heading", name="MSP de Felletin", exact=True)).to_be_visible()
    expect(page.get_by_test_id("organisation-status")).to_have_text("En attente de vérification")
    organisation = Organisation.objects.get(name="MSP de Felletin")
    assert organisation.status == OrganisationStatus.PENDING
    assert organisation.memberships.get().user.email == "jean.martin@example.org"
    # DSFR's JavaScript loaded and nothing was blocked by the Content-Security-Policy.
    assert page.evaluate("typeof window.dsfr") == "function"
    assert console_errors == []
