import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.applications.factories import (
    ApplicationFactory,
    MessageFactory,
    exe_upload,
    pdf_upload,
)
from tests.offers.factories import OfferFactory
from tests.organisations.factories import MembershipFactory
from tremplin.applications import services
from tremplin.applications.documents import document_store
from tremplin.applications.models import Application, ApplicationStatus, DocumentAccess, Side

pytestmark = pytest.mark.django_db


def test_a_professional_applies_with_a_cv_through_the_form(client, offer, candidate, member):
    client.force_login(candidate)
    response = client.post(
        reverse("applications:apply", args=[offer.pk]),
        {
            "message": "Bonjour, je serais ravie de venir.",
            "available_from": "2027-07-01",
            "available_until": "2027-07-31",
            "cv": pdf_upload("Mon CV.pdf"),
        },
    )
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:detail", args=[application.pk])
    assert application.cv.original_name == "Mon CV.pdf"
    assert str(application.available_from) == "2027-07-01"


def test_a_message_of_100000_characters_is_refused_with_a_clear_message(client, offer, candidate):
    client.force_login(candidate)
    response = client.post(
        reverse("applications:apply", args=[offer.pk]), {"message": "a" * 100_000}
    )
    assert response.status_code == 400
    assert "comporte au plus 5000 caractères (actuellement 100000)" in response.text
    assert not Application.objects.exists()


def test_a_renamed_executable_is_refused_in_the_form(client, offer, candidate):
    client.force_login(candidate)
    response = client.post(
        reverse("applications:apply", args=[offer.pk]),
        {"message": "Bonjour, voici mon CV.", "cv": exe_upload("cv.pdf")},
    )
    assert response.status_code == 400
    assert "pas un PDF" in response.text
    assert "Bonjour, voici mon CV.</textarea>" in response.text
    assert not Application.objects.exists()


