"""How complete an offer is, out of 100, and what to add to make it better.

What candidates look for, by weight (they add up to 100):

| what | points | why |
| --- | --- | --- |
| a place (commune) | 15 | nobody applies without knowing where |
| dates, or "dès que possible" | 12 | locums and students plan by dates |
| a description of at least 300 characters | 15 | the practice, the team, the patients |
| the money: rétrocession (remplacement, collaboration, assistanat), pay range (salariat, stage), or said in the description for other kinds | 12 | the first question after "where" |
| housing: said whether housing is offered, with details when it is | 12 | offers with housing receive more applications |
| the practice setting | 8 | alone, in a group, in an MSP… |
| patients per day | 6 | workload |
| secretariat | 5 | |
| software | 5 | |
| on-call duties | 5 | |
| at least one photo | 5 | |

`offer_completeness` is pure: it reads an offer (saved or not) and the number of its photos.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from tremplin.offers.models import Offer, OfferKind

DESCRIPTION_MIN = 300
MONEY_BY_RETROCESSION = {OfferKind.REPLACEMENT, OfferKind.COLLABORATION, OfferKind.ASSISTANTSHIP}
MONEY_BY_SALARY = {OfferKind.SALARIED, OfferKind.INTERNSHIP}


@dataclass
class Completeness:
    score: int
    suggestions: list[str] = field(default_factory=list)


def offer_completeness(offer: Offer, *, photo_count: int = 0) -> Completeness:
    score = 0
    suggestions: list[str] = []

    def check(done: bool, points: int, advice: str) -> None:
        nonlocal score
        if done:
            score += points
        else:
            suggestions.append(advice)

    check(
        offer.commune_id is not None,
        15,
        _("Indiquez la commune d’exercice : c’est la première chose que regardent les candidats."),
    )
    check(
        bool(offer.asap or offer.start_date),
        12,
        _(
            "Précisez les dates, ou cochez « dès que possible » : les remplaçants et les étudiants s’organisent par dates."
        ),
    )
    check(
        len((offer.description or "").strip()) >= DESCRIPTION_MIN,
        15,
        _(
            "Décrivez davantage le cabinet, l’équipe et la patientèle (au moins %(count)s caractères)."
        )
        % {"count": DESCRIPTION_MIN},
    )
    if offer.kind in MONEY_BY_RETROCESSION:
        check(offer.retrocession_rate is not None, 12, _("Indiquez le taux de rétrocession."))
    elif offer.kind in MONEY_BY_SALARY:
        check(
            offer.salary_min is not None or offer.salary_max is not None,
            12,
            _("Indiquez une fourchette de rémunération."),
        )
    else:
        check(
            any(
                w in (offer.description or "").lower()
                for w in ("€", "euro", "rémunér", "prix", "loyer", "cession", "gratuit")
            ),
            12,
            _(
                "Dites dans la description ce que cela coûte ou rapporte (prix de cession, loyer, rémunération)."
            ),
        )
    housing_said = offer.housing_offered is not None and (
        not offer.housing_offered or len(offer.housing_details.strip()) >= 20
    )
    check(
        housing_said,
        12,
        _("Précisez le logement : les annonces avec logement reçoivent plus de candidatures.")
        if offer.housing_offered is None
        else _("Décrivez le logement proposé (type, distance, prix ou gratuité)."),
    )
    check(bool(offer.setting), 8, _("Précisez le cadre d’exercice (cabinet seul, groupe, MSP…)."))
    check(
        offer.patients_per_day is not None,
        6,
        _("Indiquez le nombre approximatif de patients par jour."),
    )
    check(bool(offer.secretariat), 5, _("Dites s’il y a un secrétariat."))
    check(bool(offer.software.strip()), 5, _("Indiquez le logiciel métier utilisé."))
    check(bool(offer.on_call.strip()), 5, _("Précisez les gardes et astreintes (ou leur absence)."))
    check(photo_count > 0, 5, _("Ajoutez une photo du cabinet ou de la région."))
    return Completeness(score=score, suggestions=suggestions)
