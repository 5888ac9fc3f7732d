"""Who may do what on accounts: the one place that decides."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from tremplin.accounts.models import User


def is_moderator(user: User | AnonymousUser) -> bool:
    return bool(getattr(user, "is_moderator", False))


def redirect_to_professional_profile(request: HttpRequest, *, message: str) -> HttpResponse | None:
    """For pages reserved to professionals: None when the user has a professional profile,
    otherwise a redirect to the profile form (back here once it is saved), with `message`."""
    if hasattr(request.user, "professional_profile"):
        return None
    messages.info(request, message)
    return redirect(f"{reverse('accounts:profile')}?{urlencode({'next': request.path})}")
