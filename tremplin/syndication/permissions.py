"""Who may see and change syndication: the one place that decides."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from tremplin.accounts.models import User
from tremplin.offers.models import Offer
from tremplin.organisations.models import Organisation
from tremplin.organisations.permissions import get_organisation_for_admin, require_moderator
from tremplin.syndication.models import Alert, ApiToken, Partner


def get_partner_for_moderator(user: User, pk: int) -> Partner:
    """Partners are the moderators' business: 403 for anyone else."""
    require_moderator(user)
    return get_object_or_404(Partner, pk=pk)


def get_offer_for_author(user: User, pk: int) -> Offer:
    """An offer whose channels its organisation's members (and moderators) may see."""
    offer = get_object_or_404(Offer.objects.select_related("organisation"), pk=pk)
    if user.is_moderator or offer.organisation.memberships.filter(user=user).exists():
        return offer
    raise PermissionDenied


def get_organisation_for_tokens(user: User, pk: int) -> Organisation:
    """API tokens are managed by the organisation's admins: 404 outsiders, 403 plain members."""
    organisation, _membership = get_organisation_for_admin(user, pk)
    return organisation


def get_token_for_admin(user: User, organisation_pk: int, pk: int) -> ApiToken:
    organisation = get_organisation_for_tokens(user, organisation_pk)
    return get_object_or_404(ApiToken, organisation=organisation, pk=pk)


def get_alert_by_token(token: str) -> Alert:
    """The link of an email is the capability: whoever holds it manages that alert."""
    alert = Alert.objects.filter(token=token).first() if token else None
    if alert is None:
        raise Http404
    return alert
