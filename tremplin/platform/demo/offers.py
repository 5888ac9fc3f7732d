"""Realistic generated offers over the real communes of the database: the 100,000 offers of the
benchmarks (`load_demo` writes the hand-written story of story.py instead). Nothing here is shown
as real: generated offers carry `is_demo` and a « Démonstration » badge."""

import bisect
import functools
import itertools
import random
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import cast

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tremplin.core.professions import PHYSICIANS, Profession
from tremplin.offers.events import offer_event_emit
from tremplin.offers.models import (
    InternshipLevel,
    Offer,
    OfferEventKind,
    OfferKind,
    OfferStatus,
    PracticeSetting,
    ReplacementType,
    Secretariat,
)
from tremplin.offers.services import offer_denormalise
from tremplin.offers.titles import offer_title_place
from tremplin.organisations.models import Organisation
from tremplin.territories.models import Commune, IndicatorValue
from tremplin.territories.text import normalise_name
from tremplin.territories.zonages import PROFESSION_ZONAGE

BATCH_SIZE = 1000
BULK_FROM = 1000
KIND_LABELS = dict(OfferKind.choices)
PROFESSION_LABELS = dict(Profession.choices)
# What offer_denormalise and the titles read of a commune.
POOL_FIELDS = ("insee", "name", "latitude", "longitude", "population", "region_id",
               "departement__code", "departement__name")  # fmt: skip

KIND_WEIGHTS = {
    OfferKind.REPLACEMENT: 34, OfferKind.INTERNSHIP: 12, OfferKind.DISCOVERY_STAY: 8,
    OfferKind.COLLABORATION: 12, OfferKind.ASSISTANTSHIP: 5, OfferKind.SALARIED: 14,
    OfferKind.INSTALLATION: 10, OfferKind.SUCCESSION: 5,
}  # fmt: skip
PROFESSION_WEIGHTS = {
    Profession.GENERAL_PRACTITIONER: 38, Profession.NURSE: 18, Profession.PHYSIOTHERAPIST: 12,
    Profession.MIDWIFE: 4, Profession.DENTIST: 5, Profession.SPEECH_THERAPIST: 3,
    Profession.PHARMACIST: 3, Profession.PAEDIATRICIAN: 2, Profession.PSYCHIATRIST: 2,
    Profession.GYNAECOLOGIST: 2, Profession.EMERGENCY_PHYSICIAN: 2, Profession.GERIATRICIAN: 1,
    Profession.OPHTHALMOLOGIST: 1, Profession.CARDIOLOGIST: 1, Profession.PODIATRIST: 1,
    Profession.PSYCHOLOGIST: 2, Profession.DIETITIAN: 1, Profession.ADVANCED_PRACTICE_NURSE: 1,
    Profession.ORTHOPTIST: 1,
}  # fmt: skip
SETTING_WEIGHTS = {
    PracticeSetting.MSP: 35, PracticeSetting.GROUP: 20, PracticeSetting.HEALTH_CENTRE: 15,
    PracticeSetting.SOLO: 10, PracticeSetting.HOSPITAL: 8, PracticeSetting.CLINIC: 6,
    PracticeSetting.EHPAD: 6,
}  # fmt: skip
# Monthly gross salary ranges (€) for salaried posts, by profession; others use the default.
SALARIES = {
    Profession.GENERAL_PRACTITIONER: (6500, 9000), Profession.NURSE: (2200, 2900),
    Profession.PHYSIOTHERAPIST: (2300, 3200), Profession.MIDWIFE: (2400, 3300),
    Profession.DENTIST: (5000, 8000), Profession.PHARMACIST: (3300, 4500),
}  # fmt: skip
DEFAULT_SALARY = (2400, 3600)
PHYSICIAN_SALARY = (6000, 9500)
SOFTWARE = {
    "physician": ["Weda", "MédiStory", "Crossway", "HelloDoc", "Medimust", "Axisanté"],
    Profession.NURSE: ["Topaze", "Vega", "Albus", "Infisoft"],
    Profession.PHYSIOTHERAPIST: ["Kiné+4000", "Vega", "Topaze"],
    "other": ["Doctolib Siilo", "Maiia", "Weda"],
}
SETTING_PHRASES = {
    PracticeSetting.MSP: "Notre maison de santé pluriprofessionnelle réunit médecins, infirmiers, kinésithérapeutes, orthophoniste et sage-femme autour d’un projet de santé commun.",
    PracticeSetting.GROUP: "Le cabinet de groupe compte trois praticiens qui partagent secrétariat, salle d’attente et gardes.",
    PracticeSetting.HEALTH_CENTRE: "Le centre de santé, porté par la collectivité, salarie ses professionnels et s’occupe de toute la gestion administrative.",
    PracticeSetting.SOLO: "Cabinet individuel au cœur du bourg, avec une patientèle fidèle et attachante.",
    PracticeSetting.HOSPITAL: "L’hôpital de proximité compte un service de médecine, des lits de soins de suite et une consultation avancée de spécialistes.",
    PracticeSetting.CLINIC: "La clinique, à taille humaine, travaille en lien étroit avec le centre hospitalier voisin.",
    PracticeSetting.EHPAD: "L’EHPAD accueille 80 résidents ; l’équipe soignante est stable et bienveillante.",
}
PATIENT_PHRASES = [
    "Patientèle variée : familles, personnes âgées, quelques exploitants agricoles.",
    "Beaucoup de suivis de maladies chroniques et de prévention, peu de soins non programmés.",
    "Activité soutenue mais organisée, consultations de 20 minutes, visites à domicile possibles.",
    "La population vieillit : la coordination avec l’infirmière Asalée et les aides à domicile est précieuse.",
    "Nombreux jeunes enfants dans le secteur, suivi de grossesse en lien avec la sage-femme.",
]
TERRITORY_PHRASES = [
    "Le territoire offre randonnée, lacs et vie associative active ; la gare est à 20 minutes.",
    "Écoles, collège et commerces sur place ; la préfecture est à moins d’une demi-heure.",
    "Cadre de vie calme et verdoyant, marchés de producteurs, festival l’été.",
    "La communauté de communes accompagne les nouveaux arrivants : accueil, emploi du conjoint, crèche.",
    "Une CPTS dynamique anime des soirées de formation et des projets de prévention.",
]
WELCOME_PHRASES = [
    "Nous accueillons régulièrement internes et remplaçants : vous ne serez pas seul(e).",
    "Une visite préalable est possible, nous vous ferons découvrir la structure et le territoire.",
    "Première expérience bienvenue, un tuteur reste joignable pendant toute la durée.",
    "Réponse rapide assurée : écrivez-nous pour en parler.",
]
HOUSING_DETAILS = [
    "Studio meublé à cinq minutes à pied du cabinet, mis à disposition gratuitement.",
    "Appartement meublé prêté par la commune pendant toute la durée de la mission.",
    "Chambre dans la résidence des internes du centre hospitalier voisin.",
    "Maison de village meublée, loyer pris en charge par la communauté de communes.",
]
ON_CALL = [
    "",
    "Participation à la permanence des soins un samedi matin par mois.",
    "Pas de garde de nuit ; astreinte partagée le week-end entre quatre confrères.",
    "Gardes en maison médicale de garde, environ deux par mois.",
]


