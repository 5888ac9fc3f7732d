"""The request type of views behind the login requirement (accounts owns the `User`)."""

from tremplin.accounts.models import User
from tremplin.core.http import HtmxHttpRequest


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """A request to a view behind `LoginRequiredMiddleware` (every view not `@login_not_required`)."""

    user: User
