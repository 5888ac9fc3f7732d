"""Writes the demonstration story (story.py) over the commune base: accounts, organisations,
offers, welcomes, supports, stays and testimonials. Every row is found again by a natural key
and updated, so that loading twice gives the same data, and rows an earlier demo set left behind
are removed. Rows are written directly (not through the services): the story holds past stays
and a semester-long booking that the services rightly refuse to a user."""

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from tremplin.accounts.models import User
from tremplin.accounts.services import professional_profile_save
from tremplin.hosting import selectors
from tremplin.hosting import services as hosting_services
from tremplin.hosting.models import (
    Activity,
    BookedNight,
    Booking,
    BookingStatus,
    Housing,
    HousingPeriod,
    InstallationCheck,
    LocalAid,
    OfferSupport,
    Stay,
    StayFeedback,
    SupportStatus,
    TerritoryPage,
    offer_stay_dates,
)
from tremplin.hosting.semesters import semesters_upcoming
from tremplin.hosting.services import INSTALLATION_CHECK_MONTHS
from tremplin.juniors.models import (
    Supervisor,
    Terrain,
    TerrainHousing,
    TerrainSemester,
    TerrainStatus,
)
from tremplin.offers.events import offer_event_emit
from tremplin.offers.models import Offer, OfferEventKind, OfferStatus
from tremplin.offers.services import offer_denormalise
from tremplin.organisations.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationCategory,
    OrganisationStatus,
    OrganisationType,
)
from tremplin.platform.demo import story
from tremplin.platform.demo.missions import demo_missions_load
from tremplin.territories.models import Commune

# What an offer of the story holds when the story does not say otherwise.
OFFER_DEFAULTS = {
    "replacement_type": "", "internship_level": "", "retrocession_rate": None,
    "salary_min": None, "salary_max": None, "patients_per_day": None, "secretariat": "",
    "software": "", "on_call": "", "housing_offered": False, "housing_details": "",
    "supported_housing": False, "supported_welcome": False, "refusal_reason": "",
    "closed_at": None, "expiry_warned_at": None,
}  # fmt: skip


@dataclass
class Accounts:
    users: dict[str, User]
    passwords: list[tuple[story.Person, str]]  # only for accounts created or reset now


@dataclass
class Loaded:
    """What the story wrote, or why it could not (communes missing from the base)."""

    missing: list[str] = field(default_factory=list)
    organisations: int = 0
    offers: int = 0
    welcomes: int = 0
    stays: int = 0
    testimonials: int = 0


def demo_accounts_save(*, reset_passwords: bool = False) -> Accounts:
    """The story's people; a password is drawn (and returned) at creation or on reset only."""
    users, passwords = {}, []
    for person in story.PEOPLE:
        user = User.objects.filter(email=person.email).first()
        password = None
        if user is None:
            password = secrets.token_urlsafe(9)
            user = User.objects.create_user(
                email=person.email,
                password=password,
                first_name=person.first_name,
                last_name=person.last_name,
                email_confirmed_at=timezone.now(),
                is_staff=person.is_staff,
            )
        elif reset_passwords:
            password = secrets.token_urlsafe(9)
            user.set_password(password)
            user.save(update_fields=["password"])
        if person.profession:
            professional_profile_save(user=user, profession=person.profession, status=person.status)
        users[person.key] = user
        if password:
            passwords.append((person, password))
    return Accounts(users=users, passwords=passwords)


def _needed_communes() -> set[str]:
    places = [p.insee for p in story.HEALTH_ORGANISATIONS + story.COLLECTIVITIES]
    places += [offer.insee for offer in story.OFFERS]
    places += [lodging.insee for welcome in story.WELCOMES for lodging in welcome.lodgings]
    return set(places)


@transaction.atomic
def demo_story_load(*, users: dict[str, User], today: date | None = None) -> Loaded:
    """Write the whole story, or nothing when a commune of it (or the EPCI of a seat) is not in
    the base: `Loaded.missing` then says which."""
    today = today or timezone.localdate()
    communes = {
        c.insee: c
        for c in Commune.objects.filter(insee__in=_needed_communes()).select_related(
            "departement", "epci"
        )
    }
    missing = sorted(_needed_communes() - set(communes))
    missing += [
        f"EPCI de {place.insee}"
        for place in story.COLLECTIVITIES
        if place.type == OrganisationType.EPCI
        and place.insee in communes
        and communes[place.insee].epci_id is None
    ]
    if missing:
        return Loaded(missing=missing)
    Organisation.objects.filter(name__in=story.RETIRED_ORGANISATIONS).delete()
    organisations = _organisations(users=users, communes=communes)
    offers = _offers(organisations=organisations, communes=communes, today=today)
    housings = _welcomes(users=users, organisations=organisations, communes=communes, today=today)
    _supports(organisations=organisations, offers=offers, housings=housings)
    _terrains(users=users, organisations=organisations, communes=communes, housings=housings,
              today=today)  # fmt: skip
    stays = _stays(users=users, organisations=organisations, offers=offers, housings=housings,
                   today=today)  # fmt: skip
    demo_missions_load(users=users, organisations=organisations, today=today)
    return Loaded(
        organisations=len(organisations),
        offers=len(offers),
        welcomes=len(story.WELCOMES),
        stays=len(stays),
        testimonials=sum(1 for visit in story.STAYS if visit.testimony),
    )