@transaction.atomic
def offers_generate(
    *,
    count: int,
    organisations: list[Organisation],
    rng: random.Random,
    is_demo: bool,
    departements: list[str] | None = None,
) -> list[Offer]:
    """`count` published offers spread over `organisations` and over real communes (weighted
    towards low APL médecins, and towards inhabited places), saved in batches. `departements`
    keeps them near their organisations when the base holds those départements."""
    if count <= 0:
        return []
    if not organisations:
        raise ValueError("offers_generate needs at least one organisation.")
    communes, cumulative = _commune_pool(departements)
    if not communes:
        raise ValueError("No commune with coordinates: import the commune base first.")
    kinds, kind_weights = _cumulative(KIND_WEIGHTS)
    professions, profession_weights = _cumulative(PROFESSION_WEIGHTS)
    settings_, setting_weights = _cumulative(SETTING_WEIGHTS)
    now = timezone.now()
    today = timezone.localdate()
    # offer_denormalise costs a query and two label lookups per offer: past BULK_FROM offers,
    # the same columns are filled from one read of the zonage (test_demo checks they agree).
    zonages = _latest_zonages() if count >= BULK_FROM else None
    created: list[Offer] = []
    batch: list[Offer] = []
    for _ in range(count):
        commune = communes[bisect.bisect(cumulative, rng.random() * cumulative[-1])]
        kind = kinds[bisect.bisect(kind_weights, rng.random() * kind_weights[-1])]
        profession = professions[
            bisect.bisect(profession_weights, rng.random() * profession_weights[-1])
        ]
        setting = settings_[bisect.bisect(setting_weights, rng.random() * setting_weights[-1])]
        offer = _offer(
            rng=rng,
            kind=kind,
            profession=profession,
            setting=setting,
            commune=commune,
            organisation=organisations[rng.randrange(len(organisations))],
            today=today,
            now=now,
        )
        offer.is_demo = is_demo
        if zonages is None:
            offer_denormalise(offer)
        else:
            _denormalise_in_bulk(offer, zonages=zonages)
        batch.append(offer)
        if len(batch) >= BATCH_SIZE:
            created += Offer.objects.bulk_create(batch)
            batch = []
    if batch:
        created += Offer.objects.bulk_create(batch)
    # Written without the services: one event tells the catalogue's readers (matching).
    offer_event_emit(offer=None, kind=OfferEventKind.CATALOGUE_CHANGED)
    return created


