"""Reads: a collectivité's area, what covers a commune, calendars, peers."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from tremplin.accounts.models import User
from tremplin.hosting.dates import month_add, month_text
from tremplin.hosting.models import (
    Activity,
    BookedNight,
    Booking,
    BookingStatus,
    Housing,
    HousingPeriod,
    OfferSupport,
    Stay,
    SupportStatus,
    TerritoryPage,
)
from tremplin.hosting.semesters import semesters_upcoming
from tremplin.offers.models import Offer
from tremplin.offers.search import distance_expression
from tremplin.organisations.models import (
    Membership,
    Organisation,
    OrganisationCategory,
    OrganisationStatus,
    OrganisationType,
)
from tremplin.territories.models import Commune

# « Publié par un agent vérifié »: a member whose belonging to the collectivité ProConnect
# checked (the SIREN of their SIRET is the collectivité's; the identity app sets it).


def verified_agent_exists(organisation_ref: str = "organisation") -> Exists:
    """For an annotation: the organisation at `organisation_ref` has a ProConnect-verified
    member (one subquery, not a query per row)."""
    return Exists(
        Membership.objects.filter(
            organisation=OuterRef(organisation_ref), proconnect_verified_at__isnull=False
        )
    )


def has_verified_agent(organisation: Organisation) -> bool:
    return organisation.memberships.filter(proconnect_verified_at__isnull=False).exists()


def published_territory_pages() -> list[TerritoryPage]:
    """Published territory pages of verified collectivités by name, each with its organisation
    and `verified_agent` annotated: one query (the list of territories that welcome)."""
    return list(
        TerritoryPage.objects.filter(
            is_published=True, organisation__status=OrganisationStatus.VERIFIED
        )
        .select_related("organisation")
        .annotate(verified_agent=verified_agent_exists())
        .order_by("organisation__name")
    )


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
            "collectivity", "housing", "offer"
        )
    )


@dataclass(frozen=True)
class HousingCover:
    """What a housing can promise between an arrival and a departure: the longest run of nights
    it is open and free (`start`, `end` as arrival and departure), or why it promises none:
    "closed" (no open night) or "full" (every open night taken)."""

    start: date | None
    end: date | None
    refusal: str = ""


def booked_counts(housing: Housing, *, start: date, end: date) -> dict[date, int]:
    """Places taken each night of [start, end) that has any: one query."""
    rows = (
        BookedNight.objects.filter(housing=housing, night__gte=start, night__lt=end)
        .order_by()
        .values("night")
        .annotate(taken=Count("id"))
        .values_list("night", "taken")
    )
    return dict(rows)


def housing_fewest_free(housing: Housing, *, start: date, end: date) -> tuple[date | None, int]:
    """The night of [start, end) with the fewest free places (the earliest of equals) and how
    many it has; (None, capacity) when no night is taken."""
    counts = booked_counts(housing, start=start, end=end)
    if not counts:
        return None, housing.capacity
    night = min(counts, key=lambda day: (-counts[day], day))
    return night, max(housing.capacity - counts[night], 0)


def housing_cover(housing: Housing, *, start: date, end: date) -> HousingCover:
    """A night is taken when all its places are: a promise needs one free place a night."""
    counts = booked_counts(housing, start=start, end=end)
    booked = {night for night, taken in counts.items() if taken >= housing.capacity}
    periods = list(housing.periods.filter(end__gt=start, start__lt=end))
    best: tuple[date, date] | None = None
    run_start: date | None = None
    any_open = False
    night = start
    while night <= end:
        is_open = night < end and any(p.start <= night < p.end for p in periods)
        any_open = any_open or is_open
        if is_open and night not in booked:
            run_start = run_start or night
        elif run_start is not None:
            # The first of equally long runs wins: the earliest dates are the ones promised.
            if best is None or (night - run_start) > (best[1] - best[0]):
                best = (run_start, night)
            run_start = None
        night += timedelta(days=1)
    if best is not None:
        return HousingCover(start=best[0], end=best[1])
    return HousingCover(start=None, end=None, refusal="full" if any_open else "closed")


@dataclass
class CalendarDay:
    """One night of a housing's month: "free", "full" or "closed", the places left of
    `capacity`, and the names an agent sees (guests, pending requests) or the candidate's own
    pending request."""

    day: date
    state: str
    places: int
    pending: list[str]
    guests: list[str]
    mine_pending: bool = False
    capacity: int = 1

    @property
    def css_state(self) -> str:
        if self.state == "free" and (self.pending or self.mine_pending):
            return "pending"
        return self.state


@dataclass
class CalendarMonth:
    year: int
    month: int
    weeks: list[list[CalendarDay | None]]

    @property
    def caption(self) -> str:
        return month_text(self.year, self.month)


def _person(user: User) -> str:
    return user.get_full_name() or user.email


def housing_months(
    housing: Housing, *, first: date, count: int, viewer: User | AnonymousUser, agent: bool
) -> list[CalendarMonth]:
    """`count` months of the housing from the month of `first`, one table each, weeks from
    Monday: three queries whatever the number of months. Guests' and requesters' names are for
    the collectivité's agents only; a candidate sees their own pending request, nobody else's."""
    start = first.replace(day=1)
    end = month_add(start, count)
    periods = list(housing.periods.filter(end__gt=start, start__lt=end))
    booked: dict[date, list[Booking]] = {}
    for row in (
        BookedNight.objects.filter(housing=housing, night__gte=start, night__lt=end)
        .select_related("booking__professional")
        .order_by("night", "place__number")
    ):
        booked.setdefault(row.night, []).append(row.booking)
    pending = list(
        Booking.objects.filter(
            housing=housing, status=BookingStatus.REQUESTED, start__lt=end, end__gt=start
        ).select_related("professional")
    )
    viewer_pk = viewer.pk if viewer.is_authenticated else None
    months = []
    month_start = start
    while month_start < end:
        next_month = month_add(month_start, 1)
        days: list[CalendarDay | None] = [None] * month_start.weekday()
        day = month_start
        while day < next_month:
            asked = [b for b in pending if b.start <= day < b.end]
            guests = booked.get(day, [])
            free = max(housing.capacity - len(guests), 0)
            if guests and not free:
                state, places = "full", 0
            elif any(p.start <= day < p.end for p in periods):
                state, places = "free", free
            else:
                state, places = "closed", 0
            # A guest with two places is named once.
            names = list(dict.fromkeys(_person(b.professional) for b in guests))
            days.append(
                CalendarDay(
                    day=day,
                    state=state,
                    places=places,
                    capacity=housing.capacity,
                    pending=[_person(b.professional) for b in asked] if agent else [],
                    guests=names if agent else [],
                    mine_pending=any(b.professional_id == viewer_pk for b in asked),
                )
            )
            day += timedelta(days=1)
        days += [None] * (-len(days) % 7)
        weeks = [days[i : i + 7] for i in range(0, len(days), 7)]
        months.append(CalendarMonth(year=month_start.year, month=month_start.month, weeks=weeks))
        month_start = next_month
    return months


def my_requests_for(
    user: User | AnonymousUser, supports: list[OfferSupport]
) -> list[tuple[OfferSupport, Booking | None]]:
    """Each housing support with the user's live request (asked or accepted) of its housing
    overlapping the promised dates, if any: one query."""
    mine: list[Booking] = []
    if user.is_authenticated and supports:
        mine = list(
            Booking.objects.filter(
                professional=user,
                housing_id__in=[s.housing_id for s in supports],
                status__in=[BookingStatus.REQUESTED, BookingStatus.ACCEPTED],
            ).order_by("start")
        )
    return [
        (
            support,
            next(
                (
                    b
                    for b in mine
                    if b.housing_id == support.housing_id
                    and support.covers_from is not None
                    and support.covers_until is not None
                    and b.start < support.covers_until
                    and b.end > support.covers_from
                ),
                None,
            ),
        )
        for support in supports
    ]


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

    supports = list(offer.supports.select_related("collectivity", "housing", "offer"))
    housed = [
        s
        for s in supports
        if s.status == SupportStatus.ACCEPTED and s.housing is not None and s.covers_from
    ]
    # The collectivité's own agents do not ask for their housing; its calendar is theirs.
    agent_of = set(
        user.memberships.filter(
            organisation_id__in=[s.collectivity_id for s in housed]
        ).values_list("organisation_id", flat=True)
        if user.is_authenticated and housed
        else []
    )
    panel: dict = {
        "proposals": [],
        "request_form": None,
        "stay_links": [s.collectivity for s in supports if s.status == SupportStatus.ACCEPTED],
        # One-step requests of each promised housing, for the offer's dates it covers.
        "housing_requests": []
        if is_member
        else my_requests_for(user, [s for s in housed if s.collectivity_id not in agent_of]),
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
        "verified_agent": has_verified_agent(organisation),
        "photos": page.photos.all(),
        "aids": page.aids.all(),
        "housings": Housing.objects.filter(organisation=organisation).select_related("commune"),
        "activities": activities_of(organisation).exclude(starts_at__lt=timezone.now()),
        "testimonials": testimonials(organisation),
        "supported_offers": Offer.objects.published()
        .filter(supports__collectivity=organisation, supports__status=SupportStatus.ACCEPTED)
        .select_related("commune"),
    }


# What covers a commune, for matching and the commune profile --------------------------------------

# The commune profile lists the offers within this distance.
OFFERS_NEAR_KM = 20


@dataclass(frozen=True)
class Welcome:
    """A collectivité's published welcome, as matching and the commune profile show it."""

    organisation_id: int
    name: str
    type: str
    territory_code: str
    referent: str  # the named référent installation, "" when none
    housing: int  # housings with a period still open
    activities: int  # discovery activities to come or on request
    # A member verified by ProConnect: « agent vérifié » on the commune profile. Not part of
    # `welcomes_version`: the matching matrix keeps welcomes but never shows this flag.
    verified_agent: bool = False

    @property
    def url(self) -> str:
        return reverse("hosting:page", kwargs={"pk": self.organisation_id})