def _territory_code(place: story.Place, commune: Commune) -> str:
    if place.type == OrganisationType.EPCI:
        assert commune.epci_id is not None  # checked by demo_story_load
        return commune.epci_id
    if place.type == OrganisationType.COMMUNE:
        return commune.insee
    return ""


def _organisations(
    *, users: dict[str, User], communes: dict[str, Commune]
) -> dict[str, Organisation]:
    moderator = users["moderation"]
    organisations = {}
    for places, category in (
        (story.HEALTH_ORGANISATIONS, OrganisationCategory.HEALTH),
        (story.COLLECTIVITIES, OrganisationCategory.COLLECTIVITY),
    ):
        for place in places:
            commune = communes[place.insee]
            organisation, _created = Organisation.objects.update_or_create(
                name=place.name,
                defaults={
                    "category": category,
                    "type": place.type,
                    "territory_code": _territory_code(place, commune),
                    "city": commune.name,
                    "postal_code": place.postal_code,
                },
            )
            if organisation.status != OrganisationStatus.VERIFIED:
                organisation.verify(by=moderator)
            admin = users[place.admin]
            Membership.objects.update_or_create(
                organisation=organisation, user=admin, defaults={"role": MembershipRole.ADMIN}
            )
            # Earlier demo sets made one person member of everything: each sees only theirs.
            Membership.objects.filter(
                organisation=organisation, user__email__endswith=f"@{story.DEMO_DOMAIN}"
            ).exclude(user=admin).delete()
            organisations[place.key] = organisation
    return organisations


def _offers(
    *, organisations: dict[str, Organisation], communes: dict[str, Commune], today: date
) -> dict[str, Offer]:
    now = timezone.now()
    offers: dict[str, Offer] = {}
    created_any = False
    for item in story.OFFERS:
        organisation = organisations[item.organisation]
        commune = communes[item.insee]
        offer = (
            Offer.objects.filter(
                organisation=organisation,
                is_demo=True,
                kind=item.kind,
                profession=item.profession,
                commune=commune,
            )
            .order_by("pk")
            .first()
        )
        created = offer is None
        if offer is None:
            offer = Offer(organisation=organisation, is_demo=True)
        start, end = item.dates.resolve(today)
        values = {
            **OFFER_DEFAULTS,
            **item.fields,
            "kind": item.kind,
            "profession": item.profession,
            "commune": commune,
            "setting": item.setting,
            "start_date": start,
            "end_date": end,
            "asap": item.dates.asap,
            "title": item.title.format(months=story.months_of(start, end or start))
            if start
            else item.title,
            "description": item.description,
        }
        for name, value in values.items():
            setattr(offer, name, value)
        if created or offer.status != OfferStatus.PUBLISHED:
            published = now - timedelta(days=item.days_online)
            offer.status = OfferStatus.PUBLISHED
            offer.submitted_at = published - timedelta(hours=6)
            offer.published_at = offer.renewed_at = published
        offer_denormalise(offer)
        offer.full_clean(exclude=["created_by"])
        offer.save()
        offer.other_communes.clear()
        offers[item.key] = offer
        created_any = created_any or created
    Offer.objects.filter(organisation__in=organisations.values(), is_demo=True).exclude(
        pk__in=[offer.pk for offer in offers.values()]
    ).delete()
    if created_any:  # the search index, feeds and the matching matrix see the new offers
        offer_event_emit(offer=None, kind=OfferEventKind.CATALOGUE_CHANGED)
    return offers


