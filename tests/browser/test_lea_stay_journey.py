"""Journey 1 of PRODUCT.md, by clicking only in Debian's Chromium: Léa, interne en médecine
générale à Lyon, states her criteria on « Territoires pour moi », sees Tarare ranked first with
its reasons, opens its commune profile (its offer, the commune's welcome), the commune's page
(the flat it lends, the welcome weekend, two testimonials of past stays), plans a stay there
(logging in when asked) and meets the two other interns staying at the same time: she
writes to Inès, who reads it on her own stay's page.

axe-core runs on every page visited; the last page's screenshot path is printed."""

import re
from collections.abc import Iterator
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import Browser, expect

from tests.accounts.factories import UserFactory
from tests.browser.helpers import axe_check
from tests.browser.walk import People, fill_login_form, last_page, open_menu_link
from tests.hosting.factories import ActivityFactory, HousingFactory
from tests.matching.builders import commune, published_offer, welcome
from tests.territories.factories import DepartementFactory, RegionFactory
from tremplin.accounts.models import User
from tremplin.core.professions import Profession
from tremplin.hosting.models import (
    ActivityKind,
    Answer,
    Booking,
    BookingStatus,
    PeerMessage,
    Stay,
    StayFeedback,
)
from tremplin.matching.store import matrix_invalidate
from tremplin.offers.models import OfferKind
from tremplin.organisations.models import Organisation, OrganisationType

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JOURNEY = "lea-stay"
WELCOME_NAME = "Commune de Tarare"
OFFER_TITLE = "Stage d’interne en médecine générale à Tarare"
FLAT = "Appartement des internes"
WEEKEND = "Week-end d’accueil des internes"


@pytest.fixture(autouse=True)
def _fresh_matrix():
    matrix_invalidate()
    yield
    matrix_invalidate()


@pytest.fixture
def people(browser: Browser, live_server) -> Iterator[People]:
    crowd = People(browser, live_server.url)
    yield crowd
    crowd.close()


def stay_of(
    organisation: Organisation, first_name: str, start: int, end: int, *, peers: bool = True
) -> Stay:
    """A stay of another general practice intern, `start` and `end` days from today."""
    today = timezone.localdate()
    return Stay.objects.create(
        professional=UserFactory(professional=True, first_name=first_name),
        collectivity=organisation,
        start=today + timedelta(days=start),
        end=today + timedelta(days=end),
        peers_visible=peers,
    )


def published_feedback(
    organisation: Organisation, first_name: str, text: str, *, publish: bool
) -> None:
    StayFeedback.objects.create(
        stay=stay_of(organisation, first_name, -90, -83),
        went_well=text,
        would_come_back=Answer.YES,
        would_settle=Answer.MAYBE,
        publish=publish,
    )


def weekend_starts_at(organisation: Organisation) -> datetime:
    return organisation.activities.get(title=WEEKEND).starts_at


def tarare_welcomes_interns() -> tuple[Organisation, User]:
    """Lyon, Tarare (least served, welcoming) and Villefranche; the commune of Tarare's page, its
    flat, its welcome weekend, two published testimonials and one kept private, two interns
    there at Léa's dates (a third not visible, a fourth next month); Léa herself."""
    region = RegionFactory(code="84", name="Auvergne-Rhône-Alpes")
    rhone = DepartementFactory(code="69", name="Rhône", region=region)
    commune("69123", "Lyon", 45.7640, 4.8357, population=520_000, departement=rhone, apl_mg=0.20)
    commune("69264", "Villefranche-sur-Saône", 45.9898, 4.7186, population=36_000,
            departement=rhone, apl_mg=0.55)  # fmt: skip
    tarare = commune("69243", "Tarare", 45.8964, 4.4335, population=10_500, departement=rhone,
                     apl_mg=0.90)  # fmt: skip
    organisation = welcome(
        OrganisationType.COMMUNE, "69243", WELCOME_NAME, referent="Sophie Martin"
    )
    HousingFactory(organisation=organisation, commune=tarare, name=FLAT, address="4 rue Pêcherie")
    weekend_day = timezone.localdate() + timedelta(days=6)
    ActivityFactory(
        organisation=organisation,
        title=WEEKEND,
        kind=ActivityKind.NATURE,
        with_whom="Les internes et le maire",
        starts_at=timezone.make_aware(datetime.combine(weekend_day, time(10, 0))),
    )
    published_offer(
        tarare,
        profession=Profession.GENERAL_PRACTITIONER,
        kind=OfferKind.INTERNSHIP,
        title=OFFER_TITLE,
        housing_offered=True,
    )
    published_feedback(organisation, "Camille", "Une équipe soudée et des randonnées superbes.",
                publish=True)  # fmt: skip
    published_feedback(organisation, "Mehdi", "Le maire nous a fait visiter les Monts du Beaujolais.",
                publish=True)  # fmt: skip
    published_feedback(organisation, "Paul", "Texte que Paul garde pour lui.", publish=False)
    stay_of(organisation, "Inès", 2, 9)
    stay_of(organisation, "Hugo", 8, 15)
    stay_of(organisation, "Zoé", 7, 10, peers=False)  # overlapping, but chose not to be seen
    stay_of(organisation, "Yanis", 40, 45)  # next month: not at the same time
    lea = UserFactory(professional=True, first_name="Léa", last_name="Bernard")
    return organisation, lea


