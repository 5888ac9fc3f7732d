import re

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_resets_a_forgotten_password_and_confirms_the_address(client, mailoutbox):
    user = UserFactory(unconfirmed=True, email="martin@example.org")

    client.post(reverse("accounts:password_reset"), {"email": "martin@example.org"})

    assert len(mailoutbox) == 1
    link = re.search(r"https?://[^/]+(/compte/mot-de-passe/nouveau/\S+/)", mailoutbox[0].body)
    assert link, mailoutbox[0].body
    form_page = client.get(link.group(1), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "succession-creuse-2027", "new_password2": "succession-creuse-2027"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("succession-creuse-2027")
    assert user.email_confirmed


def test_it_sends_nothing_for_an_unknown_address_but_says_the_same(client, mailoutbox):
    response = client.post(
        reverse("accounts:password_reset"), {"email": "personne@example.org"}, follow=True
    )

    assert "Si un compte existe pour cette adresse" in response.text
    assert mailoutbox == []


def test_it_refuses_a_used_reset_link(client):
    response = client.get(
        reverse("accounts:password_reset_confirm", kwargs={"uidb64": "MQ", "token": "faux-jeton"})
    )

    assert "Ce lien a expiré ou a déjà servi" in response.text
