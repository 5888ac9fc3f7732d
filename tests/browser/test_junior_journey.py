"""A docteur junior finds a terrain de stage from the home page, sees the semester's housing in
a maison des internes, marks interest and books the last of its six places for the semester;
the collectivité accepts; the seventh request, from a page opened while a place was free, is
refused; the ARS downloads the coordination table. In Debian's Chromium, by clicks."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import log_in
from tests.juniors.factories import TerrainFactory, junior_doctor, next_semester, semester_housing
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.territories.factories import CommuneFactory, DepartementFactory, RegionFactory
from tremplin.hosting import services as hosting
from tremplin.hosting.models import Booking, BookingStatus
from tremplin.juniors import services
from tremplin.juniors.models import Interest
from tremplin.organisations.models import OrganisationType

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_junior_doctor_books_a_semester_in_a_maison_des_internes(browser: Browser, live_server):
    base = live_server.url
    creuse = DepartementFactory(code="23", name="Creuse", region=RegionFactory(code="75"))
    felletin = CommuneFactory(insee="23079", name="Felletin", departement=creuse)
    terrain = TerrainFactory(name="Terrain de stage de la MSP de Felletin", commune=felletin)
    semester = next_semester()
    housing, agent = semester_housing(capacity=6, name="Maison des internes du Plateau")
    housing.kind, housing.is_free, housing.monthly_rent = "house", False, 120
    housing.save()
    link = services.terrain_housing_attach(
        terrain=terrain, semester=semester, housing=housing, by=agent
    )
    ines = junior_doctor()
    ars = OrganisationFactory(
        collectivity=True,
        verified=True,
        type=OrganisationType.ARS,
        territory_code="75",
        name="ARS Nouvelle-Aquitaine",
    )
    ars_member = MembershipFactory(organisation=ars).user

    page = browser.new_page(locale="fr-FR", accept_downloads=True)
    page.set_default_timeout(10_000)

    # Five of the six places are already taken for the semester.
    for _ in range(5):
        taken = services.terrain_housing_book(link=link, professional=junior_doctor())
        hosting.booking_accept(booking=taken, by=agent)
    hugo = junior_doctor()

    # From the home page to the terrain, by the list and its filter.
    log_in(page, base, ines.email)
    open_terrain(page)

    # The semester's housing, then interest and the booking in one click each.
    section = page.get_by_test_id(f"semester-{semester.key}")
    expect(section.get_by_test_id("semester-housing")).to_contain_text(
        "Maison des internes du Plateau"
    )
    expect(section.get_by_test_id("semester-housing")).to_contain_text("6 places")
    expect(section.get_by_test_id("semester-free")).to_have_text(
        "1 place libre sur 6 pour tout le semestre"
    )
    # A seventh docteur junior opens the same page while that place is free.
    late = browser.new_page(locale="fr-FR")
    late.set_default_timeout(10_000)
    log_in(late, base, hugo.email)
    open_terrain(late)
    expect(section.get_by_test_id("semester-housing")).to_contain_text("120 € par mois")
    section.get_by_role("button", name=f"Ce terrain m’intéresse pour {semester}").click()
    expect(page.get_by_text("Intérêt enregistré")).to_be_visible()
    expect(
        page.get_by_test_id(f"semester-{semester.key}").get_by_test_id("interests")
    ).to_have_text("1 docteur junior intéressé")
    page.get_by_role("button", name=f"Réserver une place pour le semestre {semester}").click()
    expect(
        page.get_by_text("Demande envoyée pour « Maison des internes du Plateau »")
    ).to_be_visible()
    booking = Booking.objects.get(professional=ines, housing=housing)
    assert (booking.start, booking.end) == (semester.start, semester.end)
    assert Interest.objects.filter(professional=ines, terrain=terrain).exists()

    # The collectivité's agent accepts it from « Mon espace ».
    log_in(page, base, agent.email)
    page.get_by_role("link", name="Mon espace").first.click()
    page.get_by_role("link", name="Réservations").first.click()
    page.get_by_test_id(f"accept-booking-{booking.pk}").click()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ACCEPTED

    # The seventh request is refused with its reason, nothing written; the terrain is full.
    late.get_by_role("button", name=f"Réserver une place pour le semestre {semester}").click()
    expect(late.get_by_text("Les 6 places du logement sont déjà réservées")).to_be_visible()
    assert not Booking.objects.filter(professional=hugo).exists()
    late_section = late.get_by_test_id(f"semester-{semester.key}")
    expect(late_section.get_by_test_id("semester-free")).to_have_text("Complet pour ce semestre")
    expect(
        late_section.get_by_role("button", name=f"Réserver une place pour le semestre {semester}")
    ).to_have_count(0)
    late.close()

    # The ARS reads the coordination and downloads its CSV.
    log_in(page, base, ars_member.email)
    page.get_by_role("link", name="Mon espace").first.click()
    page.get_by_role("link", name="Coordination des terrains de stage").first.click()
    table = page.get_by_test_id("coordination-table")
    expect(table).to_contain_text("Terrain de stage de la MSP de Felletin")
    expect(table).to_contain_text("couvert")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le tableau (CSV)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[1][1] == "Terrain de stage de la MSP de Felletin"
    assert rows[1][4:] == [semester.key, "2", "6", "couvert", "Maison des internes du Plateau", "1"]
    page.close()


def open_terrain(page: Page) -> None:
    """From the home page to the terrain of Felletin, by the list and its filter."""
    page.get_by_role("link", name="Accueil", exact=True).first.click()
    page.get_by_role(
        "link", name="Docteurs juniors : terrains de stage et logements du semestre"
    ).click()
    expect(
        page.get_by_text("L’affectation des docteurs juniors est décidée par la faculté")
    ).to_be_visible()
    page.get_by_label("Département").select_option(label="Creuse (23)")
    page.get_by_role("button", name="Filtrer").click()
    page.get_by_role("link", name="Terrain de stage de la MSP de Felletin").click()
