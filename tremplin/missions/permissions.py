"""Who may manage a host site and its slots, cancel a booking, act for a partner, moderate
the zones rouges: each helper fetches the object for the user or raises 404/403."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from tremplin.accounts.models import User
from tremplin.missions.models import HostSite, MissionBooking, MissionSlot
from tremplin.missions.services import PARTNER_TYPES
from tremplin.organisations.models import Organisation


def _is_member(user: User, organisation: Organisation) -> bool:
    return organisation.memberships.filter(user=user).exists()


def get_organisation_for_member(user: User, pk: int) -> Organisation:
    organisation = get_object_or_404(Organisation, pk=pk)
    if not _is_member(user, organisation):
        raise Http404
    return organisation


def get_site_for_member(user: User, pk: int) -> HostSite:
    site = get_object_or_404(
        HostSite.objects.select_related("organisation", "commune__epci"), pk=pk
    )
    if not _is_member(user, site.organisation):
        raise Http404
    return site


def get_slot_for_member(user: User, pk: int) -> MissionSlot:
    slot = get_object_or_404(MissionSlot.objects.select_related("site__organisation"), pk=pk)
    if not _is_member(user, slot.site.organisation):
        raise Http404
    return slot


def get_booking_for_doctor(user: User, pk: int) -> MissionBooking:
    return get_object_or_404(
        MissionBooking.objects.select_related("slot__site__commune", "housing_booking"),
        pk=pk,
        doctor=user,
    )


def get_partner_for_member(user: User, pk: int) -> Organisation:
    """An ARS or Conseil de l’Ordre its member acts for; 404 for anyone else, and for
    organisations of other kinds."""
    organisation = get_object_or_404(Organisation, pk=pk, type__in=PARTNER_TYPES)
    if not _is_member(user, organisation):
        raise Http404
    return organisation


def require_moderator(user: User) -> None:
    if not user.is_moderator:
        raise PermissionDenied
