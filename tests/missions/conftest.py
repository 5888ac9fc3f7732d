import pytest
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tremplin.organisations.models import OrganisationType


@pytest.fixture
def ars():
    return OrganisationFactory(
        collectivity=True,
        verified=True,
        type=OrganisationType.ARS,
        name="ARS Nouvelle-Aquitaine",
        territory_code="",
    )


@pytest.fixture
def ars_agent(ars):
    return MembershipFactory(organisation=ars).user


@pytest.fixture
def doctor(ars, ars_agent):
    """A general practitioner whose RPPS the ARS verified."""
    user = UserFactory(professional=True)
    profile = user.professional_profile
    profile.rpps = "10003456786"
    profile.save()
    profile.rpps_verify(by=ars_agent, organisation_id=ars.pk)
    user.refresh_from_db()
    return user


@pytest.fixture
def today():
    return timezone.localdate()
