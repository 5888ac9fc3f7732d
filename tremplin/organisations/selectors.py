"""Reads on organisations that pages of other apps may compose."""

from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.db.models.expressions import BaseExpression
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


def memberships_of(
    *, user: User, annotations: dict[str, BaseExpression] | None = None
) -> list[Membership]:
    """The user's memberships with their organisation, by organisation name, in one query (the
    header menu reads it on every page); `annotations` adds per-membership figures that a
    higher domain computes, such as what waits for the organisation."""
    return list(
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .annotate(**(annotations or {}))
        .order_by("organisation__name", "organisation_id")
    )


def organisations_to_moderate() -> QuerySet[Organisation]:
    """Organisations waiting for verification (the queue at /organisations/moderation/)."""
    return Organisation.objects.pending()
