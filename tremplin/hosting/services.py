"""Writes on the welcome: territory pages, housing and its calendar, bookings, activities,
supports to offers, stays, feedback and the installation follow-up."""

import re
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tremplin.accounts.models import User
from tremplin.core.emails import email_send
from tremplin.core.images import image_clean
from tremplin.hosting import selectors
from tremplin.hosting.dates import date_range_text
from tremplin.hosting.models import (
    MAX_HOUSING_PLACES,
    MAX_STAY_NIGHTS,
    PLACES_REFUSAL,
    Activity,
    BookedNight,
    Booking,
    BookingStatus,
    Housing,
    HousingPeriod,
    HousingPlace,
    InstallationCheck,
    LocalAid,
    OfferSupport,
    PeerMessage,
    Stay,
    StayFeedback,
    SupportStatus,
    TerritoryPage,
    TerritoryPhoto,
    offer_stay_dates,
)
from tremplin.hosting.semesters import semester_containing
from tremplin.offers.events import offer_event_emit
from tremplin.offers.models import Offer, OfferEventKind, OfferStatus
from tremplin.organisations.models import Organisation
from tremplin.territories.models import Commune

MAX_TERRITORY_PHOTOS = 8
INSTALLATION_CHECK_MONTHS = (3, 6, 12)
_TAG = re.compile(r"<\s*[a-zA-Z/!?]")


def text_without_html(value: str, *, field: str) -> str:
    """Testimonials and messages are plain text: markup is refused, not silently stripped."""
    if _TAG.search(value or ""):
        raise ValidationError(
            {
                field: _(
                    "Le texte ne doit pas contenir de balises HTML (< … >) : écrivez-le simplement."
                )
            }
        )
    return (value or "").strip()


def _url(name: str, **kwargs: object) -> str:
    return settings.SITE_URL + reverse(name, kwargs=kwargs)


def _require_verified(organisation: Organisation) -> None:
    if not organisation.can_publish:
        raise PermissionDenied(
            _("Votre collectivité doit être vérifiée par l’équipe de modération avant de publier.")
        )


# Territory page -------------------------------------------------------------------------------


def territory_page_for(*, organisation: Organisation) -> TerritoryPage:
    page, _created = TerritoryPage.objects.get_or_create(organisation=organisation)
    return page


def local_aid_add(*, page: TerritoryPage, aid: LocalAid) -> LocalAid:
    aid.page = page
    aid.save()
    return aid


def local_aid_delete(*, page: TerritoryPage, pk: int) -> None:
    """Remove one of the page's aids (404 for an aid of another page)."""
    get_object_or_404(page.aids, pk=pk).delete()


def territory_page_save(*, page: TerritoryPage, by: User) -> TerritoryPage:
    if page.is_published:
        _require_verified(page.organisation)
    page.full_clean()
    page.save()
    return page


def territory_photo_add(
    *, page: TerritoryPage, upload: UploadedFile, alt: str = ""
) -> TerritoryPhoto:
    if page.photos.count() >= MAX_TERRITORY_PHOTOS:
        raise ValidationError(
            _("%(count)s photos au maximum par page.") % {"count": MAX_TERRITORY_PHOTOS}
        )
    data = image_clean(upload)
    photo = TerritoryPhoto(page=page, alt=alt[:200])
    photo.image.save(f"territoire-{page.pk}.jpg", ContentFile(data), save=False)
    photo.save()
    return photo


# Housing ----------------------------------------------------------------------------------------


def housing_save(*, housing: Housing, by: User) -> Housing:
    """Save a housing and its places: a capacity of 1 to 50, never below the places booked on
    a night to come."""
    area = selectors.collectivity_communes(housing.organisation)
    if housing.commune_id and area.exists() and not area.filter(pk=housing.commune_id).exists():
        raise ValidationError(
            {"commune": _("Ce logement doit se trouver sur le territoire de votre collectivité.")}
        )
    if housing.is_free:
        housing.monthly_rent = None
    elif housing.monthly_rent is None:
        raise ValidationError({"monthly_rent": _("Indiquez le loyer, ou cochez « gratuit ».")})
    housing.full_clean()
    with transaction.atomic():
        if housing.pk is not None:
            # Serialises with the acceptances of this housing (booking_accept locks it too).
            Housing.objects.select_for_update().filter(pk=housing.pk).first()
        housing.save()
        housing_places_sync(housing=housing)
    return housing


