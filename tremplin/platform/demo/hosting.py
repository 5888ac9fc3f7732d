"""The demonstration welcome for `make run`: collectivités with a territory page, a housing open
for the coming months, discovery activities, a local aid, and one offer they support."""

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from tremplin.hosting import selectors
from tremplin.hosting.models import (
    Activity,
    ActivityKind,
    Housing,
    HousingKind,
    HousingPeriod,
    LocalAid,
    OfferSupport,
    StrongPoint,
    SupportStatus,
    TerritoryPage,
)
from tremplin.offers.models import Offer
from tremplin.offers.services import offer_denormalise
from tremplin.organisations.models import Organisation
from tremplin.territories.models import Commune

DEMO_TEXT = {
    "presentation": (
        "Entre plateau de Millevaches et vallée de la Creuse : des bourgs vivants, des écoles à "
        "taille humaine, des sentiers à la porte. Nos maisons de santé cherchent des renforts et "
        "nous accueillons celles et ceux qui veulent essayer le territoire avant de s’installer."
    ),
    "contact_role": "Référente installation des professionnels de santé",
    "contact_hours": "Du lundi au vendredi, 9 h – 12 h et 14 h – 17 h",
    "spouse_job_help": (
        "Mise en relation avec les employeurs du territoire et la Maison France Services pour la "
        "recherche d’emploi du conjoint."
    ),
    "school_contacts": "Écoles publiques du bourg : inscriptions en mairie.",
    "childcare_contacts": "Relais petite enfance intercommunal : liste des assistantes maternelles.",
}


def welcome_demo_create(*, collectivities: list[Organisation], contact_name: str) -> int:
    """Idempotent: a collectivité that already has a page is left as it is. Returns how many
    collectivités were given a demonstration welcome."""
    created = 0
    today = timezone.localdate()
    for index, collectivity in enumerate(collectivities):
        if TerritoryPage.objects.filter(organisation=collectivity).exists():
            continue
        area = selectors.collectivity_communes(collectivity).exclude(latitude=None)
        commune = area.order_by("-population").first()
        if commune is None:
            continue
        page = TerritoryPage.objects.create(
            organisation=collectivity,
            strong_points=[StrongPoint.NATURE, StrongPoint.SCHOOLS, StrongPoint.SPOUSE_JOBS],
            contact_name=contact_name,
            contact_email="accueil@demo.tremplin.localhost",
            contact_phone="05 55 00 00 00",
            is_published=True,
            is_demo=True,
            **DEMO_TEXT,
        )
        LocalAid.objects.create(
            page=page,
            title="Aide à la première installation",
            amount="jusqu’à 3 000 €",
            conditions="Pour une installation de trois ans au moins sur le territoire.",
        )
        housing = Housing.objects.create(
            organisation=collectivity,
            name=f"Logement d’accueil de {commune.name}",
            kind=HousingKind.FLAT if index % 2 else HousingKind.STUDIO,
            address="Place de la Mairie",
            commune=commune,
            capacity=2,
            is_free=True,
            description="Meublé, linge fourni, à deux minutes à pied des commerces.",
            is_demo=True,
        )
        HousingPeriod.objects.create(housing=housing, start=today, end=today + timedelta(days=180))
        noon = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
        activities = [
            Activity.objects.create(
                organisation=collectivity,
                title="Rencontre avec l’équipe de la maison de santé",
                kind=ActivityKind.HEALTH_MEETING,
                with_whom="Les médecins et infirmiers du bourg",
                starts_at=noon + timedelta(days=14 + index),
                place="Maison de santé",
                travel_costs_covered=True,
                is_demo=True,
            ),
            Activity.objects.create(
                organisation=collectivity,
                title="Tour du territoire avec le maire",
                kind=ActivityKind.MAYOR_TOUR,
                with_whom="Le maire et la référente installation",
                starts_at=None,
                place=f"Mairie de {commune.name}",
                is_demo=True,
            ),
        ]
        offer = _demo_offer_in(area)
        if offer is not None:
            support, _created = OfferSupport.objects.get_or_create(
                offer=offer,
                collectivity=collectivity,
                defaults={
                    "housing": housing,
                    "status": SupportStatus.ACCEPTED,
                    "decided_at": timezone.now(),
                    "message": "Logement offert et accueil personnalisé par notre référente.",
                },
            )
            support.activities.set(activities)
            Offer.objects.filter(pk=offer.pk).update(supported_housing=True, supported_welcome=True)
        created += 1
    return created


def _demo_offer_in(area: QuerySet[Commune]) -> Offer | None:
    """A demonstration offer of the area; else one moved there (demo offers are random)."""
    offer = Offer.objects.published().filter(is_demo=True, commune__in=area).first()
    if offer is not None:
        return offer
    offer = Offer.objects.published().filter(is_demo=True, supports__isnull=True).first()
    if offer is None:
        return None
    offer.commune = area.order_by("-population").first()
    offer_denormalise(offer)
    offer.save()
    return offer
