"""An offer's page shows its commune's figures for the offer's profession: a nurse's offer
never shows the médecins' zonage (nor their APL)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.offers.factories import OfferFactory
from tests.territories.factories import CommuneFactory
from tremplin.core.professions import Profession
from tremplin.territories.models import DataSource, IndicatorValue

pytestmark = pytest.mark.django_db


def value(commune, key: str, *, category: str = "", number: float | None = None) -> None:
    source, _ = DataSource.objects.get_or_create(
        key=key, defaults={"title": key, "publisher": "ARS", "imported_at": timezone.now()}
    )
    IndicatorValue.objects.create(
        commune=commune, key=key, year=2025, value=number, category=category, source=source
    )


@pytest.fixture
def felletin():
    commune = CommuneFactory(insee="23079", name="Felletin")
    value(commune, "zonage_mg", category="ZIP")
    value(commune, "apl_mg", number=2.1)
    value(commune, "apl_inf", number=95.0)
    return commune


def card(client, offer) -> str:
    page = client.get(reverse("offers:detail", args=[offer.pk])).text
    return page.split('data-testid="commune-indicators"', 1)[1].split("</ul>", 1)[0]


def test_a_nurses_offer_says_the_nurses_zonage_is_not_imported(client, felletin) -> None:
    offer = OfferFactory(published=True, commune=felletin, profession=Profession.NURSE)

    text = card(client, offer)

    assert "Zonage ARS des infirmiers</strong> : non importé" in text
    assert "médecins" not in text
    assert "ZIP" not in text
    assert "APL aux infirmières" in text
    offer.refresh_from_db()
    assert offer.zonage == ""  # search and feeds do not see the médecins' ZIP either


def test_a_nurses_offer_shows_the_nurses_zonage_once_imported(client, felletin) -> None:
    value(felletin, "zonage_inf", category="TSD")
    offer = OfferFactory(published=True, commune=felletin, profession=Profession.NURSE)

    text = card(client, offer)

    assert "Zonage ARS des infirmiers</strong> : Zone très sous-dotée" in text
    assert "ZIP" not in text
    offer.refresh_from_db()
    assert offer.zonage == "TSD"


def test_a_general_practitioners_offer_shows_the_medecins_zonage(client, felletin) -> None:
    offer = OfferFactory(published=True, commune=felletin)

    text = card(client, offer)

    assert "Zonage ARS des médecins</strong> : Zone d’intervention prioritaire (ZIP)" in text
    assert "APL aux médecins généralistes" in text
    assert OfferFactory._meta.model.objects.get(pk=offer.pk).zonage == "ZIP"


def test_a_profession_without_zonage_shows_no_zonage_line(client, felletin) -> None:
    offer = OfferFactory(published=True, commune=felletin, profession=Profession.CARDIOLOGIST)

    assert "Zonage" not in card(client, offer)
