"""Housing with several places: a capacity of 1 to 50, bookings counted per place and night and
never above the capacity (the database's unique constraint per place and night), semester
bookings in one request, the rent of a semester."""

import threading
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, connections, transaction
from django.utils import timezone
from django.utils.formats import date_format

from tests.accounts.factories import UserFactory
from tests.hosting.factories import HousingFactory, agent_of
from tremplin.hosting import services
from tremplin.hosting.models import (
    MAX_STAY_NIGHTS,
    BookedNight,
    Booking,
    BookingStatus,
    Housing,
    HousingPeriod,
    HousingPlace,
)
from tremplin.hosting.semesters import Semester, semesters_upcoming


def day(offset: int):
    return timezone.localdate() + timedelta(days=offset)


def next_semester() -> Semester:
    return semesters_upcoming(today=timezone.localdate(), count=1)[0]


def house(*, places: int, auto: bool = True, rent: int | None = None) -> Housing:
    """A maison des internes open for the next semester, with `places` places."""
    housing = HousingFactory(
        periods=False,
        capacity=places,
        semester_auto_accept=auto,
        is_free=rent is None,
        monthly_rent=rent,
        name="Maison des internes",
    )
    services.housing_places_sync(housing=housing)
    semester = next_semester()
    HousingPeriod.objects.create(housing=housing, start=semester.start, end=semester.end)
    return housing


def semester_request(housing: Housing, **kwargs: object) -> Booking:
    semester = next_semester()
    return services.booking_request(
        housing=housing,
        professional=kwargs.pop("professional", None) or UserFactory(professional=True),
        start=semester.start,
        end=semester.end,
        semester=True,
        **kwargs,
    )


@pytest.mark.django_db
class TestCapacity:
    @pytest.mark.parametrize("capacity", [0, 51])
    def test_it_refuses_a_capacity_outside_1_to_50(self, capacity):
        housing = HousingFactory.build(
            commune=HousingFactory().commune, capacity=capacity, periods=False
        )
        housing.organisation = HousingFactory().organisation
        housing.commune = housing.organisation.housings.first().commune
        with pytest.raises(ValidationError) as error:
            services.housing_save(housing=housing, by=UserFactory())
        assert error.value.message_dict["capacity"] == ["Un logement compte de 1 à 50 places."]
        assert not Housing.objects.filter(capacity=capacity).exists()

    @pytest.mark.parametrize("capacity", [0, 51])
    def test_the_database_refuses_it_too(self, capacity):
        housing = HousingFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            Housing.objects.filter(pk=housing.pk).update(capacity=capacity)

    def test_saving_makes_one_place_row_per_place(self):
        housing = HousingFactory(capacity=1)
        housing.capacity = 4
        services.housing_save(housing=housing, by=UserFactory())
        assert list(housing.places.values_list("number", flat=True)) == [1, 2, 3, 4]
        housing.capacity = 2
        services.housing_save(housing=housing, by=UserFactory())
        assert list(housing.places.values_list("number", flat=True)) == [1, 2]

    def test_lowering_below_the_places_booked_on_a_night_to_come_is_refused(self):
        housing = HousingFactory(capacity=3)
        services.housing_places_sync(housing=housing)
        for _ in range(3):
            booking = services.booking_request(
                housing=housing, professional=UserFactory(), start=day(5), end=day(7)
            )
            services.booking_accept(booking=booking, by=None)
        housing.capacity = 2
        with pytest.raises(ValidationError, match="3 places sont réservées la nuit du"):
            services.housing_save(housing=housing, by=UserFactory())
        assert Housing.objects.get(pk=housing.pk).capacity == 3
        assert housing.places.count() == 3

    def test_lowering_moves_the_nights_of_a_removed_place_to_a_free_one(self):
        housing = HousingFactory(capacity=3)
        services.housing_places_sync(housing=housing)
        kept = []
        for start in (2, 10, 20):  # three stays on three different nights ...
            booking = services.booking_request(
                housing=housing, professional=UserFactory(), start=day(start), end=day(start + 2)
            )
            kept.append(services.booking_accept(booking=booking, by=None))
        # ... the last one put on place n°3 by hand, as if the others had been taken then.
        BookedNight.objects.filter(booking=kept[2]).update(place=housing.places.get(number=3))
        housing.capacity = 1
        services.housing_save(housing=housing, by=UserFactory())
        assert BookedNight.objects.filter(booking=kept[2]).count() == 2
        assert set(BookedNight.objects.values_list("place__number", flat=True)) == {1}
        assert housing.places.count() == 1


