"""Reads on organisations that pages of other apps may compose."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from tremplin.accounts.models import User
from tremplin.organisations.models import Invitation, Membership, Organisation


def invitations_pending_for(*, user: User) -> list[Invitation]:
    """Invitations addressed to the user's confirmed email that are still valid."""
    if not user.email_confirmed:
        return []
    since = timezone.now() - timedelta(seconds=settings.INVITATION_MAX_AGE)
    return list(
        Invitation.objects.filter(
            email__iexact=user.email, accepted_at__isnull=True, created_at__gte=since
        ).select_related("organisation", "invited_by")
    )


def memberships_of(*, user: User) -> list[Membership]:
    """The user's memberships with their organisation, by organisation name: one query (the
    header menu and « Mon espace » read it on every page)."""
    return list(
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name", "organisation_id")
    )


def organisations_to_moderate_count() -> int:
    """Organisations waiting for verification (the queue at /organisations/moderation/)."""
    return Organisation.objects.pending().count()