def _latest_zonages() -> dict[tuple[str, str], str]:
    """Each commune's ARS zonage of each profession, latest year, by (key, commune): what
    offer_denormalise reads."""
    rows = (
        IndicatorValue.objects.filter(key__in=set(PROFESSION_ZONAGE.values()))
        .order_by("commune_id", "year")
        .values_list("key", "commune_id", "category")
    )
    return {(key, commune): category or "" for key, commune, category in rows}


def _denormalise_in_bulk(offer: Offer, *, zonages: dict[tuple[str, str], str]) -> None:
    """offer_denormalise for a generated offer, without its query and label lookups."""
    commune = offer.commune
    assert commune is not None  # generated offers are placed in a commune of the pool
    offer.latitude, offer.longitude = commune.latitude, commune.longitude
    offer.departement_code, offer.region_code = commune.departement_id, commune.region_id
    offer.zonage = zonages.get((PROFESSION_ZONAGE.get(offer.profession, ""), commune.insee), "")
    # Normalising the parts one by one gives the same text as normalising them joined; the
    # paragraphs and names repeat, so each is normalised once (a third of the run otherwise).
    parts = [
        offer.title,
        str(PROFESSION_LABELS[offer.profession]),
        str(KIND_LABELS[offer.kind]),
        *offer.description.split("\n\n"),
        commune.name,
        commune.departement.name,
    ]
    words = [offer.title and normalise_name(offer.title), *map(_normalised, parts[1:])]
    offer.search_document = " ".join(word for word in words if word)


@functools.lru_cache(maxsize=4096)
def _normalised(text: str) -> str:
    return normalise_name(text)


def _cumulative(weights: dict) -> tuple[list, list[float]]:
    return list(weights), list(itertools.accumulate(weights.values()))


def _commune_pool(departements: list[str] | None) -> tuple[list[Commune], list[float]]:
    """Communes with coordinates and cumulative weights: the lower the APL of médecins
    généralistes (latest year), the likelier; hamlets less likely than bourgs."""
    located = Commune.objects.municipal().exclude(latitude=None).exclude(longitude=None)
    if departements and located.filter(departement_id__in=departements).exists():
        located = located.filter(departement_id__in=departements)
    communes = list(located.select_related("departement").only(*POOL_FIELDS).order_by("insee"))
    year = IndicatorValue.objects.filter(key="apl_mg").aggregate(year=Max("year"))["year"]
    apl: dict[str, float] = {}
    if year is not None:
        # Without NULL values (filtered out), which the stubs cannot know.
        apl = dict(
            cast(
                "Iterable[tuple[str, float]]",
                IndicatorValue.objects.filter(
                    key="apl_mg", year=year, value__isnull=False
                ).values_list("commune_id", "value"),
            )
        )
    weights = []
    for commune in communes:
        value = apl.get(commune.insee)
        need = 1.0 if value is None else 1.0 / max(value, 0.5) ** 1.5
        if apl and value is None:
            need = 0.2
        people = min(commune.population or 50, 5000) ** 0.5
        weights.append(need * people)
    return communes, list(itertools.accumulate(weights))


def _lowered(label: str) -> str:
    return label[0].lower() + label[1:] if label[1:2].islower() else label


def _of(label: str) -> str:
    """« de médecin généraliste », « d’infirmier »."""
    word = _lowered(label)
    return f"d’{word}" if word[0] in "aeiouyhéèêâîôû" else f"de {word}"


def _month(day: date) -> str:
    months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
              "septembre", "octobre", "novembre", "décembre"]  # fmt: skip
    return months[day.month - 1]


