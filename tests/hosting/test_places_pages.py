"""The pages of several places: the agent's capacity field, the booking form's semester select
and number of places, the rent of a semester on the housing page."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.hosting.factories import HousingFactory
from tremplin.hosting.models import Booking, BookingStatus, HousingPeriod
from tremplin.hosting.semesters import semesters_upcoming

pytestmark = pytest.mark.django_db


def semester():
    return semesters_upcoming(today=timezone.localdate(), count=1)[0]


@pytest.fixture
def house(collectivity, commune):
    housing = HousingFactory(
        organisation=collectivity,
        commune=commune,
        periods=False,
        capacity=6,
        is_free=False,
        monthly_rent=150,
        semester_auto_accept=True,
        name="Maison des internes",
    )
    HousingPeriod.objects.create(housing=housing, start=semester().start, end=semester().end)
    return housing


@pytest.mark.parametrize("capacity", ["0", "51"])
def test_the_agent_form_refuses_a_capacity_outside_1_to_50(client, collectivity, agent, capacity):
    client.force_login(agent)
    response = client.post(
        reverse("hosting:housing_create", args=[collectivity.pk]),
        {
            "name": "Maison des internes",
            "kind": "house",
            "address": "12 rue Vieille",
            "commune_name": "Felletin",
            "capacity": capacity,
            "is_free": "on",
        },
    )
    assert response.status_code == 400
    assert "Un logement compte de 1 à 50 places." in response.text
    assert not collectivity.housings.exists()


def test_the_agent_form_creates_the_places(client, collectivity, agent):
    client.force_login(agent)
    response = client.post(
        reverse("hosting:housing_create", args=[collectivity.pk]),
        {
            "name": "Maison des internes",
            "kind": "house",
            "address": "12 rue Vieille",
            "commune_name": "Felletin",
            "capacity": "6",
            "is_free": "on",
            "semester_auto_accept": "on",
        },
    )
    assert response.status_code == 302
    housing = collectivity.housings.get()
    assert housing.semester_auto_accept
    assert housing.places.count() == 6


def test_the_housing_page_offers_the_upcoming_semesters_and_says_their_rent(client, house):
    client.force_login(UserFactory(professional=True))
    page = client.get(reverse("hosting:housing", args=[house.pk])).text
    options = re.findall(r'<option value="([^"]*)"', page)
    assert options[:2] == ["", semester().key]
    assert 'name="places"' in page
    assert "Pour un semestre entier : 900 € par place (6 mois × 150 €)." in page
    assert "acceptées automatiquement" in page


def test_a_semester_is_booked_in_one_request_and_its_rent_shown(client, house):
    candidate = UserFactory(professional=True)
    client.force_login(candidate)
    response = client.post(
        reverse("hosting:booking_request", args=[house.pk]),
        {"semestre": semester().key, "places": "2"},
        follow=True,
    )
    booking = Booking.objects.get(professional=candidate)
    assert (booking.start, booking.end) == (semester().start, semester().end)
    assert booking.is_semester and booking.places == 2
    assert booking.status == BookingStatus.ACCEPTED
    assert "Réservation acceptée" in response.text
    mine = response.text[response.text.index('data-testid="my-bookings"') :]
    assert "2 places" in mine and "loyer : 1800 € pour 6 mois" in mine


def test_dates_are_still_asked_without_a_semester(client, house):
    client.force_login(UserFactory(professional=True))
    response = client.post(reverse("hosting:booking_request", args=[house.pk]), {"places": "1"})
    assert response.status_code == 400
    assert "Indiquez cette date, ou choisissez un semestre." in response.text
    assert not Booking.objects.exists()


def test_more_places_than_free_are_refused_on_the_page(client, house):
    client.force_login(UserFactory(professional=True))
    client.post(
        reverse("hosting:booking_request", args=[house.pk]),
        {"semestre": semester().key, "places": "5"},
    )
    client.force_login(UserFactory(professional=True))
    response = client.post(
        reverse("hosting:booking_request", args=[house.pk]),
        {"semestre": semester().key, "places": "2"},
    )
    assert response.status_code == 400
    assert "Il ne reste que 1 place libre la nuit du" in response.text
    assert Booking.objects.count() == 1


def test_the_agent_sees_places_and_the_semester_rent_of_each_request(
    client, house, agent, mailoutbox
):
    Booking.objects.create(
        housing=house,
        professional=UserFactory(first_name="Inès"),
        start=semester().start,
        end=semester().end,
        places=1,
        is_semester=True,
    )
    client.force_login(agent)
    page = client.get(reverse("hosting:manage", args=[house.organisation_id])).text
    bookings = page[page.index('data-testid="bookings"') :]
    assert "1 place" in bookings and "semestre entier" in bookings
    assert "loyer : 900 €" in bookings
