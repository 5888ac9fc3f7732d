import pytest

from tests.accounts.factories import UserFactory
from tests.offers.factories import OfferFactory
from tests.organisations.factories import MembershipFactory


@pytest.fixture
def offer(db):
    return OfferFactory(published=True)


@pytest.fixture
def member(offer):
    """A member of the organisation that published `offer`."""
    return MembershipFactory(organisation=offer.organisation).user


@pytest.fixture
def candidate(db):
    return UserFactory(professional=True)


@pytest.fixture
def outsider_member(db):
    """A member of another health organisation."""
    return MembershipFactory(organisation=OfferFactory(published=True).organisation).user