def test_applying_twice_shows_the_existing_application(client, offer, candidate):
    existing = ApplicationFactory(offer=offer, candidate=candidate)
    client.force_login(candidate)
    response = client.get(reverse("applications:apply", args=[offer.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:detail", args=[existing.pk])


def test_applying_to_an_unpublished_offer_is_a_404(client, candidate):
    offer = OfferFactory(status="expired", title="Remplacement en Creuse")
    client.force_login(candidate)
    response = client.get(reverse("applications:apply", args=[offer.pk]))
    assert response.status_code == 404
    assert offer.title not in response.text
    post = client.post(reverse("applications:apply", args=[offer.pk]), {"message": "Bonjour"})
    assert post.status_code == 404
    assert not Application.objects.exists()


def test_someone_without_a_professional_profile_is_sent_to_fill_it(client, offer):
    client.force_login(UserFactory())
    response = client.get(reverse("applications:apply", args=[offer.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:profile") + "?next=")


def test_a_member_sees_the_application_unread_then_opening_makes_it_seen(client, member):
    application = ApplicationFactory(offer=OfferFactory(published=True))
    MembershipFactory(organisation=application.offer.organisation, user=member)
    client.force_login(member)

    inbox = client.get(reverse("applications:inbox", args=[application.offer.organisation_id]))
    assert 'data-testid="unread"' in inbox.text
    client.get(reverse("applications:detail", args=[application.pk]))
    inbox = client.get(reverse("applications:inbox", args=[application.offer.organisation_id]))
    assert 'data-testid="unread"' not in inbox.text
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SEEN


def test_a_member_of_another_organisation_gets_a_404(client, outsider_member):
    application = ApplicationFactory(cv=None, candidate__last_name="Quintal-Vasseur")
    client.force_login(outsider_member)
    page = client.get(reverse("applications:detail", args=[application.pk]))
    assert page.status_code == 404
    assert application.message not in page.text
    assert application.candidate.last_name not in page.text
    post = client.post(reverse("applications:message", args=[application.pk]), {"body": "x"})
    assert post.status_code == 404
    decide = client.post(
        reverse("applications:decide", args=[application.pk]), {"status": "accepted"}
    )
    assert decide.status_code == 404
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RECEIVED
    assert not application.messages.exists()


def test_guessing_ids_teaches_nothing(client):
    ApplicationFactory()
    stranger = UserFactory(professional=True)
    client.force_login(stranger)
    statuses = {
        client.get(reverse("applications:detail", args=[pk])).status_code for pk in range(1, 30)
    }
    assert statuses == {404}
    statuses = {
        client.get(reverse("applications:document", args=[pk])).status_code for pk in range(1, 30)
    }
    assert statuses == {404}


def test_the_cv_is_served_to_members_only_and_each_access_is_logged(
    client, offer, member, outsider_member
):
    application = ApplicationFactory(offer=offer)
    application.cv = document_store(
        owner=application.candidate, upload=pdf_upload(), kind="application_cv"
    )
    application.save()
    url = reverse("applications:document", args=[application.cv.pk])

    client.force_login(outsider_member)
    refused = client.get(url)
    assert refused.status_code == 404
    assert not refused.content.startswith(b"%PDF-")
    client.force_login(UserFactory(moderator=True))
    refused = client.get(url)
    assert refused.status_code == 404  # not reported: moderators do not read it
    assert not refused.content.startswith(b"%PDF-")
    assert not DocumentAccess.objects.exists()

    client.force_login(member)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF-")
    access = DocumentAccess.objects.get()
    assert (access.user, access.application, access.document) == (
        member,
        application,
        application.cv,
    )


def test_the_cv_is_not_reachable_through_the_public_media_url(client, settings, offer):
    application = ApplicationFactory(offer=offer)
    document = document_store(
        owner=application.candidate, upload=pdf_upload(), kind="application_cv"
    )
    assert str(settings.PRIVATE_MEDIA_ROOT) in document.file.path
    assert str(settings.MEDIA_ROOT) not in document.file.path
    with pytest.raises(ValueError):
        document.file.url  # noqa: B018 — private files have no URL
    response = client.get(f"/media/{document.file.name}")
    assert response.status_code == 404
    assert b"%PDF-" not in response.content


def test_moderators_read_a_thread_only_once_reported(client):
    moderator = UserFactory(moderator=True)
    application = ApplicationFactory()
    client.force_login(moderator)
    url = reverse("applications:detail", args=[application.pk])
    refused = client.get(url)
    assert refused.status_code == 404
    assert application.message not in refused.text
    services.application_report(application=application, by=application.candidate, reason="Spam")
    response = client.get(url)
    assert response.status_code == 200
    assert "Spam" in response.text
    assert "Envoyer le message" not in response.text  # moderators read, they do not write
    assert client.get(reverse("applications:reported")).status_code == 200


def test_the_organisation_replies_and_accepts_and_the_candidate_sees_it(client, offer, member):
    application = ApplicationFactory(offer=offer)
    client.force_login(member)
    client.post(reverse("applications:message", args=[application.pk]), {"body": "Bienvenue !"})
    response = client.post(
        reverse("applications:decide", args=[application.pk]),
        {"status": "accepted", "message": "Avec plaisir.", "others_message": ""},
    )
    assert response.status_code == 302

    client.force_login(application.candidate)
    mine = client.get(reverse("applications:mine"))
    assert 'data-testid="unread"' in mine.text
    detail = client.get(reverse("applications:detail", args=[application.pk]))
    assert "acceptée" in detail.text
    assert "Bienvenue !" in detail.text
    assert "Avec plaisir." in detail.text


def test_an_impossible_decision_is_a_400_with_a_reason(client, member):
    application = ApplicationFactory(status=ApplicationStatus.DECLINED)
    MembershipFactory(organisation=application.offer.organisation, user=member)
    client.force_login(member)
    response = client.post(
        reverse("applications:decide", args=[application.pk]), {"status": "accepted"}
    )
    assert response.status_code == 400
    assert "Cette décision n’est pas possible : la candidature est « refusée »." in response.text
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECLINED


def test_a_decision_sent_from_a_page_left_open_says_why_it_is_refused(client, member):
    # The member opened the page while it was "vue"; a colleague declined it meanwhile.
    application = ApplicationFactory(status=ApplicationStatus.SEEN)
    MembershipFactory(organisation=application.offer.organisation, user=member)
    client.force_login(member)
    assert "Votre décision" in client.get(application.get_absolute_url()).text
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.DECLINED)

    response = client.post(
        reverse("applications:decide", args=[application.pk]),
        {"status": "accepted", "message": "Bienvenue parmi nous"},
    )

    assert response.status_code == 400
    assert "Cette décision n’est pas possible : la candidature est « refusée »." in response.text
    assert "Bienvenue parmi nous</textarea>" in response.text
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECLINED
    assert not application.messages.exists()


def test_the_candidate_withdraws(client, candidate):
    application = ApplicationFactory(candidate=candidate)
    client.force_login(candidate)
    client.post(reverse("applications:withdraw", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN


def test_an_empty_message_is_refused(client, candidate):
    application = ApplicationFactory(candidate=candidate)
    client.force_login(candidate)
    response = client.post(reverse("applications:message", args=[application.pk]), {"body": "  "})
    assert response.status_code == 400
    assert "Écrivez un message ou joignez un fichier." in response.text
    assert not application.messages.exists()


def test_an_attachment_that_is_not_a_pdf_is_refused(client, candidate):
    application = ApplicationFactory(candidate=candidate)
    client.force_login(candidate)
    response = client.post(
        reverse("applications:message", args=[application.pk]),
        {"body": "Voici mon diplôme", "attachment": exe_upload("diplome.pdf")},
    )
    assert response.status_code == 400
    assert "pas un PDF" in response.text
    assert "Voici mon diplôme</textarea>" in response.text
    assert not application.messages.filter(side=Side.CANDIDATE).exists()


def test_favourites_are_listed(client, offer, candidate):
    client.force_login(candidate)
    client.post(reverse("applications:favourite_toggle", args=[offer.pk]))
    response = client.get(reverse("applications:favourites"))
    assert offer.title in response.text


def test_the_inbox_runs_a_bounded_number_of_queries(
    client, offer, member, django_assert_max_num_queries
):
    for _ in range(15):
        MessageFactory(application=ApplicationFactory(offer=offer))
    client.force_login(member)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("applications:inbox", args=[offer.organisation_id]))
    assert response.text.count('data-testid="unread"') == 15


def test_my_applications_run_a_bounded_number_of_queries(
    client, candidate, django_assert_max_num_queries
):
    for _ in range(10):
        ApplicationFactory(candidate=candidate)
    client.force_login(candidate)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("applications:mine"))
    assert response.status_code == 200


def test_the_offer_page_shows_the_apply_button_and_the_members_figures(
    client, offer, member, candidate
):
    client.force_login(candidate)
    assert (
        reverse("applications:apply", args=[offer.pk]) in client.get(offer.get_absolute_url()).text
    )
    ApplicationFactory(offer=offer)
    client.force_login(member)
    response = client.get(offer.get_absolute_url())
    assert 'data-testid="metrics"' in response.text
    assert "1 candidature" in response.text
