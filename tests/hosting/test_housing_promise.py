"""A housing support is a promise kept: it is checked against the housing's calendar for the
offer's dates, states the dates it covers, and a candidate asks for it in one step."""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.hosting.factories import HousingFactory, agent_of
from tests.offers.factories import OfferFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.territories.factories import CommuneFactory
from tremplin.hosting import selectors, services
from tremplin.hosting.dates import date_range_text
from tremplin.hosting.models import (
    Booking,
    BookingStatus,
    HousingPeriod,
    OfferSupport,
    SupportStatus,
)
from tremplin.organisations.models import OrganisationType

pytestmark = pytest.mark.django_db


def day(offset: int) -> date:
    return timezone.localdate() + timedelta(days=offset)


def text(html: str) -> str:
    """The page's words, tags dropped and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace(" ,", ",")


@pytest.fixture
def offer(commune):
    return OfferFactory(published=True, commune=commune, start_date=day(10), end_date=day(20))


@pytest.fixture
def health_member(offer):
    return MembershipFactory(organisation=offer.organisation).user


def housing_open(collectivity, commune, start: int, end: int, **kwargs):
    housing = HousingFactory(organisation=collectivity, commune=commune, periods=False, **kwargs)
    HousingPeriod.objects.create(housing=housing, start=day(start), end=day(end))
    return housing


def accepted_support(offer, collectivity, agent, health_member, housing) -> OfferSupport:
    support = services.support_propose(
        offer=offer, collectivity=collectivity, by=agent, housing=housing
    )
    return services.support_decide(support=support, by=health_member, accept=True)


class TestDatesInWords:
    def test_it_says_the_first_of_the_month_and_the_month_once(self):
        assert date_range_text(date(2027, 7, 1), date(2027, 7, 31)) == "du 1er au 31 juillet 2027"

    def test_it_names_both_months_and_both_years_when_they_differ(self):
        assert date_range_text(date(2027, 5, 15), date(2027, 6, 1)) == "du 15 mai au 1er juin 2027"
        assert (
            date_range_text(date(2027, 12, 20), date(2028, 1, 3))
            == "du 20 décembre 2027 au 3 janvier 2028"
        )


class TestCover:
    def test_it_promises_the_longest_free_run_the_earliest_first(self, collectivity, commune):
        housing = housing_open(collectivity, commune, 0, 60)
        guest = Booking.objects.create(
            housing=housing, professional=UserFactory(), start=day(12), end=day(14)
        )
        services.booking_accept(booking=guest, by=agent_of(collectivity))

        cover = selectors.housing_cover(housing, start=day(10), end=day(20))
        assert (cover.start, cover.end) == (day(14), day(20))
        cover = selectors.housing_cover(housing, start=day(10), end=day(16))
        assert (cover.start, cover.end) == (day(10), day(12))


class TestRefusals:
    def test_a_housing_closed_for_the_offers_dates_cannot_be_promised(
        self, collectivity, agent, commune, offer
    ):
        # Open "until May", the offer "in July": the reported bug.
        housing = housing_open(collectivity, commune, 0, 9)
        with pytest.raises(ValidationError, match="n’est ouvert à aucune date de l’annonce"):
            services.support_propose(
                offer=offer, collectivity=collectivity, by=agent, housing=housing
            )
        assert not OfferSupport.objects.exists()

    def test_a_full_housing_cannot_be_promised(self, collectivity, agent, commune, offer):
        housing = housing_open(collectivity, commune, 0, 60)
        guest = Booking.objects.create(
            housing=housing, professional=UserFactory(), start=day(8), end=day(22)
        )
        services.booking_accept(booking=guest, by=agent)
        with pytest.raises(ValidationError, match="est complet aux dates de l’annonce"):
            services.support_propose(
                offer=offer, collectivity=collectivity, by=agent, housing=housing
            )
        assert not OfferSupport.objects.exists()

    def test_another_collectivitys_housing_cannot_be_given_when_accepting_a_request(
        self, client, collectivity, agent, offer, health_member
    ):
        foreign = HousingFactory(commune=CommuneFactory(insee="23096", name="Guéret"))
        support = services.support_request(offer=offer, collectivity=collectivity, by=health_member)
        with pytest.raises(ValidationError, match="n’appartient pas à votre collectivité"):
            services.support_decide(support=support, by=agent, accept=True, housing=foreign)
        support.refresh_from_db()
        assert (support.status, support.housing) == (SupportStatus.REQUESTED, None)

    def test_an_offer_without_dates_cannot_be_promised_a_housing(
        self, collectivity, agent, commune
    ):
        housing = housing_open(collectivity, commune, 0, 60)
        for dates in ({}, {"start_date": day(10)}, {"asap": True, "end_date": day(20)}):
            offer = OfferFactory(published=True, commune=commune, **dates)
            with pytest.raises(ValidationError, match="pas de date de début et de fin"):
                services.support_propose(
                    offer=offer, collectivity=collectivity, by=agent, housing=housing
                )
        assert not OfferSupport.objects.exists()
        # The welcome alone is still possible without dates.
        services.support_propose(offer=offer, collectivity=collectivity, by=agent)
        assert OfferSupport.objects.get().covers_from is None

    def test_a_proposal_is_checked_again_when_the_organisation_accepts_it(
        self, collectivity, agent, commune, offer, health_member
    ):
        housing = housing_open(collectivity, commune, 0, 60)
        support = services.support_propose(
            offer=offer, collectivity=collectivity, by=agent, housing=housing
        )
        guest = Booking.objects.create(
            housing=housing, professional=UserFactory(), start=day(5), end=day(25)
        )
        services.booking_accept(booking=guest, by=agent)
        with pytest.raises(ValidationError, match="complet"):
            services.support_decide(support=support, by=health_member, accept=True)
        support.refresh_from_db()
        assert support.status == SupportStatus.PROPOSED
        offer.refresh_from_db()
        assert not offer.supported_housing

    def test_the_agent_accepting_a_request_with_a_closed_housing_reads_why_in_french(
        self, client, collectivity, agent, commune, offer, health_member
    ):
        housing = housing_open(collectivity, commune, 30, 60)
        support = services.support_request(offer=offer, collectivity=collectivity, by=health_member)
        client.force_login(agent)
        response = client.post(
            reverse("hosting:support_decide", args=[support.pk]),
            {"decision": "accept", "housing": housing.pk},
            follow=True,
        )
        assert "n’est ouvert à aucune date de l’annonce" in response.text
        support.refresh_from_db()
        assert support.status == SupportStatus.REQUESTED


class TestTheOfferPage:
    def test_a_whole_cover_shows_the_offers_dates_on_the_badge_and_the_housing_line(
        self, client, collectivity, agent, commune, offer, health_member
    ):
        housing = housing_open(collectivity, commune, 0, 60, name="Studio de la mairie")
        support = accepted_support(offer, collectivity, agent, health_member, housing)
        assert (support.covers_from, support.covers_until) == (day(10), day(20))

        page = client.get(offer.get_absolute_url()).text
        dates = date_range_text(day(10), day(20))
        badge = re.search(r'data-testid="badge-supported-housing">(.*?)</p>', page, re.S)
        assert badge and text(badge[1]) == f"Logement offert par Commune de Felletin {dates}"
        line = re.search(r'data-testid="offer-housing">(.*?)</dd>', page, re.S)
        assert line
        assert text(line[1]) == f"offert par Commune de Felletin : Studio de la mairie, {dates}"
        assert "non précisé" not in line[1]

    def test_a_partial_cover_states_the_dates_it_covers(
        self, client, collectivity, agent, commune, offer, health_member
    ):
        # Open until day 15 only: the offer runs to day 20.
        housing = housing_open(collectivity, commune, 0, 15, name="Studio de la mairie")
        support = accepted_support(offer, collectivity, agent, health_member, housing)
        assert (support.covers_from, support.covers_until) == (day(10), day(15))

        page = client.get(offer.get_absolute_url()).text
        dates = date_range_text(day(10), day(15))
        badge = re.search(r'data-testid="badge-supported-housing">(.*?)</p>', page, re.S)
        assert badge and text(badge[1]) == f"Logement offert par Commune de Felletin {dates}"
        line = re.search(r'data-testid="offer-housing">(.*?)</dd>', page, re.S)
        assert line and "(une partie des dates de l’annonce)" in text(line[1])

    def test_without_support_the_housing_line_still_says_non_precise(self, client, offer):
        page = client.get(offer.get_absolute_url()).text
        line = re.search(r'data-testid="offer-housing">(.*?)</dd>', page, re.S)
        assert line and text(line[1]) == "non précisé"


class TestOneStepRequest:
    @pytest.fixture
    def promised(self, collectivity, agent, commune, offer, health_member):
        housing = housing_open(collectivity, commune, 0, 15, name="Studio de la mairie")
        accepted_support(offer, collectivity, agent, health_member, housing)
        return housing

    def test_a_candidate_requests_the_promised_dates_in_one_click(
        self, client, offer, promised, mailoutbox, agent
    ):
        candidate = UserFactory(professional=True)
        client.force_login(candidate)
        page = client.get(offer.get_absolute_url()).text
        url = reverse("hosting:booking_request", args=[promised.pk])
        assert f'action="{url}"' in page
        assert re.search(rf'name="start"\s+value="{day(10):%Y-%m-%d}"', page)
        assert re.search(rf'name="end"\s+value="{day(15):%Y-%m-%d}"', page)
        button = f"Demander ce logement {date_range_text(day(10), day(15))}"
        assert button in text(page)

        response = client.post(
            url,
            {"start": f"{day(10):%Y-%m-%d}", "end": f"{day(15):%Y-%m-%d}", "annonce": offer.pk},
        )
        assert response.status_code == 302 and response["Location"] == offer.get_absolute_url()
        booking = Booking.objects.get(professional=candidate)
        assert (booking.housing, booking.start, booking.end) == (promised, day(10), day(15))
        assert booking.status == BookingStatus.REQUESTED
        assert mailoutbox[-1].to == [agent.email]
        after = text(client.get(offer.get_absolute_url()).text)
        assert "Demande envoyée pour « Studio de la mairie »" in after
        assert f"Votre demande (arrivée le {day(10):%-d}" in after
        assert button not in after

    def test_it_is_refused_when_the_housing_is_already_booked_and_the_dates_are_kept(
        self, client, offer, promised, agent
    ):
        guest = Booking.objects.create(
            housing=promised, professional=UserFactory(), start=day(12), end=day(14)
        )
        services.booking_accept(booking=guest, by=agent)
        candidate = UserFactory(professional=True)
        client.force_login(candidate)
        response = client.post(
            reverse("hosting:booking_request", args=[promised.pk]),
            {"start": f"{day(10):%Y-%m-%d}", "end": f"{day(15):%Y-%m-%d}", "annonce": offer.pk},
        )
        assert response.status_code == 400
        assert "Le logement est déjà réservé sur une partie de ces dates." in response.text
        assert f'value="{day(10):%Y-%m-%d}"' in response.text
        assert f'value="{day(15):%Y-%m-%d}"' in response.text
        assert not Booking.objects.filter(professional=candidate).exists()

    def test_asking_twice_is_refused(self, client, offer, promised):
        candidate = UserFactory(professional=True)
        client.force_login(candidate)
        data = {"start": f"{day(10):%Y-%m-%d}", "end": f"{day(15):%Y-%m-%d}", "annonce": offer.pk}
        url = reverse("hosting:booking_request", args=[promised.pk])
        assert client.post(url, data).status_code == 302
        again = client.post(url, data)
        assert again.status_code == 400
        assert "Vous avez déjà demandé ce logement pour ces dates." in again.text
        assert Booking.objects.filter(professional=candidate).count() == 1

    def test_the_health_organisation_sees_no_request_button(
        self, client, offer, promised, health_member
    ):
        client.force_login(health_member)
        page = client.get(offer.get_absolute_url()).text
        assert reverse("hosting:booking_request", args=[promised.pk]) not in page

    def test_the_collectivitys_agent_sees_no_request_button_for_its_own_housing(
        self, client, offer, promised, agent
    ):
        client.force_login(agent)
        page = client.get(offer.get_absolute_url()).text
        assert reverse("hosting:booking_request", args=[promised.pk]) not in page
        assert "Logement offert par Commune de Felletin" in page

    def test_a_visitor_is_asked_to_log_in(self, client, offer, promised):
        page = client.get(offer.get_absolute_url()).text
        assert "Connectez-vous pour demander ce logement" in page
        response = client.post(
            reverse("hosting:booking_request", args=[promised.pk]),
            {"start": f"{day(10):%Y-%m-%d}", "end": f"{day(15):%Y-%m-%d}"},
        )
        assert response.status_code == 302 and "/compte/connexion/" in response["Location"]
        assert not Booking.objects.exists()


def test_a_housing_of_an_unverified_collectivity_cannot_be_requested(client, commune):
    hidden = OrganisationFactory(collectivity=True, type=OrganisationType.COMMUNE)
    housing = HousingFactory(organisation=hidden, commune=commune)
    client.force_login(UserFactory(professional=True))
    response = client.post(
        reverse("hosting:booking_request", args=[housing.pk]),
        {"start": f"{day(3):%Y-%m-%d}", "end": f"{day(5):%Y-%m-%d}"},
    )
    assert response.status_code == 404
    assert not Booking.objects.exists()
