"""Reads: a collectivité's area, what covers a commune, calendars, peers."""

from datetime import date, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from tremplin.accounts.models import User
from tremplin.hosting.models import (
    Activity,
    BookedNight,
    Booking,
    BookingStatus,
    Housing,
    OfferSupport,
    Stay,
    SupportStatus,
    TerritoryPage,
)
from tremplin.offers.models import Offer
from tremplin.organisations.models import Organisation, OrganisationStatus, OrganisationType
from tremplin.territories.models import Commune


def collectivity_communes(organisation: Organisation) -> QuerySet[Commune]:
    """The communes a collectivité speaks for, from its type and territory code; none for a
    partner without a territory."""
    code = organisation.territory_code
    if not code:
        return Commune.objects.none()
    lookups: dict[str, dict[str, str]] = {
        OrganisationType.COMMUNE: {"insee": code},
        OrganisationType.EPCI: {"epci_id": code},
        OrganisationType.DEPARTEMENT: {"departement_id": code},
        OrganisationType.REGION: {"region_id": code},
    }
    lookup = lookups.get(organisation.type)
    if lookup is None:
        return Commune.objects.none()
    if organisation.type == OrganisationType.COMMUNE:
        # Paris, Lyon and Marseille speak for their arrondissements too.
        return Commune.objects.filter(Q(insee=code) | Q(city_id=code))
    return Commune.objects.filter(**lookup)


def collectivities_covering(commune: Commune) -> QuerySet[Organisation]:
    """Verified collectivités whose area contains the commune (commune — or the city of an
    arrondissement —, EPCI, département, région)."""
    area = Q(type=OrganisationType.COMMUNE, territory_code=commune.insee)
    if commune.city_id:  # an arrondissement: its city's collectivité covers it
        area |= Q(type=OrganisationType.COMMUNE, territory_code=commune.city_id)
    area |= Q(type=OrganisationType.DEPARTEMENT, territory_code=commune.departement_id)
    area |= Q(type=OrganisationType.REGION, territory_code=commune.region_id)
    if commune.epci_id:
        area |= Q(type=OrganisationType.EPCI, territory_code=commune.epci_id)
    return Organisation.objects.collectivities().filter(area, status=OrganisationStatus.VERIFIED)


def territory_pages_for(commune: Commune) -> QuerySet[TerritoryPage]:
    return TerritoryPage.objects.filter(
        is_published=True, organisation__in=collectivities_covering(commune)
    ).select_related("organisation")


def offers_in_area(organisation: Organisation) -> QuerySet[Offer]:
    return (
        Offer.objects.published()
        .filter(commune__in=collectivity_communes(organisation))
        .select_related("organisation", "commune")
        .order_by("-published_at")
    )


def accepted_supports(offer: Offer) -> list[OfferSupport]:
    return list(
        offer.supports.filter(status=SupportStatus.ACCEPTED).select_related(
            "collectivity", "housing"
        )
    )


def night_calendar(housing: Housing, *, start: date, days: int) -> list[tuple[date, str]]:
    """Each day from `start`: "available", "booked" or "closed" (outside every period)."""
    end = start + timedelta(days=days)
    booked = set(
        BookedNight.objects.filter(housing=housing, night__gte=start, night__lt=end).values_list(
            "night", flat=True
        )
    )
    periods = list(housing.periods.filter(end__gt=start, start__lt=end))
    calendar = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        if day in booked:
            state = "booked"
        elif any(p.start <= day < p.end for p in periods):
            state = "available"
        else:
            state = "closed"
        calendar.append((day, state))
    return calendar


def bookings_to_decide(organisation: Organisation) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(housing__organisation=organisation)
        .select_related("housing", "professional__professional_profile", "stay")
        .order_by("status", "start")
    )


