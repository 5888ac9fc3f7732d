"""Who may use a saved search: the one place that decides."""

from django.shortcuts import get_object_or_404

from tremplin.accounts.models import User
from tremplin.matching.models import SavedSearch


def get_saved_search_for_owner(user: User, pk: int) -> SavedSearch:
    """A saved search of `user`; 404 for anyone else's (its existence is nobody's business)."""
    return get_object_or_404(SavedSearch, pk=pk, user=user)
