import pytest

from tests.hosting.factories import agent_of, collectivity_for
from tests.territories.factories import CommuneFactory


@pytest.fixture
def commune():
    return CommuneFactory(insee="23079", name="Felletin")


@pytest.fixture
def collectivity(commune):
    """The commune of Felletin as a verified collectivité."""
    return collectivity_for(commune)


@pytest.fixture
def agent(collectivity):
    return agent_of(collectivity)
