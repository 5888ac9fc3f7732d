"""The commune autocomplete in Debian's Chromium, on two forms: a visitor finds offers around
Guéret with the keyboard (type, ArrowDown, Enter; Escape closes), and Dr Martin places his offer
in Felletin with the mouse, names a second commune by keyboard, and sees a typo refused with the
closest commune proposed. Each starts at the home page; axe-core runs on every page, with the
list of suggestions open."""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.accounts.factories import UserFactory
from tests.browser.helpers import axe_check
from tests.browser.walk import People, last_page, open_menu_link
from tests.offers.factories import OfferFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.territories.factories import CommuneFactory, DepartementFactory
from tremplin.offers.models import Offer
from tremplin.organisations.models import MembershipRole
from tremplin.territories.models import PostalCode

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JOURNEY = "commune-autocomplete"


@pytest.fixture
def people(browser: Browser, live_server) -> Iterator[People]:
    crowd = People(browser, live_server.url)
    yield crowd
    crowd.close()


@pytest.fixture
def creuse() -> dict:
    departement = DepartementFactory(code="23", name="Creuse")
    places = {}
    for insee, name, postal, population, latitude, longitude in (
        ("23096", "Guéret", "23000", 13161, 46.17, 1.87),
        ("23177", "Saint-Fiel", "23000", 1100, 46.21, 1.92),
        ("23079", "Felletin", "23500", 1700, 45.88, 2.17),
        ("23008", "Aubusson", "23200", 3300, 45.95, 2.17),
    ):
        places[name] = CommuneFactory(
            insee=insee, name=name, postal_codes=postal, population=population,
            latitude=latitude, longitude=longitude, departement=departement,
        )  # fmt: skip
        PostalCode.objects.create(code=postal, commune=places[name])
    return places


def listbox_of(combobox: Locator) -> Locator:
    """The listbox the combobox controls (aria-controls)."""
    page = combobox.page
    return page.locator(f"#{combobox.get_attribute('aria-controls')}")


def test_a_visitor_searches_around_a_commune_chosen_with_the_keyboard(
    people: People, creuse: dict, capsys: pytest.CaptureFixture
):
    OfferFactory(title="Remplacement à Guéret", commune=creuse["Guéret"], published=True)
    page = people.visitor()
    page.get_by_role("link", name="Trouver une annonce").first.click()
    commune = page.get_by_role("combobox", name="Autour de la commune")
    expect(commune).to_have_attribute("aria-expanded", "false")
    axe_check(page, JOURNEY, "01-search")

    commune.press_sequentially("gue")
    listbox = listbox_of(commune)
    expect(commune).to_have_attribute("aria-expanded", "true")
    expect(listbox.get_by_role("option")).to_have_count(1)
    expect(listbox.get_by_role("option").first).to_have_text("Guéret (23) — 23000")
    commune.press("ArrowDown")
    option = listbox.get_by_role("option", name="Guéret (23) — 23000")
    expect(option).to_have_attribute("aria-selected", "true")
    expect(commune).to_have_attribute("aria-activedescendant", option.get_attribute("id") or "")
    axe_check(page, JOURNEY, "02-search-suggestions")
    commune.press("Enter")

    expect(commune).to_have_value("Guéret (23)")
    expect(commune).to_have_attribute("aria-expanded", "false")
    expect(listbox).to_be_hidden()
    # The choice is a change: the results follow (htmx), and the URL says where.
    expect(page.get_by_role("link", name="Remplacement à Guéret")).to_be_visible()
    expect(page).to_have_url(re.compile(r"commune=Gu%C3%A9ret(\+|%20)\(23\)"))

    # A postal code shared by two communes: both proposed, Escape closes the list.
    commune.fill("")
    commune.press_sequentially("23000")
    expect(listbox.get_by_role("option")).to_have_text(
        ["Guéret (23) — 23000", "Saint-Fiel (23) — 23000"]
    )
    commune.press("Escape")
    expect(listbox).to_be_hidden()
    expect(commune).to_have_attribute("aria-expanded", "false")
    expect(commune).to_have_value("23000")
    page.get_by_role("button", name="Rechercher").click()
    expect(
        page.get_by_text("Vouliez-vous dire : « Guéret (23) », « Saint-Fiel (23) » ?")
    ).to_be_visible()
    last_page(page, JOURNEY, "03-search-ambiguous", capsys)
    assert people.console_errors == []


