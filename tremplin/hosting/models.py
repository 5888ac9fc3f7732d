"""What collectivités offer to make a territory liveable: the territory page, housing with its
calendar, discovery activities, local aids; their pairing with offers; professionals' stays,
feedback and the installation follow-up."""

import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tremplin.hosting.dates import date_range_text
from tremplin.offers.models import Offer
from tremplin.organisations.models import Organisation
from tremplin.territories.models import Commune

MAX_STAY_NIGHTS = 120
# A housing counts 1 to 50 places (a studio, a flat with rooms, a maison des internes).
MAX_HOUSING_PLACES = 50
PLACES_REFUSAL = _("Un logement compte de 1 à 50 places.")
_places_validators = [
    MinValueValidator(1, message=PLACES_REFUSAL),
    MaxValueValidator(MAX_HOUSING_PLACES, message=PLACES_REFUSAL),
]


def offer_stay_dates(offer: Offer) -> tuple[date, date] | None:
    """The arrival and departure a housing must cover for an offer: its start date and its end
    date (a one-day offer needs the night of that day); None when the offer has no start or no
    end date, since a housing can only be promised for dates."""
    if offer.start_date is None or offer.end_date is None:
        return None
    return offer.start_date, max(offer.end_date, offer.start_date + timedelta(days=1))


class StrongPoint(models.TextChoices):
    NATURE = "nature", _("Nature")
    CULTURE = "culture", _("Culture")
    SPORT = "sport", _("Sport")
    SCHOOLS = "schools", _("Écoles")
    TRANSPORT = "transport", _("Transports")
    SPOUSE_JOBS = "spouse_jobs", _("Emploi pour le conjoint")