def _welcomes(
    *,
    users: dict[str, User],
    organisations: dict[str, Organisation],
    communes: dict[str, Commune],
    today: date,
) -> dict[str, Housing]:
    """Pages, aids, housings (with one open period) and activities; the housings by name."""
    housings: dict[str, Housing] = {}
    admins = {place.key: users[place.admin] for place in story.COLLECTIVITIES}
    semester_end = story.semester_after(today)[1]
    ten = timezone.make_aware(datetime.combine(today, time(10)))
    for welcome in story.WELCOMES:
        collectivity = organisations[welcome.collectivity]
        page, _created = TerritoryPage.objects.update_or_create(
            organisation=collectivity,
            defaults={
                "presentation": welcome.presentation,
                "strong_points": [str(point) for point in welcome.strong_points],
                "contact_name": welcome.contact_name,
                "contact_role": welcome.contact_role,
                "contact_email": admins[welcome.collectivity].email,
                "contact_phone": "05 55 00 00 00",
                "contact_hours": "Du lundi au vendredi, 9 h – 12 h et 14 h – 17 h",
                "is_published": True,
                "is_demo": True,
            },
        )
        title, amount, conditions = welcome.aid
        aid, _created = LocalAid.objects.update_or_create(
            page=page, title=title, defaults={"amount": amount, "conditions": conditions}
        )
        page.aids.exclude(pk=aid.pk).delete()
        kept = []
        for lodging in welcome.lodgings:
            housing, _created = Housing.objects.update_or_create(
                organisation=collectivity,
                name=lodging.name,
                defaults={
                    "kind": lodging.kind,
                    "commune": communes[lodging.insee],
                    "address": lodging.address,
                    "capacity": lodging.capacity,
                    "is_free": lodging.monthly_rent is None,
                    "monthly_rent": lodging.monthly_rent,
                    "description": lodging.description,
                    "is_demo": True,
                },
            )
            hosting_services.housing_places_sync(housing=housing)
            start = today - timedelta(days=lodging.opens)
            end = max(today + timedelta(days=lodging.closes), semester_end + timedelta(days=1))
            period = housing.periods.order_by("pk").first() or HousingPeriod(housing=housing)
            period.start, period.end = start, end
            period.save()
            housing.periods.exclude(pk=period.pk).delete()
            housings[lodging.name] = housing
            kept.append(housing.pk)
        Housing.objects.filter(organisation=collectivity, is_demo=True).exclude(
            pk__in=kept
        ).delete()
        activities = []
        for outing in welcome.outings:
            activity, _created = Activity.objects.update_or_create(
                organisation=collectivity,
                title=outing.title,
                defaults={
                    "kind": outing.kind,
                    "with_whom": outing.with_whom,
                    "place": outing.place,
                    "starts_at": None
                    if outing.in_days is None
                    else ten + timedelta(days=outing.in_days),
                    "travel_costs_covered": outing.travel_costs_covered,
                    "is_demo": True,
                },
            )
            activities.append(activity.pk)
        Activity.objects.filter(organisation=collectivity, is_demo=True).exclude(
            pk__in=activities
        ).delete()
    return housings


def _terrains(
    *,
    users: dict[str, User],
    organisations: dict[str, Organisation],
    communes: dict[str, Commune],
    housings: dict[str, Housing],
    today: date,
) -> None:
    """The terrains de stage, published, taking the next semester, their housing attached."""
    semester = semesters_upcoming(today=today, count=1)[0]
    admins = {place.key: users[place.admin] for place in story.COLLECTIVITIES}
    for practice in story.TERRAINS:
        organisation = organisations[practice.organisation]
        terrain, _created = Terrain.objects.update_or_create(
            organisation=organisation,
            name=practice.name,
            defaults={
                "commune": communes[practice.insee],
                "places": practice.places,
                "transport": practice.transport,
                "practice": practice.practice,
                "status": TerrainStatus.PUBLISHED,
                "is_demo": True,
            },
        )
        terrain.supervisors.all().delete()
        Supervisor.objects.bulk_create(
            [
                Supervisor(terrain=terrain, name=msu.name, speciality=msu.speciality)
                for msu in practice.supervisors
            ]
        )
        TerrainSemester.objects.get_or_create(terrain=terrain, start=semester.start)
        housing = housings[practice.housing]
        TerrainHousing.objects.get_or_create(
            terrain=terrain,
            semester_start=semester.start,
            housing=housing,
            defaults={"by": admins[practice.collectivity]},
        )


def housing_covers(housing: Housing, *, start: date, end: date) -> bool:
    """One open period of the housing holds every day from `start` to `end`."""
    return housing.periods.filter(start__lte=start, end__gte=end).exists()


