"""The footer pages written for this platform: each answers, each is linked from the footer,
and what they state matches the code (retention rules, the accessibility status)."""

import re

import pytest
from django.urls import reverse

from tremplin.applications.privacy import RETENTION

pytestmark = pytest.mark.django_db

FOOTER_PAGES = {
    "core:legal_notice": "Mentions légales",
    "core:personal_data": "Données personnelles",
    "core:accessibility": "Déclaration d’accessibilité",
    "core:terms": "Conditions d’utilisation",
    "core:site_map": "Plan du site",
}


def _footer(text: str) -> str:
    start = text.index('<footer class="fr-footer"')
    return text[start : text.index("</footer>", start)]


@pytest.mark.parametrize(("name", "heading"), FOOTER_PAGES.items())
def test_each_footer_page_answers_to_anyone(client, name, heading):
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in response.text


@pytest.mark.parametrize("name", FOOTER_PAGES)
def test_each_footer_page_is_linked_from_the_footer_of_every_page(client, name):
    for page in [reverse("core:home"), reverse("offers:search"), reverse(name)]:
        footer = _footer(client.get(page).text)
        assert f'href="{reverse(name)}"' in footer, page


def test_the_footer_states_the_accessibility_status_honestly(client):
    footer = _footer(client.get(reverse("core:home")).text)

    link = re.search(rf'href="{reverse("core:accessibility")}"[^>]*>([^<]+)<', footer)
    assert link is not None
    assert link.group(1) == "Accessibilité : non conforme"


def test_the_accessibility_statement_follows_the_rgaa_model(client):
    text = client.get(reverse("core:accessibility")).text

    compliance = text[text.index('data-testid="compliance"') :]
    assert "<strong>non conforme</strong>" in compliance
    assert "aucun audit" in compliance
    for heading in [
        "État de conformité",
        "Contenus non accessibles",
        "Retour d’information et contact",
        "Voies de recours",
    ]:
        assert f"<h2>{heading}</h2>" in text
    assert "Défenseur des droits" in text


def test_the_personal_data_page_gives_the_retention_the_code_applies(client, settings):
    settings.INVITATION_MAX_AGE = 14 * 24 * 3600
    text = client.get(reverse("core:personal_data")).text

    # applications.privacy anonymises two years after an offer closes.
    assert RETENTION.days == 2 * 365
    assert "Deux ans après la clôture de l’annonce" in text
    assert "une invitation n’est valable que 14 jours" in text
    assert reverse("platform:account_export") in text
    assert reverse("platform:account_delete") in text


def test_the_legal_pages_name_the_operator_when_it_is_configured(client, settings):
    settings.OPERATOR_NAME = "Région Nouvelle-Aquitaine"
    settings.OPERATOR_EMAIL = "tremplin@example.org"

    legal = client.get(reverse("core:legal_notice")).text
    accessibility = client.get(reverse("core:accessibility")).text

    assert "Région Nouvelle-Aquitaine" in legal
    assert 'href="mailto:tremplin@example.org"' in accessibility
    assert "Région Nouvelle-Aquitaine s’engage" in accessibility


def test_the_legal_pages_say_so_when_the_operator_is_not_configured(client, settings):
    settings.OPERATOR_NAME = ""

    legal = client.get(reverse("core:legal_notice")).text

    assert "Non renseigné par l’opérateur de cette instance" in legal