def test_dr_martin_places_his_offer_with_the_mouse_and_the_keyboard(
    people: People, creuse: dict, capsys: pytest.CaptureFixture
):
    msp = OrganisationFactory(verified=True, name="MSP de Felletin")
    martin = UserFactory(first_name="Jean", last_name="Martin")
    MembershipFactory(organisation=msp, user=martin, role=MembershipRole.ADMIN)
    page = people.logged_in(martin.email)
    open_menu_link(page, "Accueil")
    page.get_by_role("link", name="Publier une annonce").click()
    page.get_by_label("Type d’annonce").select_option(label="Remplacement")
    page.get_by_label("Profession").select_option(label="Médecin généraliste")
    page.get_by_label("Titre").fill("Remplacement en MSP à Felletin")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    # A typo, sent without choosing (as without JavaScript): refused, the closest proposed.
    commune = page.get_by_role("combobox", name="Commune d’exercice")
    commune.fill("Felettin")
    commune.press("Escape")
    page.get_by_label("dès que possible").check(force=True)
    page.get_by_role("button", name="Enregistrer et continuer").click()
    # Said twice: in the error summary at the top and under the field.
    expect(page.locator("#id_commune_code-desc-error")).to_contain_text(
        "Vouliez-vous dire : « Felletin (23) » ?"
    )
    expect(commune).to_have_value("Felettin")
    axe_check(page, JOURNEY, "04-editor-typo")

    # The mouse: a click on the suggestion.
    commune.fill("")
    commune.press_sequentially("Fell")
    listbox = listbox_of(commune)
    listbox.get_by_role("option", name="Felletin (23) — 23500").click()
    expect(commune).to_have_value("Felletin (23)")
    expect(listbox).to_be_hidden()

    # A list of communes: the part after the last comma is completed.
    others = page.get_by_role("combobox", name="Autres communes d’exercice")
    others.press_sequentially("Aub")
    expect(listbox_of(others).get_by_role("option")).to_have_text(["Aubusson (23) — 23200"])
    axe_check(page, JOURNEY, "05-editor-suggestions")
    others.press("ArrowDown")
    others.press("Enter")
    others.press_sequentially("gu")
    expect(listbox_of(others).get_by_role("option")).to_have_text(["Guéret (23) — 23000"])
    others.press("ArrowUp")  # Up from nothing chosen: the last suggestion
    others.press("Enter")
    expect(others).to_have_value("Aubusson (23), Guéret (23), ")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.get_by_label("Taux de rétrocession (%)")).to_be_visible()

    offer = Offer.objects.get()
    assert offer.commune == creuse["Felletin"]
    assert set(offer.other_communes.values_list("name", flat=True)) == {"Aubusson", "Guéret"}

    # Back to the place step: the communes read by their names, never their codes.
    page.get_by_role("link", name="2. Lieu et dates").click()
    expect(page.get_by_role("combobox", name="Commune d’exercice")).to_have_value("Felletin (23)")
    expect(page.get_by_role("combobox", name="Autres communes d’exercice")).to_have_value(
        "Aubusson (23), Guéret (23)"
    )
    last_page(page, JOURNEY, "06-editor-place-again", capsys)
    # The editor's autosave posts the typo on change and is answered 400 (the form's error):
    # the only console line allowed.
    assert [e for e in people.console_errors if "status of 400" not in e] == []


def test_the_page_without_javascript_still_takes_a_commune_typed(
    browser: Browser, live_server, creuse: dict
):
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    page: Page = context.new_page()
    try:
        page.goto(live_server.url)
        page.get_by_role("link", name="Trouver une annonce").first.click()
        commune = page.get_by_role("textbox", name="Autour de la commune")
        commune.fill("st fiel")
        page.get_by_role("button", name="Rechercher").click()
        expect(page.get_by_role("textbox", name="Autour de la commune")).to_have_value(
            "Saint-Fiel (23)"
        )
    finally:
        context.close()
