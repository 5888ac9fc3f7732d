"""Who may see and change an offer: the one place that decides."""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from tremplin.accounts.models import User
from tremplin.offers.models import Offer
from tremplin.organisations.models import Organisation


def get_offer_for_editor(user: User, pk: int) -> Offer:
    """An offer a member of its organisation may edit; 403 for members of other organisations,
    404 when it does not exist."""
    offer = get_object_or_404(Offer.objects.select_related("organisation", "commune"), pk=pk)
    if not offer.organisation.memberships.filter(user=user).exists():
        raise PermissionDenied
    return offer


def get_offer_for_reader(user: User | AnonymousUser, pk: int) -> Offer:
    """A published offer for anyone; other statuses for its organisation and moderators."""
    offer = get_object_or_404(
        Offer.objects.select_related("organisation", "commune__departement", "commune__region"),
        pk=pk,
    )
    if offer.is_public:
        return offer
    if user.is_authenticated and (
        user.is_moderator or offer.organisation.memberships.filter(user=user).exists()
    ):
        return offer
    raise Http404


def health_organisations_of(user: User) -> list[Organisation]:
    return list(Organisation.objects.health().of_user(user).order_by("name"))


def get_health_organisation_for_member(user: User, pk: int) -> Organisation:
    organisation = get_object_or_404(Organisation.objects.health(), pk=pk)
    if not organisation.memberships.filter(user=user).exists():
        raise PermissionDenied
    return organisation
