from urllib.parse import urlencode

from django import template
from django.urls import reverse

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
