"""The ID token is checked by authlib, not trusted: these tests hand it tokens crafted here.

The provider is the real mock on loopback (discovery, authorize, userinfo), but authlib's
token fetch is replaced to return an ID token signed by a key made here, and the provider's
published keys (`fetch_jwk_set`) are replaced by that key's public part, so that a token can
be well signed yet expired or for another nonce, or signed by a key the provider never
published. The verification itself is authlib's, unchanged."""

import time

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from tests.identity.conftest import authorize_at_provider, psc_claims, set_user, start_login
from tremplin.accounts.models import User
from tremplin.identity.providers import configured_providers, oauth_client

pytestmark = pytest.mark.django_db
SLUG = "pro-sante-connect"
PROVIDER_KEY = RSAKey.generate_key(2048, parameters={"kid": "provider", "alg": "RS256"})
FOREIGN_KEY = RSAKey.generate_key(2048, parameters={"kid": "provider", "alg": "RS256"})


def _nonce_in_session(client: object) -> str:
    for key, value in client.session.items():  # type: ignore[attr-defined]
        if key.startswith("_state_pro_sante_connect_"):
            return value["data"]["nonce"]
    raise AssertionError("no login under way")


def _login_with(client, providers, monkeypatch, **overrides):
    sub = "psc-crafted"
    set_user(providers, sub, psc_claims(email="crafted@example.org"))
    callback = authorize_at_provider(start_login(client, SLUG), sub)
    provider = next(p for p in configured_providers() if p.slug == SLUG)
    oauth = oauth_client(provider)
    now = int(time.time())
    claims = {
        "iss": oauth.load_server_metadata()["issuer"],
        "aud": provider.client_id,
        "sub": sub,
        "iat": now,
        "exp": now + 300,
        "nonce": _nonce_in_session(client),
        **overrides.pop("claims", {}),
    }
    key = overrides.pop("key", PROVIDER_KEY)
    id_token = jwt.encode({"alg": "RS256", "kid": "provider"}, claims, key)
    real_fetch = oauth.fetch_access_token

    def fetch_access_token(**params: object) -> dict:
        # The real exchange runs (the code is spent at the provider); its ID token is replaced.
        token = real_fetch(**params)
        return {**token, "id_token": id_token}

    monkeypatch.setattr(oauth, "fetch_access_token", fetch_access_token)
    monkeypatch.setattr(
        oauth,
        "fetch_jwk_set",
        lambda force=False: KeySet([PROVIDER_KEY]).as_dict(private=False),
    )
    return client.get(callback.removeprefix("http://testserver"), follow=True)


def _refused(response: object) -> bool:
    texts = [str(m) for m in response.context["messages"]]  # type: ignore[attr-defined]
    return any("n’a pas abouti" in text for text in texts)


def test_a_well_signed_token_for_this_login_passes(client, providers, monkeypatch):
    # The control: the harness itself lets a good token through.
    response = _login_with(client, providers, monkeypatch)
    assert response.templates[0].name == "identity/complete.html"


def test_a_token_for_another_nonce_is_refused(client, providers, monkeypatch):
    response = _login_with(client, providers, monkeypatch, claims={"nonce": "another-login"})
    assert _refused(response)
    assert not response.wsgi_request.user.is_authenticated


def test_an_expired_token_is_refused(client, providers, monkeypatch):
    past = int(time.time()) - 3600
    response = _login_with(client, providers, monkeypatch, claims={"iat": past, "exp": past + 60})
    assert _refused(response)


def test_a_token_for_another_client_is_refused(client, providers, monkeypatch):
    response = _login_with(client, providers, monkeypatch, claims={"aud": "someone-else"})
    assert _refused(response)


def test_a_token_from_another_issuer_is_refused(client, providers, monkeypatch):
    response = _login_with(client, providers, monkeypatch, claims={"iss": "https://evil.example"})
    assert _refused(response)


def test_a_token_signed_by_a_key_the_provider_never_published_is_refused(
    client, providers, monkeypatch
):
    response = _login_with(client, providers, monkeypatch, key=FOREIGN_KEY)
    assert _refused(response)
    assert User.objects.count() == 0
