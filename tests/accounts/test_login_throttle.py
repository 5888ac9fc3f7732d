"""Login throttling at its exact limits: the failure that trips it, the one before, the window's
edge. The limits are set here to the defaults that tests/config/test_security_defaults.py pins
(the test process's environment could say otherwise)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tremplin.accounts import services
from tremplin.accounts.models import LoginAttempt

pytestmark = pytest.mark.django_db

PER_ACCOUNT, PER_IP, WINDOW = 5, 20, 15 * 60
THROTTLED = "Trop de tentatives de connexion infructueuses."


@pytest.fixture(autouse=True)
def _defaults(settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = PER_ACCOUNT
    settings.LOGIN_FAILURES_PER_IP = PER_IP
    settings.LOGIN_FAILURE_WINDOW = WINDOW


def fail(email: str = "karim@example.org", ip: str | None = "203.0.113.9", times: int = 1):
    for _ in range(times):
        services.login_record_failure(email=email, ip_address=ip)


def throttled(email: str = "karim@example.org", ip: str | None = "203.0.113.9") -> bool:
    return services.login_is_throttled(email=email, ip_address=ip)


def test_four_failures_of_an_account_leave_it_open_the_fifth_closes_it():
    fail(times=PER_ACCOUNT - 1)
    assert services.login_failures_since(email="karim@example.org", ip_address=None) == (4, 0)
    assert not throttled(ip=None)

    fail()

    assert throttled(ip=None)
    assert throttled(ip="198.51.100.1")  # from any address
    assert not throttled(email="lea@example.org", ip=None)  # another account is not


def test_an_account_is_counted_whatever_the_case_of_its_address():
    fail(email="Karim@Example.org", times=3)
    fail(email="KARIM@example.org", times=2)

    assert throttled(email="karim@Example.ORG", ip=None)
    assert LoginAttempt.objects.filter(email="karim@example.org").count() == 5


def test_nineteen_failures_from_an_address_leave_it_open_the_twentieth_closes_it():
    for n in range(PER_IP - 1):
        fail(email=f"inconnu{n}@example.org")
    assert services.login_failures_since(email="autre@example.org", ip_address="203.0.113.9") == (
        0,
        19,
    )
    assert not throttled(email="autre@example.org")

    fail(email="encore@example.org")

    assert throttled(email="autre@example.org")
    assert not throttled(email="autre@example.org", ip="198.51.100.1")


def test_failures_without_a_known_address_do_not_add_up_per_address():
    for n in range(PER_IP + 5):
        fail(email=f"inconnu{n}@example.org", ip=None)

    assert services.login_failures_since(email="autre@example.org", ip_address=None) == (0, 0)
    assert not throttled(email="autre@example.org", ip=None)


def age(seconds: float) -> None:
    LoginAttempt.objects.update(created_at=timezone.now() - timedelta(seconds=seconds))


def test_failures_count_for_15_minutes():
    fail(times=PER_ACCOUNT)
    age(WINDOW - 5)
    assert throttled()

    age(WINDOW + 5)
    assert not throttled()
    assert services.login_failures_since(email="karim@example.org", ip_address="203.0.113.9") == (
        0,
        0,
    )


def test_failures_older_than_a_day_are_deleted_at_the_next_failure():
    fail(email="ancien@example.org")
    LoginAttempt.objects.update(created_at=timezone.now() - timedelta(hours=25))
    fail(email="recent@example.org")
    LoginAttempt.objects.filter(email="recent@example.org").update(
        created_at=timezone.now() - timedelta(hours=23)
    )

    fail(email="karim@example.org")

    assert sorted(LoginAttempt.objects.values_list("email", flat=True)) == [
        "karim@example.org",
        "recent@example.org",
    ]


def test_clearing_forgets_one_account_only():
    fail(email="Karim@example.org", times=2)
    fail(email="lea@example.org")

    services.login_clear_failures(email="KARIM@example.org")

    assert list(LoginAttempt.objects.values_list("email", flat=True)) == ["lea@example.org"]


def login(client, email, password, **extra):
    return client.post(reverse("accounts:login"), {"email": email, "password": password}, **extra)


def test_the_sixth_attempt_is_refused_even_with_the_right_password(client):
    UserFactory(email="karim@example.org")
    for _ in range(PER_ACCOUNT - 1):
        login(client, "karim@example.org", "mauvais")

    # Four failures: the fifth attempt is still checked, and the right password lets in.
    assert login(client, "karim@example.org", DEFAULT_PASSWORD).status_code == 302
    client.logout()
    # Success clears the failures: five more to trip it again.
    for _ in range(PER_ACCOUNT):
        response = login(client, "karim@example.org", "mauvais")
        assert THROTTLED not in response.text

    sixth = login(client, "karim@example.org", DEFAULT_PASSWORD)

    assert THROTTLED in sixth.text
    assert "_auth_user_id" not in client.session
    assert LoginAttempt.objects.filter(email="karim@example.org").count() == PER_ACCOUNT
