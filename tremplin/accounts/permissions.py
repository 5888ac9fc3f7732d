"""Who may do what on accounts: the one place that decides."""

from django.contrib.auth.models import AnonymousUser

from tremplin.accounts.models import User


def is_moderator(user: User | AnonymousUser) -> bool:
    return bool(getattr(user, "is_moderator", False))
