"""A CV chosen on the application form is not lost when the form comes back with an error."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.accounts.factories import UserFactory
from tests.applications.factories import pdf_bytes
from tests.offers.factories import OfferFactory
from tremplin.applications.models import Application

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
