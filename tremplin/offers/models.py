"""Offers (annonces) posted by health organisations, and their life cycle."""

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tremplin.core.professions import Profession
from tremplin.organisations.models import Organisation
from tremplin.territories.models import Commune

if TYPE_CHECKING:
    from django.utils.functional import Promise

# An offer not renewed for this long expires (issue: "90 days without renewal").
OFFER_LIFETIME = timedelta(days=90)


def offer_expires_on(
    *, published_at: datetime | None, renewed_at: datetime | None, end_date: date | None
) -> date | None:
    """The day an offer stops being shown: its end date, or OFFER_LIFETIME after its last
    (re)publication, whichever comes first. The one statement of the rule: the model, the
    `live()` queryset (its SQL form), the daily expiry and the feeds' validity all use it."""
    moment = renewed_at or published_at
    if moment is None:
        return None
    # Absolute time (UTC), whatever zone `moment` carries: 90 days are 90 × 24 hours.
    by_age = timezone.localdate(moment.astimezone(UTC) + OFFER_LIFETIME)
    return min(by_age, end_date) if end_date else by_age


def _live_condition(today: date | None) -> models.Q:
    """`offer_expires_on(...) > today` in SQL: the end date after today, and the last
    publication recent enough that localdate(moment + lifetime) > today."""
    today = today or timezone.localdate()
    tomorrow = timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))
    # In UTC: an aware local datetime minus 90 days keeps its wall-clock time across a change
    # of summer time, an hour away from what `moment + OFFER_LIFETIME` (absolute) gives above.
    fresh_since = tomorrow.astimezone(UTC) - OFFER_LIFETIME
    return (models.Q(end_date__isnull=True) | models.Q(end_date__gt=today)) & (
        models.Q(renewed_at__gte=fresh_since)
        | models.Q(renewed_at__isnull=True, published_at__gte=fresh_since)
    )


def offer_start_is_past(*, start_date: date | None, asap: bool, today: date) -> bool:
    """A start date before today is refused, in the editor and at submission, unless the offer
    starts « dès que possible »."""
    return start_date is not None and start_date < today and not asap


class OfferKind(models.TextChoices):
    REPLACEMENT = "remplacement", _("Remplacement")
    INTERNSHIP = "stage", _("Stage")
    DISCOVERY_STAY = "sejour_decouverte", _("Séjour découverte")
    COLLABORATION = "collaboration", _("Collaboration")
    ASSISTANTSHIP = "assistanat", _("Assistanat")
    SALARIED = "salariat", _("Salariat")
    INSTALLATION = "installation", _("Installation")
    SUCCESSION = "succession", _("Cession / succession de patientèle")


class ReplacementType(models.TextChoices):
    ONE_OFF = "ponctuel", _("Ponctuel")
    REGULAR = "regulier", _("Régulier")


class InternshipLevel(models.TextChoices):
    EXTERN = "externe", _("Externe")
    INTERN = "interne", _("Interne")
    JUNIOR_DOCTOR = "docteur_junior", _("Docteur junior")


class PracticeSetting(models.TextChoices):
    SOLO = "cabinet_seul", _("Cabinet seul")
    GROUP = "cabinet_groupe", _("Cabinet de groupe")
    MSP = "msp", _("Maison de santé pluriprofessionnelle (MSP)")
    HEALTH_CENTRE = "centre_sante", _("Centre de santé")
    HOSPITAL = "hopital", _("Hôpital")
    CLINIC = "clinique", _("Clinique")
    EHPAD = "ehpad", _("EHPAD")


class Secretariat(models.TextChoices):
    NONE = "aucun", _("Pas de secrétariat")
    ON_SITE = "sur_place", _("Secrétariat sur place")
    REMOTE = "distance", _("Secrétariat à distance / téléphonique")


class OfferStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("En attente de modération")
    PUBLISHED = "published", _("Publiée")
    REFUSED = "refused", _("Refusée")
    FILLED = "filled", _("Pourvue")
    EXPIRED = "expired", _("Expirée")
    WITHDRAWN = "withdrawn", _("Retirée")


class OfferQuerySet(models.QuerySet["Offer"]):
    def published(self) -> "OfferQuerySet":
        return self.filter(status=OfferStatus.PUBLISHED)

    def live(self, *, today: date | None = None) -> "OfferQuerySet":
        """Published offers still within their end date and lifetime (`offer_expires_on` after
        `today`): what search, feeds and matching show, even before the daily expiry ran."""
        return self.published().filter(_live_condition(today))

    def past_expiry(self, *, today: date | None = None) -> "OfferQuerySet":
        """Published offers whose `offer_expires_on` has come: what the daily job expires."""
        return self.published().exclude(_live_condition(today))

    def of_organisation(self, organisation: Organisation) -> "OfferQuerySet":
        return self.filter(organisation=organisation)

    def within_km(self, *, latitude: float, longitude: float, km: float) -> "OfferQuerySet":
        """Offers whose place lies within `km` of a point (equirectangular distance, exact to
        a few metres at these scales), with the distance annotated as `distance_km`."""
        from tremplin.offers.search import distance_expression

        south, north = latitude - km / 111.0, latitude + km / 111.0
        return (
            self.filter(latitude__range=(south, north))
            .annotate(distance_km=distance_expression(latitude, longitude))
            .filter(distance_km__lte=km)
        )


