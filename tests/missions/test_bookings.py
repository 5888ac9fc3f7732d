import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test import override_settings
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.hosting.factories import HousingFactory
from tests.missions.factories import HostSiteFactory, MissionSlotFactory
from tremplin.hosting.models import BookedNight, BookingStatus
from tremplin.missions import services
from tremplin.missions.models import MissionBooking, RedZone, SlotPeriod

pytestmark = pytest.mark.django_db


def next_month_day(day: int) -> date:
    first = (timezone.localdate().replace(day=1) + timedelta(days=40)).replace(day=1)
    return first.replace(day=day)


def test_a_verified_doctor_books_a_slot_and_the_site_is_told(doctor, mailoutbox):
    slot = MissionSlotFactory()
    member = UserFactory()
    slot.site.organisation.memberships.create(user=member)
    booking = services.mission_book(slot=slot, doctor=doctor)
    assert booking.slot == slot and booking.is_active
    assert [m.to for m in mailoutbox] == [[member.email]]
    assert "a réservé" in mailoutbox[0].body


def test_an_unverified_doctor_is_refused(doctor):
    slot = MissionSlotFactory()
    other = UserFactory(professional=True)
    with pytest.raises(ValidationError) as raised:
        services.mission_book(slot=slot, doctor=other)
    [message] = raised.value.messages
    assert "votre numéro RPPS doit être vérifié" in message
    assert "connectez-vous avec Pro Santé Connect" in message
    assert "Agence régionale de santé ou un Conseil de l’Ordre partenaire" in message
    assert not MissionBooking.objects.exists()


def test_a_third_day_in_a_month_is_refused_and_nothing_written(doctor):
    site = HostSiteFactory()
    slots = [MissionSlotFactory(site=site, date=next_month_day(d)) for d in (3, 10, 17)]
    services.mission_book(slot=slots[0], doctor=doctor)
    services.mission_book(slot=slots[1], doctor=doctor)
    with pytest.raises(ValidationError, match="maximum"):
        services.mission_book(slot=slots[2], doctor=doctor)
    assert MissionBooking.objects.count() == 2


def test_half_days_of_a_day_already_given_do_not_count_a_new_day(doctor):
    site = HostSiteFactory()
    day = next_month_day(5)
    morning = MissionSlotFactory(site=site, date=day, period=SlotPeriod.MORNING)
    afternoon = MissionSlotFactory(site=site, date=day, period=SlotPeriod.AFTERNOON)
    other = MissionSlotFactory(site=site, date=next_month_day(6))
    services.mission_book(slot=morning, doctor=doctor)
    services.mission_book(slot=other, doctor=doctor)
    # Two days given already, but the afternoon belongs to one of them.
    services.mission_book(slot=afternoon, doctor=doctor)
    assert MissionBooking.objects.count() == 3


@override_settings(MISSION_MAX_DAYS_PER_MONTH=1)
def test_the_monthly_limit_is_a_setting(doctor):
    site = HostSiteFactory()
    services.mission_book(slot=MissionSlotFactory(site=site, date=next_month_day(3)), doctor=doctor)
    with pytest.raises(ValidationError, match="1 jours par mois"):
        services.mission_book(
            slot=MissionSlotFactory(site=site, date=next_month_day(4)), doctor=doctor
        )


def test_a_cancelled_day_frees_the_month(doctor):
    site = HostSiteFactory()
    first, second, third = (
        MissionSlotFactory(site=site, date=next_month_day(d)) for d in (3, 4, 5)
    )
    booking = services.mission_book(slot=first, doctor=doctor)
    services.mission_book(slot=second, doctor=doctor)
    services.mission_cancel(booking=booking, by=doctor)
    services.mission_book(slot=third, doctor=doctor)
    assert MissionBooking.objects.active().count() == 2


def test_a_slot_taken_is_refused_to_a_second_doctor(doctor, ars, ars_agent):
    slot = MissionSlotFactory()
    services.mission_book(slot=slot, doctor=doctor)
    second = UserFactory(professional=True)
    second.professional_profile.rpps = "10000000003"
    second.professional_profile.save()
    second.professional_profile.rpps_verify(by=ars_agent, organisation_id=ars.pk)
    with pytest.raises(ValidationError, match="vient d’être réservé"):
        services.mission_book(slot=slot, doctor=second)


