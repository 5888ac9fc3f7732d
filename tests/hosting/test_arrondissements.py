"""A city's collectivité welcomes in its arrondissements: its area holds them, its pages cover
them."""

import pytest

from tests.hosting.factories import collectivity_for
from tests.territories.factories import CommuneFactory, DepartementFactory, arrondissement_make
from tremplin.hosting.selectors import collectivities_covering, collectivity_communes

pytestmark = pytest.mark.django_db


@pytest.fixture
def lyon():
    city = CommuneFactory(
        insee="69123", name="Lyon", departement=DepartementFactory(code="69", name="Rhône")
    )
    arrondissement_make("69383", city=city, name="Lyon 3e Arrondissement")
    arrondissement_make("69381", city=city, name="Lyon 1er Arrondissement")
    return city


def test_a_citys_collectivite_speaks_for_its_arrondissements(lyon):
    collectivity = collectivity_for(lyon)

    assert set(collectivity_communes(collectivity).values_list("insee", flat=True)) == {
        "69123",
        "69381",
        "69383",
    }


def test_an_arrondissement_is_covered_by_its_citys_collectivite_not_by_another(lyon):
    collectivity = collectivity_for(lyon)
    other = collectivity_for(CommuneFactory(insee="23079", name="Felletin"))
    third = lyon.arrondissements.get(insee="69383")

    covering = set(collectivities_covering(third))

    assert collectivity in covering and other not in covering
