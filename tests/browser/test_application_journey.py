"""From "Je suis intéressé(e)" to an accepted application, in Debian's Chromium; then the data
export and the account deletion that erases the CV."""

import io
import json
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.applications.factories import pdf_bytes
from tests.browser.helpers import log_in
from tests.offers.factories import OfferFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tremplin.applications.models import Application, ApplicationStatus, Document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_professional_applies_and_the_organisation_accepts(
    browser: Browser, live_server, tmp_path: Path
):
    base = live_server.url
    organisation = OrganisationFactory(verified=True, name="MSP du Plateau")
    offer = OfferFactory(
        organisation=organisation, published=True, title="Remplacement estival à Felletin"
    )
    member = MembershipFactory(organisation=organisation).user
    candidate = UserFactory(professional=True, first_name="Camille", last_name="Martin")
    third = UserFactory(professional=True)
    cv_file = tmp_path / "CV Camille.pdf"
    cv_file.write_bytes(pdf_bytes("Camille Martin"))

    page = browser.new_page(locale="fr-FR", accept_downloads=True)
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # The professional applies with a CV.
    log_in(page, base, candidate.email)
    page.goto(f"{base}/annonces/{offer.pk}/")
    page.get_by_role("link", name="Je suis intéressé(e)").click()
    page.get_by_label("Votre message").fill("Bonjour, je termine mon internat et je suis libre.")
    page.get_by_label("Disponible à partir du").fill("2027-07-01")
    page.get_by_label("Ou joindre un autre CV").set_input_files(str(cv_file))
    page.get_by_role("button", name="Envoyer ma candidature").click()
    expect(page.get_by_text("Candidature envoyée : la structure")).to_be_visible()
    expect(page.get_by_test_id("application-status")).to_have_text("reçue")
    application = Application.objects.get()
    detail_url = f"{base}/candidatures/{application.pk}/"
    cv_url = f"{base}/candidatures/documents/{application.cv_id}/"

    # The organisation sees it unread, opens it.
    log_in(page, base, member.email)
    nav = page.get_by_role("navigation", name="Menu principal")
    nav.get_by_role("button", name="Ma structure").click()
    nav.get_by_role("link", name="Candidatures reçues 1 non lue").click()
    expect(page.get_by_test_id("unread")).to_be_visible()
    page.get_by_role("link", name="Camille Martin").click()
    expect(page.get_by_test_id("application-status")).to_have_text("vue")
    with page.expect_download() as download:
        page.get_by_test_id("cv-link").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")

    # The candidate sees "vue".
    log_in(page, base, candidate.email)
    page.goto(f"{base}/candidatures/")
    expect(page.get_by_test_id("application-status")).to_have_text("vue")

    # The organisation replies in the thread, then accepts.
    log_in(page, base, member.email)
    page.goto(detail_url)
    page.get_by_label("Votre message").fill("Bonjour Camille, le logement est prêt pour juillet.")
    page.get_by_role("button", name="Envoyer le message").click()
    expect(page.get_by_test_id("thread")).to_contain_text("le logement est prêt")
    page.get_by_label("Décision").select_option(label="Accepter la candidature")
    page.get_by_label("Message au candidat").fill("Ravis de vous accueillir !")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_test_id("application-status")).to_have_text("acceptée")

    # The professional sees the acceptance and the message.
    log_in(page, base, candidate.email)
    page.goto(f"{base}/candidatures/")
    expect(page.get_by_test_id("unread")).to_be_visible()
    expect(page.get_by_test_id("application-status")).to_have_text("acceptée")
    page.get_by_role("link", name="Remplacement estival à Felletin").click()
    expect(page.get_by_test_id("thread")).to_contain_text("le logement est prêt pour juillet")
    expect(page.get_by_test_id("decision-message")).to_have_text("Ravis de vous accueillir !")

    # The export holds the application and the CV.
    page.goto(f"{base}/compte/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger mes données").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    data = json.loads(archive.read("donnees.json"))
    [exported] = data["applications"]
    assert exported["status"] == ApplicationStatus.ACCEPTED
    assert archive.read(exported["cv"]).startswith(b"%PDF-")

    assert errors == []

    # A third user cannot open the application or the CV by URL.
    log_in(page, base, third.email)
    assert page.goto(detail_url).status == 404
    assert page.request.get(cv_url).status == 404

    # After the candidate deletes their account, the CV file is gone from storage.
    cv_path = Path(Document.objects.get(pk=application.cv_id).file.path)
    assert cv_path.exists()
    log_in(page, base, candidate.email)
    page.goto(f"{base}/compte/suppression/")
    page.get_by_label("Votre mot de passe, pour confirmer").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    expect(page).to_have_url(f"{base}/")
    assert not cv_path.exists()
    application.refresh_from_db()
    assert application.candidate is None
