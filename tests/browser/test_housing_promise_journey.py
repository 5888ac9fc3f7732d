"""A housing support kept as a promise, walked by clicking in Debian's Chromium: a candidate
finds a supported offer from the home page, reads the dates the housing is offered for,
requests it in one click; the collectivité's agent sees the request on the month calendar."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from tests.accounts.factories import UserFactory
from tests.browser.helpers import axe_check, log_in
from tests.hosting.factories import HousingFactory, agent_of, collectivity_for
from tests.offers.factories import OfferFactory
from tests.organisations.factories import MembershipFactory
from tests.territories.factories import CommuneFactory, DepartementFactory
from tremplin.hosting import services
from tremplin.hosting.dates import date_range_text
from tremplin.hosting.models import Booking, BookingStatus, HousingPeriod

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JOURNEY = "housing-promise"


def test_a_candidate_requests_the_promised_housing_and_the_agent_sees_it(
    browser: Browser, live_server
):
    base = live_server.url
    today = timezone.localdate()
    creuse = DepartementFactory(code="23", name="Creuse")
    felletin = CommuneFactory(
        insee="23079", name="Felletin", latitude=45.88, longitude=2.17, departement=creuse
    )
    collectivity = collectivity_for(felletin)
    agent = agent_of(collectivity)
    offer = OfferFactory(
        published=True,
        commune=felletin,
        title="Remplacement d’été à Felletin",
        start_date=today + timedelta(days=10),
        end_date=today + timedelta(days=25),
    )
    health_member = MembershipFactory(organisation=offer.organisation).user
    # The flat is open until day 18 only: the promise covers part of the offer.
    housing = HousingFactory(
        organisation=collectivity,
        commune=felletin,
        periods=False,
        name="Studio de la mairie",
        capacity=2,
    )
    HousingPeriod.objects.create(housing=housing, start=today, end=today + timedelta(days=18))
    support = services.support_propose(
        offer=offer, collectivity=collectivity, by=agent, housing=housing
    )
    services.support_decide(support=support, by=health_member, accept=True)
    lea = UserFactory(professional=True, first_name="Léa", last_name="Martin")
    covered = date_range_text(today + timedelta(days=10), today + timedelta(days=18))

    page = browser.new_page(locale="fr-FR")
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # Léa, from the home page, finds the offer and reads what the housing promises.
    log_in(page, base, lea.email)
    page.goto(f"{base}/")
    axe_check(page, JOURNEY, "01-home")
    page.get_by_role("link", name="Trouver une annonce").first.click()
    axe_check(page, JOURNEY, "02-search")
    page.get_by_role("link", name="Remplacement d’été à Felletin").click()
    expect(page.get_by_test_id("badge-supported-housing")).to_have_text(
        f"Logement offert par Commune de Felletin {covered}"
    )
    expect(page.get_by_test_id("offer-housing")).to_contain_text(
        "(une partie des dates de l’annonce)"
    )
    expect(page.get_by_test_id("offer-housing")).not_to_contain_text("non précisé")
    axe_check(page, JOURNEY, "03-offer")

    # One click asks for the housing for the covered dates.
    page.get_by_role("button", name=f"Demander ce logement {covered}").click()
    expect(page.get_by_text("Demande envoyée pour « Studio de la mairie »")).to_be_visible()
    expect(page.get_by_test_id("my-housing-request")).to_contain_text("demandée")
    axe_check(page, JOURNEY, "04-requested")
    booking = Booking.objects.get(professional=lea)
    assert (booking.start, booking.end, booking.status) == (
        today + timedelta(days=10),
        today + timedelta(days=18),
        BookingStatus.REQUESTED,
    )

    # The agent opens the offer, then the housing: the request is on the month calendar.
    log_in(page, base, agent.email)
    page.goto(f"{base}/")
    page.get_by_role("link", name="Trouver une annonce").first.click()
    page.get_by_role("link", name="Remplacement d’été à Felletin").click()
    page.get_by_test_id("offer-housing").get_by_role("link", name="Studio de la mairie").click()
    first_night = page.get_by_test_id(f"day-{today + timedelta(days=10):%Y-%m-%d}")
    expect(first_night).to_contain_text("demande en attente")
    expect(first_night).to_contain_text("Léa Martin")
    expect(page.get_by_test_id(f"day-{today + timedelta(days=18):%Y-%m-%d}")).to_contain_text(
        "fermé"
    )
    axe_check(page, JOURNEY, "05-agent-calendar")
    assert errors == []
