"""Every pair of application statuses, against a table written out here by hand.

The table is not read from `ORGANISATION_TRANSITIONS`: a rule loosened or tightened in the code
must make one of these cases fail."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.applications.factories import ApplicationFactory
from tests.organisations.factories import MembershipFactory
from tremplin.applications import services
from tremplin.applications.models import Application, ApplicationStatus, Message, Side

R, S, D, A, X, C, W = (
    ApplicationStatus.RECEIVED,
    ApplicationStatus.SEEN,
    ApplicationStatus.DISCUSSING,
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.DECLINED,
    ApplicationStatus.CONFIRMED,
    ApplicationStatus.WITHDRAWN,
)
STATUSES = [R, S, D, A, X, C, W]

# Rows: the current status; columns, in the order of STATUSES: whether the organisation may move
# it there ("1") or not (".").
#                   R  S  D  A  X  C  W
ORGANISATION_MAY = {
    R: "  .  1  1  1  1  .  .",
    S: "  .  .  1  1  1  .  .",
    D: "  .  .  .  1  1  .  .",
    A: "  .  .  .  .  1  1  .",
    X: "  .  .  .  .  .  .  .",
    C: "  .  .  .  .  .  .  .",
    W: "  .  .  .  .  .  .  .",
}
# The candidate may withdraw an application that is still open, and nothing else.
CANDIDATE_MAY_WITHDRAW = {R: True, S: True, D: True, A: True, X: False, C: False, W: False}

LABELS = {
    R: "reçue",
    S: "vue",
    D: "en discussion",
    A: "acceptée",
    X: "refusée",
    C: "séjour confirmé",
    W: "retirée",
}


def expected(start: str, target: str) -> bool:
    return ORGANISATION_MAY[start].split()[STATUSES.index(target)] == "1"


PAIRS = [(start, target) for start in STATUSES for target in STATUSES]
ALLOWED = [pair for pair in PAIRS if expected(*pair)]
REFUSED = [pair for pair in PAIRS if not expected(*pair)]


def test_the_table_covers_every_status_and_allows_eleven_moves():
    assert set(ORGANISATION_MAY) == set(STATUSES) == set(ApplicationStatus.values)
    assert all(len(row.split()) == len(STATUSES) for row in ORGANISATION_MAY.values())
    assert len(ALLOWED) == 11


@pytest.mark.parametrize(("start", "target"), PAIRS)
def test_it_allows_exactly_the_moves_of_the_table(start, target):
    assert Application(status=start).can_move_to(target) is expected(start, target)


@pytest.mark.parametrize("start", STATUSES)
def test_it_allows_no_move_to_an_unknown_status(start):
    assert not Application(status=start).can_move_to("nimporte")
    assert not Application(status=start).can_move_to("")


@pytest.mark.parametrize("start", STATUSES)
def test_an_application_with_an_unknown_status_moves_nowhere(start):
    assert not Application(status="nimporte").can_move_to(start)


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "target"), ALLOWED)
def test_the_organisation_makes_each_allowed_move(start, target, mailoutbox):
    application = ApplicationFactory(status=start)
    member = MembershipFactory(organisation=application.offer.organisation).user

    services.application_decide(application=application, by=member, status=target)

    application.refresh_from_db()
    assert application.status == target
    assert application.first_answer_at is not None
    system = Message.objects.get(application=application, side=Side.SYSTEM)
    assert system.body == f"Statut de la candidature : {LABELS[target]}."
    assert mailoutbox == []  # grouped with the changes of the next minutes
    services.notifications_send_due(now=timezone.now() + services.STATUS_EMAIL_WINDOW)
    # « vue » is never emailed; every other move is.
    expected = [] if target == ApplicationStatus.SEEN else [[application.candidate.email]]
    assert [m.to for m in mailoutbox] == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "target"), REFUSED)
def test_the_organisation_is_refused_each_other_move_with_the_reason(start, target, mailoutbox):
    application = ApplicationFactory(status=start)
    member = MembershipFactory(organisation=application.offer.organisation).user

    with pytest.raises(ValidationError) as error:
        services.application_decide(application=application, by=member, status=target)

    assert error.value.messages == [
        f"Une candidature « {LABELS[start]} » ne peut pas passer à « {LABELS[target]} »."
    ]
    application.refresh_from_db()
    assert application.status == start
    assert application.first_answer_at is None
    assert not Message.objects.filter(application=application).exists()
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_refused_move_to_an_unknown_status_names_it():
    application = ApplicationFactory(status=S)
    member = MembershipFactory(organisation=application.offer.organisation).user

    with pytest.raises(ValidationError) as error:
        services.application_decide(application=application, by=member, status="nimporte")

    assert error.value.messages == ["Une candidature « vue » ne peut pas passer à « nimporte »."]


@pytest.mark.django_db
@pytest.mark.parametrize("start", STATUSES)
def test_the_candidate_withdraws_exactly_the_open_applications(start):
    application = ApplicationFactory(status=start)

    if CANDIDATE_MAY_WITHDRAW[start]:
        services.application_withdraw(application=application, by=application.candidate)
        application.refresh_from_db()
        assert application.status == W
        assert Message.objects.get(application=application).body == (
            "La candidature a été retirée par le candidat."
        )
    else:
        with pytest.raises(ValidationError) as error:
            services.application_withdraw(application=application, by=application.candidate)
        assert error.value.messages == ["Cette candidature ne peut plus être retirée."]
        application.refresh_from_db()
        assert application.status == start
        assert not Message.objects.filter(application=application).exists()


# Through the pages: what a member can submit is the decision form's choices.
DECISIONS = [D, A, X, C]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "target"), [(s, t) for s in STATUSES if s != W for t in DECISIONS if expected(s, t)]
)
def test_the_decision_page_applies_each_allowed_move(client, start, target):
    application = ApplicationFactory(status=start)
    member = MembershipFactory(organisation=application.offer.organisation).user
    client.force_login(member)

    response = client.post(
        reverse("applications:decide", args=[application.pk]),
        {"status": target, "message": "", "others_message": ""},
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == target


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "target"),
    [(s, t) for s in STATUSES if s != W for t in DECISIONS if not expected(s, t)],
)
def test_the_decision_page_refuses_each_other_move_and_says_why(client, start, target):
    # A withdrawn application is refused the same way, with its own test below.
    application = ApplicationFactory(status=start)
    member = MembershipFactory(organisation=application.offer.organisation).user
    client.force_login(member)

    response = client.post(
        reverse("applications:decide", args=[application.pk]),
        {"status": target, "message": "", "others_message": ""},
    )

    assert response.status_code == 400
    current = ApplicationStatus(start).label
    assert (
        f"Cette décision n’est pas possible : la candidature est « {current} »."
    ) in response.text
    application.refresh_from_db()
    assert application.status == start
    assert not Message.objects.filter(application=application).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("start", STATUSES)
def test_the_withdraw_button_says_why_when_it_is_too_late(client, start):
    application = ApplicationFactory(status=start)
    client.force_login(application.candidate)

    response = client.post(reverse("applications:withdraw", args=[application.pk]), follow=True)

    application.refresh_from_db()
    if CANDIDATE_MAY_WITHDRAW[start]:
        assert application.status == W
        assert "Candidature retirée." in response.text
    else:
        assert application.status == start
        assert "Cette candidature ne peut plus être retirée." in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("target", DECISIONS)
def test_a_decision_on_a_withdrawn_application_is_refused_and_says_why(client, target):
    application = ApplicationFactory(status=W)
    member = MembershipFactory(organisation=application.offer.organisation).user
    client.force_login(member)

    response = client.post(
        reverse("applications:decide", args=[application.pk]),
        {"status": target, "message": "Trop tard", "others_message": ""},
    )

    assert response.status_code == 400
    assert "Cette décision n’est pas possible : la candidature est « retirée »." in response.text
    application.refresh_from_db()
    assert application.status == W
    assert not Message.objects.filter(application=application).exists()
