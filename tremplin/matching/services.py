"""Writes of the matching app: keeping and forgetting a user's criteria."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tremplin.accounts.models import User
from tremplin.matching.models import SavedSearch

MAX_SAVED_SEARCHES = 20


def saved_search_create(*, user: User, name: str, query: str) -> SavedSearch:
    """Keep `query` (the canonical query string of a valid matching form) under `name`."""
    if SavedSearch.objects.filter(user=user).count() >= MAX_SAVED_SEARCHES:
        raise ValidationError(
            _("Vous avez déjà %(count)s recherches enregistrées : supprimez-en une d’abord.")
            % {"count": MAX_SAVED_SEARCHES}
        )
    saved = SavedSearch(user=user, name=name.strip()[:100] or _("Ma recherche"), query=query)
    saved.full_clean()
    saved.save()
    return saved


def saved_search_delete(*, saved_search: SavedSearch, by: User) -> None:
    if saved_search.user_id != by.pk:
        raise ValidationError(_("Cette recherche ne vous appartient pas."))
    saved_search.delete()
