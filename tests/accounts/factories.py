import factory
from django.utils import timezone

from tremplin.accounts.models import (
    ProfessionalProfile,
    ProfessionalStatus,
    RppsVerification,
    User,
)
from tremplin.core.professions import Profession

DEFAULT_PASSWORD = "motdepasse-de-test-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email_confirmed_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    class Params:
        unconfirmed = factory.Trait(email_confirmed_at=None)
        moderator = factory.Trait(is_staff=True)
        professional = factory.Trait(
            profile=factory.RelatedFactory(
                "tests.accounts.factories.ProfessionalProfileFactory", factory_related_name="user"
            )
        )
        health_member = factory.Trait(
            membership=factory.RelatedFactory(
                "tests.organisations.factories.MembershipFactory",
                factory_related_name="user",
                organisation__health=True,
            )
        )
        collectivity_agent = factory.Trait(
            membership=factory.RelatedFactory(
                "tests.organisations.factories.MembershipFactory",
                factory_related_name="user",
                organisation__collectivity=True,
            )
        )

    @classmethod
    def _after_postgeneration(cls, instance: User, create: bool, results: dict) -> None:
        if create:
            instance.save()


class ProfessionalProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProfessionalProfile

    user = factory.SubFactory(UserFactory)
    profession = Profession.GENERAL_PRACTITIONER
    status = ProfessionalStatus.INTERN

    class Params:
        # What a Pro Santé Connect login leaves (the identity app): the number, now, no one.
        pro_sante_connect = factory.Trait(
            rpps="10003456786",
            rpps_verified_at=factory.LazyFunction(timezone.now),
            rpps_verified_source=RppsVerification.PRO_SANTE_CONNECT,
        )