def housing_places_sync(*, housing: Housing) -> None:
    """Make the housing's place rows 1..capacity. Places above a lowered capacity are removed
    after their nights to come move to a free place within it; refused when some night to come
    has more guests than the new capacity. Their past nights move when a place is free that
    night, otherwise they are dropped (the bookings stay)."""
    capacity = housing.capacity
    if not 1 <= capacity <= MAX_HOUSING_PLACES:
        raise ValidationError({"capacity": PLACES_REFUSAL})
    _places_ensure(housing)
    removed = list(housing.places.filter(number__gt=capacity))
    if not removed:
        return
    today = timezone.localdate()
    nights = BookedNight.objects.filter(housing=housing)
    busiest = (
        nights.filter(night__gte=today)
        .values("night")
        .annotate(guests=Count("id"))
        .order_by("-guests", "night")
        .first()
    )
    if busiest is not None and busiest["guests"] > capacity:
        raise ValidationError(
            {
                "capacity": ngettext(
                    "Impossible de passer à %(capacity)s place : %(guests)s places sont "
                    "réservées la nuit du %(night)s.",
                    "Impossible de passer à %(capacity)s places : %(guests)s places sont "
                    "réservées la nuit du %(night)s.",
                    capacity,
                )
                % {
                    "capacity": capacity,
                    "guests": busiest["guests"],
                    "night": date_format(busiest["night"], "j F Y"),
                }
            }
        )
    kept = {place.number: place for place in housing.places.filter(number__lte=capacity)}
    moving = list(nights.filter(place__in=removed).order_by("night"))
    taken: dict[date, set[int]] = {}
    for night, number in nights.filter(
        night__in={row.night for row in moving}, place__number__lte=capacity
    ).values_list("night", "place__number"):
        taken.setdefault(night, set()).add(number)
    for row in moving:
        free = [n for n in sorted(kept) if n not in taken.get(row.night, set())]
        if free:
            taken.setdefault(row.night, set()).add(free[0])
            row.place = kept[free[0]]
            row.save(update_fields=["place"])
        else:  # a past night beyond the new capacity (nights to come were checked above)
            row.delete()
    HousingPlace.objects.filter(pk__in=[place.pk for place in removed]).delete()


def _places_ensure(housing: Housing) -> None:
    """Create the missing places 1..capacity; a concurrent creation of the same rows is ignored
    (ON CONFLICT DO NOTHING / INSERT OR IGNORE), so two transactions may both call it."""
    have = set(housing.places.values_list("number", flat=True))
    missing = [n for n in range(1, housing.capacity + 1) if n not in have]
    if missing:
        HousingPlace.objects.bulk_create(
            [HousingPlace(housing=housing, number=n) for n in missing], ignore_conflicts=True
        )


def period_add(*, housing: Housing, start: date, end: date) -> HousingPeriod:
    if end <= start:
        raise ValidationError(_("La fin de la période doit suivre son début."))
    if end < timezone.localdate():
        raise ValidationError(_("Cette période est déjà passée."))
    if housing.periods.filter(start__lt=end, end__gt=start).exists():
        raise ValidationError(_("Cette période chevauche une période déjà ouverte."))
    return HousingPeriod.objects.create(housing=housing, start=start, end=end)