def bookable_housings(*, today: date | None = None) -> QuerySet[Housing]:
    """Housings with a booking period that has not ended."""
    today = today or timezone.localdate()
    return Housing.objects.filter(periods__end__gt=today).distinct()


def open_activities() -> QuerySet[Activity]:
    """Discovery activities to come, or on request (no date)."""
    return Activity.objects.filter(Q(starts_at__isnull=True) | Q(starts_at__gte=timezone.now()))


def _counts_by_organisation(queryset: QuerySet, organisations: list[int]) -> dict[int, int]:
    rows = (
        queryset.filter(organisation_id__in=organisations)
        .order_by()
        .values("organisation_id")
        .annotate(count=Count("id", distinct=True))
        .values_list("organisation_id", "count")
    )
    return dict(rows)


def _welcomes(pages: QuerySet[TerritoryPage]) -> list[Welcome]:
    rows = list(
        pages.annotate(verified_agent=verified_agent_exists())
        .order_by("organisation_id")
        .values_list(
            "organisation_id",
            "organisation__name",
            "organisation__type",
            "organisation__territory_code",
            "contact_name",
            "verified_agent",
        )
    )
    ids = [row[0] for row in rows]
    housing = _counts_by_organisation(bookable_housings(), ids)
    activities = _counts_by_organisation(open_activities(), ids)
    return [
        Welcome(
            organisation_id=pk,
            name=name,
            type=kind,
            territory_code=code,
            referent=contact.strip(),
            housing=housing.get(pk, 0),
            activities=activities.get(pk, 0),
            verified_agent=verified,
        )
        for pk, name, kind, code, contact, verified in rows
    ]


