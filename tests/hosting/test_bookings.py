import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.hosting.factories import HousingFactory, agent_of
from tremplin.hosting import services
from tremplin.hosting.models import BookedNight, Booking, BookingStatus


def day(offset: int):
    return timezone.localdate() + timedelta(days=offset)


@pytest.mark.django_db
class TestRequests:
    def test_it_refuses_dates_outside_the_housings_periods(self):
        housing = HousingFactory()
        with pytest.raises(ValidationError, match="sortent des périodes"):
            services.booking_request(
                housing=housing, professional=UserFactory(), start=day(55), end=day(70)
            )

    def test_it_refuses_dates_in_the_past_or_out_of_order(self):
        housing = HousingFactory()
        user = UserFactory()
        with pytest.raises(ValidationError, match="passée"):
            services.booking_request(housing=housing, professional=user, start=day(-2), end=day(3))
        with pytest.raises(ValidationError, match="suivre"):
            services.booking_request(housing=housing, professional=user, start=day(5), end=day(5))

    def test_a_professional_cannot_ask_twice_for_the_same_dates(self):
        housing = HousingFactory()
        user = UserFactory()
        services.booking_request(housing=housing, professional=user, start=day(3), end=day(8))
        with pytest.raises(ValidationError, match="déjà demandé"):
            services.booking_request(housing=housing, professional=user, start=day(5), end=day(9))

    def test_an_accepted_stay_blocks_overlapping_requests(self, mailoutbox):
        housing = HousingFactory()
        agent = agent_of(housing.organisation)
        first = services.booking_request(
            housing=housing, professional=UserFactory(), start=day(3), end=day(8)
        )
        services.booking_accept(booking=first, by=agent)
        assert BookedNight.objects.filter(booking=first).count() == 5
        assert mailoutbox[-1].to == [first.professional.email]
        with pytest.raises(ValidationError, match="déjà réservé"):
            services.booking_request(
                housing=housing, professional=UserFactory(), start=day(7), end=day(10)
            )
        # Arriving the day the other leaves is fine.
        services.booking_request(
            housing=housing, professional=UserFactory(), start=day(8), end=day(10)
        )

    def test_two_overlapping_requests_cannot_both_be_accepted(self):
        housing = HousingFactory()
        agent = agent_of(housing.organisation)
        first = services.booking_request(
            housing=housing, professional=UserFactory(), start=day(3), end=day(8)
        )
        second = services.booking_request(
            housing=housing, professional=UserFactory(), start=day(6), end=day(12)
        )
        services.booking_accept(booking=first, by=agent)
        with pytest.raises(ValidationError, match="chevauchent"):
            services.booking_accept(booking=second, by=agent)
        second.refresh_from_db()
        assert second.status == BookingStatus.REQUESTED
        assert not BookedNight.objects.filter(booking=second).exists()

    def test_declining_an_accepted_stay_frees_its_nights(self):
        housing = HousingFactory()
        agent = agent_of(housing.organisation)
        booking = services.booking_request(
            housing=housing, professional=UserFactory(), start=day(3), end=day(8)
        )
        services.booking_accept(booking=booking, by=agent)
        services.booking_decline(booking=booking, by=agent, message="Travaux imprévus.")
        assert not BookedNight.objects.exists()


@pytest.mark.django_db(transaction=True)
# On SQLite's shared in-memory test database, the email task a thread runs right after its
# acceptance can meet the other thread's table lock; the bookings are what this test checks.
@pytest.mark.tasks_may_fail
def test_concurrent_acceptances_of_overlapping_stays_keep_exactly_one():
    """Two agents accept overlapping requests at the same moment, each in its own transaction
    and connection: the database's unique constraint lets one through."""
    housing = HousingFactory()
    agent = agent_of(housing.organisation)
    bookings = [
        Booking.objects.create(
            housing=housing, professional=UserFactory(), start=day(3 + i), end=day(9 + i)
        )
        for i in range(2)
    ]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def accept(booking: Booking) -> None:
        try:
            barrier.wait(timeout=10)
            services.booking_accept(booking=booking, by=agent)
            outcomes.append("accepted")
        except ValidationError:
            outcomes.append("refused")
        except Exception as error:  # a lock timeout on SQLite is a refusal too
            outcomes.append(f"error: {type(error).__name__}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(b,)) for b in bookings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    accepted = Booking.objects.filter(status=BookingStatus.ACCEPTED).count()
    assert accepted == 1, outcomes
    assert sorted(outcomes)[0] == "accepted"
    nights = list(BookedNight.objects.values_list("night", flat=True))
    assert len(nights) == len(set(nights)) == 6
    if connection.vendor == "postgresql":
        assert sorted(outcomes) == ["accepted", "refused"]


@pytest.mark.django_db
class TestDecision:
    def test_deciding_yes_accepts_and_books_the_nights(self):
        housing = HousingFactory()
        agent = agent_of(housing.organisation)
        booking = services.booking_request(
            housing=housing, professional=UserFactory(), start=day(3), end=day(6)
        )

        decided = services.booking_decide(booking=booking, by=agent, accept=True, message="x")

        assert decided.status == BookingStatus.ACCEPTED
        assert decided.decision_message == ""
        assert BookedNight.objects.filter(booking=booking).count() == 3

    def test_deciding_no_declines_with_the_agents_message(self):
        housing = HousingFactory()
        agent = agent_of(housing.organisation)
        booking = services.booking_request(
            housing=housing, professional=UserFactory(), start=day(3), end=day(6)
        )

        decided = services.booking_decide(
            booking=booking, by=agent, accept=False, message="Le logement est en travaux."
        )

        assert decided.status == BookingStatus.DECLINED
        assert decided.decision_message == "Le logement est en travaux."
        assert not BookedNight.objects.filter(booking=booking).exists()

    def test_declining_without_a_message_leaves_it_empty(self):
        housing = HousingFactory()
        booking = services.booking_request(
            housing=housing, professional=UserFactory(), start=day(3), end=day(6)
        )

        decided = services.booking_decide(
            booking=booking, by=agent_of(housing.organisation), accept=False
        )

        assert (decided.status, decided.decision_message) == (BookingStatus.DECLINED, "")
