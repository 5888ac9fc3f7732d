"""The main forms, empty and sent back with errors: every id a form's markup points to
(`aria-describedby`, `aria-labelledby`, `aria-controls`, a label's `for`) exists in the page, and
every error is listed at once in the error summary at the top of the form."""

from html.parser import HTMLParser

import pytest
from django.test import Client

from tests.accounts.factories import UserFactory
from tests.hosting.factories import HousingFactory, agent_of, collectivity_for
from tests.offers.factories import OfferFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db

REFERRING = ("aria-describedby", "aria-labelledby", "aria-controls", "for")


class References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.pointers: list[tuple[str, str, str]] = []  # (tag, attribute, id)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if name in REFERRING and value and not (tag == "output" and name == "for"):
                self.pointers.extend((tag, name, target) for target in value.split())


def broken_references(html: str) -> list[tuple[str, str, str]]:
    parser = References()
    parser.feed(html)
    return [pointer for pointer in parser.pointers if pointer[2] not in parser.ids]


def test_the_checker_finds_a_reference_to_a_missing_id():
    html = '<label for="a">A</label><input id="a" aria-describedby="a-hint gone"><p id="a-hint">'
    assert broken_references(html) == [("input", "aria-describedby", "gone")]


@pytest.fixture
def world() -> dict:
    commune = CommuneFactory(insee="23079", name="Felletin")
    health = OrganisationFactory(verified=True, name="MSP de Felletin")
    member = MembershipFactory(organisation=health).user
    offer = OfferFactory(organisation=health, published=True, commune=commune)
    collectivity = collectivity_for(commune)
    agent = agent_of(collectivity)
    housing = HousingFactory(commune=commune, organisation=collectivity)
    professional = UserFactory(professional=True)
    return {
        "offer": offer,
        "member": member,
        "collectivity": collectivity,
        "agent": agent,
        "housing": housing,
        "professional": professional,
    }


def pages(world: dict) -> list[tuple[object, str, dict | None]]:
    """(who, url, data to post or None for a GET)."""
    offer, collectivity = world["offer"], world["collectivity"]
    member, agent, professional = world["member"], world["agent"], world["professional"]
    steps = ["poste", "lieu", "conditions", "presentation", "photos", "apercu"]
    return [
        (None, "/compte/inscription/", None),
        (None, "/compte/inscription/", {"email": "pas-une-adresse"}),
        (None, "/compte/connexion/", {"username": "x@example.org", "password": "faux"}),
        (None, "/annonces/", None),
        (None, "/annonces/?rayon=abc", None),
        (None, "/territoires/pour-moi/", None),
        (None, "/alertes/nouvelle/", None),
        (None, "/alertes/nouvelle/", {"email": "pas-une-adresse"}),
        (None, f"/annonces/{offer.pk}/", None),
        (professional, "/compte/", None),
        (professional, f"/candidatures/annonces/{offer.pk}/postuler/", None),
        (professional, f"/candidatures/annonces/{offer.pk}/postuler/", {"message": ""}),
        (professional, f"/accueil/{collectivity.pk}/sejour/", None),
        (professional, f"/accueil/{collectivity.pk}/sejour/", {"start": "n'importe"}),
        (member, "/annonces/nouvelle/", None),
        (member, "/annonces/nouvelle/", {"title": ""}),
        *((member, f"/annonces/{offer.pk}/modifier/{step}/", None) for step in steps),
        *((member, f"/annonces/{offer.pk}/modifier/{step}/", {"title": ""}) for step in steps[:4]),
        (member, "/organisations/nouvelle/", None),
        (agent, f"/accueil/{collectivity.pk}/page/", None),
        (agent, f"/accueil/{collectivity.pk}/logements/nouveau/", None),
        (agent, f"/accueil/{collectivity.pk}/logements/nouveau/", {"name": ""}),
        (agent, f"/accueil/{collectivity.pk}/activites/nouvelle/", None),
    ]


def test_every_id_the_main_forms_point_to_exists(world: dict):
    broken = {}
    for who, url, data in pages(world):
        client = Client()
        if who is not None:
            client.force_login(who)
        response = client.get(url) if data is None else client.post(url, data)
        assert response.status_code in {200, 302, 400, 422}, (url, response.status_code)
        if problems := broken_references(response.content.decode()):
            broken[(url, "POST" if data is not None else "GET")] = problems
    assert not broken, "\n".join(f"{where}: {problems}" for where, problems in broken.items())


def test_the_signup_form_lists_every_error_at_once_with_links_to_the_fields(client):
    response = client.post("/compte/inscription/", {"email": "pas-une-adresse"})
    page = response.content.decode()
    summary = page[
        page.index('data-testid="error-summary"') : page.index(
            "</ul>", page.index('data-testid="error-summary"')
        )
    ]
    for field in ("first_name", "last_name", "email", "password1", "password2"):
        assert f'href="#id_{field}"' in summary, field
    assert "Le formulaire contient des erreurs sur 5 points" in summary


def test_a_valid_form_has_no_error_summary(client):
    assert 'data-testid="error-summary"' not in client.get("/compte/inscription/").content.decode()


def test_french_words_written_by_users_are_marked_french_on_english_pages(client, world: dict):
    offer = world["offer"]
    client.cookies["django_language"] = "en"
    page = client.get(f"/annonces/{offer.pk}/").content.decode()
    assert '<html lang="en"' in page
    assert page.count("<h1") == 1
    assert '<h1 class="fr-h3" data-testid="offer-title" lang="fr">' in page
    assert 'data-testid="offer-description" lang="fr"' in page
    listing = client.get("/annonces/").content.decode()
    assert f'lang="fr">{offer.title}</a>' in listing
