"""A CV chosen on the application form is not lost when the form comes back with an error."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.applications.factories import pdf_bytes
from tests.offers.factories import OfferFactory
from tremplin.applications.kept_cv import kept_cvs_purge_old
from tremplin.applications.models import Application
from tremplin.applications.privacy import candidate_anonymise
from tremplin.applications.storage import private_storage

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer():
    return OfferFactory(published=True)


@pytest.fixture
def candidate_client(client):
    client.force_login(UserFactory(professional=True))
    return client


def url(offer) -> str:
    return f"/candidatures/annonces/{offer.pk}/postuler/"


def test_a_cv_sent_with_a_missing_message_is_kept_then_joined(candidate_client, offer):
    body = pdf_bytes("Camille Martin")
    response = candidate_client.post(
        url(offer), {"message": "", "cv": SimpleUploadedFile("CV Camille.pdf", body)}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "CV choisi : CV Camille.pdf (conservé)" in page
    assert 'data-testid="error-summary"' in page

    response = candidate_client.post(url(offer), {"message": "Bonjour, je suis disponible."})
    assert response.status_code == 302
    application = Application.objects.get()
    with application.cv.file.open("rb") as file:
        assert file.read() == body
    assert application.cv.original_name == "CV Camille.pdf"
    # Used once: the next form starts without it.
    assert candidate_client.session.get("applications.kept_cv") is None


def test_a_kept_cv_can_be_removed(candidate_client, offer):
    candidate_client.post(
        url(offer), {"message": "", "cv": SimpleUploadedFile("a.pdf", pdf_bytes())}
    )
    response = candidate_client.post(url(offer), {"message": "Bonjour", "drop_kept_cv": "1"})
    assert response.status_code == 302
    assert Application.objects.get().cv is None


def test_a_file_that_is_not_a_pdf_is_not_kept(candidate_client, offer):
    response = candidate_client.post(
        url(offer), {"message": "", "cv": SimpleUploadedFile("cv.pdf", b"MZ not a pdf")}
    )
    assert response.status_code == 400
    assert "conservé" not in response.content.decode()


def test_a_cv_kept_for_one_offer_is_not_joined_to_another(candidate_client, offer):
    candidate_client.post(
        url(offer), {"message": "", "cv": SimpleUploadedFile("a.pdf", pdf_bytes())}
    )
    other = OfferFactory(published=True)
    response = candidate_client.get(url(other))
    assert "conservé" not in response.content.decode()
    candidate_client.post(url(other), {"message": "Bonjour"})
    assert Application.objects.get(offer=other).cv is None


def kept_files() -> list[str]:
    storage = private_storage()
    return storage.listdir("kept-cv")[1] if storage.exists("kept-cv") else []


def test_an_unfinished_form_keeps_its_cv_one_day_only(candidate_client, offer):
    candidate_client.post(
        url(offer), {"message": "", "cv": SimpleUploadedFile("a.pdf", pdf_bytes())}
    )
    assert len(kept_files()) == 1

    assert kept_cvs_purge_old(now=timezone.now() + timedelta(hours=23)) == 0
    assert len(kept_files()) == 1
    assert kept_cvs_purge_old(now=timezone.now() + timedelta(days=1, minutes=1)) == 1
    assert kept_files() == []


def test_deleting_the_account_erases_its_kept_cvs_and_no_one_elses(client, offer):
    first, second = UserFactory(professional=True), UserFactory(professional=True)
    for user in (first, second):
        client.force_login(user)
        client.post(url(offer), {"message": "", "cv": SimpleUploadedFile("a.pdf", pdf_bytes())})
    assert len(kept_files()) == 2

    candidate_anonymise(user=first)

    assert [name.split("-")[0] for name in kept_files()] == [str(second.pk)]
