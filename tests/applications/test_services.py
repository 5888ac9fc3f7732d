from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.applications.factories import ApplicationFactory, pdf_upload
from tests.offers.factories import OfferFactory
from tremplin.applications import services
from tremplin.applications.models import Application, ApplicationStatus, Side
from tremplin.applications.services import DEFAULT_OTHERS_MESSAGE
from tremplin.offers.models import OfferStatus

pytestmark = pytest.mark.django_db


def send_status_emails(after=services.STATUS_EMAIL_WINDOW):
    """What the deferred status task (or run_daily's sweep) sends once the window is over."""
    return services.notifications_send_due(now=timezone.now() + after)


def apply(offer, candidate, **kwargs):
    kwargs.setdefault("message", "Bonjour, je suis intéressée par ce remplacement.")
    return services.application_create(offer=offer, candidate=candidate, **kwargs)


def test_it_creates_an_application_and_tells_the_organisation(offer, member, candidate, mailoutbox):
    application = apply(offer, candidate, cv_upload=pdf_upload())

    assert application.status == ApplicationStatus.RECEIVED
    assert application.cv.original_name == "cv.pdf"
    assert application.unread_by_organisation
    assert [m.to for m in mailoutbox] == [[member.email]]
    assert "Nouvelle candidature" in mailoutbox[0].subject
    assert f"/candidatures/{application.pk}/" in mailoutbox[0].body


def test_it_refuses_a_second_application_to_the_same_offer(offer, candidate):
    apply(offer, candidate)
    with pytest.raises(ValidationError, match="déjà candidaté"):
        apply(offer, candidate)
    assert Application.objects.count() == 1


def test_it_accepts_a_new_application_after_a_withdrawal(offer, candidate):
    first = apply(offer, candidate)
    services.application_withdraw(application=first, by=candidate)
    second = apply(offer, candidate)
    assert second.pk != first.pk


@pytest.mark.parametrize(
    "status", [OfferStatus.WITHDRAWN, OfferStatus.EXPIRED, OfferStatus.FILLED, OfferStatus.DRAFT]
)
def test_it_refuses_an_application_to_an_offer_that_is_not_published(status, candidate):
    offer = OfferFactory(status=status)
    with pytest.raises(ValidationError, match="n’accepte plus"):
        apply(offer, candidate)


def test_it_refuses_an_application_to_ones_own_organisations_offer(offer, member):
    with pytest.raises(ValidationError, match="votre structure"):
        apply(offer, member)


def test_it_refuses_a_message_of_100000_characters(offer, candidate):
    with pytest.raises(ValidationError, match="trop long"):
        apply(offer, candidate, message="a" * 100_000)
    assert not Application.objects.exists()


def test_it_refuses_availability_that_ends_before_it_starts(offer, candidate):
    with pytest.raises(ValidationError, match="précède"):
        apply(offer, candidate, available_from=date(2027, 7, 10), available_until=date(2027, 7, 1))


def test_a_renamed_executable_leaves_no_application_and_no_file(offer, candidate, settings):
    from tests.applications.factories import exe_upload

    with pytest.raises(ValidationError, match="programme"):
        apply(offer, candidate, cv_upload=exe_upload())
    assert not Application.objects.exists()
    private = settings.PRIVATE_MEDIA_ROOT
    assert not private.exists() or not any(p.is_file() for p in private.rglob("*"))


def test_the_profile_cv_is_copied_so_that_the_application_keeps_what_was_sent(offer, candidate):
    from tremplin.applications.documents import profile_cv_replace

    saved = profile_cv_replace(user=candidate, upload=pdf_upload("mon-cv.pdf", "version 1"))
    application = apply(offer, candidate, use_profile_cv=True)
    profile_cv_replace(user=candidate, upload=pdf_upload("mon-cv.pdf", "version 2"))

    application.cv.refresh_from_db()
    assert application.cv.pk != saved.pk
    with application.cv.file.open("rb") as stored:
        assert b"version 1" in stored.read()