def _free_places_check(housing: Housing, *, start: date, end: date, places: int) -> None:
    """Refuse when some night of [start, end) has fewer than `places` places free."""
    night, free = selectors.housing_fewest_free(housing, start=start, end=end)
    if night is None or free >= places:
        return
    if free <= 0 and housing.capacity == 1:
        raise ValidationError(_("Le logement est déjà réservé sur une partie de ces dates."))
    if free <= 0:
        raise ValidationError(
            _(
                "Les %(count)s places du logement sont déjà réservées la nuit du %(night)s : "
                "il n’en reste aucune pour ces dates."
            )
            % {"count": housing.capacity, "night": date_format(night, "j F Y")}
        )
    raise ValidationError(
        ngettext(
            "Il ne reste que %(free)s place libre la nuit du %(night)s : demandez-en moins "
            "ou choisissez d’autres dates.",
            "Il ne reste que %(free)s places libres la nuit du %(night)s : demandez-en moins "
            "ou choisissez d’autres dates.",
            free,
        )
        % {"free": free, "night": date_format(night, "j F Y")}
    )


def booking_request(
    *,
    housing: Housing,
    professional: User,
    start: date,
    end: date,
    places: int = 1,
    stay: Stay | None = None,
    semester: bool = False,
) -> Booking:
    """Ask for `places` places of the housing from `start` (arrival) to `end` (departure).
    Refused: dates in the past or out of order, outside the housing's open periods, fewer
    places free than asked on some night, or asked twice. With `semester`, start and end are
    a configured semester's bounds (semesters.py), the semester has not started and the
    discovery stays' length limit does not apply; a housing whose agents chose it accepts such
    a request at once (`Housing.semester_auto_accept`), or refuses it with nothing written."""
    if end <= start:
        raise ValidationError(_("La date de départ doit suivre la date d’arrivée."))
    today = timezone.localdate()
    if semester:
        bounds = semester_containing(start)
        if (bounds.start, bounds.end) != (start, end):
            raise ValidationError(_("Choisissez un semestre entier."))
        if start <= today:
            raise ValidationError(_("Ce semestre a déjà commencé."))
    else:
        if start < today:
            raise ValidationError(_("La date d’arrivée est passée."))
        if (end - start).days > MAX_STAY_NIGHTS:
            raise ValidationError(
                _("Un séjour découverte dure %(max)s nuits au plus.") % {"max": MAX_STAY_NIGHTS}
            )
    if not 1 <= places <= MAX_HOUSING_PLACES:
        raise ValidationError(_("Demandez de 1 à 50 places."))
    if places > housing.capacity:
        raise ValidationError(
            ngettext(
                "Ce logement compte %(count)s place.",
                "Ce logement compte %(count)s places.",
                housing.capacity,
            )
            % {"count": housing.capacity}
        )
    if not housing.periods.filter(start__lte=start, end__gte=end).exists():
        raise ValidationError(
            _("Ces dates sortent des périodes où le logement est disponible : voyez le calendrier.")
        )
    mine = Booking.objects.filter(
        housing=housing,
        professional=professional,
        status__in=[BookingStatus.REQUESTED, BookingStatus.ACCEPTED],
        start__lt=end,
        end__gt=start,
    )
    if mine.exists():
        raise ValidationError(_("Vous avez déjà demandé ce logement pour ces dates."))
    auto = semester and housing.semester_auto_accept
    with transaction.atomic():
        if auto:
            # Read the free places under the housing's lock: concurrent requests wait here.
            Housing.objects.select_for_update().filter(pk=housing.pk).first()
        _free_places_check(housing, start=start, end=end, places=places)
        booking = Booking.objects.create(
            housing=housing,
            professional=professional,
            start=start,
            end=end,
            stay=stay,
            places=places,
            is_semester=semester,
        )
        if auto:
            # Inside the request's transaction: refused, the request is not written either.
            booking = booking_accept(booking=booking, by=None, notify=False)
    for email in housing.organisation.member_emails():
        email_send(
            to=email,
            template="hosting/emails/booking_requested",
            context={
                "booking": booking,
                "accepted": auto,
                "link": _url("hosting:manage", pk=housing.organisation_id),
            },
            key=f"booking-{booking.pk}-requested-{email}",
        )
    if auto:
        _booking_notify(booking)
    return booking


