"""A partner's webhook address must lead to the public Internet: refused at registration, and
checked again at each send, connecting to the very address checked (no DNS rebinding)."""

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.syndication.factories import PartnerFactory
from tremplin.syndication import http
from tremplin.syndication.models import Partner

pytestmark = pytest.mark.django_db

PUBLIC = "93.184.215.14"


@pytest.fixture(autouse=True)
def guard_on(settings):
    settings.PARTNER_ALLOW_PRIVATE_HOSTS = False


@pytest.fixture
def dns(monkeypatch):
    """A fake DNS: name -> addresses (the conftest's default for others)."""
    table: dict[str, list[str]] = {}
    fallback = http.resolve

    def resolve(host, port):
        if host in table:
            return table[host]
        return fallback(host, port)

    monkeypatch.setattr(http, "resolve", resolve)
    return table


@pytest.fixture
def moderator(client):
    user = UserFactory(moderator=True)
    client.force_login(user)
    return user


def register(client, url):
    return client.post(
        reverse("syndication:partner_create"), {"name": "Emploi Santé Rural", "endpoint_url": url}
    )


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",  # loopback
        "::1",
        "10.0.0.5",  # private
        "172.16.3.4",
        "192.168.1.10",
        "169.254.169.254",  # link-local: the cloud metadata service
        "fe80::1",
        "224.0.0.1",  # multicast
        "240.0.0.1",  # reserved
        "0.0.0.0",  # unspecified
        "100.64.0.1",  # shared (CGNAT)
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "fc00::1",  # unique local
    ],
)
def test_a_non_public_address_is_not_public(address):
    assert not http.address_is_public(address)


@pytest.mark.parametrize("address", [PUBLIC, "2606:2800:21f:cb07:6820:80da:af6b:8b2c"])
def test_a_public_address_is_public(address):
    assert http.address_is_public(address)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/webhooks",
        "http://[::1]/webhooks",
        "http://169.254.169.254/latest/meta-data/",
        "http://192.168.1.10/webhooks",
    ],
)
def test_registering_a_local_or_private_address_is_refused_in_french(client, moderator, url):
    response = register(client, url)

    assert response.status_code == 400
    assert "Adresse de réception refusée" in response.text
    assert "n’est pas publique" in response.text
    assert not Partner.objects.exists()


def test_a_name_that_resolves_to_a_private_address_is_refused(client, moderator, dns):
    dns["interne.example.org"] = [PUBLIC, "10.1.2.3"]  # one bad address among good ones

    response = register(client, "https://interne.example.org/webhooks")

    assert response.status_code == 400
    assert "10.1.2.3" in response.text
    assert not Partner.objects.exists()


def test_a_name_that_does_not_resolve_is_refused(client, moderator, dns, monkeypatch):
    def nowhere(host, port):
        raise OSError("Name or service not known")

    monkeypatch.setattr(http, "resolve", nowhere)

    response = register(client, "https://faute-de-frappe.example.org/webhooks")

    assert response.status_code == 400
    assert "est introuvable (DNS)" in response.text


def test_a_public_name_is_registered(client, moderator, dns):
    dns["partenaire.example.org"] = [PUBLIC]

    response = register(client, "https://partenaire.example.org/webhooks")

    assert response.status_code == 302
    assert Partner.objects.get().endpoint_url == "https://partenaire.example.org/webhooks"


def test_the_setting_allows_a_receiver_on_the_private_network(client, moderator, settings):
    settings.PARTNER_ALLOW_PRIVATE_HOSTS = True

    response = register(client, "http://127.0.0.1:8123/webhooks")

    assert response.status_code == 302


def test_a_name_that_turns_private_after_registration_is_refused_at_send_time(dns):
    # DNS rebinding: public when registered, 127.0.0.1 when the webhook leaves.
    dns["rebind.example.org"] = [PUBLIC]
    partner = PartnerFactory(endpoint_url="http://rebind.example.org/webhooks")
    partner.full_clean()
    dns["rebind.example.org"] = ["127.0.0.1"]

    answer = http.post(partner.endpoint_url, body=b"{}", headers={})

    assert answer.status is None
    assert "envoi refusé" in answer.error
    assert "127.0.0.1" in answer.error


def test_the_connection_goes_to_the_address_checked_not_to_a_second_lookup(
    dns, receiver, monkeypatch, settings
):
    # The name is resolved once; if the connection looked it up again it would get
    # 10.9.9.9 (unreachable in the tests) instead of the receiver's address.
    settings.PARTNER_ALLOW_PRIVATE_HOSTS = True  # the receiver is on 127.0.0.1
    port = int(receiver.url.rsplit(":", 1)[1].split("/")[0])
    lookups = []

    def resolve_once(host, port):
        lookups.append(host)
        return ["127.0.0.1"] if len(lookups) == 1 else ["10.9.9.9"]

    monkeypatch.setattr(http, "resolve", resolve_once)

    answer = http.post(f"http://partenaire.test:{port}/webhooks", body=b"{}", headers={})

    assert answer.ok, answer.error
    assert lookups == ["partenaire.test"]
    assert receiver.received[0].headers["Host"] == f"partenaire.test:{port}"