def test_opening_by_the_organisation_makes_it_seen_without_emailing_the_candidate(
    offer, member, candidate, mailoutbox
):
    application = apply(offer, candidate)
    mailoutbox.clear()

    services.application_mark_read(application=application, by=member, side=Side.ORGANISATION)
    services.application_mark_read(application=application, by=member, side=Side.ORGANISATION)

    application.refresh_from_db()
    assert application.status == ApplicationStatus.SEEN
    assert not application.unread_by_organisation
    assert application.first_answer_at is not None
    send_status_emails(after=timedelta(days=1))
    assert mailoutbox == []  # « vue » shows on the application page, no email


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (ApplicationStatus.DECLINED, ApplicationStatus.ACCEPTED),
        (ApplicationStatus.WITHDRAWN, ApplicationStatus.DISCUSSING),
        (ApplicationStatus.RECEIVED, ApplicationStatus.CONFIRMED),
        (ApplicationStatus.CONFIRMED, ApplicationStatus.DECLINED),
        (ApplicationStatus.SEEN, "nimporte"),
    ],
)
def test_it_refuses_transitions_that_make_no_sense(start, target, member):
    application = ApplicationFactory(status=start)
    with pytest.raises(ValidationError, match="ne peut pas passer"):
        services.application_decide(application=application, by=member, status=target)


def test_declining_sends_the_optional_message_to_the_candidate(member, mailoutbox):
    application = ApplicationFactory(seen=True)
    services.application_decide(
        application=application,
        by=member,
        status=ApplicationStatus.DECLINED,
        message="Nous avons retenu une personne disponible plus tôt.",
    )
    send_status_emails()
    assert mailoutbox[-1].to == [application.candidate.email]
    assert "refusée" in mailoutbox[-1].subject
    assert "disponible plus tôt" in mailoutbox[-1].body


def test_accepting_can_fill_the_offer_and_tell_the_others_politely(offer, member, mailoutbox):
    chosen = ApplicationFactory(offer=offer, seen=True)
    waiting = ApplicationFactory(offer=offer)
    discussing = ApplicationFactory(offer=offer, status=ApplicationStatus.DISCUSSING)
    withdrawn = ApplicationFactory(offer=offer, status=ApplicationStatus.WITHDRAWN)

    services.application_accept(application=chosen, by=member, fill_offer=True)
    send_status_emails()

    offer.refresh_from_db()
    assert offer.status == OfferStatus.FILLED
    for application, expected in [
        (chosen, ApplicationStatus.ACCEPTED),
        (waiting, ApplicationStatus.DECLINED),
        (discussing, ApplicationStatus.DECLINED),
        (withdrawn, ApplicationStatus.WITHDRAWN),
    ]:
        application.refresh_from_db()
        assert application.status == expected
    waiting.refresh_from_db()
    assert waiting.decision_message == str(DEFAULT_OTHERS_MESSAGE)
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == sorted(
        [chosen.candidate.email, waiting.candidate.email, discussing.candidate.email]
    )


def test_accepting_with_ones_own_words_for_the_others(offer, member):
    chosen = ApplicationFactory(offer=offer)
    other = ApplicationFactory(offer=offer)
    services.application_accept(
        application=chosen, by=member, fill_offer=True, others_message="Merci, à bientôt !"
    )
    other.refresh_from_db()
    assert other.decision_message == "Merci, à bientôt !"