def booked_nights_plan(*, booking: Booking) -> list[BookedNight] | None:
    """The places a booking takes each night, not yet saved: for each night the first free
    places in one order — places free on the most of its nights first, then by number — so a
    guest keeps the same place all along when one is. None when some night lacks places."""
    housing = booking.housing
    _places_ensure(housing)
    places = list(housing.places.filter(number__lte=housing.capacity))
    nights = booking.nights()
    taken: dict[int, set[date]] = {place.pk: set() for place in places}
    for place_id, night in BookedNight.objects.filter(
        place__in=places, night__gte=booking.start, night__lt=booking.end
    ).values_list("place_id", "night"):
        taken[place_id].add(night)
    order = sorted(places, key=lambda place: (len(taken[place.pk]), place.number))
    plan = []
    for night in nights:
        free = [place for place in order if night not in taken[place.pk]][: booking.places]
        if len(free) < booking.places:
            return None
        plan += [
            BookedNight(housing=housing, place=place, night=night, booking=booking)
            for place in free
        ]
    return plan


def booking_accept(*, booking: Booking, by: User | None, notify: bool = True) -> Booking:
    """Accept a request (`by` None: accepted automatically, a semester request). Each night
    takes free places under a unique constraint per place and night: of requests accepted at
    the same moment, the database keeps those that fit and refuses the others."""
    if booking.housing.capacity == 1:
        refusal = _(
            "Impossible d’accepter : ces dates chevauchent un séjour déjà accepté dans ce logement."
        )
    else:
        refusal = _(
            "Impossible d’accepter : il n’y a plus assez de places libres sur ces dates dans ce "
            "logement."
        )
    try:
        with transaction.atomic():
            booking = Booking.objects.select_for_update().get(pk=booking.pk)
            if booking.status != BookingStatus.REQUESTED:
                raise ValidationError(_("Cette demande a déjà été traitée."))
            # One acceptance at a time per housing on PostgreSQL (SQLite's IMMEDIATE
            # transactions already write one at a time): each sees the places the others took.
            booking.housing = Housing.objects.select_for_update().get(pk=booking.housing_id)
            plan = booked_nights_plan(booking=booking)
            if plan is None:
                raise ValidationError(refusal)
            BookedNight.objects.bulk_create(plan)
            booking.status = BookingStatus.ACCEPTED
            booking.decided_at = timezone.now()
            booking.save(update_fields=["status", "decided_at"])
    except IntegrityError:
        raise ValidationError(refusal) from None
    if notify:
        _booking_notify(booking)
    return booking


def booking_decline(*, booking: Booking, by: User, message: str = "") -> Booking:
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.status not in {BookingStatus.REQUESTED, BookingStatus.ACCEPTED}:
            raise ValidationError(_("Cette demande a déjà été traitée."))
        BookedNight.objects.filter(booking=booking).delete()
        booking.status = BookingStatus.DECLINED
        booking.decision_message = text_without_html(message, field="message")[:2000]
        booking.decided_at = timezone.now()
        booking.save(update_fields=["status", "decision_message", "decided_at"])
    _booking_notify(booking)
    return booking


def booking_decide(*, booking: Booking, by: User, accept: bool, message: str = "") -> Booking:
    """The agent's answer to a booking request: accept it or decline it (with a message)."""
    if accept:
        return booking_accept(booking=booking, by=by)
    return booking_decline(booking=booking, by=by, message=message)


def booking_cancel(*, booking: Booking, by: User) -> Booking:
    if booking.professional_id != by.pk:
        raise PermissionDenied
    with transaction.atomic():
        BookedNight.objects.filter(booking=booking).delete()
        booking.status = BookingStatus.CANCELLED
        booking.save(update_fields=["status"])
    return booking


def _booking_notify(booking: Booking) -> None:
    link = (
        _url("hosting:stay", pk=booking.stay_id)
        if booking.stay_id
        else _url("hosting:housing", pk=booking.housing_id)
    )
    assert booking.decided_at is not None  # set by the decision being told
    email_send(
        to=booking.professional.email,
        template="hosting/emails/booking_decided",
        context={"booking": booking, "link": link},
        key=f"booking-{booking.pk}-{booking.status}-{booking.decided_at.timestamp():.6f}",
    )