def _offer(
    *,
    rng: random.Random,
    kind: OfferKind,
    profession: Profession,
    setting: PracticeSetting,
    commune: Commune,
    organisation: Organisation,
    today: date,
    now: datetime,
) -> Offer:
    label = str(Profession(profession).label)
    is_physician = profession in PHYSICIANS
    offer = Offer(
        organisation=organisation,
        kind=kind,
        profession=profession,
        setting=setting,
        commune=commune,
        status=OfferStatus.PUBLISHED,
    )
    published = now - timedelta(days=rng.uniform(0, 45), minutes=rng.uniform(0, 600))
    offer.submitted_at = published - timedelta(hours=rng.uniform(2, 48))
    offer.published_at = offer.renewed_at = published
    _dates(offer, rng=rng, today=today)
    place = offer_title_place(commune)
    period = ""
    if offer.start_date and offer.end_date:
        first, last = _month(offer.start_date), _month(offer.end_date)
        period = f", {first}" if first == last else f", {first}-{last}"
    setting_words = {
        PracticeSetting.MSP: " en MSP",
        PracticeSetting.HEALTH_CENTRE: " en centre de santé",
        PracticeSetting.GROUP: " en cabinet de groupe",
        PracticeSetting.HOSPITAL: " à l’hôpital",
        PracticeSetting.EHPAD: " en EHPAD",
    }.get(setting, "")
    if kind == OfferKind.REPLACEMENT:
        offer.replacement_type = rng.choice([ReplacementType.ONE_OFF, ReplacementType.REGULAR])
        offer.retrocession_rate = Decimal(rng.choice([60, 65, 70, 70, 72, 75, 75, 80]))
        offer.title = rng.choice(
            [
                f"Remplacement {_of(label)}{setting_words}{period} — {place}",
                f"Cherche remplaçant(e) {_lowered(label)}{period} à {commune.name}",
                f"Remplacements réguliers {_of(label)} à {place}",
            ]
        )
    elif kind == OfferKind.INTERNSHIP:
        if is_physician:
            offer.internship_level = rng.choice(
                [InternshipLevel.INTERN, InternshipLevel.INTERN, InternshipLevel.JUNIOR_DOCTOR,
                 InternshipLevel.EXTERN]
            )  # fmt: skip
        levels: dict[str, str] = {
            InternshipLevel.INTERN: "interne",
            InternshipLevel.JUNIOR_DOCTOR: "docteur junior",
            InternshipLevel.EXTERN: "externe",
        }
        level = levels.get(offer.internship_level, "étudiant(e)")
        offer.title = f"Stage {level} — {_lowered(label)}{setting_words} à {place}"
    elif kind == OfferKind.DISCOVERY_STAY:
        offer.title = f"Séjour découverte à {commune.name} ({commune.departement.name}) : {_lowered(label)}, venez essayer le territoire"
    elif kind == OfferKind.COLLABORATION:
        offer.title = f"Collaboration {_lowered(label)}{setting_words} — {place}"
    elif kind == OfferKind.ASSISTANTSHIP:
        offer.title = f"Assistanat {_lowered(label)}, installation à terme — {place}"
    elif kind == OfferKind.SALARIED:
        low, high = SALARIES.get(profession, PHYSICIAN_SALARY if is_physician else DEFAULT_SALARY)
        offer.salary_min = rng.randrange(low, high, 100)
        offer.salary_max = offer.salary_min + rng.randrange(200, 1500, 100)
        offer.title = f"Poste salarié {_of(label)}{setting_words} à {place}"
    elif kind == OfferKind.INSTALLATION:
        offer.title = f"Installation {_of(label)} : local disponible{setting_words} à {place}"
    else:
        offer.title = f"Cession de patientèle {_of(label)} (départ en retraite) — {place}"
    offer.title = offer.title[:150]
    offer.housing_offered = rng.random() < 0.4
    if offer.housing_offered:
        offer.housing_details = rng.choice(HOUSING_DETAILS)
    offer.patients_per_day = rng.randint(18, 35) if is_physician else rng.randint(10, 40)
    offer.secretariat = rng.choice(list(Secretariat))
    family = "physician" if is_physician else profession
    offer.software = rng.choice(SOFTWARE.get(family, SOFTWARE["other"]))
    offer.on_call = rng.choice(ON_CALL) if is_physician else ""
    offer.description = "\n\n".join(
        [
            SETTING_PHRASES[setting],
            rng.choice(PATIENT_PHRASES),
            rng.choice(TERRITORY_PHRASES),
            *([offer.housing_details] if offer.housing_offered else []),
            rng.choice(WELCOME_PHRASES),
        ]
    )
    return offer


def _dates(offer: Offer, *, rng: random.Random, today: date) -> None:
    """Future dates or « dès que possible », shaped by the kind of offer."""
    kind = offer.kind
    if kind in {OfferKind.INSTALLATION, OfferKind.SUCCESSION} or rng.random() < 0.25:
        offer.asap = True
        return
    start = today + timedelta(days=rng.randint(7, 270))
    if kind == OfferKind.REPLACEMENT:
        offer.start_date, offer.end_date = start, start + timedelta(days=rng.randint(3, 60))
    elif kind == OfferKind.INTERNSHIP:
        # Internship semesters begin in early May and early November.
        year = start.year
        semester = date(year, 5, 2) if date(year, 5, 2) >= start else date(year, 11, 2)
        if semester < start:
            semester = date(year + 1, 5, 2)
        offer.start_date, offer.end_date = semester, semester + timedelta(days=181)
    elif kind == OfferKind.DISCOVERY_STAY:
        offer.start_date, offer.end_date = start, start + timedelta(days=rng.randint(2, 6))
    elif kind == OfferKind.ASSISTANTSHIP:
        offer.start_date, offer.end_date = start, start + timedelta(days=rng.choice([365, 730]))
    else:
        offer.start_date = start
