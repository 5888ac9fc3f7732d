"""Who may open a terrain, edit it, withdraw a housing from it, read the coordination."""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from tremplin.accounts.models import User
from tremplin.juniors.models import Supervisor, Terrain, TerrainHousing
from tremplin.organisations.models import Organisation, OrganisationType

COORDINATION_TYPES = (OrganisationType.ARS, OrganisationType.DMG)


def is_member(user: User | AnonymousUser, organisation: Organisation) -> bool:
    return user.is_authenticated and organisation.memberships.filter(user=user).exists()


def get_health_organisation_for_member(user: User, pk: int) -> Organisation:
    """A health organisation whose terrains its member manages; 404 for everyone else."""
    organisation = get_object_or_404(Organisation.objects.health(), pk=pk)
    if not is_member(user, organisation):
        raise Http404
    return organisation


def get_terrain_for_editor(user: User, pk: int) -> Terrain:
    terrain = get_object_or_404(
        Terrain.objects.select_related("organisation", "commune__departement"), pk=pk
    )
    if not is_member(user, terrain.organisation):
        raise Http404
    return terrain


def get_supervisor_for_editor(user: User, pk: int) -> Supervisor:
    supervisor = get_object_or_404(
        Supervisor.objects.select_related("terrain__organisation"), pk=pk
    )
    if not is_member(user, supervisor.terrain.organisation):
        raise Http404
    return supervisor


def get_terrain_for_viewer(user: User | AnonymousUser, pk: int) -> tuple[Terrain, bool]:
    """A published terrain for anyone, a draft for its organisation's members only; and
    whether the viewer is such a member."""
    terrain = get_object_or_404(
        Terrain.objects.select_related("organisation", "commune__departement"), pk=pk
    )
    member = is_member(user, terrain.organisation)
    if not member and not (terrain.is_published and terrain.organisation.can_publish):
        raise Http404
    return terrain, member


def get_terrain_housing_for_agent(user: User, pk: int) -> TerrainHousing:
    link = get_object_or_404(
        TerrainHousing.objects.select_related("housing__organisation", "terrain"), pk=pk
    )
    if not is_member(user, link.housing.organisation):
        raise Http404
    return link


def get_coordinator_organisation(user: User, pk: int) -> Organisation:
    """An ARS or a DMG its member reads the coordination of: 404 for a non-member or another
    kind of organisation, 403 while the partner is not verified."""
    organisation = get_object_or_404(Organisation, pk=pk, type__in=COORDINATION_TYPES)
    if not is_member(user, organisation):
        raise Http404
    if not organisation.can_publish:
        raise PermissionDenied(
            _("Votre organisation attend sa vérification : la coordination s’ouvrira ensuite.")
        )
    return organisation


def get_terrain_housing_for_booking(pk: int) -> TerrainHousing:
    """A housing attached to a published terrain, for a docteur junior to book; 404 otherwise."""
    return get_object_or_404(
        TerrainHousing.objects.select_related("housing__organisation", "terrain__organisation"),
        pk=pk,
        terrain__in=Terrain.objects.published(),
    )
