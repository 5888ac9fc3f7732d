import pytest
from django.urls import reverse

from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tremplin.accounts.models import LoginAttempt

pytestmark = pytest.mark.django_db


def login(client, email, password, **extra):
    return client.post(reverse("accounts:login"), {"email": email, "password": password}, **extra)


def test_it_logs_in_with_email_and_password(client):
    user = UserFactory(email="karim@example.org")

    response = login(client, "Karim@Example.org", DEFAULT_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_it_says_which_part_is_wrong_without_revealing_accounts(client):
    UserFactory(email="karim@example.org")

    response = login(client, "karim@example.org", "pas-le-bon")

    assert "Adresse e-mail ou mot de passe incorrect" in response.text
    assert 'value="karim@example.org"' in response.text
    assert "_auth_user_id" not in client.session
    assert LoginAttempt.objects.filter(email="karim@example.org").count() == 1


def test_it_throttles_an_account_after_repeated_failures(client, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    UserFactory(email="karim@example.org")
    for _ in range(3):
        login(client, "karim@example.org", "mauvais")

    # Even the right password is refused while the account is throttled.
    response = login(client, "karim@example.org", DEFAULT_PASSWORD)

    assert "Trop de tentatives de connexion" in response.text
    assert "_auth_user_id" not in client.session


def test_it_throttles_an_address_trying_many_accounts(client, settings):
    settings.LOGIN_FAILURES_PER_IP = 4
    victim = UserFactory()
    for n in range(4):
        login(client, f"inconnu{n}@example.org", "devine", REMOTE_ADDR="203.0.113.9")

    blocked = login(client, victim.email, DEFAULT_PASSWORD, REMOTE_ADDR="203.0.113.9")
    other_ip = login(client, victim.email, DEFAULT_PASSWORD, REMOTE_ADDR="198.51.100.1")

    assert "Trop de tentatives" in blocked.text
    assert other_ip.status_code == 302


def test_it_forgets_failures_once_the_window_has_passed(client, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    UserFactory(email="karim@example.org")
    for _ in range(2):
        login(client, "karim@example.org", "mauvais")
    settings.LOGIN_FAILURE_WINDOW = 0

    assert login(client, "karim@example.org", DEFAULT_PASSWORD).status_code == 302


def test_it_follows_a_local_next_but_not_an_external_one(client):
    user = UserFactory()
    response = client.post(
        reverse("accounts:login"),
        {"email": user.email, "password": DEFAULT_PASSWORD, "next": "/organisations/"},
    )
    assert response["Location"] == "/organisations/"

    client.logout()
    response = client.post(
        reverse("accounts:login"),
        {"email": user.email, "password": DEFAULT_PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("accounts:profile")


def test_it_logs_out_on_post_only(client):
    client.force_login(UserFactory())

    assert client.get(reverse("accounts:logout")).status_code == 405
    assert "_auth_user_id" in client.session
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session
