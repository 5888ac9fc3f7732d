"""The missions' part of the demonstration story: a zone rouge, a host site with slots, the ARS
partner, a verified volunteer; loading twice gives the same rows."""

import pytest
from django.utils import timezone

from tests.organisations.factories import OrganisationFactory
from tests.territories.factories import CommuneFactory, EpciFactory
from tremplin.hosting.models import Housing
from tremplin.missions.models import HostSite, MissionSlot, RedZone
from tremplin.organisations.models import Organisation, OrganisationType
from tremplin.platform.demo import story
from tremplin.platform.demo.loader import demo_accounts_save
from tremplin.platform.demo.missions import demo_missions_load

pytestmark = pytest.mark.django_db


def test_it_writes_the_zone_the_site_its_slots_and_the_partner_once():
    epci = EpciFactory()
    commune = CommuneFactory(insee=story.MISSION_ZONE_INSEE, name="Aubusson", epci=epci)
    host = OrganisationFactory(collectivity=True, verified=True, type=OrganisationType.EPCI)
    Housing.objects.create(
        organisation=host, name=story.MISSION_HOUSING, kind="flat", address="x", commune=commune
    )
    users = demo_accounts_save().users
    for _ in range(2):
        count = demo_missions_load(
            users=users, organisations={story.MISSION_SITE_HOST: host}, today=timezone.localdate()
        )
    assert count == len(story.MISSION_DAYS) == MissionSlot.objects.count()
    assert list(RedZone.objects.values_list("epci_id", flat=True)) == [epci.siren]
    assert HostSite.objects.get().commune == commune
    assert MissionSlot.objects.filter(housing__isnull=False).count() == 2
    partner = Organisation.objects.get(type=OrganisationType.ARS)
    assert partner.can_publish
    profile = users[story.MISSION_VOLUNTEER].professional_profile
    profile.refresh_from_db()
    assert profile.rpps_is_verified and profile.rpps_verified_by_organisation == partner