def test_lea_ranks_territories_opens_tarare_plans_a_stay_and_meets_the_two_other_interns(
    people: People, capsys: pytest.CaptureFixture
):
    organisation, lea = tarare_welcomes_interns()
    today = timezone.localdate()

    # Home → « Territoires pour moi »: her criteria.
    page = people.visitor()
    axe_check(page, JOURNEY, "01-home")
    open_menu_link(page, "Territoires pour moi")
    expect(page.get_by_role("button", name="Classer les territoires")).to_be_visible()
    axe_check(page, JOURNEY, "02-criteria")
    page.get_by_label("Ma profession", exact=True).select_option(label="Médecin généraliste")
    page.get_by_role("combobox", name="Près de Une ou plusieurs communes").fill("Lyon")
    page.get_by_label("À moins de (km)", exact=True).fill("80")
    page.get_by_label("Logement offert à proximité", exact=True).select_option(label="Important")
    page.get_by_label("Territoire qui accueille").select_option(label="Important")
    page.get_by_role("button", name="Classer les territoires").click()

    # Ranked with reasons: Tarare first, flagged as welcoming, its reasons in figures.
    results = page.get_by_test_id("result-item")
    expect(results).to_have_count(3)
    first = results.first
    expect(first.get_by_role("heading")).to_contain_text("Tarare")
    expect(first.get_by_test_id("score")).to_contain_text("/100")
    expect(first.get_by_test_id("welcome-flag")).to_contain_text(
        f"Ce territoire vous accueille — {WELCOME_NAME}"
    )
    for reason in ("à 34 km de Lyon", "1 annonce (stage) à moins de 10 km"):
        expect(first.get_by_test_id("explanation")).to_contain_text(reason)
    expect(first.get_by_test_id("explanation")).to_contain_text(
        f"{WELCOME_NAME} vous accueille : 1 logement à réserver, 1 activité découverte"
    )
    axe_check(page, JOURNEY, "03-ranked")

    # Tarare's commune profile: its offer and the commune's welcome.
    first.get_by_role("heading").get_by_role("link", name="Tarare").click()
    expect(page.get_by_role("heading", name="Tarare", exact=True)).to_be_visible()
    expect(page.get_by_test_id("nearby-offers")).to_contain_text(OFFER_TITLE)
    expect(page.get_by_test_id("welcome-pages")).to_contain_text(
        "1 logement à réserver · 1 activité découverte · référent installation : Sophie Martin"
    )
    axe_check(page, JOURNEY, "04-commune-profile")

    # The commune's page: the flat it lends, the welcome weekend, two testimonials.
    page.get_by_test_id("welcome-pages").get_by_role("link", name=WELCOME_NAME).click()
    expect(page.get_by_role("heading", name=WELCOME_NAME, exact=True)).to_be_visible()
    expect(page.get_by_test_id("housings")).to_contain_text(f"{FLAT} — Studio, Tarare — gratuit")
    expect(page.get_by_test_id("activities")).to_contain_text(WEEKEND)
    expect(page.get_by_test_id("activities")).to_contain_text("Les internes et le maire")
    quotes = page.get_by_test_id("testimonials").locator("figure")
    expect(quotes).to_have_count(2)
    expect(page.get_by_test_id("testimonials")).to_contain_text("Une équipe soudée")
    expect(page.get_by_test_id("testimonials")).to_contain_text("Monts du Beaujolais")
    expect(page.get_by_test_id("testimonials")).not_to_contain_text("Paul")
    for author in ("Camille", "Mehdi"):
        expect(quotes.filter(has_text=author)).to_contain_text("Médecin généraliste")
    axe_check(page, JOURNEY, "05-commune-welcome")

    # Planning a stay asks her to log in first, then brings her back to the form.
    page.get_by_role("link", name="Préparer un séjour découverte").click()
    axe_check(page, JOURNEY, "06-login")
    fill_login_form(page, lea.email)
    expect(page.get_by_role("heading", name="Préparer un séjour découverte")).to_be_visible()
    axe_check(page, JOURNEY, "07-plan-stay")
    start, end = today + timedelta(days=5), today + timedelta(days=12)
    page.get_by_label("Arrivée").fill(start.isoformat())
    page.get_by_label("Départ").fill(end.isoformat())
    page.get_by_label("Logement (une demande sera envoyée)").select_option(label=FLAT)
    page.get_by_text(WEEKEND).click()
    page.get_by_text("J’accepte que les autres professionnels en séjour").click()
    page.get_by_role("button", name="Préparer mon séjour").click()

    # Her stay: the flat requested, the weekend chosen, the two interns there at the same time.
    expect(page.get_by_text("Séjour préparé : la demande de logement est envoyée.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Séjour découverte — {WELCOME_NAME}")
    expect(page.get_by_test_id("booking")).to_contain_text(FLAT)
    expect(page.get_by_test_id("booking-status")).to_have_text("demandée")
    weekend = date_format(timezone.localtime(weekend_starts_at(organisation)), "j F Y H:i")
    expect(page.get_by_role("main")).to_contain_text(f"{WEEKEND} — {weekend}")
    peers = page.get_by_test_id("peer")
    expect(peers).to_have_count(2)
    for name in ("Inès", "Hugo"):
        expect(peers.filter(has_text=name)).to_contain_text(f"{name} — Médecin généraliste")
    expect(page.get_by_text(re.compile("Zoé|Yanis"))).to_have_count(0)
    axe_check(page, JOURNEY, "08-stay")
    stay = Stay.objects.get(professional=lea)
    assert (stay.start, stay.end, stay.peers_visible) == (start, end, True)
    assert Booking.objects.get(stay=stay).status == BookingStatus.REQUESTED

    # She writes to Inès.
    ines = peers.filter(has_text="Inès")
    ines.get_by_role("textbox", name="Votre message").fill(
        "Bonjour Inès, on se retrouve au week-end d’accueil ?"
    )
    ines.get_by_role("button", name="Écrire").click()
    expect(page.get_by_text("Message envoyé.")).to_be_visible()
    axe_check(page, JOURNEY, "09-message-sent")
    message = PeerMessage.objects.get()
    assert message.sender == stay
    assert message.recipient.professional.first_name == "Inès"

    # Inès, from the home page, finds it on her own stay's page, and Léa among her peers.
    page = people.logged_in(message.recipient.professional.email)
    page.get_by_role("main").get_by_role("link", name="Mes séjours découverte").click()
    page.get_by_role("link", name=WELCOME_NAME).click()
    expect(page.get_by_role("main")).to_contain_text(
        "Léa — " + date_format(timezone.localtime(message.created_at), "j F H:i")
    )
    expect(page.get_by_role("main")).to_contain_text("on se retrouve au week-end d’accueil ?")
    expect(page.get_by_test_id("peer").filter(has_text="Léa")).to_contain_text(
        "Léa — Médecin généraliste"
    )
    last_page(page, JOURNEY, "10-ines-reads-it", capsys)
    assert people.console_errors == []
