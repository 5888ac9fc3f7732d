"""Who may see and change an organisation: the one place that decides."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from tremplin.accounts.models import User
from tremplin.organisations.models import (
    Invitation,
    Membership,
    MembershipRequest,
    MembershipRequestStatus,
    Organisation,
)


def membership_of(user: User, organisation: Organisation) -> Membership | None:
    return organisation.memberships.filter(user=user).first()


def get_organisation_for_member(user: User, pk: int) -> tuple[Organisation, Membership | None]:
    """An organisation its member (or a moderator) may see; 404 for anyone else."""
    organisation = get_object_or_404(Organisation, pk=pk)
    membership = membership_of(user, organisation)
    if membership is None and not user.is_moderator:
        raise Http404
    return organisation, membership


def get_organisation_for_admin(user: User, pk: int) -> tuple[Organisation, Membership]:
    """An organisation its admin may change: 404 for outsiders, 403 for plain members."""
    organisation, membership = get_organisation_for_member(user, pk)
    if membership is None:
        raise Http404
    if not membership.is_admin:
        raise PermissionDenied
    return organisation, membership


def get_membership_in(organisation: Organisation, pk: int) -> Membership:
    """A membership of an organisation the caller already administers (checked before)."""
    return get_object_or_404(
        Membership.objects.select_related("user"), organisation=organisation, pk=pk
    )


def get_membership_request_in(organisation: Organisation, pk: int) -> MembershipRequest:
    """A pending request to join an organisation the caller already administers."""
    return get_object_or_404(
        MembershipRequest.objects.select_related("user"),
        organisation=organisation,
        pk=pk,
        status=MembershipRequestStatus.PENDING,
    )


def get_invitation_for_invitee(user: User, pk: int) -> Invitation:
    from tremplin.organisations.selectors import invitations_pending_for

    for invitation in invitations_pending_for(user=user):
        if invitation.pk == pk:
            return invitation
    raise Http404


def require_moderator(user: User) -> None:
    if not user.is_moderator:
        raise PermissionDenied
