import factory

from tests.accounts.factories import UserFactory
from tremplin.organisations.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationCategory,
    OrganisationStatus,
    OrganisationType,
)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Maison de santé n°{n}")
    category = OrganisationCategory.HEALTH
    type = OrganisationType.MSP
    status = OrganisationStatus.PENDING

    class Params:
        health = factory.Trait(category=OrganisationCategory.HEALTH, type=OrganisationType.MSP)
        collectivity = factory.Trait(
            category=OrganisationCategory.COLLECTIVITY,
            type=OrganisationType.COMMUNE,
            name=factory.Sequence(lambda n: f"Commune n°{n}"),
            territory_code="23096",
        )
        verified = factory.Trait(status=OrganisationStatus.VERIFIED)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = MembershipRole.MEMBER

    class Params:
        admin = factory.Trait(role=MembershipRole.ADMIN)
