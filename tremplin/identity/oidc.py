"""The OpenID Connect exchange with a provider, through authlib: the redirect to the provider,
then the callback (state, code exchange with the PKCE verifier, ID token checked: signature
against the provider's keys, issuer, audience, expiry, nonce), then the userinfo endpoint,
answered as JSON or as a signed JWT (Pro Santé Connect, ProConnect)."""

import secrets
from typing import Any
from urllib.parse import urlencode

import requests
from authlib.integrations.base_client.errors import OAuthError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from tremplin.accounts.views import PROVIDER_LOGOUT_SESSION_KEY, PROVIDER_LOGOUT_STATE_SESSION_KEY
from tremplin.identity.providers import Provider, oauth_client

# What accounts' logout reads: where to end the provider's session too, and the state that
# comes back.
LOGOUT_SESSION_KEY = PROVIDER_LOGOUT_SESSION_KEY
LOGOUT_STATE_SESSION_KEY = PROVIDER_LOGOUT_STATE_SESSION_KEY


class ProviderUnavailable(Exception):
    """The provider did not answer (discovery, keys, token or userinfo endpoint)."""


class ExchangeRefused(Exception):
    """The callback is not a valid answer to a login started here: wrong or replayed state,
    an ID token badly signed, expired, for another client or another nonce."""


def _callback_url(request: HttpRequest, provider: Provider) -> str:
    return request.build_absolute_uri(reverse("identity:callback", args=[provider.slug]))


def login_redirect(request: HttpRequest, provider: Provider) -> HttpResponse:
    client = oauth_client(provider)
    extra: dict[str, str] = {}
    if provider.key == "pro_sante_connect":
        # Pro Santé Connect asks for the level of assurance (CPS card or e-CPS app).
        extra["acr_values"] = "eidas1"
    try:
        return client.authorize_redirect(request, _callback_url(request, provider), **extra)
    except (requests.RequestException, ValueError, KeyError) as error:
        raise ProviderUnavailable(str(error)) from error


def _userinfo(client: Any, token: dict) -> dict:
    metadata = client.load_server_metadata()
    response = client.get(metadata["userinfo_endpoint"], token=token)
    response.raise_for_status()
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
    if content_type == "application/jwt":
        key_set = KeySet.import_key_set(client.fetch_jwk_set())
        algorithms = metadata.get("userinfo_signing_alg_values_supported") or None
        decoded = jwt.decode(response.text.strip(), key_set, algorithms=algorithms)
        return dict(decoded.claims)
    data = response.json()
    if not isinstance(data, dict):
        raise ValueError("userinfo is not an object")
    return data


def login_complete(request: HttpRequest, provider: Provider) -> dict:
    """The provider's claims about the person (ID token then userinfo), once every check passed.

    Also keeps, in the session only, what the logout at the provider will need."""
    client = oauth_client(provider)
    try:
        token = client.authorize_access_token(request)
        id_claims = token.get("userinfo")
        if not id_claims or not id_claims.get("sub"):
            raise ExchangeRefused("no ID token")
        claims = _userinfo(client, token)
        end_session_endpoint = client.load_server_metadata().get("end_session_endpoint")
    except requests.RequestException as error:
        raise ProviderUnavailable(str(error)) from error
    except (OAuthError, JoseError, ValueError, KeyError) as error:
        raise ExchangeRefused(repr(error)) from error
    if claims.get("sub") != id_claims["sub"]:
        raise ExchangeRefused("userinfo is about another subject")
    # The ID token says who logged in; userinfo adds the claims it may leave out.
    merged = {**dict(id_claims), **claims}
    if end_session_endpoint:
        merged["_end_session"] = {
            "endpoint": end_session_endpoint,
            "id_token": token["id_token"],
            "provider": provider.key,
        }
    return merged


def logout_url_remember(request: HttpRequest, end_session: dict | None) -> None:
    """After the login (the session was cycled by `login`): the URL that ends the provider's
    session, with the ID token as hint and a state checked on the way back."""
    if not end_session:
        request.session.pop(LOGOUT_SESSION_KEY, None)
        return
    state = secrets.token_urlsafe(24)
    query = urlencode(
        {
            "id_token_hint": end_session["id_token"],
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("identity:logged_out")),
            "state": state,
        }
    )
    separator = "&" if "?" in end_session["endpoint"] else "?"
    request.session[LOGOUT_SESSION_KEY] = {
        "url": f"{end_session['endpoint']}{separator}{query}",
        "state": state,
        "provider": end_session["provider"],
    }