class TerritoryPage(models.Model):
    """The page a collectivité writes about its area (one per collectivité)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="territory_page"
    )
    presentation = models.TextField(_("présentation du territoire"), blank=True, max_length=8000)
    strong_points = models.JSONField(_("points forts"), default=list, blank=True)
    contact_name = models.CharField(_("nom du référent installation"), max_length=150, blank=True)
    contact_role = models.CharField(_("fonction"), max_length=150, blank=True)
    contact_email = models.EmailField(_("e-mail du référent"), blank=True)
    contact_phone = models.CharField(_("téléphone du référent"), max_length=40, blank=True)
    contact_hours = models.CharField(
        _("quand le joindre"),
        max_length=200,
        blank=True,
        help_text=_("Par exemple : du lundi au vendredi, 9 h – 12 h."),
    )
    spouse_job_help = models.TextField(
        _("aide à l’emploi du conjoint"), blank=True, max_length=3000
    )
    school_contacts = models.TextField(_("écoles : contacts"), blank=True, max_length=3000)
    childcare_contacts = models.TextField(
        _("garde d’enfants : contacts"), blank=True, max_length=3000
    )
    is_published = models.BooleanField(_("page publiée"), default=False)
    is_demo = models.BooleanField(_("démonstration"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("page territoire")
        verbose_name_plural = _("pages territoire")

    def __str__(self) -> str:
        return self.organisation.name

    def get_absolute_url(self) -> str:
        return reverse("hosting:page", kwargs={"pk": self.organisation_id})

    def strong_point_labels(self) -> list[str]:
        labels = dict(StrongPoint.choices)
        return [str(labels[key]) for key in self.strong_points if key in labels]


class TerritoryPhoto(models.Model):
    page = models.ForeignKey(TerritoryPage, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="territories/%Y/%m/")
    alt = models.CharField(_("description de la photo"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.alt or self.image.name or ""


class LocalAid(models.Model):
    page = models.ForeignKey(TerritoryPage, on_delete=models.CASCADE, related_name="aids")
    title = models.CharField(_("aide"), max_length=200)
    amount = models.CharField(_("montant"), max_length=100, blank=True)
    conditions = models.TextField(_("conditions"), blank=True, max_length=2000)
    link = models.URLField(_("lien"), blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class HousingKind(models.TextChoices):
    ROOM = "room", _("Chambre")
    STUDIO = "studio", _("Studio")
    FLAT = "flat", _("Appartement")
    HOUSE = "house", _("Maison")


class Housing(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="housings"
    )
    name = models.CharField(_("nom du logement"), max_length=150)
    kind = models.CharField(_("type"), max_length=10, choices=HousingKind.choices)
    address = models.CharField(_("adresse"), max_length=300)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="+", verbose_name=_("commune")
    )
    # The number of places: one HousingPlace row each (services.housing_places_sync), so the
    # database bounds the guests of a night by the rows it can pair with that night.
    capacity = models.PositiveSmallIntegerField(
        _("places"),
        default=1,
        validators=_places_validators,
        help_text=_("Le nombre de personnes logées en même temps (de 1 à 50)."),
    )
    semester_auto_accept = models.BooleanField(
        _("accepter automatiquement les demandes pour un semestre entier"),
        default=False,
        help_text=_(
            "Une demande pour un semestre couvert par une période ouverte et qui trouve des "
            "places libres est acceptée sans attendre votre réponse."
        ),
    )
    is_free = models.BooleanField(_("gratuit"), default=True)
    monthly_rent = models.PositiveIntegerField(
        _("loyer mensuel (€)"),
        null=True,
        blank=True,
        help_text=_("Si le logement n’est pas gratuit."),
    )
    description = models.TextField(_("description"), blank=True, max_length=4000)
    is_demo = models.BooleanField(_("démonstration"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("logement")
        verbose_name_plural = _("logements")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_free=True) | Q(monthly_rent__isnull=False),
                name="housing_rent_when_not_free",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=MAX_HOUSING_PLACES),
                name="housing_capacity_1_to_50",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("hosting:housing", kwargs={"pk": self.pk})


class HousingPlace(models.Model):
    """One place of a housing, numbered 1 to its capacity. An accepted night takes a place
    (`BookedNight`, unique per place and night): a night can never have more guests than the
    housing has place rows, on SQLite and PostgreSQL alike."""

    housing = models.ForeignKey(Housing, on_delete=models.CASCADE, related_name="places")
    number = models.PositiveSmallIntegerField(_("place n°"))

    class Meta:
        ordering = ["housing", "number"]
        constraints = [
            models.UniqueConstraint(fields=["housing", "number"], name="one_place_per_number"),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=MAX_HOUSING_PLACES),
                name="place_number_1_to_50",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.housing_id} n°{self.number}"


class HousingPeriod(models.Model):
    """A window when the housing can be booked: [start, end], nights from start to end - 1."""

    housing = models.ForeignKey(Housing, on_delete=models.CASCADE, related_name="periods")
    start = models.DateField(_("du"))
    end = models.DateField(_("au"))

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="period_in_order")
        ]

    def __str__(self) -> str:
        return f"{self.start} → {self.end}"


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", _("demandée")
    ACCEPTED = "accepted", _("acceptée")
    DECLINED = "declined", _("refusée")
    CANCELLED = "cancelled", _("annulée")


class Booking(models.Model):
    """A professional's request to stay in a housing from `start` (arrival) to `end` (departure)."""

    housing = models.ForeignKey(Housing, on_delete=models.CASCADE, related_name="bookings")
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookings"
    )
    stay = models.ForeignKey(
        "Stay", null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings"
    )
    start = models.DateField(_("arrivée"))
    end = models.DateField(_("départ"))
    places = models.PositiveSmallIntegerField(_("places"), default=1, validators=_places_validators)
    # A whole university semester (semesters.py): start and end are its bounds.
    is_semester = models.BooleanField(_("semestre entier"), default=False)
    status = models.CharField(
        max_length=10, choices=BookingStatus.choices, default=BookingStatus.REQUESTED
    )
    decision_message = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("réservation")
        verbose_name_plural = _("réservations")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="booking_in_order"),
            models.CheckConstraint(
                condition=Q(places__gte=1, places__lte=MAX_HOUSING_PLACES),
                name="booking_places_1_to_50",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.housing} {self.start} → {self.end}"

    def nights(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days)]

    @property
    def months(self) -> int:
        """Whole months from arrival to departure (6 for a semester of the default setting)."""
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month

    @property
    def semester_rent(self) -> int | None:
        """What a semester booking costs: the monthly rent × its months × its places; None
        for a free housing or a booking that is not a semester."""
        housing = self.housing
        if not self.is_semester or housing.is_free or housing.monthly_rent is None:
            return None
        return housing.monthly_rent * self.months * self.places


