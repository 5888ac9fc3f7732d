"""The missions' part of the demonstration story (story.py, « Missions de solidarité »): a zone
rouge, the ARS partner, a host site with its slots, a volunteer whose RPPS the ARS verified.
Idempotent like loader.py: rows found again by natural keys; the site's future slots that no
doctor booked and the story no longer holds are removed (the dates follow the day of loading)."""

from datetime import date, timedelta

from django.utils import timezone

from tremplin.accounts.models import User
from tremplin.accounts.services import professional_profile_save
from tremplin.hosting.models import Housing
from tremplin.missions.models import HostSite, MissionSlot, RedZone
from tremplin.organisations.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationCategory,
    OrganisationStatus,
)
from tremplin.platform.demo import story
from tremplin.territories.models import Commune


def demo_missions_load(
    *, users: dict[str, User], organisations: dict[str, Organisation], today: date
) -> int:
    """Write the missions' story; the number of slots, 0 when the commune or its EPCI is not
    in the base."""
    commune = Commune.objects.filter(insee=story.MISSION_ZONE_INSEE).first()
    if commune is None or commune.epci_id is None:
        return 0
    moderator = users["moderation"]
    RedZone.objects.update_or_create(
        epci_id=commune.epci_id,
        defaults={"arrete_on": story.MISSION_ARRETE, "imported_by": moderator},
    )
    place = story.MISSION_PARTNER
    partner, _created = Organisation.objects.update_or_create(
        name=place.name,
        defaults={
            "category": OrganisationCategory.COLLECTIVITY,
            "type": place.type,
            "territory_code": commune.region_id,
            "city": "Bordeaux",
            "postal_code": place.postal_code,
        },
    )
    if partner.status != OrganisationStatus.VERIFIED:
        partner.verify(by=moderator)
    agent = users[place.admin]
    Membership.objects.update_or_create(
        organisation=partner, user=agent, defaults={"role": MembershipRole.ADMIN}
    )
    volunteer = users[story.MISSION_VOLUNTEER]
    profile = professional_profile_save(
        user=volunteer,
        profession=volunteer.professional_profile.profession,
        status=volunteer.professional_profile.status,
        rpps=story.MISSION_VOLUNTEER_RPPS,
    )
    if not profile.rpps_is_verified:
        profile.rpps_verify(by=agent, organisation_id=partner.pk)

    host = organisations[story.MISSION_SITE_HOST]
    site, _created = HostSite.objects.update_or_create(
        organisation=host,
        name=story.MISSION_SITE_NAME,
        defaults={"address": story.MISSION_SITE_ADDRESS, "commune": commune, "is_demo": True},
    )
    housing = Housing.objects.filter(organisation=host, name=story.MISSION_HOUSING).first()
    kept = []
    for mission_day in story.MISSION_DAYS:
        slot, _created = MissionSlot.objects.update_or_create(
            site=site,
            date=today + timedelta(days=mission_day.days_ahead),
            period=mission_day.period,
            defaults={
                "equipment": story.MISSION_SITE_EQUIPMENT,
                "secretariat": True,
                "housing": housing if mission_day.with_housing else None,
            },
        )
        kept.append(slot.pk)
    site.slots.filter(date__gte=timezone.localdate(), bookings__isnull=True).exclude(
        pk__in=kept
    ).delete()
    return len(kept)
