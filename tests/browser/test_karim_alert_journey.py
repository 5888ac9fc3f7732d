"""Journey 2b, by clicking only in Debian's Chromium: Karim, infirmier remplaçant, searches
offers by dates and place from the home page, reads the practical details in each result
(dates, rétrocession, logement), creates an alert from his search and finds it on his alerts
page from « Mon compte ».

axe-core runs on every page visited; the last page's screenshot path is printed."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import Browser, expect

from tests.accounts.factories import UserFactory
from tests.browser.helpers import axe_check
from tests.browser.walk import People, last_page, log_in_by_clicking, open_menu_link
from tests.offers.factories import OfferFactory
from tests.territories.factories import CommuneFactory, DepartementFactory
from tremplin.core.professions import Profession
from tremplin.syndication.models import Alert, AlertKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JOURNEY = "karim-alert"
AUBUSSON = "Remplacement infirmier à Aubusson"
GUERET = "Tournée infirmière à Guéret"


@pytest.fixture
def people(browser: Browser, live_server) -> Iterator[People]:
    crowd = People(browser, live_server.url)
    yield crowd
    crowd.close()


def test_karim_searches_by_dates_and_place_then_follows_the_search_as_an_alert(
    people: People, capsys: pytest.CaptureFixture
):
    today = timezone.localdate()
    creuse = DepartementFactory(code="23", name="Creuse")
    gueret = CommuneFactory(insee="23096", name="Guéret", latitude=46.17, longitude=1.87,
                            departement=creuse)  # fmt: skip
    aubusson = CommuneFactory(insee="23008", name="Aubusson", latitude=45.96, longitude=2.17,
                              departement=creuse)  # fmt: skip
    marseille = CommuneFactory(insee="13055", name="Marseille", latitude=43.30, longitude=5.40)
    nurse = {"published": True, "profession": Profession.NURSE}
    OfferFactory(**nurse, commune=aubusson, title=AUBUSSON, retrocession_rate=85,
                 start_date=today + timedelta(days=35), end_date=today + timedelta(days=50),
                 housing_offered=True, housing_details="Studio au-dessus du cabinet")  # fmt: skip
    OfferFactory(**nurse, commune=gueret, title=GUERET, retrocession_rate=80,
                 start_date=today + timedelta(days=40), end_date=today + timedelta(days=55))  # fmt: skip
    # Not his search: too late, too far, another profession.
    OfferFactory(**nurse, commune=gueret, title="Remplacement infirmier de printemps",
                 start_date=today + timedelta(days=120), end_date=today + timedelta(days=150))  # fmt: skip
    OfferFactory(**nurse, commune=marseille, title="Remplacement infirmier à Marseille",
                 start_date=today + timedelta(days=35), end_date=today + timedelta(days=50))  # fmt: skip
    OfferFactory(published=True, commune=gueret, title="Remplacement de médecin à Guéret",
                 start_date=today + timedelta(days=35), end_date=today + timedelta(days=50))  # fmt: skip
    karim = UserFactory(professional=True, profile__profession=Profession.NURSE,
                        first_name="Karim", last_name="Benali")  # fmt: skip

    # From the home page, logged in, to the offer search.
    page = people.visitor()
    axe_check(page, JOURNEY, "01-home")
    log_in_by_clicking(page, karim.email)
    open_menu_link(page, "Accueil")
    page.get_by_role("link", name="Trouver une annonce").click()
    expect(page.get_by_role("heading", name="Trouver une annonce", exact=True)).to_be_visible()
    axe_check(page, JOURNEY, "02-search")

    # His dates, his place, his profession.
    start, end = today + timedelta(days=30), today + timedelta(days=60)
    page.get_by_label("Profession").select_option(label="Infirmier")
    page.get_by_label("Disponible à partir du").fill(start.isoformat())
    page.get_by_label("Jusqu’au").fill(end.isoformat())
    page.get_by_label("Autour de la commune").fill("Guéret")
    page.get_by_label("Rayon (km)").fill("40")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_test_id("result-count")).to_contain_text(
        "2 annonces à moins de 40 km de Guéret"
    )
    cards = page.get_by_test_id("offer-card")
    expect(cards).to_have_count(2)

    # The practical details at a glance: dates, rétrocession, housing.
    aubusson_card = cards.filter(has_text=AUBUSSON)
    first_day, last_day = (date_format(today + timedelta(days=d), "j F Y") for d in (35, 50))
    expect(aubusson_card).to_contain_text(f"Du {first_day} au {last_day} · Rétrocession 85 %")
    expect(aubusson_card).to_contain_text("Logement proposé")
    expect(aubusson_card).to_contain_text("Aubusson, Creuse (23)")
    gueret_card = cards.filter(has_text=GUERET)
    expect(gueret_card).to_contain_text("Rétrocession 80 %")
    expect(gueret_card).not_to_contain_text("Logement proposé")
    axe_check(page, JOURNEY, "03-results")

    # He follows this search.
    subscribe = page.get_by_test_id("search-subscribe")
    expect(subscribe).to_contain_text(f"Les nouvelles annonces seront envoyées à {karim.email}.")
    subscribe.get_by_text("Chaque semaine").click()
    subscribe.get_by_role("button", name="Créer une alerte").click()
    label = f"Infirmier · à 40 km de Guéret · du {start:%d/%m/%Y} au {end:%d/%m/%Y}"
    expect(page.get_by_text(f"Alerte créée : « {label} »")).to_be_visible()
    expect(page.get_by_test_id("result-count")).to_contain_text("2 annonces")  # his search again
    axe_check(page, JOURNEY, "04-alert-created")
    alert = Alert.objects.get()
    assert (alert.kind, alert.frequency, alert.email, alert.label) == (
        AlertKind.OFFERS,
        "weekly",
        karim.email,
        label,
    )
    assert alert.confirmed_at is not None  # his own confirmed address: no confirmation email

    # « Mon compte » → « Mes alertes »: there it is.
    page.get_by_role("banner").get_by_role("link", name="Mon compte").click()
    page.get_by_role("main").get_by_role("link", name="Mes alertes").click()
    expect(page.get_by_role("heading", name="Mes alertes", exact=True)).to_be_visible()
    card = page.get_by_test_id(f"alert-{alert.pk}")
    expect(card.get_by_role("link", name=label)).to_be_visible()
    expect(card).to_contain_text("Chaque semaine")
    expect(card).not_to_contain_text("à confirmer")
    last_page(page, JOURNEY, "05-my-alerts", capsys)
    assert people.console_errors == []