def test_a_confirmed_stay_follows_an_acceptance(member):
    application = ApplicationFactory(accepted=True)
    services.application_decide(
        application=application, by=member, status=ApplicationStatus.CONFIRMED
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.CONFIRMED


def test_only_open_applications_can_be_withdrawn(candidate):
    application = ApplicationFactory(candidate=candidate, status=ApplicationStatus.DECLINED)
    with pytest.raises(ValidationError, match="ne peut plus"):
        services.application_withdraw(application=application, by=candidate)


def test_an_organisation_message_moves_the_application_into_discussion(member, mailoutbox):
    application = ApplicationFactory()
    services.message_post(
        application=application, by=member, side=Side.ORGANISATION, body="Pouvons-nous appeler ?"
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DISCUSSING
    assert application.unread_by_candidate
    assert application.first_answer_at is not None
    assert mailoutbox[-1].to == [application.candidate.email]
    assert "Pouvons-nous appeler ?" in mailoutbox[-1].body


def test_messages_are_batched_at_most_one_email_per_thread_per_15_minutes(member, mailoutbox):
    application = ApplicationFactory()
    post = services.message_post

    post(application=application, by=member, side=Side.ORGANISATION, body="Premier message")
    post(application=application, by=member, side=Side.ORGANISATION, body="Deuxième message")
    post(application=application, by=member, side=Side.ORGANISATION, body="Troisième message")

    assert len(mailoutbox) == 1
    assert "Premier message" in mailoutbox[0].body
    application.refresh_from_db()
    assert application.candidate_email_due_at == application.candidate_emailed_at + timedelta(
        minutes=15
    )

    # Before the end of the window nothing leaves; after it, one email with both messages.
    now = timezone.now()
    assert services.notifications_send_due(now=now + timedelta(minutes=5)) == 0
    assert services.notifications_send_due(now=now + timedelta(minutes=16)) == 1
    assert len(mailoutbox) == 2
    assert "Deuxième message" in mailoutbox[1].body
    assert "Troisième message" in mailoutbox[1].body
    assert "Premier message" not in mailoutbox[1].body

    # Running it again (a retried task) sends nothing more.
    assert services.notifications_send_due(now=now + timedelta(minutes=40)) == 0
    assert (
        services.thread_notify(
            application_id=application.pk, side=Side.CANDIDATE, now=now + timedelta(minutes=40)
        )
        == 0
    )
    assert len(mailoutbox) == 2


def test_messages_read_before_the_batch_leaves_are_not_emailed(member, mailoutbox):
    application = ApplicationFactory()
    services.message_post(application=application, by=member, side=Side.ORGANISATION, body="Un")
    services.message_post(application=application, by=member, side=Side.ORGANISATION, body="Deux")
    services.application_mark_read(
        application=application, by=application.candidate, side=Side.CANDIDATE
    )
    services.notifications_send_due(now=timezone.now() + timedelta(hours=1))
    assert len(mailoutbox) == 1


def test_a_candidate_message_is_emailed_to_every_member(offer, member, mailoutbox):
    from tests.organisations.factories import MembershipFactory

    colleague = MembershipFactory(organisation=offer.organisation).user
    application = ApplicationFactory(offer=offer)
    services.message_post(
        application=application, by=application.candidate, side=Side.CANDIDATE, body="Bonjour"
    )
    assert sorted(m.to[0] for m in mailoutbox) == sorted([member.email, colleague.email])


def test_a_message_to_a_withdrawn_application_is_refused(member):
    application = ApplicationFactory(status=ApplicationStatus.WITHDRAWN)
    with pytest.raises(ValidationError, match="retirée"):
        services.message_post(application=application, by=member, side=Side.ORGANISATION, body="x")


def test_the_email_task_with_a_key_sends_once(mailoutbox):
    from tremplin.core.tasks import send_email

    for _attempt in range(2):
        send_email.call(to=["a@example.org"], subject="Sujet", body="Corps", key="cle-unique")
    assert len(mailoutbox) == 1


def test_saving_an_offer_toggles(offer, candidate):
    assert services.saved_offer_toggle(user=candidate, offer=offer) is True
    assert services.saved_offer_toggle(user=candidate, offer=offer) is False


def test_a_report_alerts_the_moderators(mailoutbox):
    moderator = UserFactory(moderator=True)
    application = ApplicationFactory()
    services.application_report(
        application=application, by=application.candidate, reason="Propos déplacés"
    )
    assert mailoutbox[-1].to == [moderator.email]
    with pytest.raises(ValidationError):
        services.application_report(application=application, by=application.candidate, reason=" ")


def test_text_emails_are_not_html_escaped(offer, member, candidate, mailoutbox):
    offer.title = "Remplacement d'été & gardes"
    offer.save()
    apply(offer, candidate)
    assert "Remplacement d'été & gardes" in mailoutbox[0].subject
    assert "d'été & gardes" in mailoutbox[0].body
    assert "&#x27;" not in mailoutbox[0].body