class Offer(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="offers", verbose_name=_("structure")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("type d’annonce"), max_length=20, choices=OfferKind.choices)
    replacement_type = models.CharField(
        _("type de remplacement"), max_length=10, choices=ReplacementType.choices, blank=True
    )
    internship_level = models.CharField(
        _("niveau du stage"), max_length=20, choices=InternshipLevel.choices, blank=True
    )
    profession = models.CharField(_("profession"), max_length=40, choices=Profession.choices)
    title = models.CharField(_("titre"), max_length=150)
    description = models.TextField(_("description"), blank=True, max_length=20_000)
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        related_name="offers",
        verbose_name=_("commune d’exercice"),
        null=True,
        blank=True,
    )
    other_communes = models.ManyToManyField(
        Commune, blank=True, related_name="secondary_offers", verbose_name=_("autres communes")
    )
    start_date = models.DateField(_("date de début"), null=True, blank=True)
    end_date = models.DateField(_("date de fin"), null=True, blank=True)
    asap = models.BooleanField(_("dès que possible"), default=False)
    retrocession_rate = models.DecimalField(
        _("taux de rétrocession (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    salary_min = models.PositiveIntegerField(
        _("salaire minimum (€ brut/mois)"), null=True, blank=True
    )
    salary_max = models.PositiveIntegerField(
        _("salaire maximum (€ brut/mois)"), null=True, blank=True
    )
    setting = models.CharField(
        _("cadre d’exercice"), max_length=20, choices=PracticeSetting.choices, blank=True
    )
    patients_per_day = models.PositiveSmallIntegerField(
        _("patients par jour (environ)"), null=True, blank=True, validators=[MaxValueValidator(300)]
    )
    secretariat = models.CharField(
        _("secrétariat"), max_length=10, choices=Secretariat.choices, blank=True
    )
    software = models.CharField(_("logiciel métier"), max_length=100, blank=True)
    on_call = models.CharField(_("gardes et astreintes"), max_length=300, blank=True)
    housing_offered = models.BooleanField(
        _("logement proposé par la structure"), null=True, blank=True
    )
    housing_details = models.TextField(_("précisions sur le logement"), blank=True, max_length=2000)
    # Set by the hosting app when a collectivité's support is accepted (badges, search filter).
    supported_housing = models.BooleanField(
        _("logement offert par une collectivité"), default=False
    )
    supported_welcome = models.BooleanField(_("accueil personnalisé"), default=False)

    status = models.CharField(
        _("statut"), max_length=12, choices=OfferStatus.choices, default=OfferStatus.DRAFT
    )
    refusal_reason = models.TextField(_("motif du refus"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    renewed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    expiry_warned_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(_("démonstration"), default=False)
    views = models.PositiveIntegerField(_("vues"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Copied from the commune when the offer is saved, so that search filters and sorts on
    # plain columns of one table.
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    departement_code = models.CharField(max_length=3, blank=True)
    region_code = models.CharField(max_length=3, blank=True)
    zonage = models.CharField(max_length=5, blank=True)
    # Lowercase, unaccented title, description, profession and place: what text search reads.
    search_document = models.TextField(blank=True)

    objects = OfferQuerySet.as_manager()

    if TYPE_CHECKING:
        # Set on the cards of a search page (offers.selectors._cards), not stored.
        kind_label: str | Promise
        profession_label: str | Promise

    class Meta:
        verbose_name = _("annonce")
        verbose_name_plural = _("annonces")
        ordering = ["-published_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "-published_at"]),
            models.Index(fields=["status", "profession", "kind"]),
            models.Index(fields=["status", "latitude", "longitude"]),
            models.Index(fields=["status", "departement_code"]),
            models.Index(fields=["status", "start_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(retrocession_rate__isnull=True)
                | models.Q(retrocession_rate__gte=0, retrocession_rate__lte=100),
                name="retrocession_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True)
                | models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="offer_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("offers:detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("La date de fin doit suivre la date de début.")
        if (
            self.salary_min is not None
            and self.salary_max is not None
            and self.salary_max < self.salary_min
        ):
            errors["salary_max"] = _("Le salaire maximum doit être supérieur au minimum.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_public(self) -> bool:
        return self.status == OfferStatus.PUBLISHED

    @property
    def expires_on(self) -> date | None:
        """The day the offer stops being shown (see `offer_expires_on`)."""
        if not self.published_at:
            return None
        return offer_expires_on(
            published_at=self.published_at, renewed_at=self.renewed_at, end_date=self.end_date
        )

    def start_is_past(self, *, today: date | None = None) -> bool:
        return offer_start_is_past(
            start_date=self.start_date, asap=self.asap, today=today or timezone.localdate()
        )


class OfferPhoto(models.Model):
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="offers/%Y/%m/")
    alt = models.CharField(_("description de la photo"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.alt or self.image.name or ""


class OfferEventKind(models.TextChoices):
    PUBLISHED = "published", _("Publication")
    UPDATED = "updated", _("Mise à jour")
    CLOSED = "closed", _("Clôture")
    SUPPORT_CHANGED = "support_changed", _("Soutien d’une collectivité")
    # Many offers written at once outside the services (demonstration set, benchmarks): no
    # offer of its own; tells the consumers that read the whole catalogue (matching).
    CATALOGUE_CHANGED = "catalogue_changed", _("Catalogue modifié")


class OfferEvent(models.Model):
    """The outbox of the offers domain: one row per change of a published offer, written in the
    transaction of the change. Higher domains (syndication's webhooks, matching) subscribe to
    them (`offers.events`) instead of being called by the offer services."""

    offer = models.ForeignKey(
        Offer, on_delete=models.CASCADE, related_name="events", null=True, blank=True
    )
    kind = models.CharField(_("événement"), max_length=20, choices=OfferEventKind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    # Set once every subscriber has handled it; pending events are retried by the sweep.
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("événement d’annonce")
        verbose_name_plural = _("événements d’annonce")
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["id"],
                condition=models.Q(dispatched_at__isnull=True),
                name="offer_event_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.offer_id} {self.kind}"
