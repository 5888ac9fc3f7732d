"""The completeness score item by item: a complete offer missing one thing loses exactly that
thing's points and gets exactly that advice (the table of offers/completeness.py, written out)."""

from datetime import date
from decimal import Decimal

import pytest

from tremplin.offers.completeness import offer_completeness
from tremplin.offers.models import Offer, OfferKind
from tremplin.territories.models import Commune

DESCRIPTION = "x" * 300
COMMUNE = "Indiquez la commune d’exercice : c’est la première chose que regardent les candidats."
DATES = (
    "Précisez les dates, ou cochez « dès que possible » : les remplaçants et les étudiants "
    "s’organisent par dates."
)
TEXT = "Décrivez davantage le cabinet, l’équipe et la patientèle (au moins 300 caractères)."
RETROCESSION = "Indiquez le taux de rétrocession."
SALARY = "Indiquez une fourchette de rémunération."
MONEY_SAID = (
    "Dites dans la description ce que cela coûte ou rapporte (prix de cession, loyer, "
    "rémunération)."
)
HOUSING_UNSAID = "Précisez le logement : les annonces avec logement reçoivent plus de candidatures."
HOUSING_DETAILS = "Décrivez le logement proposé (type, distance, prix ou gratuité)."
SETTING = "Précisez le cadre d’exercice (cabinet seul, groupe, MSP…)."
PATIENTS = "Indiquez le nombre approximatif de patients par jour."
SECRETARIAT = "Dites s’il y a un secrétariat."
SOFTWARE = "Indiquez le logiciel métier utilisé."
ON_CALL = "Précisez les gardes et astreintes (ou leur absence)."
PHOTO = "Ajoutez une photo du cabinet ou de la région."


def complete(kind: str = OfferKind.REPLACEMENT, **changes: object) -> Offer:
    fields = {
        "kind": kind,
        "commune": Commune(insee="23096"),
        "asap": True,
        # Kinds without a money field say it in the description.
        "description": DESCRIPTION + " 500 €",
        "retrocession_rate": Decimal("70"),
        "salary_min": 3000,
        "housing_offered": False,
        "setting": "msp",
        "patients_per_day": 20,
        "secretariat": "sur_place",
        "software": "Weda",
        "on_call": "Aucune",
    }
    fields.update(changes)
    return Offer(**fields)


def test_a_complete_offer_of_each_kind_scores_100():
    for kind in OfferKind.values:
        result = offer_completeness(complete(kind), photo_count=1)
        assert (kind, result.score, result.suggestions) == (kind, 100, [])


@pytest.mark.parametrize(
    ("changes", "points", "advice"),
    [
        ({"commune": None}, 15, COMMUNE),
        ({"asap": False}, 12, DATES),
        ({"description": "x" * 299}, 15, TEXT),
        ({"description": " " * 10 + "x" * 299 + " " * 10}, 15, TEXT),
        ({"retrocession_rate": None}, 12, RETROCESSION),
        ({"housing_offered": None}, 12, HOUSING_UNSAID),
        ({"housing_offered": True, "housing_details": "x" * 19}, 12, HOUSING_DETAILS),
        ({"housing_offered": True, "housing_details": "  " + "x" * 19 + "  "}, 12, HOUSING_DETAILS),
        ({"setting": ""}, 8, SETTING),
        ({"patients_per_day": None}, 6, PATIENTS),
        ({"secretariat": ""}, 5, SECRETARIAT),
        ({"software": "   "}, 5, SOFTWARE),
        ({"on_call": "  "}, 5, ON_CALL),
    ],
)
def test_each_missing_item_costs_its_points_and_says_what_to_add(changes, points, advice):
    result = offer_completeness(complete(**changes), photo_count=1)

    assert result.score == 100 - points
    assert result.suggestions == [advice]


def test_an_offer_without_a_photo_loses_5_points():
    result = offer_completeness(complete(), photo_count=0)
    assert (result.score, result.suggestions) == (95, [PHOTO])
    assert offer_completeness(complete()).score == 95  # no photo unless said


def test_the_edges_count_as_enough():
    assert offer_completeness(complete(description="x" * 300), photo_count=1).score == 100
    with_details = complete(housing_offered=True, housing_details="x" * 20)
    assert offer_completeness(with_details, photo_count=1).score == 100


def test_a_start_date_is_as_good_as_asap():
    offer = complete(asap=False, start_date=date(2027, 7, 1))
    assert offer_completeness(offer, photo_count=1).score == 100


@pytest.mark.parametrize(
    "kind", [OfferKind.REPLACEMENT, OfferKind.COLLABORATION, OfferKind.ASSISTANTSHIP]
)
def test_a_retrocession_is_the_money_of_these_kinds(kind):
    result = offer_completeness(complete(kind, retrocession_rate=None), photo_count=1)
    assert (result.score, result.suggestions) == (88, [RETROCESSION])
    # A pay range does not stand for it.
    other = complete(kind, retrocession_rate=None, salary_min=3000, salary_max=4000)
    assert offer_completeness(other, photo_count=1).score == 88


@pytest.mark.parametrize("kind", [OfferKind.SALARIED, OfferKind.INTERNSHIP])
def test_a_pay_range_is_the_money_of_these_kinds(kind):
    neither = complete(kind, salary_min=None, salary_max=None, retrocession_rate=Decimal("70"))
    result = offer_completeness(neither, photo_count=1)
    assert (result.score, result.suggestions) == (88, [SALARY])
    for bound in ({"salary_min": 3000}, {"salary_max": 4000}):
        offer = complete(kind, **{"salary_min": None, "salary_max": None, **bound})
        assert offer_completeness(offer, photo_count=1).score == 100


@pytest.mark.parametrize(
    "kind", [OfferKind.SUCCESSION, OfferKind.INSTALLATION, OfferKind.DISCOVERY_STAY]
)
def test_other_kinds_say_the_money_in_their_description(kind):
    silent = complete(kind, description=DESCRIPTION)
    result = offer_completeness(silent, photo_count=1)
    assert (result.score, result.suggestions) == (88, [MONEY_SAID])


@pytest.mark.parametrize(
    "words",
    ["500 €", "3 euros", "EUROS", "Rémunération", "le prix", "LOYER modéré", "cession", "Gratuit"],
)
def test_each_way_of_saying_the_money_counts(words):
    offer = complete(OfferKind.SUCCESSION, description=f"{DESCRIPTION} {words}")
    assert offer_completeness(offer, photo_count=1).score == 100


def test_an_empty_offer_gets_every_advice_in_order():
    result = offer_completeness(Offer(kind=OfferKind.SUCCESSION, description=None))

    assert result.score == 0
    assert result.suggestions == [
        COMMUNE,
        DATES,
        TEXT,
        MONEY_SAID,
        HOUSING_UNSAID,
        SETTING,
        PATIENTS,
        SECRETARIAT,
        SOFTWARE,
        ON_CALL,
        PHOTO,
    ]
