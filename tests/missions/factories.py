from datetime import timedelta

import factory
from django.utils import timezone

from tests.organisations.factories import OrganisationFactory
from tests.territories.factories import CommuneFactory, EpciFactory
from tremplin.missions.models import HostSite, MissionSlot, RedZone, SlotPeriod


def red_zone_commune(**kwargs):
    """A commune of an EPCI classed zone rouge."""
    epci = EpciFactory()
    RedZone.objects.get_or_create(epci=epci, defaults={"arrete_on": timezone.localdate()})
    return CommuneFactory(epci=epci, **kwargs)


class HostSiteFactory(factory.django.DjangoModelFactory):
    """A verified MSP's site in a commune of a zone rouge."""

    class Meta:
        model = HostSite

    organisation = factory.SubFactory(OrganisationFactory, health=True, verified=True)
    name = factory.Sequence(lambda n: f"Cabinet de mission n°{n}")
    address = "1 place de l’Église"
    commune = factory.LazyFunction(red_zone_commune)


class MissionSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MissionSlot

    site = factory.SubFactory(HostSiteFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))
    period = SlotPeriod.DAY
