"""The application querysets and unread markers, on both sides of each comparison."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.applications.factories import ApplicationFactory
from tremplin.applications.models import Application, ApplicationStatus

pytestmark = pytest.mark.django_db


def test_a_withdrawn_application_leaves_the_organisations_inbox_only():
    kept = [ApplicationFactory(status=s) for s in ApplicationStatus.values if s != "withdrawn"]
    withdrawn = ApplicationFactory(status=ApplicationStatus.WITHDRAWN)

    visible = set(Application.objects.visible_to_organisation())

    assert visible == set(kept)
    assert withdrawn in Application.objects.of_candidate(withdrawn.candidate)


def test_unread_means_never_read_or_active_since_the_last_reading():
    now = timezone.now()
    never = ApplicationFactory(organisation_read_at=None, candidate_activity_at=now)
    since = ApplicationFactory(
        organisation_read_at=now - timedelta(minutes=1), candidate_activity_at=now
    )
    read = ApplicationFactory(
        organisation_read_at=now, candidate_activity_at=now - timedelta(minutes=1)
    )
    same_instant = ApplicationFactory(organisation_read_at=now, candidate_activity_at=now)

    assert set(Application.objects.unread_by_organisation()) == {never, since}
    assert [a.unread_by_organisation for a in (never, since, read, same_instant)] == [
        True,
        True,
        False,
        False,
    ]


def test_the_candidate_has_unread_news_once_the_organisation_wrote_after_their_reading():
    now = timezone.now()
    cases = [
        (None, None, False),
        (now, None, True),
        (now, now - timedelta(minutes=1), True),
        (now - timedelta(minutes=1), now, False),
        (now, now, False),
    ]
    for activity, read_at, unread in cases:
        application = Application(organisation_activity_at=activity, candidate_read_at=read_at)
        assert application.unread_by_candidate is unread, (activity, read_at)


@pytest.mark.parametrize(
    ("status", "is_open"),
    [
        (ApplicationStatus.RECEIVED, True),
        (ApplicationStatus.SEEN, True),
        (ApplicationStatus.DISCUSSING, True),
        (ApplicationStatus.ACCEPTED, True),
        (ApplicationStatus.DECLINED, False),
        (ApplicationStatus.CONFIRMED, False),
        (ApplicationStatus.WITHDRAWN, False),
    ],
)
def test_an_application_is_open_until_it_is_decided_confirmed_or_withdrawn(status, is_open):
    assert Application(status=status).is_open is is_open


def test_an_anonymised_application_names_nobody():
    application = ApplicationFactory(candidate__first_name="Léa", candidate__last_name="Durand")
    assert application.candidate_name == "Léa Durand"
    application.candidate = None
    assert application.candidate_name == "Candidat·e anonymisé·e"