class BookedNight(models.Model):
    """One row per place and night of an accepted booking (a booking of two places has two
    rows a night). The unique constraint on (place, night) is what keeps the guests of a night
    within the housing's places, on SQLite and PostgreSQL alike, whatever the concurrency: a
    transaction taking a place already taken fails on insert. `housing` is the place's
    housing, copied for the calendar's reads (services.booked_nights_plan writes both)."""

    housing = models.ForeignKey(Housing, on_delete=models.CASCADE, related_name="+")
    place = models.ForeignKey(HousingPlace, on_delete=models.CASCADE, related_name="booked_nights")
    night = models.DateField()
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="booked_nights")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["place", "night"], name="one_booking_per_place_night")
        ]
        indexes = [models.Index(fields=["housing", "night"], name="booked_night_housing_night")]

    def __str__(self) -> str:
        return f"{self.housing_id} n°{self.place_id} {self.night}"


class ActivityKind(models.TextChoices):
    CLUB = "club", _("Club ou association locale")
    SCHOOL = "school", _("Visite d’école")
    HEALTH_MEETING = "health_meeting", _("Rencontre avec les professionnels de santé")
    MAYOR_TOUR = "mayor_tour", _("Visite avec le maire")
    CULTURE = "culture", _("Culture")
    SPORT = "sport", _("Sport")
    NATURE = "nature", _("Nature")
    OTHER = "other", _("Autre")


