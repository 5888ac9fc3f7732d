"""Pro Santé Connect and ProConnect by clicks, against a real OpenID Connect provider on
loopback (oidc-provider-mock): a professional logs in from the home page, is verified and books
a mission; an agent logs in, asks to join their commune, its admin accepts, the agent lands in
it. The provider's own pages are not Tremplin's: axe-core skips their origin
(`axe_watch.FOREIGN_ORIGINS`)."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser import axe_watch
from tests.browser.helpers import log_in
from tests.identity.conftest import (  # the provider's fixtures, shared with tests/identity
    SIREN,
    oidc_server,  # noqa: F401
    proconnect_claims,
    providers,  # noqa: F401
    psc_claims,
    set_user,
    siret_of,
)
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.territories.factories import CommuneFactory, EpciFactory
from tremplin.accounts.models import RppsVerification, User
from tremplin.missions.models import HostSite, MissionBooking, MissionSlot, RedZone
from tremplin.organisations.models import Membership, OrganisationType

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def provider_pages(request: pytest.FixtureRequest) -> Iterator[str]:
    server = request.getfixturevalue("providers")
    axe_watch.FOREIGN_ORIGINS.add(server)
    yield server
    axe_watch.FOREIGN_ORIGINS.discard(server)


def authorise_at_provider(page: Page, sub: str) -> None:
    """The provider's form: the person authorises as `sub`."""
    page.get_by_label("Subject").fill(sub)
    page.get_by_role("button", name="Authorize", exact=True).click()


def test_a_professional_logs_in_with_pro_sante_connect_and_books_a_mission(
    page: Page, live_server, provider_pages
):
    page.set_default_timeout(15_000)
    base = live_server.url
    epci = EpciFactory(siren="200067080", name="CC Creuse Grand Sud")
    RedZone.objects.create(
        epci=epci, arrete_on=timezone.localdate().replace(year=2025, month=9, day=1)
    )
    aubusson = CommuneFactory(insee="23008", name="Aubusson", epci=epci)
    host = OrganisationFactory(
        collectivity=True, verified=True, type=OrganisationType.EPCI, territory_code="200067080",
        name="CC Creuse Grand Sud",
    )  # fmt: skip
    site = HostSite.objects.create(
        organisation=host, name="Cabinet intercommunal", address="3 rue des Déportés",
        commune=aubusson,
    )  # fmt: skip
    day = timezone.localdate() + timedelta(days=20)
    MissionSlot.objects.create(site=site, date=day, period="journee", secretariat=True)
    set_user(provider_pages, "psc-camille", psc_claims(email="camille.durand@example.org"))

    page.goto(f"{base}/")
    page.get_by_role("link", name="Se connecter").first.click()
    page.get_by_role("link", name="S’identifier avec Pro Santé Connect").click()
    authorise_at_provider(page, "psc-camille")
    # Back on Tremplin: the situation is the one thing Pro Santé Connect does not say.
    expect(
        page.get_by_role("heading", name="Terminer votre connexion avec Pro Santé Connect")
    ).to_be_visible()
    page.get_by_label("Situation").select_option(label="Remplaçant")
    page.get_by_role("button", name="Continuer").click()
    # The message of the login and the profile's badge, with its date.
    expect(
        page.get_by_text("Identité vérifiée par Pro Santé Connect : votre numéro RPPS est vérifié")
    ).to_be_visible()
    expect(page.get_by_test_id("rpps-verified")).to_contain_text(
        "Identité vérifiée par Pro Santé Connect le"
    )
    doctor = User.objects.get(email="camille.durand@example.org")
    assert doctor.professional_profile.rpps_verified_source == RppsVerification.PRO_SANTE_CONNECT

    page.goto(f"{base}/")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Missions de solidarité"
    ).click()
    page.get_by_test_id("open-slots").get_by_role("link").filter(
        has_text=f"{day.day} "
    ).first.click()
    page.get_by_role("button", name="Réserver ce créneau").click()
    expect(page.get_by_role("heading", name="Mes missions de solidarité")).to_be_visible()
    assert MissionBooking.objects.active().filter(doctor=doctor).count() == 1


def test_an_agent_logs_in_with_proconnect_and_lands_in_their_commune(
    page: Page, live_server, provider_pages
):
    page.set_default_timeout(15_000)
    base = live_server.url
    commune = OrganisationFactory(
        collectivity=True, verified=True, name="Commune de Felletin", siret=siret_of(SIREN, "0042")
    )
    admin = MembershipFactory(organisation=commune, admin=True).user
    set_user(provider_pages, "pc-dominique", proconnect_claims())

    def log_in_with_proconnect() -> None:
        page.goto("about:blank")
        page.context.clear_cookies()
        page.goto(f"{base}/")
        page.get_by_role("link", name="Se connecter").first.click()
        page.get_by_role("link", name="S’identifier avec ProConnect").click()
        authorise_at_provider(page, "pc-dominique")

    log_in_with_proconnect()
    expect(page.get_by_text("Votre demande pour rejoindre « Commune de Felletin »")).to_be_visible()

    # Its admin accepts the request on the commune's page.
    log_in(page, base, admin.email)
    page.get_by_role("link", name="Commune de Felletin").click()
    page.get_by_role("button", name="Accepter Dominique Martin").click()
    expect(page.get_by_text("Dominique Martin a rejoint l’organisation.")).to_be_visible()

    # The agent's next ProConnect login lands in the commune.
    log_in_with_proconnect()
    expect(page.get_by_role("heading", name="Commune de Felletin")).to_be_visible()
    expect(page.get_by_text("Agent vérifié par ProConnect")).to_be_visible()
    membership = Membership.objects.get(
        organisation=commune, user__email=proconnect_claims()["email"]
    )
    assert membership.proconnect_verified_at is not None
