"""A collectivité's welcome, co-built with an offer, from the agent's screens to a professional's
stay, in Debian's Chromium."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.accounts.factories import UserFactory
from tests.browser.helpers import log_in
from tests.hosting.factories import agent_of, collectivity_for
from tests.offers.factories import OfferFactory
from tests.organisations.factories import MembershipFactory
from tests.territories.factories import CommuneFactory
from tremplin.hosting.models import Booking, BookingStatus, Stay

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def plan_stay(page: Page, base: str, offer_pk: int, start: str, end: str) -> None:
    page.goto(f"{base}/annonces/{offer_pk}/")
    page.get_by_role("link", name="Préparer un séjour découverte avec Commune de Felletin").click()
    page.get_by_label("Arrivée").fill(start)
    page.get_by_label("Départ").fill(end)
    page.get_by_label("Logement (une demande sera envoyée)").select_option(
        label="Studio de la mairie"
    )
    page.get_by_text("Visite du bourg avec le maire").click()
    page.get_by_role("button", name="Préparer mon séjour").click()
    expect(page.get_by_test_id("booking-status")).to_have_text("demandée")


def test_a_welcome_package_from_the_agent_to_a_professionals_stay(browser: Browser, live_server):
    base = live_server.url
    felletin = CommuneFactory(insee="23079", name="Felletin", latitude=45.88, longitude=2.17)
    collectivity = collectivity_for(felletin)
    agent = agent_of(collectivity)
    today = timezone.localdate()
    offer = OfferFactory(
        published=True,
        commune=felletin,
        title="Remplacement d’été à Felletin",
        start_date=today + timedelta(days=10),
        end_date=today + timedelta(days=17),
    )
    health_member = MembershipFactory(organisation=offer.organisation).user
    camille = UserFactory(professional=True, first_name="Camille")
    hugo = UserFactory(professional=True, first_name="Hugo")
    start, end = today + timedelta(days=10), today + timedelta(days=17)

    page = browser.new_page(locale="fr-FR", accept_downloads=True)
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # The agent writes the territory page, publishes a housing with availability and an activity.
    log_in(page, base, agent.email)
    page.goto(f"{base}/accueil/{collectivity.pk}/gestion/")
    page.get_by_role("link", name="Page du territoire").click()
    page.get_by_label("Présentation du territoire").fill("Un bourg vivant au bord de la Creuse.")
    page.get_by_label("Nom du référent installation").fill("Claire Dubois")
    page.get_by_text("Page publiée").click()
    page.get_by_role("button", name="Enregistrer la page").click()
    expect(page.get_by_text("Page du territoire enregistrée.")).to_be_visible()

    page.goto(f"{base}/accueil/{collectivity.pk}/logements/nouveau/")
    page.get_by_label("Nom du logement").fill("Studio de la mairie")
    page.get_by_label("Type").select_option(label="Studio")
    page.get_by_label("Adresse").fill("1 place de la Mairie")
    page.get_by_role("combobox", name="Commune").fill("Felletin")
    page.get_by_role("button", name="Enregistrer le logement").click()
    page.get_by_label("Disponible du").fill(today.isoformat())
    page.get_by_label("au", exact=True).fill((today + timedelta(days=60)).isoformat())
    page.get_by_role("button", name="Ouvrir la période").click()
    expect(page.get_by_text("Période de disponibilité ouverte.")).to_be_visible()
    expect(page.locator(".tremplin-day--free").first).to_be_visible()

    page.goto(f"{base}/accueil/{collectivity.pk}/activites/nouvelle/")
    page.get_by_label("Activité").fill("Visite du bourg avec le maire")
    page.get_by_label("Type").select_option(label="Visite avec le maire")
    page.get_by_label("Date et heure").fill(f"{start + timedelta(days=2)}T10:00")
    page.get_by_role("button", name="Enregistrer l’activité").click()
    expect(page.get_by_text("Activité enregistrée.")).to_be_visible()

    # It supports the published offer of its commune, with the housing.
    page.get_by_text("Proposer notre soutien").click()
    page.get_by_label("Logement offert").select_option(label="Studio de la mairie")
    page.get_by_role("button", name="Proposer le soutien").click()
    expect(page.get_by_test_id("support-status")).to_have_text("proposé par la collectivité")

    # The health organisation accepts; the offer shows the badge and the filter finds it.
    log_in(page, base, health_member.email)
    page.goto(f"{base}/annonces/{offer.pk}/")
    page.get_by_role("button", name="Accepter le soutien").click()
    expect(page.get_by_test_id("badge-supported-housing")).to_contain_text(
        "Logement offert par Commune de Felletin"
    )
    page.goto(f"{base}/annonces/")
    page.get_by_label("Logement proposé ou offert").check(force=True)
    page.get_by_role("button", name="Rechercher").first.click()
    expect(page.get_by_test_id("offer-card")).to_have_count(1)
    expect(page.get_by_test_id("offer-card")).to_contain_text("Remplacement d’été à Felletin")

    # Two professionals ask for the housing on overlapping dates.
    log_in(page, base, camille.email)
    plan_stay(page, base, offer.pk, start.isoformat(), end.isoformat())
    camille_stay = Stay.objects.get(professional=camille)
    log_in(page, base, hugo.email)
    plan_stay(
        page,
        base,
        offer.pk,
        (start + timedelta(days=3)).isoformat(),
        (end + timedelta(days=3)).isoformat(),
    )

    # The agent accepts Camille's; Hugo's overlapping request cannot be accepted.
    log_in(page, base, agent.email)
    page.goto(f"{base}/accueil/{collectivity.pk}/gestion/")
    camille_booking = Booking.objects.get(professional=camille)
    hugo_booking = Booking.objects.get(professional=hugo)
    page.get_by_test_id(f"accept-booking-{camille_booking.pk}").click()
    expect(page.get_by_text("Séjour accepté")).to_be_visible()
    page.get_by_test_id(f"accept-booking-{hugo_booking.pk}").click()
    expect(page.get_by_text("chevauchent un séjour déjà accepté")).to_be_visible()
    hugo_booking.refresh_from_db()
    assert hugo_booking.status == BookingStatus.REQUESTED

    # Camille sees the accepted booking and downloads the .ics.
    log_in(page, base, camille.email)
    page.goto(f"{base}/accueil/sejours/{camille_stay.pk}/")
    expect(page.get_by_test_id("booking-status")).to_have_text("acceptée")
    with page.expect_download() as download:
        page.get_by_test_id("ics").click()
    ics = Path(download.value.path()).read_text()
    assert "BEGIN:VEVENT" in ics and f"DTSTART;VALUE=DATE:{start:%Y%m%d}" in ics
    assert "Visite du bourg avec le maire" in ics

    # After the stay, her feedback appears on the territory page.
    Stay.objects.filter(pk=camille_stay.pk).update(
        start=today - timedelta(days=9), end=today - timedelta(days=2)
    )
    page.goto(f"{base}/accueil/sejours/{camille_stay.pk}/")
    page.get_by_role("link", name="Donner mon avis sur le séjour").click()
    page.get_by_label("Ce qui s’est bien passé").fill("Un accueil chaleureux et une équipe soudée.")
    page.locator("input[name=would_come_back][value=yes]").check(force=True)
    page.locator("input[name=would_settle][value=maybe]").check(force=True)
    page.get_by_text("J’accepte que mon témoignage").click()
    page.get_by_role("button", name="Envoyer mon avis").click()
    expect(page.get_by_text("Merci pour votre retour !")).to_be_visible()
    page.goto(f"{base}/accueil/{collectivity.pk}/")
    expect(page.get_by_test_id("testimonials")).to_contain_text("Un accueil chaleureux")
    expect(page.get_by_test_id("testimonials")).to_contain_text("Camille")
    assert errors == []