def _supports(
    *,
    organisations: dict[str, Organisation],
    offers: dict[str, Offer],
    housings: dict[str, Housing],
) -> None:
    kept = []
    for backing in story.SUPPORTS:
        offer, collectivity = offers[backing.offer], organisations[backing.collectivity]
        housing = housings[backing.housing]
        # What support_propose and support_decide require, checked on the story itself.
        if not (
            offer.commune_id is not None
            and offer.start_date
            and offer.end_date
            and selectors.collectivity_communes(collectivity).filter(pk=offer.commune_id).exists()
            and housing.organisation_id == collectivity.pk
            and housing_covers(housing, start=offer.start_date, end=offer.end_date)
        ):
            raise ValueError(f"Demo support {backing.offer} → {backing.collectivity} is not valid.")
        # The dates promised, as support_propose records them (shown on the badge, requested
        # in one step): all the offer's, its housing open for them (checked above) — the
        # demo's own stays booked since are the promise kept, not a reason to promise less.
        dates = offer_stay_dates(offer)
        assert dates is not None  # checked above
        support, _created = OfferSupport.objects.update_or_create(
            offer=offer,
            collectivity=collectivity,
            defaults={
                "covers_from": dates[0],
                "covers_until": dates[1],
                "housing": housing,
                "status": SupportStatus.ACCEPTED,
                "personal_welcome": True,
                "message": backing.message,
            },
        )
        if support.decided_at is None:
            support.decided_at = timezone.now()
            support.save(update_fields=["decided_at"])
        support.activities.set(Activity.objects.filter(organisation=collectivity, is_demo=True))
        Offer.objects.filter(pk=offer.pk).update(supported_housing=True, supported_welcome=True)
        kept.append(support.pk)
    OfferSupport.objects.filter(
        collectivity__in=[organisations[p.key] for p in story.COLLECTIVITIES]
    ).exclude(pk__in=kept).delete()


def _stays(
    *,
    users: dict[str, User],
    organisations: dict[str, Organisation],
    offers: dict[str, Offer],
    housings: dict[str, Housing],
    today: date,
) -> list[Stay]:
    stays = []
    for visit in story.STAYS:
        professional, collectivity = users[visit.professional], organisations[visit.collectivity]
        housing = housings[visit.housing]
        start, end = visit.dates.resolve(today)
        assert start is not None and end is not None, visit
        stay = (
            Stay.objects.filter(professional=professional, collectivity=collectivity)
            .order_by("pk")
            .first()
        ) or Stay(professional=professional, collectivity=collectivity)
        stay.offer = offers[visit.offer] if visit.offer else None
        stay.start, stay.end = start, end
        stay.peers_visible = True
        stay.cancelled_at = None
        stay.save()
        _booking(stay=stay, housing=housing)
        _installation_checks(stay=stay, visit=visit, commune=housing.commune, today=today)
        if visit.testimony:
            StayFeedback.objects.update_or_create(
                stay=stay,
                defaults={
                    "went_well": visit.testimony.went_well,
                    "to_improve": visit.testimony.to_improve,
                    "would_come_back": visit.testimony.would_come_back,
                    "would_settle": visit.testimony.would_settle,
                    "publish": True,
                },
            )
        stays.append(stay)
    return stays


def _booking(*, stay: Stay, housing: Housing) -> None:
    """The stay's accepted booking with its nights; left requested if someone booked those
    nights in the meantime (a demo run never takes a real booking's place)."""
    booking = stay.bookings.order_by("pk").first() or Booking(
        stay=stay, professional=stay.professional
    )
    booking.housing, booking.start, booking.end = housing, stay.start, stay.end
    booking.save()
    stay.bookings.exclude(pk=booking.pk).delete()
    BookedNight.objects.filter(booking=booking).delete()
    plan = hosting_services.booked_nights_plan(booking=booking)
    if plan is None:
        booking.status, booking.decided_at = BookingStatus.REQUESTED, None
    else:
        BookedNight.objects.bulk_create(plan)
        booking.status = BookingStatus.ACCEPTED
        booking.decided_at = booking.decided_at or timezone.now()
    booking.save(update_fields=["status", "decided_at"])


def _installation_checks(*, stay: Stay, visit: story.Visit, commune: Commune, today: date) -> None:
    """The questions of 3, 6 and 12 months; those already due count as asked, and the first
    answered « installé(e) » for a professional who settled."""
    for months in INSTALLATION_CHECK_MONTHS:
        due_on = stay.end + timedelta(days=30 * months)
        check, _created = InstallationCheck.objects.get_or_create(
            stay=stay, months=months, defaults={"due_on": due_on}
        )
        check.due_on = due_on
        if due_on <= today and check.sent_at is None:
            check.sent_at = timezone.make_aware(datetime.combine(due_on, time(9)))
        if visit.settled and months == INSTALLATION_CHECK_MONTHS[0] and due_on <= today:
            check.answered_at = check.answered_at or check.sent_at
            check.settled, check.commune = True, commune
        check.save()
