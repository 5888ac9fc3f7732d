"""Who may change a collectivité's welcome, decide a booking or a support, see a stay."""

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.shortcuts import get_object_or_404

from tremplin.accounts.models import User
from tremplin.hosting.models import Activity, Booking, Housing, OfferSupport, Stay
from tremplin.organisations.models import Organisation


def is_agent(user: User | AnonymousUser, organisation: Organisation) -> bool:
    return user.is_authenticated and organisation.memberships.filter(user=user).exists()


def get_collectivity_for_agent(user: User, pk: int) -> Organisation:
    """A collectivité its agent may edit; 404 for everyone else (an agent of commune A asking
    for commune B included)."""
    organisation = get_object_or_404(Organisation.objects.collectivities(), pk=pk)
    if not is_agent(user, organisation):
        raise Http404
    return organisation


def get_housing_for_agent(
    user: User, pk: int, *, organisation: Organisation | None = None
) -> Housing:
    """A housing its collectivité's agent may edit; with `organisation`, it must also belong to
    that collectivité (an agent of two collectivités editing one's housing from the other's
    page gets a 404)."""
    housing = get_object_or_404(Housing.objects.select_related("organisation", "commune"), pk=pk)
    if not is_agent(user, housing.organisation):
        raise Http404
    if organisation is not None and housing.organisation_id != organisation.pk:
        raise Http404
    return housing


def get_activity_for_agent(
    user: User, pk: int, *, organisation: Organisation | None = None
) -> Activity:
    """An activity its collectivité's agent may edit (same rule as housings)."""
    activity = get_object_or_404(Activity.objects.select_related("organisation"), pk=pk)
    if not is_agent(user, activity.organisation):
        raise Http404
    if organisation is not None and activity.organisation_id != organisation.pk:
        raise Http404
    return activity


def get_booking_for_agent(user: User, pk: int) -> Booking:
    booking = get_object_or_404(
        Booking.objects.select_related("housing__organisation", "professional"), pk=pk
    )
    if not is_agent(user, booking.housing.organisation):
        raise Http404
    return booking


def get_support_for_decider(user: User, pk: int) -> OfferSupport:
    """A support the user may decide: the health organisation for a proposal, the collectivité
    for a request."""
    support = get_object_or_404(
        OfferSupport.objects.select_related("offer__organisation", "collectivity"), pk=pk
    )
    deciding = support.offer.organisation if support.status == "proposed" else support.collectivity
    if not is_agent(user, deciding):
        raise Http404
    return support


def get_stay_for_professional(user: User, pk: int) -> Stay:
    stay = get_object_or_404(
        Stay.objects.select_related("collectivity", "offer__commune"), pk=pk, professional=user
    )
    return stay


def get_organisation_for_member(user: User, pk: int) -> Organisation:
    """A health organisation or a collectivité whose results (the funnel) its members may
    read; 404 for everyone else, members of other organisations included."""
    organisation = get_object_or_404(Organisation, pk=pk)
    if not is_agent(user, organisation):
        raise Http404
    return organisation
