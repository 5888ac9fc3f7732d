"""The stay's calendar file, read back with the icalendar library as calendar apps read it."""

from datetime import UTC, datetime, time, timedelta

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.hosting.factories import ActivityFactory, HousingFactory, agent_of
from tests.offers.factories import OfferFactory
from tremplin.hosting import services
from tremplin.hosting.ics import stay_ics

pytestmark = pytest.mark.django_db


def day(offset: int):
    return timezone.localdate() + timedelta(days=offset)


def at(offset: int, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day(offset), time(hour)))


@pytest.fixture
def commune(commune):
    commune.postal_codes = "23500"
    commune.save()
    return commune


@pytest.fixture
def plan(collectivity, commune):
    def plan(**kwargs):
        defaults = {
            "professional": UserFactory(professional=True),
            "collectivity": collectivity,
            "offer": OfferFactory(published=True, commune=commune),
            "start": day(5),
            "end": day(12),
        }
        return services.stay_plan(**{**defaults, **kwargs})

    return plan


def events(stay) -> list:
    calendar = icalendar.Calendar.from_ical(stay_ics(stay))
    return list(calendar.walk("VEVENT"))


def test_the_stays_all_day_event_ends_the_day_after_departure(plan):
    stay = plan(start=day(5), end=day(12))

    (event,) = events(stay)

    assert event["DTSTART"].dt == day(5)
    assert event["DTEND"].dt == day(13)  # exclusive: the departure day is in the stay
    assert event["DTSTART"].params.get("VALUE") == "DATE"
    assert str(event["SUMMARY"]) == f"Séjour découverte — {stay.collectivity.name}"
    assert str(event["DESCRIPTION"]).endswith(f"/sejours/{stay.pk}/")


def test_only_activities_within_the_stay_are_exported(plan, collectivity):
    before = ActivityFactory(organisation=collectivity, title="Avant", starts_at=at(4, 18))
    arrival = ActivityFactory(
        organisation=collectivity, title="Le jour d’arrivée", starts_at=at(5, 9)
    )
    departure = ActivityFactory(
        organisation=collectivity, title="Le jour du départ", starts_at=at(12, 10)
    )
    after = ActivityFactory(organisation=collectivity, title="Après", starts_at=at(13, 9))
    on_request = ActivityFactory(organisation=collectivity, title="Sur demande", starts_at=None)

    stay = plan(activities=[after, departure, before, on_request, arrival])

    titles = [str(event["SUMMARY"]) for event in events(stay)]
    assert titles[1:] == ["Le jour d’arrivée", "Le jour du départ"]
    activity = events(stay)[1]
    assert activity["DTSTART"].dt == at(5, 9).astimezone(UTC)
    assert activity["DTEND"].dt == at(5, 9).astimezone(UTC) + timedelta(minutes=120)


def test_the_location_is_the_accepted_housings_address(plan, collectivity, commune):
    housing = HousingFactory(
        organisation=collectivity, commune=commune, address="2 place de la Mairie"
    )
    stay = plan(housing=housing)

    assert str(events(stay)[0]["LOCATION"]) == "23500 Felletin"  # requested, not yet lent

    services.booking_accept(booking=stay.bookings.get(), by=agent_of(collectivity))

    assert str(events(stay)[0]["LOCATION"]) == "2 place de la Mairie, 23500 Felletin"


def test_an_activity_without_a_place_is_at_the_stays_location(plan, collectivity):
    activity = ActivityFactory(organisation=collectivity, place="", starts_at=at(6, 14))

    stay = plan(activities=[activity])

    assert str(events(stay)[1]["LOCATION"]) == "23500 Felletin"


def test_the_file_is_valid_icalendar_folded_with_crlf(plan, collectivity):
    long_title = "Randonnée commentée sur le plateau de Millevaches, avec la guide du pays, " * 2
    activity = ActivityFactory(organisation=collectivity, title=long_title.strip(), starts_at=at(7, 9),
                               place="Lac de Vassivière ; parking, côté plage")  # fmt: skip
    stay = plan(activities=[activity])

    text = stay_ics(stay)

    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")[:-1]
    assert all(len(line.encode()) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines)  # the long title was folded
    calendar = icalendar.Calendar.from_ical(text)
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    found = list(calendar.walk("VEVENT"))
    assert len(found) == 2
    assert len({str(event["UID"]) for event in found}) == 2
    for event in found:
        assert "@" in str(event["UID"])
        assert event["DTSTAMP"].dt.tzinfo is not None
    assert str(found[1]["SUMMARY"]) == long_title.strip()
    assert str(found[1]["LOCATION"]) == "Lac de Vassivière ; parking, côté plage"


def test_the_calendar_is_served_to_its_professional_only(client, plan):
    stay = plan()
    url = reverse("hosting:stay_calendar", args=[stay.pk])

    client.force_login(UserFactory(professional=True))
    assert client.get(url).status_code == 404

    client.force_login(stay.professional)
    response = client.get(url)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert icalendar.Calendar.from_ical(response.content).walk("VEVENT")
