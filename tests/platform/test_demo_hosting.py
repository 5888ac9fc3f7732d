import pytest

from tests.platform.demo import load_demo
from tests.territories.factories import CommuneFactory, EpciFactory
from tremplin.hosting.models import Housing, OfferSupport, SupportStatus, TerritoryPage
from tremplin.offers.models import Offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def communes():
    epci = EpciFactory(siren="200067080")
    return [
        CommuneFactory(insee=insee, name=name, epci=epci, latitude=45.9, longitude=2.1,
                       population=population)
        for insee, name, population in [("23079", "Felletin", 1700), ("23008", "Aubusson", 3300)]
    ]  # fmt: skip


def test_the_demo_has_collectivities_with_a_welcome_and_a_supported_offer(communes, monkeypatch):
    output = load_demo(monkeypatch)

    assert "3 demo collectivités" in output
    pages = TerritoryPage.objects.filter(is_published=True, is_demo=True)
    assert sorted(p.organisation.name for p in pages) == [
        "Communauté de communes Creuse Grand Sud (démonstration)",
        "Commune de Felletin (démonstration)",
        "Département de la Creuse (démonstration)",
    ]
    for housing in Housing.objects.all():
        assert housing.is_demo and housing.periods.exists()
    supports = OfferSupport.objects.filter(status=SupportStatus.ACCEPTED)
    assert supports.exists()
    assert Offer.objects.filter(supported_housing=True, is_demo=True).exists()

    again = load_demo(monkeypatch)
    assert "demo collectivités" not in again
    assert TerritoryPage.objects.count() == 3


def test_no_demo_welcome_when_asked(communes, monkeypatch):
    load_demo(monkeypatch, "0")
    assert not TerritoryPage.objects.exists()
