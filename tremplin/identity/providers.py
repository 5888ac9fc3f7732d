"""The OpenID Connect providers, configured from the environment only (config/settings.py).

A provider without a client id, a secret and a discovery URL does not exist for Tremplin: no
button, its pages answer 404. The OpenID Connect client is authlib's: the authorization code
flow with PKCE (S256), a state and a nonce, the ID token's signature checked against the
provider's published keys, its issuer, audience and expiry checked (docs/identity.md).
"""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.http import Http404

from tremplin.identity.models import IdentityProvider

# Provider key (stored in ProviderAccount.provider) → the piece of its URLs.
SLUGS = {
    IdentityProvider.PRO_SANTE_CONNECT: "pro-sante-connect",
    IdentityProvider.PROCONNECT: "proconnect",
}


@dataclass(frozen=True)
class Provider:
    key: str
    client_id: str
    client_secret: str
    discovery_url: str
    scopes: str

    @property
    def slug(self) -> str:
        return SLUGS[IdentityProvider(self.key)]

    @property
    def label(self) -> str:
        return str(IdentityProvider(self.key).label)


def configured_providers() -> list[Provider]:
    """The providers whose three settings are all given, in a fixed order."""
    found = []
    for key in SLUGS:
        config = settings.IDENTITY_PROVIDERS.get(key.value, {})
        if config.get("client_id") and config.get("client_secret") and config.get("discovery_url"):
            found.append(
                Provider(
                    key=key.value,
                    client_id=config["client_id"],
                    client_secret=config["client_secret"],
                    discovery_url=config["discovery_url"],
                    scopes=config.get("scopes") or "openid",
                )
            )
    return found


def provider_by_slug(slug: str) -> Provider:
    for provider in configured_providers():
        if provider.slug == slug:
            return provider
    raise Http404


@lru_cache(maxsize=16)
def _client_for(provider: Provider) -> Any:
    # One registry per configuration: settings changed (tests, a new secret) get a new client,
    # whose provider metadata is fetched again on first use.
    registry = OAuth()
    return registry.register(
        name=provider.key,
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        server_metadata_url=provider.discovery_url,
        client_kwargs={
            "scope": provider.scopes,
            "code_challenge_method": "S256",
            "timeout": settings.IDENTITY_HTTP_TIMEOUT,
        },
    )


def oauth_client(provider: Provider) -> Any:
    """authlib's Django client for the provider (typed Any: authlib ships no types)."""
    return _client_for(provider)
