import random
from collections import Counter
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.organisations.factories import OrganisationFactory
from tests.territories.factories import CommuneFactory
from tremplin.core.professions import Profession
from tremplin.offers.models import Offer, OfferKind, OfferStatus
from tremplin.offers.services import offer_denormalise
from tremplin.platform.demo import offers as demo
from tremplin.platform.demo.offers import offers_generate
from tremplin.territories.models import DataSource, IndicatorValue

pytestmark = pytest.mark.django_db


@pytest.fixture
def communes():
    return [
        CommuneFactory(insee=f"23{n:03d}", name=f"Commune {n}", latitude=46 + n / 100,
                       longitude=2 + n / 100, population=100 * n)
        for n in range(1, 21)
    ]  # fmt: skip


def generate(count, **kwargs):
    organisations = kwargs.pop("organisations", None) or [
        OrganisationFactory(verified=True) for _ in range(3)
    ]
    return offers_generate(
        count=count, organisations=organisations, rng=random.Random(7), is_demo=True, **kwargs
    )


def test_it_publishes_varied_offers_over_real_communes(communes):
    offers = generate(400)

    assert Offer.objects.count() == 400
    saved = list(Offer.objects.select_related("commune"))
    assert {offer.status for offer in saved} == {OfferStatus.PUBLISHED}
    assert all(offer.is_demo for offer in saved)
    assert {offer.commune_id for offer in saved} <= {c.insee for c in communes}
    assert len(offers) == 400
    kinds = Counter(offer.kind for offer in saved)
    assert set(kinds) == set(OfferKind)
    professions = Counter(offer.profession for offer in saved)
    assert professions.most_common(1)[0][0] == Profession.GENERAL_PRACTITIONER
    assert professions[Profession.NURSE] > professions[Profession.DENTIST]
    now = timezone.now()
    for offer in saved:
        assert offer.title and offer.description
        assert offer.published_at <= now and offer.renewed_at == offer.published_at
        assert offer.asap or offer.start_date > timezone.localdate()
        if offer.end_date:
            assert offer.end_date >= offer.start_date
        offer.full_clean(exclude=["created_by"])


def test_it_fills_the_columns_search_reads(communes):
    generate(50)

    for offer in Offer.objects.select_related("commune"):
        assert (offer.latitude, offer.longitude) == (
            offer.commune.latitude,
            offer.commune.longitude,
        )
        assert offer.departement_code == "23"
        assert offer.region_code == "75"
        assert offer.commune.name.lower() in offer.search_document


def test_large_runs_fill_the_columns_exactly_as_offer_denormalise_does(communes, monkeypatch):
    source = DataSource.objects.create(
        key="zonage_mg", title="Zonage", publisher="ARS", year=2025, imported_at=timezone.now()
    )
    for commune in communes[:10]:
        IndicatorValue.objects.create(commune=commune, key="zonage_mg", year=2024,
                                      category="HZ", source=source)  # fmt: skip
        IndicatorValue.objects.create(commune=commune, key="zonage_mg", year=2025,
                                      category="ZIP", source=source)  # fmt: skip
    monkeypatch.setattr(demo, "BULK_FROM", 1)

    generate(80)

    columns = ["latitude", "longitude", "departement_code", "region_code", "zonage",
               "search_document"]  # fmt: skip
    zonages = set()
    for offer in Offer.objects.select_related("commune__departement"):
        saved = [getattr(offer, column) for column in columns]
        offer_denormalise(offer)
        assert saved == [getattr(offer, column) for column in columns]
        zonages.add(offer.zonage)
    assert zonages == {"ZIP", ""}


def test_replacements_carry_a_retrocession_and_salaried_posts_a_salary(communes):
    generate(300)

    for offer in Offer.objects.filter(kind=OfferKind.REPLACEMENT):
        assert Decimal(60) <= offer.retrocession_rate <= Decimal(80)
    for offer in Offer.objects.filter(kind=OfferKind.SALARIED):
        assert 0 < offer.salary_min < offer.salary_max
    share = Offer.objects.filter(housing_offered=True).count() / 300
    assert 0.3 < share < 0.5


def test_it_prefers_communes_with_few_doctors(communes):
    source = DataSource.objects.create(
        key="apl_mg", title="APL", publisher="DREES", year=2023, imported_at=timezone.now()
    )
    for commune in communes:
        scarce = commune.insee in {"23001", "23002"}
        IndicatorValue.objects.create(commune=commune, key="apl_mg", year=2023,
                                      value=0.8 if scarce else 5.0, source=source)  # fmt: skip
    for commune in communes[:2]:
        commune.population = 2000
        commune.save()

    generate(500)

    scarce = Offer.objects.filter(commune_id__in=["23001", "23002"]).count()
    assert scarce > 500 * 2 / 20 * 3  # more than three times their share by count


def test_it_refuses_to_invent_places(db):
    with pytest.raises(ValueError, match="commune"):
        generate(3, organisations=[OrganisationFactory(verified=True)])


def test_every_generated_title_names_its_own_commune_and_departement():
    from tests.territories.factories import DepartementFactory, RegionFactory
    from tremplin.offers.titles import offer_title_place_error

    indre = DepartementFactory(code="36", name="Indre", region=RegionFactory(code="24"))
    yonne = DepartementFactory(code="89", name="Yonne", region=RegionFactory(code="27"))
    for n, departement in enumerate([indre, yonne, indre, yonne]):
        CommuneFactory(insee=f"{departement.code}{n:03d}", name=f"Bourg {n}",
                       departement=departement, latitude=47.0, longitude=2.0 + n / 10)  # fmt: skip

    generate(200)

    for offer in Offer.objects.select_related("commune__departement"):
        commune = offer.commune
        assert commune.name in offer.title, offer.title
        assert offer_title_place_error(title=offer.title, commune=commune) is None, offer.title
        other = "89" if commune.departement_id == "36" else "36"
        assert f"({other})" not in offer.title and f"{commune.name} ({other})" not in offer.title