def peers_of(stay: Stay) -> QuerySet[Stay]:
    """Others staying in the same territory at overlapping dates, when both agreed to be seen."""
    if not stay.peers_visible or stay.cancelled_at:
        return Stay.objects.none()
    return (
        Stay.objects.filter(
            collectivity=stay.collectivity,
            peers_visible=True,
            cancelled_at__isnull=True,
            start__lt=stay.end,
            end__gt=stay.start,
        )
        .exclude(pk=stay.pk)
        .exclude(professional=stay.professional)
        .select_related("professional__professional_profile")
    )


def stays_of(user: User) -> QuerySet[Stay]:
    return (
        Stay.objects.filter(professional=user)
        .select_related("collectivity", "offer")
        .prefetch_related("bookings__housing")
    )


def activities_of(organisation: Organisation) -> QuerySet[Activity]:
    return Activity.objects.filter(organisation=organisation)


def testimonials(organisation: Organisation) -> list:
    from tremplin.hosting.models import StayFeedback

    return list(
        StayFeedback.objects.filter(stay__collectivity=organisation, publish=True)
        .select_related("stay__professional__professional_profile")
        .order_by("-created_at")[:20]
    )


def offer_support_panel(*, user: User | AnonymousUser, offer: Offer, is_member: bool) -> dict:
    """What the offer page shows about supports: proposals to answer and a request form for its
    organisation; links to plan a stay with each supporting collectivité for everyone."""
    from tremplin.hosting.forms import SupportRequestForm

    supports = list(offer.supports.select_related("collectivity", "housing"))
    panel: dict = {
        "proposals": [],
        "request_form": None,
        "stay_links": [s.collectivity for s in supports if s.status == SupportStatus.ACCEPTED],
    }
    if is_member and offer.is_public and offer.commune is not None:
        panel["proposals"] = [s for s in supports if s.status == SupportStatus.PROPOSED]
        asked = {s.collectivity_id for s in supports}
        covering = collectivities_covering(offer.commune).exclude(pk__in=asked)
        if covering.exists():
            panel["request_form"] = SupportRequestForm(collectivities=covering)
    return panel


def welcome_funnel(organisation: Organisation) -> dict[str, int]:
    """What a collectivité's welcome led to: stays, accepted housing, feedback, installations
    (professionals who answered "yes" to the installation question at least once)."""
    from tremplin.hosting.models import InstallationCheck, StayFeedback

    stays = Stay.objects.filter(collectivity=organisation, cancelled_at__isnull=True)
    return {
        "stays": stays.count(),
        "housed": Booking.objects.filter(
            housing__organisation=organisation, status=BookingStatus.ACCEPTED
        ).count(),
        "feedbacks": StayFeedback.objects.filter(stay__in=stays).count(),
        "installed": InstallationCheck.objects.filter(stay__in=stays, settled=True)
        .values("stay__professional")
        .distinct()
        .count(),
    }


def welcome_dashboard(organisation: Organisation) -> dict:
    """Everything an agent's management page shows, in a fixed number of queries."""
    supports = list(
        OfferSupport.objects.filter(collectivity=organisation).select_related(
            "offer__organisation", "housing"
        )
    )
    supported = {support.offer_id: support for support in supports}
    return {
        "territory_page": TerritoryPage.objects.filter(organisation=organisation).first(),
        "housings": list(
            Housing.objects.filter(organisation=organisation).select_related("commune")
        ),
        "activities": list(activities_of(organisation)),
        "bookings": list(bookings_to_decide(organisation)),
        "supports": supports,
        "offers": [(offer, supported.get(offer.pk)) for offer in offers_in_area(organisation)[:50]],
        "funnel": welcome_funnel(organisation),
    }


def territory_welcome(organisation: Organisation, *, page: TerritoryPage) -> dict:
    """What a collectivité's public page shows besides its presentation."""
    return {
        "photos": page.photos.all(),
        "aids": page.aids.all(),
        "housings": Housing.objects.filter(organisation=organisation).select_related("commune"),
        "activities": activities_of(organisation).exclude(starts_at__lt=timezone.now()),
        "testimonials": testimonials(organisation),
        "supported_offers": Offer.objects.published()
        .filter(supports__collectivity=organisation, supports__status=SupportStatus.ACCEPTED)
        .select_related("commune"),
    }
