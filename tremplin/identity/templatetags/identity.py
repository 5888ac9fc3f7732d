"""Links to a provider's login from other apps' pages, when the provider is configured."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from tremplin.identity.models import IdentityProvider
from tremplin.identity.providers import configured_providers

register = template.Library()


@register.simple_tag
def pro_sante_connect_start(next_url: str = "") -> str:
    """Where a Pro Santé Connect login starts, coming back to `next_url` (a logged-in user's
    login links the identity to their account); "" when Pro Santé Connect is not configured."""
    for provider in configured_providers():
        if provider.key == IdentityProvider.PRO_SANTE_CONNECT:
            url = reverse("identity:start", kwargs={"slug": provider.slug})
            return f"{url}?{urlencode({'next': next_url})}" if next_url else url
    return ""
