"""The agent's pages: thin views over selectors, services and permission helpers, each in a
bounded number of queries whatever the collectivité holds."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.hosting.factories import ActivityFactory, HousingFactory, agent_of, collectivity_for
from tests.offers.factories import OfferFactory
from tests.territories.factories import CommuneFactory
from tremplin.hosting import services
from tremplin.hosting.models import Activity, BookingStatus, Housing, LocalAid, TerritoryPage

pytestmark = pytest.mark.django_db


def day(offset: int):
    return timezone.localdate() + timedelta(days=offset)


def _welcome(collectivity, commune, size: int) -> None:
    """A page and `size` housings with a pending request each, activities and offers."""
    TerritoryPage.objects.create(organisation=collectivity, presentation="Un bourg.")
    _welcome_more(collectivity, commune, size)


def _welcome_more(collectivity, commune, size: int) -> None:
    for _ in range(size):
        housing = HousingFactory(organisation=collectivity, commune=commune)
        services.booking_request(
            housing=housing, professional=UserFactory(), start=day(2), end=day(5)
        )
        ActivityFactory(organisation=collectivity)
        OfferFactory(published=True, commune=commune)


def _manage_queries(client, collectivity) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("hosting:manage", args=[collectivity.pk]))
    return len(queries), response


def test_the_management_page_costs_the_same_queries_for_one_or_six_of_everything(
    client, collectivity, commune, agent, django_assert_max_num_queries
):
    _welcome(collectivity, commune, 1)
    client.force_login(agent)
    client.get(reverse("hosting:manage", args=[collectivity.pk]))  # session and caches warm
    with django_assert_max_num_queries(18):
        one, _response = _manage_queries(client, collectivity)

    _welcome_more(collectivity, commune, 5)
    six, response = _manage_queries(client, collectivity)

    assert six == one
    assert response.status_code == 200
    assert response.context["bookings"][0].status == BookingStatus.REQUESTED
    assert len(response.context["housings"]) == 6
    assert len(response.context["offers"]) == 6


def test_an_agent_cannot_edit_a_housing_of_another_collectivity_from_their_page(
    client, collectivity, agent
):
    other = collectivity_for(CommuneFactory(insee="23096", name="Guéret"))
    foreign = HousingFactory(organisation=other)
    other.memberships.create(user=agent)  # agent of both: still not from this page
    client.force_login(agent)

    url = reverse("hosting:housing_edit", args=[collectivity.pk, foreign.pk])
    page = client.get(url)
    response = client.post(url, {"name": "Détourné"})

    assert page.status_code == 404
    assert foreign.name not in page.text
    assert response.status_code == 404
    assert Housing.objects.get(pk=foreign.pk).name == foreign.name


def test_an_agent_cannot_edit_an_activity_of_another_collectivity_from_their_page(
    client, collectivity, agent
):
    other = collectivity_for(CommuneFactory(insee="23096", name="Guéret"))
    foreign = ActivityFactory(organisation=other)
    other.memberships.create(user=agent)
    client.force_login(agent)

    url = reverse("hosting:activity_edit", args=[collectivity.pk, foreign.pk])
    page = client.get(url)
    response = client.post(url, {"title": "Détournée"})

    assert page.status_code == 404
    assert foreign.title not in page.text
    assert response.status_code == 404
    assert Activity.objects.get(pk=foreign.pk).title == foreign.title


def test_the_housing_edit_page_is_bounded_in_queries(
    client, collectivity, commune, agent, django_assert_max_num_queries
):
    housing = HousingFactory(organisation=collectivity, commune=commune)
    client.force_login(agent)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("hosting:housing_edit", args=[collectivity.pk, housing.pk]))

    assert response.status_code == 200
    assert response.context["housing"] == housing


def test_the_activity_edit_page_is_bounded_in_queries(
    client, collectivity, agent, django_assert_max_num_queries
):
    activity = ActivityFactory(organisation=collectivity)
    client.force_login(agent)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("hosting:activity_edit", args=[collectivity.pk, activity.pk]))

    assert response.status_code == 200
    assert response.context["activity"] == activity


def test_the_booking_decision_accepts_in_bounded_queries_and_says_so(
    client, collectivity, commune, agent, django_assert_max_num_queries
):
    housing = HousingFactory(organisation=collectivity, commune=commune)
    booking = services.booking_request(
        housing=housing, professional=UserFactory(), start=day(2), end=day(5)
    )
    client.force_login(agent)

    with django_assert_max_num_queries(20):
        response = client.post(
            reverse("hosting:booking_decide", args=[booking.pk]), {"decision": "accept"}
        )

    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ACCEPTED
    page = client.get(response.url)
    assert "Séjour accepté" in page.text


def test_a_second_decision_is_refused_with_its_reason_and_changes_nothing(
    client, collectivity, commune, agent
):
    housing = HousingFactory(organisation=collectivity, commune=commune)
    booking = services.booking_request(
        housing=housing, professional=UserFactory(), start=day(2), end=day(5)
    )
    services.booking_decline(booking=booking, by=agent, message="Complet")
    client.force_login(agent)

    response = client.post(
        reverse("hosting:booking_decide", args=[booking.pk]), {"decision": "accept"}, follow=True
    )

    assert "Cette demande a déjà été traitée." in response.text
    booking.refresh_from_db()
    assert booking.status == BookingStatus.DECLINED
    assert not booking.booked_nights.exists()


def test_an_agent_of_another_collectivity_cannot_decide_a_booking(client, commune):
    housing = HousingFactory(commune=commune)
    booking = services.booking_request(
        housing=housing, professional=UserFactory(), start=day(2), end=day(5)
    )
    stranger = agent_of(collectivity_for(CommuneFactory(insee="23096", name="Guéret")))
    client.force_login(stranger)

    response = client.post(
        reverse("hosting:booking_decide", args=[booking.pk]), {"decision": "accept"}
    )

    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED
    assert not booking.booked_nights.exists()


def test_an_aid_is_added_and_removed_only_on_the_agents_own_page(client, collectivity, agent):
    client.force_login(agent)
    client.post(
        reverse("hosting:aid_add", args=[collectivity.pk]),
        {"title": "Prime d’installation", "link": "https://example.org/prime"},
    )
    [aid] = LocalAid.objects.filter(page__organisation=collectivity)
    other = collectivity_for(CommuneFactory(insee="23096", name="Guéret"))
    client.force_login(agent_of(other))

    response = client.post(reverse("hosting:aid_delete", args=[other.pk, aid.pk]))

    assert response.status_code == 404
    assert LocalAid.objects.get(pk=aid.pk).title == "Prime d’installation"