@pytest.mark.django_db
class TestPlacesPerNight:
    def test_a_booking_of_two_places_takes_two_rows_a_night(self):
        housing = HousingFactory(capacity=3)
        booking = services.booking_request(
            housing=housing, professional=UserFactory(), start=day(3), end=day(6), places=2
        )
        services.booking_accept(booking=booking, by=None)
        assert BookedNight.objects.filter(booking=booking).count() == 6
        # The third place is still free on those nights; a fourth is not.
        with pytest.raises(ValidationError, match="Il ne reste que 1 place libre la nuit du"):
            services.booking_request(
                housing=housing, professional=UserFactory(), start=day(4), end=day(8), places=2
            )
        services.booking_request(
            housing=housing, professional=UserFactory(), start=day(4), end=day(8), places=1
        )

    def test_it_refuses_more_places_than_the_housing_has(self):
        housing = HousingFactory(capacity=2)
        with pytest.raises(ValidationError, match="Ce logement compte 2 places"):
            services.booking_request(
                housing=housing, professional=UserFactory(), start=day(3), end=day(6), places=3
            )
        with pytest.raises(ValidationError, match="Demandez de 1 à 50 places"):
            services.booking_request(
                housing=housing, professional=UserFactory(), start=day(3), end=day(6), places=0
            )
        assert not Booking.objects.exists()

    def test_a_guest_keeps_the_same_place_all_along_when_one_is_free_all_along(self):
        housing = HousingFactory(capacity=3)
        # Place n°1 taken on night 5 only: the next stay, nights 3 to 7, gets place n°2 whole.
        first = services.booking_request(
            housing=housing, professional=UserFactory(), start=day(5), end=day(6)
        )
        services.booking_accept(booking=first, by=None)
        second = services.booking_request(
            housing=housing, professional=UserFactory(), start=day(3), end=day(8)
        )
        services.booking_accept(booking=second, by=None)
        places = set(second.booked_nights.values_list("place__number", flat=True))
        assert len(places) == 1 and places != {1}

    def test_the_database_refuses_a_place_taken_twice_the_same_night(self):
        housing = HousingFactory(capacity=2)
        booking = services.booking_request(
            housing=housing, professional=UserFactory(), start=day(3), end=day(4)
        )
        services.booking_accept(booking=booking, by=None)
        place = BookedNight.objects.get(booking=booking).place
        other = Booking.objects.create(
            housing=housing, professional=UserFactory(), start=day(3), end=day(4)
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            BookedNight.objects.create(housing=housing, place=place, night=day(3), booking=other)

    def test_an_accept_finding_no_free_place_leaves_the_request_untouched(self):
        housing = HousingFactory(capacity=2)
        asked = [
            services.booking_request(
                housing=housing, professional=UserFactory(), start=day(3), end=day(6)
            )
            for _ in range(3)
        ]
        services.booking_accept(booking=asked[0], by=None)
        services.booking_accept(booking=asked[1], by=None)
        with pytest.raises(ValidationError, match="plus assez de places libres"):
            services.booking_accept(booking=asked[2], by=None)
        asked[2].refresh_from_db()
        assert asked[2].status == BookingStatus.REQUESTED
        assert BookedNight.objects.count() == 6


@pytest.mark.django_db
class TestSemesters:
    def test_six_semester_bookings_fill_a_six_place_house_and_the_seventh_is_refused(
        self, mailoutbox
    ):
        housing = house(places=6)
        for _ in range(6):
            assert semester_request(housing).status == BookingStatus.ACCEPTED
        first_night = date_format(next_semester().start, "j F Y")
        with pytest.raises(ValidationError) as refusal:
            semester_request(housing)
        assert refusal.value.messages == [
            f"Les 6 places du logement sont déjà réservées la nuit du {first_night} : "
            "il n’en reste aucune pour ces dates."
        ]
        assert Booking.objects.count() == 6
        nights = next_semester().nights()
        assert BookedNight.objects.count() == 6 * nights
        # Each intern keeps one place the whole semester.
        for booking in Booking.objects.all():
            assert booking.booked_nights.values("place").distinct().count() == 1

    def test_more_places_than_free_are_refused_with_the_number_left(self):
        housing = house(places=6)
        semester_request(housing, places=4)
        with pytest.raises(ValidationError, match="Il ne reste que 2 places libres"):
            semester_request(housing, places=3)

    def test_a_semester_needs_its_exact_bounds(self):
        housing = house(places=2)
        semester = next_semester()
        with pytest.raises(ValidationError, match="Choisissez un semestre entier"):
            services.booking_request(
                housing=housing,
                professional=UserFactory(),
                start=semester.start,
                end=semester.end - timedelta(days=1),
                semester=True,
            )

    def test_a_semester_that_has_started_is_refused(self, settings):
        # A semester starting every month: the current one began on the 1st.
        settings.SEMESTER_START_MONTHS = tuple(range(1, 13))
        today = timezone.localdate()
        current = today.replace(day=1)
        following = (current + timedelta(days=32)).replace(day=1)
        with pytest.raises(ValidationError, match="Ce semestre a déjà commencé"):
            services.booking_request(
                housing=HousingFactory(),
                professional=UserFactory(),
                start=current,
                end=following,
                semester=True,
            )

    def test_the_discovery_stays_length_limit_does_not_apply(self):
        housing = house(places=1, auto=False)
        assert next_semester().nights() > MAX_STAY_NIGHTS
        booking = semester_request(housing)
        assert booking.is_semester and booking.status == BookingStatus.REQUESTED
        with pytest.raises(ValidationError, match="nuits au plus"):
            services.booking_request(
                housing=housing,
                professional=UserFactory(),
                start=next_semester().start,
                end=next_semester().end,
            )

    def test_a_semester_outside_the_open_periods_is_refused(self):
        housing = HousingFactory(capacity=2)  # open the next 60 days only
        with pytest.raises(ValidationError, match="sortent des périodes"):
            semester_request(housing)

    def test_without_auto_acceptance_the_agent_accepts_by_hand(self, mailoutbox):
        housing = house(places=2, auto=False)
        agent = agent_of(housing.organisation)
        booking = semester_request(housing)
        assert booking.status == BookingStatus.REQUESTED
        assert mailoutbox[-1].to == [agent.email]
        assert "Acceptez ou refusez la demande" in mailoutbox[-1].body
        services.booking_decide(booking=booking, by=agent, accept=True)
        booking.refresh_from_db()
        assert booking.status == BookingStatus.ACCEPTED

    def test_an_auto_accepted_request_tells_both_sides(self, mailoutbox):
        housing = house(places=2)
        agent = agent_of(housing.organisation)
        booking = semester_request(housing)
        to_agent = next(m for m in mailoutbox if m.to == [agent.email])
        assert "acceptée automatiquement" in to_agent.body
        assert any(m.to == [booking.professional.email] for m in mailoutbox)

    def test_the_rent_of_a_semester_is_six_months_of_rent_per_place(self):
        housing = house(places=3, rent=250)
        booking = semester_request(housing, places=2)
        assert booking.months == 6
        assert booking.semester_rent == 250 * 6 * 2
        free = semester_request(house(places=1))
        assert free.semester_rent is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.tasks_may_fail
@pytest.mark.parametrize("how", ["agents_accept", "interns_request"])
def test_seven_at_once_for_six_places_exactly_six_win(how):
    """Seven threads, each in its own transaction and connection, for a six-place house: the
    agents accepting seven requests, or seven interns asking for the semester with the
    auto-acceptance. Exactly six win, on SQLite and PostgreSQL alike."""
    housing = house(places=6, auto=how == "interns_request")
    semester = next_semester()
    interns = [UserFactory(professional=True) for _ in range(7)]
    requests = []
    if how == "agents_accept":
        requests = [
            Booking.objects.create(
                housing=housing,
                professional=intern,
                start=semester.start,
                end=semester.end,
                is_semester=True,
            )
            for intern in interns
        ]
    barrier = threading.Barrier(7)
    outcomes: list[str] = []

    def once(index: int) -> None:
        if how == "agents_accept":
            services.booking_accept(booking=requests[index], by=None)
        else:
            semester_request(housing, professional=interns[index])

    def act(index: int) -> None:
        try:
            barrier.wait(timeout=20)
            for attempt in range(200):
                try:
                    once(index)
                    break
                except OperationalError as error:
                    # SQLite's shared in-memory test database answers « table is locked » at
                    # once where a database file (IMMEDIATE transactions, a 20 s timeout) waits
                    # for the writer: the thread waits and tries again, as the timeout would.
                    # The failed attempt was rolled back whole. PostgreSQL never gets here.
                    if connection.vendor != "sqlite" or "locked" not in str(error):
                        raise
                    time.sleep(0.02 * (1 + attempt % 5))
            else:
                raise AssertionError("still locked after 200 attempts")
            outcomes.append("accepted")
        except ValidationError:
            outcomes.append("refused")
        except Exception as error:
            outcomes.append(f"error: {type(error).__name__}: {error}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(i,)) for i in range(7)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)

    assert sorted(outcomes) == ["accepted"] * 6 + ["refused"], (connection.vendor, outcomes)
    assert Booking.objects.filter(status=BookingStatus.ACCEPTED).count() == 6
    per_night = BookedNight.objects.values("night").distinct().count()
    assert per_night == semester.nights()
    assert BookedNight.objects.count() == 6 * semester.nights()
    assert HousingPlace.objects.filter(housing=housing).count() == 6
