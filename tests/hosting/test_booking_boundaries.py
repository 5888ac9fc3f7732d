"""The edges of the housing calendar, on both sides: a day after is free, a night over is not.

A stay runs from its arrival (`start`, first night) to its departure (`end`, no night): the
nights of [10, 15) are the 10th to the 14th. Another stay may arrive on the 15th or leave on the
10th; one night more on either side is refused."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.hosting.factories import HousingFactory, agent_of
from tremplin.core.models import SentEmail
from tremplin.hosting import services
from tremplin.hosting.models import MAX_STAY_NIGHTS, BookedNight, Booking, BookingStatus

pytestmark = pytest.mark.django_db

TAKEN = "Le logement est déjà réservé sur une partie de ces dates."
ASKED = "Vous avez déjà demandé ce logement pour ces dates."
OVERLAP_ON_ACCEPT = (
    "Impossible d’accepter : ces dates chevauchent un séjour déjà accepté dans ce logement."
)
OUTSIDE = "Ces dates sortent des périodes où le logement est disponible : voyez le calendrier."


def day(offset: int):
    return timezone.localdate() + timedelta(days=offset)


def housing_open(start: int, end: int):
    housing = HousingFactory(periods=False)
    services.period_add(housing=housing, start=day(start), end=day(end))
    return housing


def ask(housing, start: int, end: int, professional=None) -> Booking:
    return services.booking_request(
        housing=housing, professional=professional or UserFactory(), start=day(start), end=day(end)
    )


def refused(housing, start: int, end: int, professional=None) -> str:
    with pytest.raises(ValidationError) as error:
        ask(housing, start, end, professional)
    return " ".join(error.value.messages)


@pytest.fixture
def booked():
    """A housing open from day 1 to day 40, with a stay accepted from day 10 to day 15."""
    housing = housing_open(1, 40)
    agent = agent_of(housing.organisation)
    stay = ask(housing, 10, 15)
    services.booking_accept(booking=stay, by=agent)
    return housing, agent, stay


def test_an_accepted_stay_holds_exactly_its_nights(booked):
    _housing, _agent, stay = booked
    nights = sorted(BookedNight.objects.filter(booking=stay).values_list("night", flat=True))
    assert nights == [day(10), day(11), day(12), day(13), day(14)]
    stay.refresh_from_db()
    assert stay.status == BookingStatus.ACCEPTED
    assert stay.decided_at is not None


@pytest.mark.parametrize(("start", "end"), [(5, 10), (15, 20), (9, 10), (15, 16)])
def test_a_stay_next_to_the_booked_one_is_asked_and_accepted(booked, start, end):
    housing, agent, _stay = booked

    booking = ask(housing, start, end)
    services.booking_accept(booking=booking, by=agent)

    booking.refresh_from_db()
    assert booking.status == BookingStatus.ACCEPTED
    assert BookedNight.objects.filter(booking=booking).count() == end - start


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (5, 11),  # leaves a day too late: the booked stay's first night
        (14, 20),  # arrives a day too early: its last night
        (9, 11),
        (14, 15),
        (10, 15),
        (11, 14),
        (5, 20),
    ],
)
def test_one_night_of_overlap_on_either_side_is_refused(booked, start, end):
    housing, _agent, _stay = booked

    assert refused(housing, start, end) == TAKEN
    assert Booking.objects.filter(housing=housing).count() == 1


@pytest.mark.parametrize(("start", "end"), [(5, 11), (14, 20)])
def test_two_requests_overlapping_by_one_night_cannot_both_be_accepted(start, end):
    housing = housing_open(1, 40)
    agent = agent_of(housing.organisation)
    first = ask(housing, 10, 15)
    second = ask(housing, start, end)
    services.booking_accept(booking=first, by=agent)

    with pytest.raises(ValidationError) as error:
        services.booking_accept(booking=second, by=agent)

    assert error.value.messages == [OVERLAP_ON_ACCEPT]
    second.refresh_from_db()
    assert second.status == BookingStatus.REQUESTED
    assert not BookedNight.objects.filter(booking=second).exists()


@pytest.mark.parametrize(("start", "end"), [(5, 10), (15, 20)])
def test_requests_touching_each_other_can_both_be_accepted(start, end):
    housing = housing_open(1, 40)
    agent = agent_of(housing.organisation)
    first = ask(housing, 10, 15)
    second = ask(housing, start, end)

    services.booking_accept(booking=first, by=agent)
    services.booking_accept(booking=second, by=agent)

    assert BookedNight.objects.filter(housing_id=housing.pk).count() == 5 + (end - start)


# The professional's own pending requests ---------------------------------------------------------


@pytest.mark.parametrize(("start", "end"), [(5, 10), (15, 20)])
def test_a_professional_may_ask_for_the_days_just_before_or_after_their_request(start, end):
    housing = housing_open(1, 40)
    professional = UserFactory()
    ask(housing, 10, 15, professional)

    ask(housing, start, end, professional)

    assert Booking.objects.filter(professional=professional).count() == 2


@pytest.mark.parametrize(("start", "end"), [(5, 11), (14, 20), (11, 14), (5, 20)])
def test_a_professional_may_not_ask_twice_for_one_night(start, end):
    housing = housing_open(1, 40)
    professional = UserFactory()
    ask(housing, 10, 15, professional)

    assert refused(housing, start, end, professional) == ASKED


def test_an_accepted_request_of_ones_own_blocks_asking_again():
    housing = housing_open(1, 40)
    professional = UserFactory()
    services.booking_accept(booking=ask(housing, 10, 15, professional), by=UserFactory())

    assert refused(housing, 12, 13, professional) == ASKED


@pytest.mark.parametrize("end_it", ["decline", "cancel"])
def test_a_declined_or_cancelled_request_no_longer_blocks_the_dates(end_it):
    housing = housing_open(1, 40)
    agent = agent_of(housing.organisation)
    professional = UserFactory()
    first = ask(housing, 10, 15, professional)
    services.booking_accept(booking=first, by=agent)
    if end_it == "decline":
        services.booking_decline(booking=first, by=agent)
    else:
        services.booking_cancel(booking=first, by=professional)

    again = ask(housing, 10, 15, professional)
    services.booking_accept(booking=again, by=agent)

    assert BookedNight.objects.filter(booking=again).count() == 5


# The housing's open periods ---------------------------------------------------------------------


@pytest.mark.parametrize(("start", "end"), [(5, 20), (5, 6), (19, 20)])
def test_a_stay_may_fill_an_open_period_to_its_edges(start, end):
    housing = housing_open(5, 20)

    ask(housing, start, end)


@pytest.mark.parametrize(("start", "end"), [(4, 10), (10, 21), (4, 21), (20, 22), (2, 5)])
def test_a_stay_a_day_outside_the_open_period_is_refused(start, end):
    housing = housing_open(5, 20)

    assert refused(housing, start, end) == OUTSIDE


def test_a_stay_over_two_separate_periods_is_refused():
    housing = housing_open(5, 10)
    services.period_add(housing=housing, start=day(12), end=day(20))

    assert refused(housing, 8, 14) == OUTSIDE


@pytest.mark.parametrize(("start", "end"), [(20, 30), (1, 5)])
def test_a_period_may_touch_another(start, end):
    housing = housing_open(5, 20)

    services.period_add(housing=housing, start=day(start), end=day(end))

    assert housing.periods.count() == 2


@pytest.mark.parametrize(("start", "end"), [(19, 30), (1, 6), (8, 12), (1, 30), (5, 20)])
def test_a_period_overlapping_another_by_a_day_is_refused(start, end):
    housing = housing_open(5, 20)

    with pytest.raises(ValidationError) as error:
        services.period_add(housing=housing, start=day(start), end=day(end))

    assert error.value.messages == ["Cette période chevauche une période déjà ouverte."]
    assert housing.periods.count() == 1


def test_a_period_must_end_after_it_starts_and_not_be_over():
    housing = HousingFactory(periods=False)
    with pytest.raises(ValidationError) as error:
        services.period_add(housing=housing, start=day(5), end=day(5))
    assert error.value.messages == ["La fin de la période doit suivre son début."]
    with pytest.raises(ValidationError) as error:
        services.period_add(housing=housing, start=day(-10), end=day(-1))
    assert error.value.messages == ["Cette période est déjà passée."]

    services.period_add(housing=housing, start=day(-10), end=day(0))  # ends today: still open
    services.period_add(housing=housing, start=day(0), end=day(1))  # touches it


# Dates themselves --------------------------------------------------------------------------------


def test_a_stay_may_start_today_but_not_yesterday():
    housing = HousingFactory()
    ask(housing, 0, 2)
    assert refused(housing, -1, 3) == "La date d’arrivée est passée."


@pytest.mark.parametrize(("start", "end"), [(5, 5), (6, 5)])
def test_a_stay_must_leave_after_it_arrives(start, end):
    housing = HousingFactory()
    assert refused(housing, start, end) == "La date de départ doit suivre la date d’arrivée."


def test_a_stay_lasts_at_most_the_maximum_number_of_nights():
    assert MAX_STAY_NIGHTS == 120
    housing = housing_open(1, 200)
    ask(housing, 1, 1 + MAX_STAY_NIGHTS)
    assert refused(housing, 1, 2 + MAX_STAY_NIGHTS) == (
        "Un séjour découverte dure 120 nuits au plus."
    )


# Decisions ---------------------------------------------------------------------------------------


def test_a_request_is_accepted_once(booked, mailoutbox):
    _housing, agent, stay = booked
    with pytest.raises(ValidationError) as error:
        services.booking_accept(booking=stay, by=agent)
    assert error.value.messages == ["Cette demande a déjà été traitée."]
    assert BookedNight.objects.filter(booking=stay).count() == 5


def test_a_declined_request_cannot_be_accepted_or_declined_again():
    housing = housing_open(1, 40)
    agent = agent_of(housing.organisation)
    booking = ask(housing, 10, 15)
    services.booking_decline(booking=booking, by=agent, message="  Travaux.  ")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.DECLINED
    assert booking.decision_message == "Travaux."

    for decide in (services.booking_accept, services.booking_decline):
        with pytest.raises(ValidationError) as error:
            decide(booking=booking, by=agent)
        assert error.value.messages == ["Cette demande a déjà été traitée."]
    assert not BookedNight.objects.exists()


def test_declining_tells_the_professional(booked, mailoutbox):
    _housing, agent, stay = booked
    mailoutbox.clear()

    services.booking_decline(booking=stay, by=agent, message="Dégât des eaux.")

    assert [m.to for m in mailoutbox] == [[stay.professional.email]]
    assert not BookedNight.objects.filter(booking=stay).exists()


def test_only_the_professional_cancels_their_stay(booked):
    _housing, agent, stay = booked
    with pytest.raises(PermissionDenied):
        services.booking_cancel(booking=stay, by=agent)
    assert BookedNight.objects.filter(booking=stay).count() == 5

    services.booking_cancel(booking=stay, by=stay.professional)

    stay.refresh_from_db()
    assert stay.status == BookingStatus.CANCELLED
    assert not BookedNight.objects.filter(booking=stay).exists()


def test_the_organisation_is_told_of_each_request_once(mailoutbox):
    housing = housing_open(1, 40)
    agent = agent_of(housing.organisation)
    professional = UserFactory(first_name="Léa")
    mailoutbox.clear()

    booking = ask(housing, 10, 15, professional)

    assert [m.to for m in mailoutbox] == [[agent.email]]
    assert f"Léa demande le logement « {housing.name} »" in mailoutbox[0].body
    assert reverse("hosting:manage", kwargs={"pk": housing.organisation_id}) in mailoutbox[0].body
    # The email's key makes it leave once, whatever the retries.
    assert SentEmail.objects.filter(key=f"booking-{booking.pk}-requested-{agent.email}").exists()
    assert booking.status == BookingStatus.REQUESTED
    assert (booking.start, booking.end) == (day(10), day(15))


def test_other_housings_do_not_count():
    housing, elsewhere = housing_open(1, 40), housing_open(1, 40)
    professional = UserFactory()
    services.booking_accept(booking=ask(elsewhere, 10, 15), by=UserFactory())
    ask(elsewhere, 20, 25, professional)

    # Neither the nights booked elsewhere nor one's own request elsewhere block these dates.
    ask(housing, 10, 15)
    ask(housing, 20, 25, professional)


def test_a_decline_message_is_plain_text_of_2000_characters_at_most():
    housing = housing_open(1, 40)
    agent = agent_of(housing.organisation)
    booking = ask(housing, 10, 15)
    with pytest.raises(ValidationError) as error:
        services.booking_decline(booking=booking, by=agent, message="<b>Non</b>")
    assert list(error.value.message_dict) == ["message"]

    services.booking_decline(booking=booking, by=agent, message="x" * 2001)

    booking.refresh_from_db()
    assert booking.decision_message == "x" * 2000


def test_a_decline_without_a_message_leaves_it_empty():
    housing = housing_open(1, 40)
    booking = ask(housing, 10, 15)
    services.booking_decline(booking=booking, by=agent_of(housing.organisation))
    booking.refresh_from_db()
    assert booking.decision_message == ""


def test_cancelling_from_an_old_copy_keeps_the_decision_made_meanwhile():
    housing = housing_open(1, 40)
    stale = ask(housing, 10, 15)
    services.booking_accept(booking=stale, by=agent_of(housing.organisation))

    services.booking_cancel(booking=stale, by=stale.professional)

    stale.refresh_from_db()
    assert stale.status == BookingStatus.CANCELLED
    assert stale.decided_at is not None  # only the status was written
