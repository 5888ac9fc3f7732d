"""Request types for views, so that the type checker knows what the middleware guarantees."""

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    # core sits below accounts: the import is for the type checker only.
    from tremplin.accounts.models import User


class HtmxHttpRequest(HttpRequest):
    """Any request: `HtmxMiddleware` adds `request.htmx` to every one."""

    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """A request to a view behind `LoginRequiredMiddleware` (every view not `@login_not_required`)."""

    user: "User"
