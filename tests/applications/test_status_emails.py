"""The candidate's status emails: none for « vue », quick changes grouped in one email."""

from datetime import datetime, timedelta

import pytest
from django.tasks import task_backends
from django.test import override_settings
from django.utils import timezone

from tests.applications.factories import ApplicationFactory
from tests.organisations.factories import MembershipFactory
from tremplin.applications import services
from tremplin.applications.models import ApplicationStatus, Side
from tremplin.core.models import PendingEmailItem

pytestmark = pytest.mark.django_db

WINDOW = services.STATUS_EMAIL_WINDOW


class Clock:
    def __init__(self) -> None:
        self.now = timezone.now().replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


@pytest.fixture
def clock(monkeypatch):
    """A fake clock: time moves only when the test says so."""
    fake = Clock()
    monkeypatch.setattr(timezone, "now", fake)
    return fake


@pytest.fixture
def application(db):
    return ApplicationFactory(status=ApplicationStatus.RECEIVED)


@pytest.fixture
def member(application):
    return MembershipFactory(organisation=application.offer.organisation).user


def decide(application, member, status, message=""):
    return services.application_decide(
        application=application, by=member, status=status, message=message
    )


def test_two_quick_changes_make_one_email_listing_both(application, member, clock, mailoutbox):
    start = clock.now
    decide(application, member, ApplicationStatus.DISCUSSING)
    clock.advance(minutes=3)
    decide(application, member, ApplicationStatus.ACCEPTED, "Bienvenue à Guéret !")

    assert services.notifications_send_due(now=start + WINDOW - timedelta(seconds=1)) == 0
    assert mailoutbox == []
    assert services.notifications_send_due(now=start + WINDOW) == 1

    [email] = mailoutbox
    assert email.to == [application.candidate.email]
    assert email.subject == f"Votre candidature « {application.offer.title} » : acceptée"
    assert "a changé :" in email.body
    assert "en discussion" in email.body and "acceptée" in email.body
    assert email.body.index("en discussion") < email.body.index("acceptée")
    assert "Bienvenue à Guéret !" in email.body
    assert f"/candidatures/{application.pk}/" in email.body


def test_a_change_after_the_window_gets_its_own_email(application, member, clock, mailoutbox):
    decide(application, member, ApplicationStatus.DISCUSSING)
    services.notifications_send_due(now=clock.advance(minutes=11))
    assert len(mailoutbox) == 1

    clock.advance(minutes=20)
    decide(application, member, ApplicationStatus.ACCEPTED)
    assert services.notifications_send_due(now=clock.advance(minutes=5)) == 0
    assert services.notifications_send_due(now=clock.advance(minutes=5)) == 1

    assert len(mailoutbox) == 2
    assert "est maintenant : acceptée." in mailoutbox[1].body
    assert "en discussion" not in mailoutbox[1].body  # already told


def test_seen_alone_sends_nothing_and_is_not_listed_later(application, member, clock, mailoutbox):
    services.application_mark_read(application=application, by=member, side=Side.ORGANISATION)
    services.notifications_send_due(now=clock.advance(hours=1))
    assert mailoutbox == []

    decide(application, member, ApplicationStatus.DECLINED, "Poste pourvu.")
    services.notifications_send_due(now=clock.advance(minutes=10))
    [email] = mailoutbox
    assert "refusée" in email.subject
    assert "vue" not in email.body


def test_sending_twice_sends_once(application, member, clock, mailoutbox):
    decide(application, member, ApplicationStatus.ACCEPTED)
    later = clock.advance(minutes=10)

    assert services.status_notify(application_id=application.pk, now=later) == 1
    assert services.status_notify(application_id=application.pk, now=later) == 0
    assert services.notifications_send_due(now=later) == 0
    assert len(mailoutbox) == 1
    assert not PendingEmailItem.objects.exists()  # nothing kept once sent


def test_an_application_anonymised_before_the_email_leaves_sends_nothing(
    application, member, clock, mailoutbox
):
    decide(application, member, ApplicationStatus.ACCEPTED)
    application.refresh_from_db()
    application.anonymised_at = clock.now
    application.save(update_fields=["anonymised_at"])

    assert services.status_notify(application_id=application.pk, now=clock.advance(hours=1)) == 0
    assert mailoutbox == []
    assert not PendingEmailItem.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_first_change_queues_one_task_deferred_to_the_end_of_the_window(clock):
    from django_tasks_db.models import DBTaskResult

    application = ApplicationFactory(status=ApplicationStatus.RECEIVED)
    member = MembershipFactory(organisation=application.offer.organisation).user
    tasks = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    with override_settings(TASKS=tasks):
        task_backends._settings = None
        try:
            start = clock.now
            decide(application, member, ApplicationStatus.DISCUSSING)
            clock.advance(minutes=2)
            decide(application, member, ApplicationStatus.ACCEPTED)
        finally:
            task_backends._settings = None

    [queued] = DBTaskResult.objects.filter(task_path__endswith="status_notify")
    assert queued.run_after == start + WINDOW
    assert queued.args_kwargs["kwargs"] == {"application_id": application.pk}
