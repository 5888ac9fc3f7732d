"""Links to the providers' logins: the login page's buttons, the Pro Santé Connect link of
other apps' pages; none for a provider the environment does not configure."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from tremplin.identity.models import IdentityProvider
from tremplin.identity.providers import configured_providers

register = template.Library()


@register.inclusion_tag("identity/_buttons.html")
def identity_buttons(next_url: str = "") -> dict:
    """A button per configured provider: none when the environment configures none."""
    buttons = []
    for provider in configured_providers():
        url = reverse("identity:start", args=[provider.slug])
        if next_url:
            url += "?" + urlencode({"next": next_url})
        buttons.append({"key": provider.key, "label": provider.label, "url": url})
    return {"buttons": buttons}


@register.simple_tag
def pro_sante_connect_start(next_url: str = "") -> str:
    """Where a Pro Santé Connect login starts, coming back to `next_url` (a logged-in user's
    login links the identity to their account); "" when Pro Santé Connect is not configured."""
    for provider in configured_providers():
        if provider.key == IdentityProvider.PRO_SANTE_CONNECT:
            url = reverse("identity:start", args=[provider.slug])
            return f"{url}?{urlencode({'next': next_url})}" if next_url else url
    return ""