def published_welcomes() -> list[Welcome]:
    """Every published territory page of a verified collectivité with a territory, with what
    it offers: three queries, whatever the number of pages (the matching matrix reads them)."""
    return _welcomes(
        TerritoryPage.objects.filter(
            is_published=True,
            organisation__category=OrganisationCategory.COLLECTIVITY,
            organisation__status=OrganisationStatus.VERIFIED,
        ).exclude(organisation__territory_code="")
    )


def welcomes_version() -> tuple:
    """What changes when a welcome is published, edited, gains or loses a housing, a booking
    period or an activity, when a collectivité is verified or edited, or when an activity
    passes: one query of counts and maxima over small tables (the matching matrix compares it
    at each ranking). The day is in the matrix's offers version: periods end at midnight."""
    tables = {
        name: connection.ops.quote_name(model._meta.db_table)
        for name, model in (
            ("page", TerritoryPage),
            ("organisation", Organisation),
            ("housing", Housing),
            ("period", HousingPeriod),
            ("activity", Activity),
        )
    }
    sql = (
        "SELECT (SELECT COUNT(*) FROM {page}), (SELECT MAX(updated_at) FROM {page}), "
        "(SELECT MAX(updated_at) FROM {organisation} WHERE category = %s), "
        "(SELECT COUNT(*) FROM {housing}), (SELECT MAX(id) FROM {housing}), "
        "(SELECT COUNT(*) FROM {period}), (SELECT MAX(id) FROM {period}), "
        "(SELECT COUNT(*) FROM {activity}), (SELECT MAX(id) FROM {activity}), "
        "(SELECT COUNT(*) FROM {activity} WHERE starts_at IS NULL OR starts_at >= %s)"
    ).format(**tables)
    with connection.cursor() as cursor:
        # The time as a prepared parameter, stored the way the database stores datetimes.
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        cursor.execute(sql, [OrganisationCategory.COLLECTIVITY.value, now])
        row = cursor.fetchone()
    return tuple(str(value) for value in row)


