import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import DEFAULT_PASSWORD
from tests.applications.factories import ApplicationFactory, pdf_bytes, pdf_upload
from tests.offers.factories import OfferFactory
from tremplin.applications import services
from tremplin.applications.documents import profile_cv_replace
from tremplin.applications.models import Application, ApplicationStatus, Document, Side
from tremplin.applications.privacy import applications_anonymise_old
from tremplin.offers.models import OfferStatus
from tremplin.platform.privacy import account_delete, account_export

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_application_the_conversation_and_the_cv(offer, member, candidate):
    application = services.application_create(
        offer=offer, candidate=candidate, message="Je candidate.", cv_upload=pdf_upload("cv.pdf")
    )
    services.message_post(application=application, by=member, side=Side.ORGANISATION, body="Merci")

    archive = zipfile.ZipFile(io.BytesIO(account_export(user=candidate)))
    data = json.loads(archive.read("donnees.json"))

    assert data["account"]["email"] == candidate.email
    assert data["professional_profile"]["profession"] == candidate.professional_profile.profession
    [exported] = data["applications"]
    assert exported["message"] == "Je candidate."
    assert exported["offer"]["title"] == offer.title
    assert [m["body"] for m in exported["conversation"]] == ["Merci"]
    assert archive.read(exported["cv"]) == pdf_bytes()


def test_the_export_downloads_as_a_zip(client, candidate):
    client.force_login(candidate)
    response = client.get(reverse("platform:account_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "donnees.json" in zipfile.ZipFile(io.BytesIO(response.content)).namelist()


def test_deleting_the_account_anonymises_applications_and_erases_files(
    offer, member, candidate, django_capture_on_commit_callbacks
):
    profile_cv_replace(user=candidate, upload=pdf_upload("profil.pdf"))
    application = services.application_create(
        offer=offer, candidate=candidate, message="Bonjour", use_profile_cv=True
    )
    services.message_post(
        application=application,
        by=candidate,
        side=Side.CANDIDATE,
        body="Mon diplôme",
        attachment=pdf_upload("diplome.pdf"),
    )
    services.application_decide(
        application=application, by=member, status=ApplicationStatus.DISCUSSING
    )
    paths = [Path(d.file.path) for d in Document.objects.filter(owner=candidate)]
    assert len(paths) == 3 and all(p.exists() for p in paths)

    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=candidate)

    assert not any(p.exists() for p in paths)
    assert not Document.objects.exists()
    application = Application.objects.get()
    assert application.candidate is None
    assert application.message == ""
    assert application.anonymised_at is not None
    assert not application.messages.exists()
    # The organisation's statistics keep the application and its timing.
    assert application.status == ApplicationStatus.DISCUSSING
    assert application.first_answer_at is not None


def test_the_delete_page_erases_the_cv_file(client, candidate, django_capture_on_commit_callbacks):
    """Through the real page: the file is gone once the request's transaction commits."""
    profile_cv_replace(user=candidate, upload=pdf_upload())
    path = Path(Document.objects.get().file.path)
    client.force_login(candidate)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("platform:account_delete"), {"password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert not Document.objects.exists()
    assert not path.exists()


def test_applications_to_offers_closed_more_than_two_years_ago_are_anonymised(
    django_capture_on_commit_callbacks,
):
    now = timezone.now()
    old = ApplicationFactory(
        offer=OfferFactory(status=OfferStatus.FILLED, closed_at=now - timedelta(days=800))
    )
    recent = ApplicationFactory(
        offer=OfferFactory(status=OfferStatus.FILLED, closed_at=now - timedelta(days=300))
    )
    open_offer = ApplicationFactory()

    with django_capture_on_commit_callbacks(execute=True):
        assert applications_anonymise_old(now=now) == 1
        assert applications_anonymise_old(now=now) == 0  # idempotent

    old.refresh_from_db()
    recent.refresh_from_db()
    open_offer.refresh_from_db()
    assert old.candidate is None and old.anonymised_at is not None
    assert recent.candidate is not None
    assert open_offer.candidate is not None


def test_the_export_holds_the_discovery_stays(candidate):
    from tests.hosting.factories import HousingFactory
    from tremplin.hosting.services import stay_plan

    housing = HousingFactory()
    stay_plan(
        professional=candidate,
        collectivity=housing.organisation,
        start=timezone.localdate() + timedelta(days=2),
        end=timezone.localdate() + timedelta(days=6),
        housing=housing,
    )
    data = json.loads(
        zipfile.ZipFile(io.BytesIO(account_export(user=candidate))).read("donnees.json")
    )
    [stay] = data["stays"]
    assert stay["territory"] == housing.organisation.name
    assert stay["bookings"][0]["status"] == "requested"
