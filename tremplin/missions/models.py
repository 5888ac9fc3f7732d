"""Missions de solidarité territoriale: the zones rouges (a classification of EPCIs), the host
sites located in them, the day slots they publish and the doctors' bookings of those slots."""

from datetime import datetime, time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tremplin.hosting.models import Booking, Housing
from tremplin.organisations.models import Organisation
from tremplin.territories.models import Commune, Epci


class RedZoneQuerySet(models.QuerySet["RedZone"]):
    def sirens(self) -> set[str]:
        return set(self.values_list("epci_id", flat=True))


class RedZone(models.Model):
    """An EPCI classed « zone rouge » by an arrêté. The list is imported whole by moderators
    (`import_zones_rouges`): an import replaces it, since each arrêté publishes the full list."""

    epci = models.OneToOneField(
        Epci, on_delete=models.CASCADE, related_name="red_zone", verbose_name=_("EPCI")
    )
    arrete_on = models.DateField(_("date de l’arrêté"))
    imported_at = models.DateTimeField(_("importée le"), default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("importée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = RedZoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("zone rouge")
        verbose_name_plural = _("zones rouges")
        ordering = ["epci__name"]

    def __str__(self) -> str:
        return str(self.epci)


class HostSite(models.Model):
    """Where an organisation hosts missions: a place in one commune, which must lie in a zone
    rouge (its EPCI classed) for slots to be published."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="mission_sites"
    )
    name = models.CharField(_("nom du lieu"), max_length=150)
    address = models.CharField(_("adresse"), max_length=300)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="+", verbose_name=_("commune")
    )
    is_demo = models.BooleanField(_("démonstration"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lieu d’accueil de missions")
        verbose_name_plural = _("lieux d’accueil de missions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SlotPeriod(models.TextChoices):
    MORNING = "matin", _("Matin")
    AFTERNOON = "apres_midi", _("Après-midi")
    DAY = "journee", _("Journée entière")


# When each part of the day begins and ends (local time): what the calendar file, the
# cancellation limit and the reminders count from.
PERIOD_HOURS: dict[str, tuple[time, time]] = {
    SlotPeriod.MORNING: (time(8, 30), time(12, 30)),
    SlotPeriod.AFTERNOON: (time(13, 30), time(18, 0)),
    SlotPeriod.DAY: (time(8, 30), time(18, 0)),
}


class MissionSlot(models.Model):
    """A half day or a day a host site offers to a volunteer doctor."""

    site = models.ForeignKey(HostSite, on_delete=models.CASCADE, related_name="slots")
    date = models.DateField(_("date"))
    period = models.CharField(_("créneau"), max_length=10, choices=SlotPeriod.choices)
    equipment = models.TextField(_("équipement"), max_length=2000, blank=True)
    secretariat = models.BooleanField(_("secrétariat sur place"), default=False)
    housing = models.ForeignKey(
        Housing,
        verbose_name=_("logement pour la nuit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mission_slots",
    )
    housing_note = models.CharField(_("hébergement (précisions)"), max_length=300, blank=True)
    held_at = models.DateTimeField(_("tenue enregistrée le"), null=True, blank=True)
    patients_seen = models.PositiveSmallIntegerField(_("patients vus"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("créneau de mission")
        verbose_name_plural = _("créneaux de mission")
        ordering = ["date", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "date", "period"], name="one_slot_per_site_date_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.date} {self.get_period_display()}"

    @property
    def starts_at(self) -> datetime:
        begin = PERIOD_HOURS[self.period][0]
        return timezone.make_aware(datetime.combine(self.date, begin))

    @property
    def ends_at(self) -> datetime:
        finish = PERIOD_HOURS[self.period][1]
        return timezone.make_aware(datetime.combine(self.date, finish))

    @property
    def is_held(self) -> bool:
        return self.held_at is not None


class MissionBookingQuerySet(models.QuerySet["MissionBooking"]):
    def active(self) -> "MissionBookingQuerySet":
        return self.filter(cancelled_at__isnull=True)


class MissionBooking(models.Model):
    """A doctor's booking of a slot. At most one active booking per slot: the partial unique
    constraint decides between two doctors booking the last slot at once, on SQLite and
    PostgreSQL alike. A cancelled booking stays, for the report and the site's history."""

    slot = models.ForeignKey(MissionSlot, on_delete=models.CASCADE, related_name="bookings")
    doctor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mission_bookings"
    )
    housing_booking = models.ForeignKey(
        Booking,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("réservation du logement"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = MissionBookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("réservation de mission")
        verbose_name_plural = _("réservations de mission")
        ordering = ["slot__date", "slot__period"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot"], condition=Q(cancelled_at__isnull=True), name="one_doctor_per_slot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.doctor} — {self.slot}"

    @property
    def is_active(self) -> bool:
        return self.cancelled_at is None