def commune_welcome(commune: Commune, *, km: float = OFFERS_NEAR_KM, limit: int = 10) -> dict:
    """What a commune profile shows under "Offres et accueil": the live offers in the commune
    (its arrondissements for a city) or within `km` of it, nearest first, and the published
    welcomes covering it with their housing, activities and référent: four queries, whatever
    the number of offers and welcomes."""
    offers = Offer.objects.live().select_related("organisation", "commune")
    in_commune = Q(commune_id=commune.insee) | Q(commune__city_id=commune.insee)
    if commune.latitude is not None and commune.longitude is not None:
        south, north = commune.latitude - km / 111.0, commune.latitude + km / 111.0
        offers = (
            offers.annotate(distance_km=distance_expression(commune.latitude, commune.longitude))
            .filter(in_commune | Q(latitude__range=(south, north), distance_km__lte=km))
            .order_by(F("distance_km").asc(nulls_first=True), "-published_at")
        )
    else:
        offers = offers.filter(in_commune).order_by("-published_at")
    found = list(offers[: limit + 1])
    return {
        "offers": found[:limit],
        "more_offers": len(found) > limit,
        "km": km,
        "welcomes": _welcomes(territory_pages_for(commune)),
    }


# The home page and the header menu ------------------------------------------------------------------


def bookings_requested() -> QuerySet[Booking]:
    """Booking requests waiting for a collectivité's decision; the caller narrows them to
    collectivités through `housing__organisation`."""
    return Booking.objects.filter(status=BookingStatus.REQUESTED)


