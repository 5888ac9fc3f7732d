"""GET /api/v1/housings: published housings with the places free over a range or a semester,
filtered by commune, département, EPCI and a minimum of free places; paginated; 422s in
French."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.hosting.factories import HousingFactory, collectivity_for
from tests.organisations.factories import OrganisationFactory
from tests.territories.factories import CommuneFactory, DepartementFactory, EpciFactory
from tremplin.hosting import services
from tremplin.hosting.models import HousingPeriod
from tremplin.hosting.semesters import semesters_upcoming

pytestmark = pytest.mark.django_db
URL = "/api/v1/housings"


def day(offset: int):
    return timezone.localdate() + timedelta(days=offset)


def semester():
    return semesters_upcoming(today=timezone.localdate(), count=1)[0]


def housing_in(commune, *, capacity: int = 6, organisation=None, **kwargs):
    housing = HousingFactory(
        commune=commune,
        organisation=organisation or collectivity_for(commune),
        capacity=capacity,
        **kwargs,
    )
    HousingPeriod.objects.filter(housing=housing).update(end=semester().end + timedelta(days=30))
    return housing


def book(housing, *, start, end, places: int):
    booking = services.booking_request(
        housing=housing, professional=UserFactory(), start=start, end=end, places=places
    )
    return services.booking_accept(booking=booking, by=None)


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def test_it_lists_housings_with_their_free_places_over_a_range(client):
    housing = housing_in(CommuneFactory(insee="23008", name="Aubusson"), monthly_rent=150,
                         is_free=False)  # fmt: skip
    book(housing, start=day(3), end=day(6), places=2)
    book(housing, start=day(5), end=day(9), places=1)

    response = client.get(URL, {"du": day(2).isoformat(), "au": day(10).isoformat()})

    assert ids(response) == [housing.pk]
    [item] = response.json()["results"]
    assert item["capacity"] == 6
    assert item["free_places"] == 3  # the night of day 5: two places and one taken
    assert item["monthly_rent"] == 150
    assert item["commune"]["insee"] == "23008"
    after = client.get(URL, {"du": day(9).isoformat(), "au": day(12).isoformat()})
    assert after.json()["results"][0]["free_places"] == 6


def test_the_minimum_of_places_leaves_out_fuller_housings(client):
    roomy = housing_in(CommuneFactory())
    tight = housing_in(CommuneFactory())
    book(tight, start=day(3), end=day(5), places=5)
    query = {"du": day(2).isoformat(), "au": day(6).isoformat()}

    assert sorted(ids(client.get(URL, {**query, "places": 2}))) == [roomy.pk]
    assert sorted(ids(client.get(URL, {**query, "places": 1}))) == sorted([roomy.pk, tight.pk])


def test_a_housing_closed_on_part_of_the_range_is_left_out(client):
    housing_in(CommuneFactory())  # open until a month after the next semester
    response = client.get(URL, {"du": day(2).isoformat(), "au": day(800).isoformat()})
    assert response.status_code == 422  # more than 366 nights
    late = semester().end + timedelta(days=20)
    response = client.get(URL, {"du": late.isoformat(), "au": (late + timedelta(40)).isoformat()})
    assert ids(response) == []


def test_a_semester_names_the_range(client):
    housing = housing_in(CommuneFactory())
    response = client.get(URL, {"semestre": semester().key})
    assert ids(response) == [housing.pk]
    body = response.json()
    assert (body["du"], body["au"], body["semestre"]) == (
        semester().start.isoformat(),
        semester().end.isoformat(),
        semester().key,
    )


def test_it_filters_by_commune_departement_and_epci(client):
    epci = EpciFactory(siren="200067676", name="CC Creuse Grand Sud")
    creuse = housing_in(CommuneFactory(insee="23008", name="Aubusson", epci=epci))
    nievre = DepartementFactory(code="58", name="Nièvre")
    morvan = housing_in(CommuneFactory(insee="58180", name="Montsauche", departement=nievre))
    query = {"semestre": semester().key}

    assert ids(client.get(URL, {**query, "commune": "23008"})) == [creuse.pk]
    assert ids(client.get(URL, {**query, "departement": "58"})) == [morvan.pk]
    assert ids(client.get(URL, {**query, "epci": "200067676"})) == [creuse.pk]
    assert sorted(ids(client.get(URL, query))) == sorted([creuse.pk, morvan.pk])


def test_only_verified_collectivities_housings_are_published(client):
    commune = CommuneFactory()
    housing_in(commune, organisation=OrganisationFactory(collectivity=True))  # not verified
    assert ids(client.get(URL, {"semestre": semester().key})) == []


def test_it_pages_by_twenty(client):
    commune = CommuneFactory()
    organisation = collectivity_for(commune)
    made = [
        housing_in(commune, organisation=organisation, name=f"Chambre {n:02d}") for n in range(23)
    ]
    first = client.get(URL, {"semestre": semester().key})
    second = client.get(URL, {"semestre": semester().key, "page": 2})
    assert first.json()["count"] == 23 and first.json()["pages"] == 2
    assert len(ids(first)) == 20 and len(ids(second)) == 3
    assert sorted(ids(first) + ids(second)) == sorted(h.pk for h in made)
    assert ids(client.get(URL, {"semestre": semester().key, "page": 3})) == []


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ({}, "Indiquez une période"),
        ({"du": "2027-05-01"}, "Indiquez une période"),
        ({"du": "2027-05-10", "au": "2027-05-01"}, "doit suivre"),
        ({"semestre": "2027-04"}, "ne désigne pas un semestre"),
        ({"semestre": "mai"}, "ne désigne pas un semestre"),
        ({"semestre": "2027-05", "du": "2027-05-01"}, "pas les deux"),
        ({"semestre": "2027-05", "commune": "99999"}, "Aucune commune"),
        ({"du": "2027-05-01", "au": "2028-07-01"}, "366 nuits au plus"),
    ],
)
def test_a_bad_parameter_is_a_422_with_a_french_reason(client, query, reason):
    response = client.get(URL, query)
    assert response.status_code == 422, response.content
    assert reason in response.json()["detail"]


@pytest.mark.parametrize("places", ["0", "51", "deux"])
def test_a_bad_number_of_places_is_a_422(client, places):
    response = client.get(URL, {"semestre": "2027-05", "places": places})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Paramètres invalides")


def test_it_reads_in_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(5):
        book(housing_in(CommuneFactory()), start=day(3), end=day(5), places=1)
    with django_assert_max_num_queries(4):
        response = client.get(URL, {"du": day(2).isoformat(), "au": day(8).isoformat()})
    assert len(ids(response)) == 5