# Activities -------------------------------------------------------------------------------------


def activity_save(*, activity: Activity, by: User) -> Activity:
    activity.description = text_without_html(activity.description, field="description")
    activity.full_clean()
    activity.save()
    return activity


# Supports: co-construction with health organisations ---------------------------------------------


def _offer_flags_refresh(offer: Offer) -> None:
    accepted = offer.supports.filter(status=SupportStatus.ACCEPTED)
    # `updated_at` too: feeds, mirrors and the matching matrix notice the change.
    Offer.objects.filter(pk=offer.pk).update(
        supported_housing=accepted.filter(housing__isnull=False).exists(),
        supported_welcome=accepted.filter(personal_welcome=True).exists(),
        updated_at=timezone.now(),
    )
    if offer.status == OfferStatus.PUBLISHED:  # partners and matching see the new badges
        offer_event_emit(offer=offer, kind=OfferEventKind.SUPPORT_CHANGED)


def _check_support(offer: Offer, collectivity: Organisation, housing: Housing | None) -> None:
    if offer.status != OfferStatus.PUBLISHED:
        raise ValidationError(_("Seule une annonce publiée peut être soutenue."))
    if (
        offer.commune_id is None
        or not selectors.collectivity_communes(collectivity).filter(pk=offer.commune_id).exists()
    ):
        raise ValidationError(_("Cette annonce n’est pas sur le territoire de la collectivité."))
    if housing is not None and housing.organisation_id != collectivity.pk:
        raise ValidationError(_("Ce logement n’appartient pas à votre collectivité."))


def _housing_promise(offer: Offer, housing: Housing) -> tuple[date, date]:
    """The dates a housing support promises: the offer's dates, or the part of them the
    housing is open and free. A housing open on none of them cannot be promised."""
    dates = offer_stay_dates(offer)
    if dates is None:
        raise ValidationError(
            _(
                "Cette annonce n’a pas de date de début et de fin : un logement ne peut être "
                "promis que pour des dates. La structure doit d’abord les préciser."
            )
        )
    cover = selectors.housing_cover(housing, start=dates[0], end=dates[1])
    if cover.start is None or cover.end is None:
        context = {"name": housing.name, "dates": date_range_text(*dates)}
        if cover.refusal == "full":
            raise ValidationError(
                _("« %(name)s » est complet aux dates de l’annonce (%(dates)s).") % context
            )
        raise ValidationError(
            _(
                "« %(name)s » n’est ouvert à aucune date de l’annonce (%(dates)s) : ouvrez "
                "d’abord une période de disponibilité qui les couvre."
            )
            % context
        )
    return cover.start, cover.end


def support_propose(
    *,
    offer: Offer,
    collectivity: Organisation,
    by: User,
    housing: Housing | None = None,
    activities: list[Activity] | tuple = (),
    personal_welcome: bool = True,
    message: str = "",
) -> OfferSupport:
    """An agent proposes the collectivité's welcome to an offer of its area."""
    _require_verified(collectivity)
    _check_support(offer, collectivity, housing)
    if any(a.organisation_id != collectivity.pk for a in activities):
        raise ValidationError(_("Ces activités n’appartiennent pas à votre collectivité."))
    existing = OfferSupport.objects.filter(offer=offer, collectivity=collectivity).first()
    if existing is not None and existing.status in {SupportStatus.ACCEPTED, SupportStatus.PROPOSED}:
        raise ValidationError(_("Votre collectivité soutient déjà cette annonce ou l’a proposé."))
    covers: tuple[date | None, date | None] = (None, None)
    if housing is not None:
        covers = _housing_promise(offer, housing)
    with transaction.atomic():
        support = existing or OfferSupport(offer=offer, collectivity=collectivity)
        support.housing = housing
        support.covers_from, support.covers_until = covers
        support.personal_welcome = personal_welcome
        support.message = text_without_html(message, field="message")
        support.status = SupportStatus.PROPOSED
        support.decided_at = None
        support.save()
        support.activities.set(activities)
        for email in offer.organisation.member_emails():
            email_send(
                to=email,
                template="hosting/emails/support_proposed",
                context={"support": support, "link": _url("offers:detail", pk=offer.pk)},
                key=f"support-{support.pk}-proposed-{support.created_at.timestamp():.6f}-{email}",
            )
    return support


