"""Writes on the missions: the zones rouges list, host sites and slots, doctors' bookings and
cancellations, the day recorded as held, the reminders, and the verification of an RPPS."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tremplin.accounts.models import ProfessionalProfile, User
from tremplin.core.emails import email_send
from tremplin.hosting import services as hosting_services
from tremplin.hosting.dates import month_text
from tremplin.hosting.models import Housing
from tremplin.missions import selectors
from tremplin.missions.importers import red_zone_file_read
from tremplin.missions.models import (
    HostSite,
    MissionBooking,
    MissionSlot,
    RedZone,
    SlotPeriod,
)
from tremplin.organisations.models import Organisation, OrganisationType

PARTNER_TYPES = (OrganisationType.ARS, OrganisationType.ORDRE)
REMINDER_DAYS = (7, 1)
MAX_PATIENTS_SEEN = 200


def _url(name: str, **kwargs: object) -> str:
    return settings.SITE_URL + reverse(name, kwargs=kwargs)


def _month_text(day: date) -> str:
    return month_text(day.year, day.month).lower()


# Zones rouges --------------------------------------------------------------------------------


def red_zones_replace(*, sirens: list[str], arrete_on: date, by: User | None) -> int:
    """The list becomes exactly `sirens`: each arrêté publishes the whole list, so an EPCI
    absent from the new file is no longer a zone rouge. One transaction: all or nothing."""
    now = timezone.now()
    with transaction.atomic():
        RedZone.objects.exclude(epci_id__in=sirens).delete()
        RedZone.objects.filter(epci_id__in=sirens).delete()
        RedZone.objects.bulk_create(
            [
                RedZone(epci_id=siren, arrete_on=arrete_on, imported_at=now, imported_by=by)
                for siren in sirens
            ]
        )
    return len(sirens)


def red_zones_import(*, content: bytes | str, arrete_on: date, by: User | None) -> int:
    """Read the whole file (refused with the line named if anything is off), then replace."""
    if by is not None and not by.is_moderator:
        raise PermissionDenied
    parsed = red_zone_file_read(content)
    return red_zones_replace(sirens=parsed.sirens, arrete_on=arrete_on, by=by)


# Host sites and slots -----------------------------------------------------------------------


def _require_publisher(organisation: Organisation) -> None:
    if not organisation.can_publish:
        raise PermissionDenied(
            _("Votre organisation doit être vérifiée par l’équipe de modération avant de publier.")
        )


def host_site_save(*, site: HostSite, by: User) -> HostSite:
    _require_publisher(site.organisation)
    site.name = site.name.strip()
    site.address = site.address.strip()
    site.save()
    return site


def slot_publish(
    *,
    site: HostSite,
    day: date,
    period: str,
    by: User,
    equipment: str = "",
    secretariat: bool = False,
    housing: Housing | None = None,
    housing_note: str = "",
) -> MissionSlot:
    """Publish a slot. Refused: an organisation not verified, a site outside a zone rouge, a day
    in the past, a housing of another organisation, a slot overlapping one already offered."""
    _require_publisher(site.organisation)
    if not selectors.commune_is_red_zone(site.commune):
        raise ValidationError(
            _(
                "%(commune)s n’est pas dans une zone rouge : les missions de solidarité "
                "territoriale ne s’y déroulent pas."
            )
            % {"commune": site.commune.name}
        )
    if day < timezone.localdate():
        raise ValidationError(_("Cette date est passée : choisissez un jour à venir."))
    if period not in SlotPeriod.values:
        raise ValidationError(_("Choisissez le matin, l’après-midi ou la journée entière."))
    if housing is not None and housing.organisation_id != site.organisation_id:
        raise ValidationError(_("Ce logement n’appartient pas à votre organisation."))
    overlapping = site.slots.filter(date=day)
    if period != SlotPeriod.DAY:
        overlapping = overlapping.filter(period__in=[period, SlotPeriod.DAY])
    if overlapping.exists():
        raise ValidationError(_("Un créneau est déjà proposé ce jour-là sur ce moment."))
    try:
        with transaction.atomic():
            return MissionSlot.objects.create(
                site=site,
                date=day,
                period=period,
                equipment=equipment.strip(),
                secretariat=secretariat,
                housing=housing,
                housing_note=housing_note.strip(),
            )
    except IntegrityError:
        raise ValidationError(_("Un créneau est déjà proposé ce jour-là sur ce moment.")) from None


def slot_mark_held(*, slot: MissionSlot, by: User, patients_seen: int | None = None) -> MissionSlot:
    """After the day, the site records the mission as held (and how many patients were seen)."""
    if slot.date > timezone.localdate():
        raise ValidationError(_("Une mission ne peut être déclarée tenue qu’à partir de son jour."))
    if not slot.bookings.active().exists():
        raise ValidationError(_("Aucun médecin n’avait réservé ce créneau."))
    if patients_seen is not None and not 0 <= patients_seen <= MAX_PATIENTS_SEEN:
        raise ValidationError(
            _("Le nombre de patients vus va de 0 à %(max)s.") % {"max": MAX_PATIENTS_SEEN}
        )
    slot.held_at = timezone.now()
    slot.patients_seen = patients_seen
    slot.save(update_fields=["held_at", "patients_seen"])
    return slot


# Bookings ------------------------------------------------------------------------------------


def _require_verified_doctor(doctor: User) -> None:
    profile = getattr(doctor, "professional_profile", None)
    if profile is None or not profile.rpps_is_verified:
        raise ValidationError(
            _(
                "Pour réserver une mission, votre numéro RPPS doit être vérifié : connectez-vous "
                "avec Pro Santé Connect (carte CPS ou application e-CPS), ou faites-le vérifier "
                "par une Agence régionale de santé ou un Conseil de l’Ordre partenaire."
            )
        )


def _check_month_limit(doctor: User, slot: MissionSlot) -> None:
    days = selectors.doctor_days_in_month(doctor, year=slot.date.year, month=slot.date.month)
    limit = settings.MISSION_MAX_DAYS_PER_MONTH
    if slot.date not in days and len(days) >= limit:
        raise ValidationError(
            _(
                "Vous avez déjà %(count)s jours de mission en %(month)s : c’est le maximum "
                "(%(limit)s jours par mois)."
            )
            % {"count": len(days), "month": _month_text(slot.date), "limit": limit}
        )


def mission_book(*, slot: MissionSlot, doctor: User, with_housing: bool = False) -> MissionBooking:
    """Book a slot for a verified doctor, with the slot's housing for the night before if asked.

    The housing, promised by the site when it published the slot, is requested and accepted at
    once through the hosting services: its night is then a `BookedNight`, under that app's own
    unique constraint. Refused: an unverified RPPS, a past slot, a slot outside a zone rouge,
    a day beyond the monthly limit, a slot overlapping one of the doctor's, a slot already
    taken (the database decides between two doctors at once)."""
    _require_verified_doctor(doctor)
    if slot.date < timezone.localdate():
        raise ValidationError(_("Ce créneau est passé."))
    if not selectors.commune_is_red_zone(slot.site.commune):
        raise ValidationError(_("Ce lieu n’est plus dans une zone rouge."))
    if with_housing and slot.housing is None:
        raise ValidationError(_("Ce créneau ne propose pas de logement."))
    try:
        with transaction.atomic():
            # One doctor's bookings one at a time: two tabs cannot both take the last day.
            User.objects.select_for_update().filter(pk=doctor.pk).first()
            _check_month_limit(doctor, slot)
            same_day = MissionBooking.objects.active().filter(doctor=doctor, slot__date=slot.date)
            if slot.period != SlotPeriod.DAY:
                same_day = same_day.filter(slot__period__in=[slot.period, SlotPeriod.DAY])
            if same_day.exists():
                raise ValidationError(_("Vous avez déjà une mission sur ce créneau ce jour-là."))
            with transaction.atomic():
                booking = MissionBooking.objects.create(slot=slot, doctor=doctor)
            if with_housing:
                assert slot.housing is not None
                housing_booking = hosting_services.booking_request(
                    housing=slot.housing,
                    professional=doctor,
                    start=slot.date,
                    end=slot.date + timedelta(days=1),
                )
                # The site offered the night with the slot: accepted at once, by no one.
                housing_booking = hosting_services.booking_accept(booking=housing_booking, by=None)
                booking.housing_booking = housing_booking
                booking.save(update_fields=["housing_booking"])
    except IntegrityError:
        raise ValidationError(
            _("Ce créneau vient d’être réservé par un autre médecin : choisissez-en un autre.")
        ) from None
    _tell_site(booking, template="missions/emails/booked")
    return booking


def mission_cancel(*, booking: MissionBooking, by: User) -> MissionBooking:
    """The doctor cancels, up to MISSION_CANCEL_HOURS before the slot; the site is told."""
    if booking.doctor_id != by.pk:
        raise PermissionDenied
    if not booking.is_active:
        raise ValidationError(_("Cette réservation est déjà annulée."))
    hours = settings.MISSION_CANCEL_HOURS
    if timezone.now() > booking.slot.starts_at - timedelta(hours=hours):
        raise ValidationError(
            _(
                "Une mission s’annule au plus tard %(hours)s heures avant son début : "
                "prévenez directement le lieu d’accueil."
            )
            % {"hours": hours}
        )
    with transaction.atomic():
        booking.cancelled_at = timezone.now()
        booking.save(update_fields=["cancelled_at"])
        if booking.housing_booking is not None:
            hosting_services.booking_cancel(booking=booking.housing_booking, by=by)
    _tell_site(booking, template="missions/emails/cancelled")
    return booking


def _tell_site(booking: MissionBooking, *, template: str) -> None:
    slot = booking.slot
    site = slot.site
    for email in site.organisation.member_emails():
        email_send(
            to=email,
            template=template,
            context={
                "booking": booking,
                "slot": slot,
                "site": site,
                "link": _url("missions:site_calendar", pk=site.pk) + f"?mois={slot.date:%Y-%m}",
            },
            key=f"mission-booking-{booking.pk}-{template.rsplit('/', 1)[-1]}-{email}",
        )


def mission_reminders_send(*, today: date | None = None) -> int:
    """Remind each doctor seven days and one day before their slot. The idempotency key makes
    a second run the same day send nothing more."""
    today = today or timezone.localdate()
    sent = 0
    for days in REMINDER_DAYS:
        bookings = selectors.bookings_on(today + timedelta(days=days))
        for booking in bookings:
            email_send(
                to=booking.doctor.email,
                template="missions/emails/reminder",
                context={
                    "booking": booking,
                    "slot": booking.slot,
                    "site": booking.slot.site,
                    "days": days,
                    "link": _url("missions:mine"),
                },
                key=f"mission-booking-{booking.pk}-reminder-{days}",
            )
            sent += 1
    return sent


# Verification of an RPPS ---------------------------------------------------------------------


def is_partner(organisation: Organisation) -> bool:
    return organisation.can_publish and organisation.type in PARTNER_TYPES


def rpps_verify(*, profile: ProfessionalProfile, partner: Organisation, by: User) -> None:
    """A partner organisation (ARS, Conseil de l’Ordre) vouches for a professional's RPPS."""
    if not is_partner(partner):
        raise PermissionDenied(
            _("Seule une ARS ou un Conseil de l’Ordre vérifié peut vérifier un RPPS.")
        )
    if not profile.rpps:
        raise ValidationError(_("Ce professionnel n’a pas indiqué de numéro RPPS."))
    profile.rpps_verify(by=by, organisation_id=partner.pk)
