"""A real OpenID Connect provider (oidc-provider-mock) on loopback, serving both Pro Santé
Connect and ProConnect for the tests, and the helpers to log in through it."""

import os
from collections.abc import Iterator
from urllib.parse import quote

import oidc_provider_mock
import pytest
import requests

from tremplin.core.validators import luhn_is_valid


def with_luhn_key(prefix: str) -> str:
    """`prefix` followed by the digit that makes it pass the Luhn check (RPPS, SIRET)."""
    for digit in "0123456789":
        if luhn_is_valid(prefix + digit):
            return prefix + digit
    raise AssertionError("unreachable")


RPPS = with_luhn_key("1000346103")
OTHER_RPPS = with_luhn_key("1000999999")
SIREN = with_luhn_key("21870085")  # a commune's SIREN shape: 9 digits


def siret_of(siren: str, establishment: str = "0001") -> str:
    # The SIRET's key covers its 14 digits: choose the last one.
    return with_luhn_key(siren + establishment)


SIRET = siret_of(SIREN)


def psc_claims(
    *,
    rpps: str = RPPS,
    email: str | None = "camille.durand@example.org",
    exercices: list[dict] | None = None,
) -> dict:
    claims: dict = {
        "SubjectNameID": "8" + rpps,
        "given_name": "Camille",
        "family_name": "Durand",
        "SubjectRefPro": {
            "exercices": exercices
            if exercices is not None
            else [{"codeProfession": "10", "codeSavoirFaire": "SM54"}]
        },
    }
    if email is not None:
        claims["email"] = email
    return claims


def proconnect_claims(*, siret: str = SIRET, email: str = "agent@mairie.example.org") -> dict:
    return {"email": email, "given_name": "Dominique", "usual_name": "Martin", "siret": siret}


@pytest.fixture(scope="session")
def oidc_server() -> Iterator[str]:
    # The mock (a Flask app on authlib) refuses plain HTTP without this; loopback only.
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    with oidc_provider_mock.run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def providers(settings: object, oidc_server: str) -> str:
    # The mock returns the standard claims (given_name, family_name, email) only for the
    # standard scopes (profile, email); the real providers send them for their own scopes
    # (`scope_all` at Pro Santé Connect, one scope per claim at ProConnect): the tests add the
    # standard scopes to the providers' own.
    discovery = f"{oidc_server}/.well-known/openid-configuration"
    settings.IDENTITY_PROVIDERS = {  # type: ignore[attr-defined]
        "pro_sante_connect": {
            "client_id": "tremplin-psc",
            "client_secret": "secret-psc",
            "discovery_url": discovery,
            "scopes": "openid scope_all profile email",
        },
        "proconnect": {
            "client_id": "tremplin-proconnect",
            "client_secret": "secret-proconnect",
            "discovery_url": discovery,
            "scopes": "openid given_name usual_name email siret profile",
        },
    }
    return oidc_server


def set_user(server: str, sub: str, claims: dict) -> None:
    response = requests.put(f"{server}/users/{quote(sub, safe='')}", json=claims, timeout=5)
    assert response.status_code == 204, response.text


def authorize_at_provider(location: str, sub: str) -> str:
    """What the person does on the provider's form: authorise as `sub`; returns the callback
    URL the provider sends the browser to."""
    response = requests.post(location, data={"sub": sub}, allow_redirects=False, timeout=5)
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def start_login(client: object, slug: str) -> str:
    response = client.get(f"/identite/{slug}/connexion/")  # type: ignore[attr-defined]
    assert response.status_code == 302, response.content
    return response["Location"]


def provider_login(client: object, server: str, slug: str, sub: str, claims: dict) -> object:
    """A whole login: start at Tremplin, authorise at the provider, back to the callback,
    redirects followed."""
    set_user(server, sub, claims)
    callback = authorize_at_provider(start_login(client, slug), sub)
    return client.get(callback.removeprefix("http://testserver"), follow=True)  # type: ignore[attr-defined]
