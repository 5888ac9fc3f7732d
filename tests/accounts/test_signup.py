import re
import time

import pytest
from django.core import signing
from django.urls import reverse

from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tremplin.accounts.models import User
from tremplin.accounts.services import CONFIRMATION_SALT

pytestmark = pytest.mark.django_db

SIGNUP = {
    "first_name": "Léa",
    "last_name": "Durand",
    "email": "Lea.Durand@Example.org",
    "password1": "randonnee-creuse-2026",
    "password2": "randonnee-creuse-2026",
}


def confirmation_link(mail) -> str:
    match = re.search(r"http://\S+/compte/confirmer/\S+/", mail.body)
    assert match, mail.body
    return match.group(0).removeprefix("http://127.0.0.1:8000")


def test_it_creates_an_unconfirmed_account_and_mails_a_link(client, mailoutbox):
    response = client.post(reverse("accounts:signup"), SIGNUP)

    assert response.status_code == 200
    assert "Vérifiez votre messagerie" in response.text
    user = User.objects.get()
    assert user.email == "lea.durand@example.org"
    assert not user.email_confirmed
    assert user.check_password("randonnee-creuse-2026")
    assert [m.to for m in mailoutbox] == [["lea.durand@example.org"]]
    assert "Confirmez votre adresse" in mailoutbox[0].subject


def test_it_confirms_the_address_from_the_link(client, mailoutbox):
    client.post(reverse("accounts:signup"), SIGNUP)

    response = client.get(confirmation_link(mailoutbox[0]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("accounts:login")
    assert "est confirmée" in response.text
    assert User.objects.get().email_confirmed


def page_without_tokens(response) -> str:
    # The CSRF token of the footer's language form and the scripts' nonce differ from one
    # response to the next.
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.text)
    return re.sub(r'nonce="[^"]+"', "", text)


def test_an_existing_address_gets_the_same_page_as_a_new_one_and_its_owner_an_email(
    client, mailoutbox
):
    owner = UserFactory(email="lea.durand@example.org", first_name="Léa")
    password_before = owner.password
    new = client.post(reverse("accounts:signup"), {**SIGNUP, "email": "nouvelle@example.org"})
    mailoutbox.clear()

    taken = client.post(reverse("accounts:signup"), SIGNUP)  # Lea.Durand@Example.org: any case

    assert taken.status_code == new.status_code == 200
    assert page_without_tokens(taken) == page_without_tokens(new).replace(
        "nouvelle@example.org", "lea.durand@example.org"
    )
    assert "Un compte existe déjà" not in taken.text
    assert User.objects.filter(email__iexact="lea.durand@example.org").count() == 1
    owner.refresh_from_db()
    assert owner.password == password_before  # nothing of the account changed
    [mail] = mailoutbox
    assert mail.to == ["lea.durand@example.org"]
    assert "Tentative de création de compte" in mail.subject
    assert "Quelqu’un a tenté de créer un compte Tremplin avec votre adresse" in mail.body
    assert "/compte/mot-de-passe/oubli/" in mail.body
    assert "confirmer" not in mail.body  # no confirmation link for someone else's attempt


def test_the_owner_of_an_unconfirmed_account_is_offered_a_new_confirmation_link(client, mailoutbox):
    UserFactory(email="lea.durand@example.org", unconfirmed=True)

    client.post(reverse("accounts:signup"), SIGNUP)

    [mail] = mailoutbox
    assert "Votre adresse n’est pas encore confirmée" in mail.body
    assert "/compte/confirmer-a-nouveau/" in mail.body


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("court", "trop court"),
        ("12345678901234", "entièrement numérique"),
        ("motdepasse", "trop courant"),
    ],
)
def test_it_refuses_a_weak_password_in_french(client, password, message):
    data = {**SIGNUP, "password1": password, "password2": password}

    response = client.post(reverse("accounts:signup"), data)

    assert message in response.text
    assert not User.objects.exists()


def test_it_refuses_two_different_passwords(client):
    response = client.post(reverse("accounts:signup"), {**SIGNUP, "password2": "autre-chose-2026"})

    assert "Les deux mots de passe ne sont pas identiques" in response.text
    assert not User.objects.exists()


def test_it_explains_an_expired_confirmation_link(client, monkeypatch, settings):
    user = UserFactory(unconfirmed=True)
    old = time.time() - settings.EMAIL_CONFIRMATION_MAX_AGE - 60
    monkeypatch.setattr(time, "time", lambda: old)
    token = signing.dumps({"user": user.pk, "email": user.email}, salt=CONFIRMATION_SALT)
    monkeypatch.undo()

    response = client.get(reverse("accounts:confirm", kwargs={"token": token}))

    assert response.status_code == 400
    assert "Ce lien de confirmation a expiré" in response.text
    user.refresh_from_db()
    assert not user.email_confirmed


def test_it_refuses_a_forged_confirmation_link(client):
    user = UserFactory(unconfirmed=True)
    token = signing.dumps({"user": user.pk, "email": user.email}, salt="another-salt")

    response = client.get(reverse("accounts:confirm", kwargs={"token": token}))

    assert response.status_code == 400
    assert "n’est pas valide" in response.text
    user.refresh_from_db()
    assert not user.email_confirmed


def test_it_refuses_a_link_sent_to_a_previous_address(client):
    user = UserFactory(unconfirmed=True, email="ancienne@example.org")
    token = signing.dumps({"user": user.pk, "email": user.email}, salt=CONFIRMATION_SALT)
    user.email = "nouvelle@example.org"
    user.save()

    response = client.get(reverse("accounts:confirm", kwargs={"token": token}))

    assert response.status_code == 400
    assert "n’est pas valide" in response.text
    user.refresh_from_db()
    assert not user.email_confirmed
    assert user.email == "nouvelle@example.org"


def test_it_keeps_an_unconfirmed_person_out_and_offers_a_new_link(client, mailoutbox):
    user = UserFactory(unconfirmed=True)

    response = client.post(
        reverse("accounts:login"), {"email": user.email, "password": DEFAULT_PASSWORD}
    )

    assert "Confirmez d’abord votre adresse" in response.text
    assert "_auth_user_id" not in client.session

    client.post(reverse("accounts:resend_confirmation"), {"email": user.email})
    assert len(mailoutbox) == 1
    client.get(confirmation_link(mailoutbox[0]))
    user.refresh_from_db()
    assert user.email_confirmed


def test_it_does_not_reveal_whether_an_address_has_an_account(client, mailoutbox):
    response = client.post(
        reverse("accounts:resend_confirmation"), {"email": "inconnu@example.org"}, follow=True
    )

    assert "Si un compte non confirmé existe" in response.text
    assert mailoutbox == []
