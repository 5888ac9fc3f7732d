from decimal import Decimal

from tremplin.offers.completeness import offer_completeness
from tremplin.offers.models import Offer, OfferKind
from tremplin.territories.models import Commune

LONG_TEXT = "Cabinet de groupe au cœur du bourg, patientèle fidèle et équipe accueillante. " * 5


def test_an_empty_offer_scores_zero_and_gets_advice():
    result = offer_completeness(Offer(kind=OfferKind.REPLACEMENT))

    assert result.score == 0
    assert any("logement" in s.lower() for s in result.suggestions)
    assert any("rétrocession" in s for s in result.suggestions)


def test_a_complete_replacement_scores_100():
    offer = Offer(
        kind=OfferKind.REPLACEMENT,
        commune=Commune(insee="23096"),
        asap=True,
        description=LONG_TEXT,
        retrocession_rate=Decimal("70"),
        housing_offered=True,
        housing_details="Studio meublé à 200 m du cabinet, gratuit.",
        setting="msp",
        patients_per_day=25,
        secretariat="sur_place",
        software="Weda",
        on_call="Aucune garde",
    )

    result = offer_completeness(offer, photo_count=1)

    assert result.score == 100
    assert result.suggestions == []


def test_each_answer_raises_the_score():
    offer = Offer(kind=OfferKind.SALARIED)
    scores = [offer_completeness(offer).score]
    offer.commune = Commune(insee="23096")
    scores.append(offer_completeness(offer).score)
    offer.salary_min = 4000
    scores.append(offer_completeness(offer).score)
    offer.housing_offered = False
    scores.append(offer_completeness(offer).score)

    assert scores == sorted(scores)
    assert len(set(scores)) == 4


def test_housing_offered_without_details_is_not_yet_enough():
    offer = Offer(kind=OfferKind.REPLACEMENT, housing_offered=True, housing_details="oui")

    result = offer_completeness(offer)

    assert any("Décrivez le logement" in s for s in result.suggestions)


def test_a_succession_counts_money_said_in_the_description():
    without = offer_completeness(
        Offer(kind=OfferKind.SUCCESSION, description="Patientèle à céder.")
    )
    with_price = offer_completeness(
        Offer(kind=OfferKind.SUCCESSION, description="Cession : 30 000 €.")
    )

    assert with_price.score == without.score + 12
