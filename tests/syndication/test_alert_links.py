"""The alerts page is reached by links, not by a typed address (PRODUCT.md: a step that needs
a typed URL is a missing link)."""

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_account_page_links_to_my_alerts(client):
    client.force_login(UserFactory())

    html = client.get(reverse("accounts:profile")).text

    assert f'href="{reverse("syndication:alerts")}">Mes alertes</a>' in html


def test_a_signed_in_search_links_to_my_alerts_and_an_anonymous_one_does_not(client):
    link = f'href="{reverse("syndication:alerts")}">Voir mes alertes</a>'
    assert link not in client.get(reverse("offers:search")).text

    client.force_login(UserFactory())

    assert link in client.get(reverse("offers:search")).text