def support_request(
    *, offer: Offer, collectivity: Organisation, by: User, message: str = ""
) -> OfferSupport:
    """A health organisation asks a collectivité covering its offer for support."""
    _check_support(offer, collectivity, None)
    if not offer.organisation.memberships.filter(user=by).exists():
        raise PermissionDenied
    if OfferSupport.objects.filter(offer=offer, collectivity=collectivity).exists():
        raise ValidationError(_("Une demande existe déjà auprès de cette collectivité."))
    support = OfferSupport.objects.create(
        offer=offer,
        collectivity=collectivity,
        status=SupportStatus.REQUESTED,
        message=text_without_html(message, field="message"),
    )
    for email in collectivity.member_emails():
        email_send(
            to=email,
            template="hosting/emails/support_requested",
            context={"support": support, "link": _url("hosting:manage", pk=collectivity.pk)},
            key=f"support-{support.pk}-requested-{email}",
        )
    return support


def support_decide(
    *,
    support: OfferSupport,
    by: User,
    accept: bool,
    housing: Housing | None = None,
    activities: list[Activity] | tuple = (),
) -> OfferSupport:
    """The other side answers: the health organisation for a proposal, the collectivité for a
    request (choosing then what it offers). An accepted support shows on the offer."""
    if support.status not in {SupportStatus.PROPOSED, SupportStatus.REQUESTED}:
        raise ValidationError(_("Ce soutien a déjà reçu une réponse."))
    with transaction.atomic():
        if accept and support.status == SupportStatus.REQUESTED:
            _require_verified(support.collectivity)
            _check_support(support.offer, support.collectivity, housing)
            support.housing = housing
            support.activities.set(activities)
        if accept:
            # Checked again when a proposal is accepted: the housing may have filled since.
            covers: tuple[date | None, date | None] = (None, None)
            if support.housing is not None:
                covers = _housing_promise(support.offer, support.housing)
            support.covers_from, support.covers_until = covers
            support.save(update_fields=["housing", "covers_from", "covers_until"])
        support.status = SupportStatus.ACCEPTED if accept else SupportStatus.DECLINED
        support.decided_at = timezone.now()
        support.save(update_fields=["status", "decided_at"])
        _offer_flags_refresh(support.offer)
    return support


def support_withdraw(*, support: OfferSupport, by: User) -> None:
    """The collectivité stops supporting (the housing is no longer available, say)."""
    with transaction.atomic():
        offer = support.offer
        support.delete()
        _offer_flags_refresh(offer)


# Stays ------------------------------------------------------------------------------------------


def stay_plan(
    *,
    professional: User,
    collectivity: Organisation,
    start: date,
    end: date,
    offer: Offer | None = None,
    housing: Housing | None = None,
    activities: list[Activity] | tuple = (),
    peers_visible: bool = False,
) -> Stay:
    if not hasattr(professional, "professional_profile"):
        raise ValidationError(_("Indiquez d’abord votre profession dans votre profil."))
    if end <= start:
        raise ValidationError(_("La date de départ doit suivre la date d’arrivée."))
    if start < timezone.localdate():
        raise ValidationError(_("La date d’arrivée est passée."))
    if housing is not None and housing.organisation_id != collectivity.pk:
        raise ValidationError(_("Ce logement n’est pas proposé par ce territoire."))
    if any(a.organisation_id != collectivity.pk for a in activities):
        raise ValidationError(_("Ces activités ne sont pas proposées par ce territoire."))
    with transaction.atomic():
        stay = Stay.objects.create(
            professional=professional,
            collectivity=collectivity,
            offer=offer,
            start=start,
            end=end,
            peers_visible=peers_visible,
        )
        stay.activities.set(activities)
        if housing is not None:
            booking_request(
                housing=housing, professional=professional, start=start, end=end, stay=stay
            )
        InstallationCheck.objects.bulk_create(
            [
                InstallationCheck(
                    stay=stay, months=months, due_on=end + timedelta(days=30 * months)
                )
                for months in INSTALLATION_CHECK_MONTHS
            ]
        )
    return stay