def test_a_slot_no_longer_in_a_zone_rouge_cannot_be_booked(doctor):
    slot = MissionSlotFactory()
    RedZone.objects.all().delete()
    with pytest.raises(ValidationError, match="zone rouge"):
        services.mission_book(slot=slot, doctor=doctor)


def test_the_nights_housing_is_booked_and_accepted_with_the_slot(doctor):
    slot = MissionSlotFactory()
    housing = HousingFactory(organisation=slot.site.organisation)
    slot.housing = housing
    slot.save()
    booking = services.mission_book(slot=slot, doctor=doctor, with_housing=True)
    assert booking.housing_booking is not None
    assert booking.housing_booking.status == BookingStatus.ACCEPTED
    assert list(BookedNight.objects.values_list("night", flat=True)) == [slot.date]


def test_a_housing_already_taken_that_night_refuses_the_whole_booking(doctor):
    slot = MissionSlotFactory()
    housing = HousingFactory(organisation=slot.site.organisation)
    slot.housing = housing
    slot.save()
    other = MissionSlotFactory(site=slot.site, date=slot.date, period=SlotPeriod.MORNING)
    # The same night booked by someone else first.
    BookedNight.objects.create(
        housing=housing,
        place=housing.places.get_or_create(number=1)[0],
        night=slot.date,
        booking=housing.bookings.create(
            professional=UserFactory(),
            start=slot.date,
            end=slot.date + timedelta(days=1),
            status=BookingStatus.ACCEPTED,
        ),
    )
    with pytest.raises(ValidationError, match="déjà réservé"):
        services.mission_book(slot=slot, doctor=doctor, with_housing=True)
    assert not MissionBooking.objects.exists()
    assert other.bookings.count() == 0


class TestCancellation:
    def test_it_cancels_before_the_limit_and_tells_the_site(self, doctor, mailoutbox):
        slot = MissionSlotFactory(date=timezone.localdate() + timedelta(days=5))
        member = UserFactory()
        slot.site.organisation.memberships.create(user=member)
        booking = services.mission_book(slot=slot, doctor=doctor)
        mailoutbox.clear()
        services.mission_cancel(booking=booking, by=doctor)
        booking.refresh_from_db()
        assert booking.cancelled_at is not None
        assert [m.to for m in mailoutbox] == [[member.email]]
        assert "annulé" in mailoutbox[0].body

    def test_it_refuses_after_the_limit(self, doctor):
        slot = MissionSlotFactory(date=timezone.localdate() + timedelta(days=1))
        booking = services.mission_book(slot=slot, doctor=doctor)
        with pytest.raises(ValidationError, match="48 heures"):
            services.mission_cancel(booking=booking, by=doctor)
        booking.refresh_from_db()
        assert booking.cancelled_at is None

    def test_the_housing_booking_is_cancelled_too(self, doctor):
        slot = MissionSlotFactory(date=timezone.localdate() + timedelta(days=6))
        slot.housing = HousingFactory(organisation=slot.site.organisation)
        slot.save()
        booking = services.mission_book(slot=slot, doctor=doctor, with_housing=True)
        services.mission_cancel(booking=booking, by=doctor)
        assert not BookedNight.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.tasks_may_fail
def test_two_doctors_booking_the_last_slot_at_once_one_wins(ars, ars_agent):
    slot = MissionSlotFactory()
    doctors = []
    for rpps in ("10003456786", "10000000003"):
        user = UserFactory(professional=True)
        user.professional_profile.rpps = rpps
        user.professional_profile.save()
        user.professional_profile.rpps_verify(by=ars_agent, organisation_id=ars.pk)
        doctors.append(user)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def book(user) -> None:
        try:
            barrier.wait(timeout=10)
            services.mission_book(slot=slot, doctor=user)
            outcomes.append("booked")
        except ValidationError as error:
            outcomes.append("refused: " + " ".join(error.messages))
        except Exception as error:  # a lock timeout on SQLite is a refusal too
            outcomes.append(f"error: {type(error).__name__}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(user,)) for user in doctors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert MissionBooking.objects.active().count() == 1, outcomes
    assert sorted(outcomes)[0] == "booked"
    if connection.vendor == "postgresql":
        assert sorted(outcomes)[1].startswith("refused: Ce créneau vient d’être réservé")
