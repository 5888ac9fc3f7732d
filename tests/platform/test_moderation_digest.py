"""The moderators' daily digest: organisations to verify, offers to moderate, new reports."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.applications.factories import ApplicationFactory
from tests.offers.factories import OfferFactory
from tests.organisations.factories import OrganisationFactory
from tremplin.offers.models import OfferStatus
from tremplin.platform.moderation import moderation_digest_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(db):
    return UserFactory(moderator=True)


def test_nothing_pending_sends_no_email(moderator, mailoutbox):
    OfferFactory(published=True)  # a verified organisation and a published offer
    ApplicationFactory(reported_at=timezone.now() - timedelta(days=2), report_reason="Ancien")

    assert moderation_digest_send() == 0
    assert mailoutbox == []


def test_each_moderator_gets_one_email_with_every_queue_and_its_link(moderator, mailoutbox):
    UserFactory(moderator=True, is_active=False)
    UserFactory()  # not a moderator
    OrganisationFactory(name="MSP des Combrailles")
    OfferFactory(title="Remplacement à Aubusson", status=OfferStatus.SUBMITTED)
    reported = ApplicationFactory(reported_at=timezone.now(), report_reason="Propos déplacés")

    assert moderation_digest_send() == 1

    [email] = mailoutbox
    assert email.to == [moderator.email]
    # The reported application's organisation is verified: 1 + 1 + 1.
    assert email.subject == "Modération Tremplin : 3 éléments en attente"
    assert "1 structure à vérifier :\n— MSP des Combrailles" in email.body
    assert "1 annonce en attente de modération :\n— Remplacement à Aubusson" in email.body
    assert f"1 signalement reçu depuis hier, sur une candidature à :\n— {reported.offer.title}" in (
        email.body
    )
    for path in [
        "/organisations/moderation/",
        "/annonces/moderation/",
        "/candidatures/signalements/",
    ]:
        assert f"http://127.0.0.1:8000{path}" in email.body


def test_an_empty_queue_is_left_out(moderator, mailoutbox):
    OfferFactory(status=OfferStatus.SUBMITTED)

    moderation_digest_send()

    assert "annonce en attente de modération" in mailoutbox[0].body
    assert "à vérifier" not in mailoutbox[0].body
    assert "signalement" not in mailoutbox[0].body


def test_a_long_queue_lists_ten_names_and_counts_the_others(moderator, mailoutbox):
    organisations = OrganisationFactory.create_batch(12)

    moderation_digest_send()

    body = mailoutbox[0].body
    assert "12 structures à vérifier" in body
    assert sum(f"— {o.name}\n" in body for o in organisations) == 10
    assert "… et 2 autres." in body


def test_a_second_run_the_same_day_sends_nothing_more(moderator, mailoutbox):
    OrganisationFactory()
    moderation_digest_send()
    moderation_digest_send()
    assert len(mailoutbox) == 1


def test_run_daily_sends_the_digest(moderator, mailoutbox):
    OrganisationFactory(name="Centre de santé de Bourganeuf")

    call_command("run_daily", now=True, verbosity=0)

    digests = [m for m in mailoutbox if m.subject.startswith("Modération Tremplin")]
    assert [m.to for m in digests] == [[moderator.email]]
    assert "Centre de santé de Bourganeuf" in digests[0].body
