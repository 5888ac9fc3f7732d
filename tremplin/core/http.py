"""Request types for views, so that the type checker knows what the middleware guarantees."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """Any request: `HtmxMiddleware` adds `request.htmx` to every one."""

    htmx: HtmxDetails
