"""A refused or missing page says so in French, inside the site's layout (Django's own pages are
English and bare)."""

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_missing_page_says_so_in_french(client):
    response = client.get("/nulle-part/")

    assert response.status_code == 404
    assert "<h1>Page introuvable</h1>" in response.text
    assert 'class="fr-header"' in response.text
    assert "Not Found" not in response.text


def test_a_refused_page_says_why_in_french(client):
    client.force_login(UserFactory())

    response = client.get(reverse("offers:moderation"))

    assert response.status_code == 403
    assert "<h1>Accès refusé</h1>" in response.text
    assert "Votre compte ne permet pas d’ouvrir cette page" in response.text
    assert "Forbidden" not in response.text


def test_the_error_pages_follow_the_english_switch(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    response = client.get("/nulle-part/")

    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.text