def welcoming_territories(*, limit: int = 6, today: date | None = None) -> list[TerritoryPage]:
    """Published territory pages of verified collectivités, those with a housing still bookable
    first (then by name), each with `bookable_housings` counted: one query (the home page)."""
    today = today or timezone.localdate()
    return list(
        TerritoryPage.objects.filter(
            is_published=True,
            organisation__category=OrganisationCategory.COLLECTIVITY,
            organisation__status=OrganisationStatus.VERIFIED,
        )
        .select_related("organisation")
        .annotate(
            verified_agent=verified_agent_exists(),
            bookable_housings=Count(
                "organisation__housings",
                filter=Q(organisation__housings__periods__end__gt=today),
                distinct=True,
            ),
        )
        .order_by("-bookable_housings", "organisation__name", "pk")[:limit]
    )


def welcome_figures(*, today: date | None = None) -> dict[str, int]:
    """What the collectivités' welcomes add up to, one query each: housings with a booking
    period still open, discovery stays planned (cancelled ones left out), and professionals
    who answered "yes, I settled" to an installation question at least once."""
    from tremplin.hosting.models import InstallationCheck

    return {
        "housings": bookable_housings(today=today).count(),
        "stays": Stay.objects.filter(cancelled_at__isnull=True).count(),
        "installations": InstallationCheck.objects.filter(settled=True)
        .values("stay__professional")
        .distinct()
        .count(),
    }


def bookings_of(user: User | AnonymousUser, *, housing: Housing) -> list[Booking]:
    """The user's requests of a housing that are not over, soonest first (its page lists them
    with their places and, for a semester, the rent)."""
    if not user.is_authenticated:
        return []
    return list(
        Booking.objects.filter(
            professional=user, housing=housing, end__gte=timezone.localdate()
        ).select_related("housing")
    )


@dataclass(frozen=True)
class SemesterRent:
    months: int
    monthly: int

    @property
    def total(self) -> int:
        return self.months * self.monthly


def semester_rent(housing: Housing, *, today: date | None = None) -> SemesterRent | None:
    """What a place costs for the next semester (monthly rent × its months, 6 by default);
    None for a free housing."""
    if housing.is_free or housing.monthly_rent is None:
        return None
    [semester] = semesters_upcoming(today=today or timezone.localdate(), count=1)
    months = (semester.end.year - semester.start.year) * 12 + semester.end.month
    return SemesterRent(months=months - semester.start.month, monthly=housing.monthly_rent)


# The housings API -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FreeHousing:
    housing: Housing
    free_places: int  # free every night of the range: the capacity less the busiest night


def housings_free(
    *,
    start: date,
    end: date,
    places: int = 1,
    commune: str = "",
    departement: str = "",
    epci: str = "",
) -> list[FreeHousing]:
    """Housings of verified collectivités open the whole range [start, end) — one period
    covering it, as a booking needs — with at least `places` places free every night of it,
    by commune (its arrondissements included), département or EPCI: two queries."""
    housings = (
        Housing.objects.filter(
            organisation__category=OrganisationCategory.COLLECTIVITY,
            organisation__status=OrganisationStatus.VERIFIED,
            periods__start__lte=start,
            periods__end__gte=end,
        )
        .select_related("commune__departement", "organisation")
        .order_by("commune__name", "name", "pk")
        .distinct()
    )
    if commune:
        housings = housings.filter(Q(commune_id=commune) | Q(commune__city_id=commune))
    if departement:
        housings = housings.filter(commune__departement_id=departement)
    if epci:
        housings = housings.filter(commune__epci_id=epci)
    found = list(housings)
    busiest: dict[int, int] = {}
    for housing_id, _night, taken in (
        BookedNight.objects.filter(
            housing__in=[housing.pk for housing in found], night__gte=start, night__lt=end
        )
        .order_by()
        .values("housing_id", "night")
        .annotate(taken=Count("id"))
        .values_list("housing_id", "night", "taken")
    ):
        busiest[housing_id] = max(busiest.get(housing_id, 0), taken)
    result = []
    for housing in found:
        free = max(housing.capacity - busiest.get(housing.pk, 0), 0)
        if free >= places:
            result.append(FreeHousing(housing=housing, free_places=free))
    return result