def stay_cancel(*, stay: Stay, by: User) -> Stay:
    if stay.professional_id != by.pk:
        raise PermissionDenied
    with transaction.atomic():
        for booking in stay.bookings.exclude(status=BookingStatus.CANCELLED):
            booking_cancel(booking=booking, by=by)
        stay.cancelled_at = timezone.now()
        stay.save(update_fields=["cancelled_at"])
        stay.installation_checks.filter(sent_at__isnull=True).delete()
    return stay


def feedback_save(
    *,
    stay: Stay,
    by: User,
    went_well: str,
    to_improve: str,
    would_come_back: str,
    would_settle: str,
    publish: bool,
) -> StayFeedback:
    if stay.professional_id != by.pk:
        raise PermissionDenied
    if stay.cancelled_at is not None:
        raise ValidationError(_("Ce séjour a été annulé."))
    if timezone.localdate() < stay.end - timedelta(days=1):
        raise ValidationError(_("Vous pourrez donner votre avis à la fin du séjour."))
    went_well = text_without_html(went_well, field="went_well")
    to_improve = text_without_html(to_improve, field="to_improve")
    feedback, _created = StayFeedback.objects.update_or_create(
        stay=stay,
        defaults={
            "went_well": went_well,
            "to_improve": to_improve,
            "would_come_back": would_come_back,
            "would_settle": would_settle,
            "publish": publish,
        },
    )
    return feedback


def installation_answer(
    *, check: InstallationCheck, settled: bool, commune: Commune | None = None
) -> InstallationCheck:
    check.settled = settled
    check.commune = commune if settled else None
    check.answered_at = timezone.now()
    check.save(update_fields=["settled", "commune", "answered_at"])
    return check


def installation_checks_send(*, today: date | None = None) -> int:
    """The daily pass: ask the question of every check that is due. Idempotent (`sent_at`)."""
    today = today or timezone.localdate()
    due = InstallationCheck.objects.filter(
        due_on__lte=today, sent_at__isnull=True, stay__cancelled_at__isnull=True
    ).select_related("stay__professional", "stay__collectivity")
    sent = 0
    for check in due:
        with transaction.atomic():
            updated = InstallationCheck.objects.filter(pk=check.pk, sent_at__isnull=True).update(
                sent_at=timezone.now()
            )
            if not updated:
                continue
            email_send(
                to=check.stay.professional.email,
                template="hosting/emails/installation_check",
                context={
                    "check": check,
                    "yes": _url("hosting:installation", token=check.token) + "?reponse=oui",
                    "no": _url("hosting:installation", token=check.token) + "?reponse=non",
                },
                key=f"installation-check-{check.pk}",
            )
            sent += 1
    return sent


def peer_message_send(*, sender: Stay, recipient: Stay, body: str) -> PeerMessage:
    if not selectors.peers_of(sender).filter(pk=recipient.pk).exists():
        raise PermissionDenied
    body = text_without_html(body, field="body")
    if not body:
        raise ValidationError(_("Écrivez un message."))
    message = PeerMessage.objects.create(sender=sender, recipient=recipient, body=body[:2000])
    email_send(
        to=recipient.professional.email,
        template="hosting/emails/peer_message",
        context={"message": message, "link": _url("hosting:stay", pk=recipient.pk)},
        key=f"peer-message-{message.pk}",
    )
    return message