class Activity(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="activities"
    )
    title = models.CharField(_("activité"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=ActivityKind.choices)
    description = models.TextField(_("description"), blank=True, max_length=3000)
    with_whom = models.CharField(_("avec qui"), max_length=200, blank=True)
    starts_at = models.DateTimeField(
        _("date et heure"), null=True, blank=True, help_text=_("Vide : sur demande.")
    )
    duration_minutes = models.PositiveIntegerField(_("durée (minutes)"), default=120)
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    travel_costs_covered = models.BooleanField(
        _("frais de déplacement pris en charge"), default=False
    )
    is_demo = models.BooleanField(_("démonstration"), default=False)

    class Meta:
        verbose_name = _("activité découverte")
        verbose_name_plural = _("activités découverte")
        ordering = ["starts_at", "title"]

    def __str__(self) -> str:
        return self.title


class SupportStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposé par la collectivité")
    REQUESTED = "requested", _("demandé par la structure")
    ACCEPTED = "accepted", _("accepté")
    DECLINED = "declined", _("décliné")


class OfferSupport(models.Model):
    """A collectivité backing an offer with its welcome: co-construction. Proposed by an agent
    (the health organisation accepts) or requested by the organisation (the agent accepts)."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="supports")
    collectivity = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="supports_given"
    )
    housing = models.ForeignKey(
        Housing, null=True, blank=True, on_delete=models.SET_NULL, related_name="supports"
    )
    activities = models.ManyToManyField(Activity, blank=True, related_name="supports")
    # The promise a housing support makes: the dates the housing is open and free within the
    # offer's dates (arrival, departure), checked when the support is proposed or accepted.
    covers_from = models.DateField(_("logement offert du"), null=True, blank=True)
    covers_until = models.DateField(_("logement offert jusqu’au"), null=True, blank=True)
    personal_welcome = models.BooleanField(_("accueil personnalisé"), default=True)
    message = models.TextField(_("message"), blank=True, max_length=2000)
    status = models.CharField(max_length=10, choices=SupportStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("soutien à une annonce")
        verbose_name_plural = _("soutiens aux annonces")
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "collectivity"], name="one_support_per_offer_and_collectivity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.collectivity} → {self.offer}"

    @property
    def cover_text(self) -> str:
        """« du 1er au 31 juillet 2027 », or "" for a support without dated housing."""
        if self.housing_id is None or self.covers_from is None or self.covers_until is None:
            return ""
        return date_range_text(self.covers_from, self.covers_until)

    @property
    def covers_part_only(self) -> bool:
        """The housing is promised for part of the offer's dates only."""
        dates = offer_stay_dates(self.offer)
        if dates is None or self.covers_from is None or self.covers_until is None:
            return False
        return (self.covers_from, self.covers_until) != dates


class Stay(models.Model):
    """A discovery stay (séjour découverte): dates, a territory, optionally an offer, a housing
    booking and chosen activities."""

    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stays"
    )
    collectivity = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="stays", verbose_name=_("territoire")
    )
    offer = models.ForeignKey(
        Offer, null=True, blank=True, on_delete=models.SET_NULL, related_name="stays"
    )
    start = models.DateField(_("arrivée"))
    end = models.DateField(_("départ"))
    activities = models.ManyToManyField(Activity, blank=True, related_name="stays")
    peers_visible = models.BooleanField(
        _("être visible des autres professionnels en séjour au même moment"), default=False
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("séjour découverte")
        verbose_name_plural = _("séjours découverte")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="stay_in_order")
        ]

    def __str__(self) -> str:
        return f"{self.professional} — {self.collectivity} {self.start}"

    def get_absolute_url(self) -> str:
        return reverse("hosting:stay", kwargs={"pk": self.pk})


class Answer(models.TextChoices):
    YES = "yes", _("oui")
    MAYBE = "maybe", _("peut-être")
    NO = "no", _("non")


class StayFeedback(models.Model):
    stay = models.OneToOneField(Stay, on_delete=models.CASCADE, related_name="feedback")
    went_well = models.TextField(_("ce qui s’est bien passé"), max_length=3000)
    to_improve = models.TextField(_("ce qui pourrait être amélioré"), blank=True, max_length=3000)
    would_come_back = models.CharField(
        _("reviendriez-vous ?"), max_length=5, choices=Answer.choices
    )
    would_settle = models.CharField(
        _("pourriez-vous vous installer ici ?"), max_length=5, choices=Answer.choices
    )
    publish = models.BooleanField(
        _("j’accepte que mon témoignage soit publié sur la page du territoire"), default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("retour de séjour")
        verbose_name_plural = _("retours de séjour")

    def __str__(self) -> str:
        return f"{self.stay}"


def _token() -> str:
    return secrets.token_urlsafe(24)


class InstallationCheck(models.Model):
    """The question "Vous êtes-vous installé(e) ? Où ?" asked 3, 6 and 12 months after a stay."""

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="installation_checks")
    months = models.PositiveSmallIntegerField()
    due_on = models.DateField(db_index=True)
    token = models.CharField(max_length=64, unique=True, default=_token)
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    settled = models.BooleanField(null=True)
    commune = models.ForeignKey(
        Commune, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["stay", "months"], name="one_check_per_stay_and_delay")
        ]

    def __str__(self) -> str:
        return f"{self.stay} +{self.months} mois"


class PeerMessage(models.Model):
    """A word between two professionals staying in the same territory at the same time."""

    sender = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="peer_messages_sent")
    recipient = models.ForeignKey(
        Stay, on_delete=models.CASCADE, related_name="peer_messages_received"
    )
    body = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.sender_id} → {self.recipient_id}"
