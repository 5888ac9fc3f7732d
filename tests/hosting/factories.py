from datetime import timedelta

import factory
from django.utils import timezone

from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.territories.factories import CommuneFactory
from tremplin.hosting.models import Activity, ActivityKind, Housing, HousingKind, HousingPeriod
from tremplin.organisations.models import OrganisationType


def collectivity_for(commune, **kwargs):
    """A verified commune-type collectivité for `commune`."""
    return OrganisationFactory(
        collectivity=True,
        verified=True,
        type=OrganisationType.COMMUNE,
        territory_code=commune.insee,
        name=f"Commune de {commune.name}",
        **kwargs,
    )


def agent_of(organisation):
    return MembershipFactory(organisation=organisation).user


class HousingFactory(factory.django.DjangoModelFactory):
    """A free studio with one open period covering the next 60 days (`periods=False`: none)."""

    class Meta:
        model = Housing
        skip_postgeneration_save = True

    commune = factory.SubFactory(CommuneFactory)
    organisation = factory.LazyAttribute(lambda o: collectivity_for(o.commune))
    name = factory.Sequence(lambda n: f"Studio du centre n°{n}")
    kind = HousingKind.STUDIO
    address = "2 place de la Mairie"

    @factory.post_generation
    def periods(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create and extracted is not False:
            today = timezone.localdate()
            HousingPeriod.objects.create(housing=self, start=today, end=today + timedelta(days=60))


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    organisation = factory.SubFactory(OrganisationFactory, collectivity=True, verified=True)
    title = "Rencontre avec les professionnels de santé du bourg"
    kind = ActivityKind.HEALTH_MEETING
    with_whom = "La maison de santé"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
