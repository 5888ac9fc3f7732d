"""A volunteer doctor books two mission days in a zone rouge with a night's housing, a third
day that month is refused; the site sees its covered days and marks one held; the ARS partner
downloads the month's report — by clicks from the home page, in Debian's Chromium."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.accounts.factories import UserFactory
from tests.browser.helpers import log_in
from tests.hosting.factories import HousingFactory, agent_of
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.territories.factories import CommuneFactory, EpciFactory
from tremplin.hosting.dates import month_text
from tremplin.hosting.models import BookedNight, HousingPeriod
from tremplin.missions.models import HostSite, MissionBooking, MissionSlot, RedZone
from tremplin.organisations.models import OrganisationType

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_from_space(page: Page, base: str, section: str, link: str) -> None:
    page.goto(f"{base}/")
    page.get_by_role("link", name="Mon espace").first.click()
    page.get_by_test_id(f"section-{section}").get_by_role("link", name=link).first.click()


def test_a_volunteer_books_two_days_the_site_marks_one_held_the_ars_reads_the_report(
    page: Page, live_server
):
    page.set_default_timeout(10_000)
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
    agent = agent_of(host)
    housing = HousingFactory(organisation=host, commune=aubusson, name="Appartement d’accueil")
    first = (timezone.localdate().replace(day=1) + timedelta(days=40)).replace(day=1)
    HousingPeriod.objects.create(housing=housing, start=first, end=first + timedelta(days=40))
    site = HostSite.objects.create(
        organisation=host, name="Cabinet intercommunal", address="3 rue des Déportés",
        commune=aubusson,
    )  # fmt: skip
    days = [first.replace(day=d) for d in (5, 12, 19)]
    for day in days:
        MissionSlot.objects.create(
            site=site, date=day, period="journee", secretariat=True, housing=housing
        )
    ars = OrganisationFactory(
        collectivity=True, verified=True, type=OrganisationType.ARS, territory_code="",
        name="ARS Nouvelle-Aquitaine",
    )  # fmt: skip
    ars_agent = MembershipFactory(organisation=ars).user
    doctor = UserFactory(professional=True, first_name="Paul", last_name="Volontaire")
    profile = doctor.professional_profile
    profile.rpps = "10003456786"
    profile.save()
    profile.rpps_verify(by=ars_agent, organisation_id=ars.pk)

    # The doctor books two days from the public list, the first with the night's housing.
    log_in(page, base, doctor.email)
    for index, day in enumerate(days):
        page.goto(f"{base}/")
        page.get_by_role("navigation", name="Menu principal").get_by_role(
            "link", name="Missions de solidarité"
        ).click()
        expect(
            page.get_by_role("heading", name="Missions de solidarité territoriale")
        ).to_be_visible()
        page.get_by_test_id("open-slots").get_by_role("link").filter(
            has_text=f"{day.day} "
        ).first.click()
        if index == 0:
            page.get_by_text("Je réserve aussi le logement pour la nuit").click()
        page.get_by_role("button", name="Réserver ce créneau").click()
        if index < 2:
            expect(page.get_by_role("heading", name="Mes missions de solidarité")).to_be_visible()
    expect(page.get_by_text("c’est le maximum (2 jours par mois)")).to_be_visible()
    assert MissionBooking.objects.active().filter(doctor=doctor).count() == 2
    assert list(BookedNight.objects.values_list("night", flat=True)) == [days[0]]

    # The day of the first mission has come (the test cannot wait for it).
    MissionSlot.objects.filter(site=site, date=days[0]).update(date=timezone.localdate())

    # The site sees the covered days and the gap, then marks the first one held.
    log_in(page, base, agent.email)
    open_from_space(page, base, "collectivity", "Missions de solidarité")
    page.get_by_role("link", name="Cabinet intercommunal").click()
    calendar = page.get_by_test_id("site-calendar")
    expect(calendar).to_contain_text("couvert")
    expect(calendar).to_contain_text("Paul Volontaire")
    expect(calendar).to_contain_text("RPPS vérifié par ARS Nouvelle-Aquitaine")
    page.get_by_label("Patients vus (facultatif)").fill("14")
    page.get_by_role("button", name="tenue").click()
    expect(page.get_by_test_id("site-calendar")).to_contain_text("14 patients vus")
    # Next month: the second day covered, the third still a gap, said in words.
    page.get_by_role("link", name=month_text(first.year, first.month), exact=True).click()
    expect(page.get_by_test_id("month-summary")).to_contain_text("1 jour à pourvoir")

    # The ARS partner reads this month's report and downloads it.
    log_in(page, base, ars_agent.email)
    open_from_space(page, base, "collectivity", "Rapport des missions")
    expect(page.get_by_test_id("report-sites")).to_contain_text("Cabinet intercommunal")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le rapport (CSV)").click()
    content = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert content.startswith("\ufeffNiveau;Lieu")
    assert (
        "site;Cabinet intercommunal — CC Creuse Grand Sud;CC Creuse Grand Sud;1;1;1;14" in content
    )
