"""Syndication: partner platforms and the webhooks they receive, API tokens, search alerts.

An offer change (publication, update, closing) is one `DeliveryEvent`, numbered per offer;
each matching partner gets one `Delivery` of it, tried in the event order of that offer.
"""

import uuid
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tremplin.core.professions import Profession
from tremplin.offers.models import Offer, OfferKind
from tremplin.organisations.models import Organisation
from tremplin.syndication import http

# A delivery is retried for this long after it becomes due, then given up ("en échec").
DELIVERY_WINDOW = timedelta(hours=24)


class Partner(models.Model):
    """A platform that republishes offers and receives them as signed webhooks."""

    name = models.CharField(_("nom"), max_length=100)
    endpoint_url = models.URLField(
        _("adresse de réception (URL)"),
        max_length=500,
        help_text=_("Les annonces y sont envoyées en POST, au format JSON, signées."),
        # URLField alone accepts ftp:// and ftps://, which cannot receive a POST. Its own code
        # ("invalid" would take the field's generic message).
        validators=[
            URLValidator(
                schemes=["http", "https"],
                message=_("L’adresse de réception doit commencer par https:// ou http://."),
                code="invalid_scheme",
            )
        ],
    )
    secret = models.CharField(
        _("secret partagé"),
        max_length=200,
        help_text=_("Sert à signer chaque envoi (HMAC-SHA256) : à transmettre au partenaire."),
    )
    # Empty lists mean "all": a partner takes every offer unless told otherwise.
    professions = models.JSONField(_("professions"), default=list, blank=True)
    regions = models.JSONField(_("régions"), default=list, blank=True)
    kinds = models.JSONField(_("types d’annonce"), default=list, blank=True)
    paused_at = models.DateTimeField(_("en pause depuis"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("partenaire de diffusion")
        verbose_name_plural = _("partenaires de diffusion")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("syndication:partner", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        # Only a well-formed http(s) URL is resolved; others already have their field error.
        parts = urlsplit(self.endpoint_url or "")
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            return
        try:
            http.endpoint_addresses(self.endpoint_url)
        except http.UnsafeEndpoint as refused:
            raise ValidationError(
                {
                    "endpoint_url": _("Adresse de réception refusée : %(reason)s.")
                    % {"reason": refused}
                }
            ) from None

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    def takes(self, *, profession: str, region: str, kind: str) -> bool:
        """Whether an offer of this profession, region and kind is sent to this partner."""
        return (
            (not self.professions or profession in self.professions)
            and (not self.regions or region in self.regions)
            and (not self.kinds or kind in self.kinds)
        )

    def profession_labels(self) -> list[str]:
        labels = dict(Profession.choices)
        return [str(labels.get(code, code)) for code in self.professions]

    def kind_labels(self) -> list[str]:
        labels = dict(OfferKind.choices)
        return [str(labels.get(code, code)) for code in self.kinds]


class EventKind(models.TextChoices):
    PUBLISHED = "published", _("Publication")
    UPDATED = "updated", _("Mise à jour")
    CLOSED = "closed", _("Clôture")


class DeliveryEvent(models.Model):
    """One change of an offer, as partners receive it. `sequence` counts from 1 per offer;
    `key` is the idempotency key partners deduplicate on (the same for every retry)."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="syndication_events")
    sequence = models.PositiveIntegerField()
    kind = models.CharField(_("événement"), max_length=12, choices=EventKind.choices)
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The offer as it was at that moment (what every partner receives for this event).
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("événement de diffusion")
        verbose_name_plural = _("événements de diffusion")
        ordering = ["offer", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "sequence"], name="one_sequence_per_offer")
        ]

    def __str__(self) -> str:
        return f"{self.offer_id} #{self.sequence} {self.kind}"

    @property
    def type(self) -> str:
        """The event name partners see: offer.published, offer.updated, offer.closed."""
        return f"offer.{self.kind}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    SENDING = "sending", _("Envoyé")
    ACCEPTED = "accepted", _("Accepté")
    RETRYING = "retrying", _("En attente de nouvel essai")
    FAILED = "failed", _("En échec")


# Deliveries still to be sent, in flight or waiting for a retry: they hold the order of
# their offer (a later event waits until these are accepted or given up).
OPEN_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.RETRYING)


class Delivery(models.Model):
    """The sending of one event to one partner, with its attempts."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(DeliveryEvent, on_delete=models.CASCADE, related_name="deliveries")
    # Copies of the event's, so that "the oldest open delivery of this partner and offer"
    # reads one index.
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="+")
    sequence = models.PositiveIntegerField()
    status = models.CharField(
        _("statut"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("essais"), default=0)
    next_attempt_at = models.DateTimeField(_("prochain essai"), default=timezone.now)
    # Past this moment a failure is final; paused partners and replays move it.
    deadline = models.DateTimeField()
    # While a worker sends it: if the worker dies, the delivery is taken up again after this.
    lease_until = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("dernier essai"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("accepté le"), null=True, blank=True)
    last_status_code = models.PositiveIntegerField(_("dernier code HTTP"), null=True, blank=True)
    last_error = models.CharField(_("dernière erreur"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("envoi")
        verbose_name_plural = _("envois")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "event"], name="one_delivery_per_partner")
        ]
        indexes = [
            models.Index(fields=["partner", "offer", "sequence"]),
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["partner", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.partner} ← {self.event}"


class ApiToken(models.Model):
    """A write access to the API for one organisation. Only a SHA-256 of the token is kept:
    it is shown once, when created."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("nom"), max_length=100)
    # The first characters of the token, so that its owner recognises it in the list.
    prefix = models.CharField(max_length=16)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("jeton d’API")
        verbose_name_plural = _("jetons d’API")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AlertKind(models.TextChoices):
    OFFERS = "offers", _("Annonces")
    TERRITORIES = "territories", _("Territoires")


class AlertFrequency(models.TextChoices):
    DAILY = "daily", _("Chaque jour")
    WEEKLY = "weekly", _("Chaque semaine")


class Alert(models.Model):
    """A saved search whose new results are emailed as a digest. Anyone may create one; an
    address that is not a confirmed account's must be confirmed first."""

    email = models.EmailField(_("adresse e-mail"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="alerts",
    )
    kind = models.CharField(
        _("type"), max_length=12, choices=AlertKind.choices, default=AlertKind.OFFERS
    )
    # The query string of the search page, as its URL has it.
    query = models.TextField(_("critères"), max_length=2000, blank=True)
    label = models.CharField(_("intitulé"), max_length=200)
    frequency = models.CharField(
        _("fréquence"),
        max_length=10,
        choices=AlertFrequency.choices,
        default=AlertFrequency.DAILY,
    )
    # The capability in the confirmation and unsubscribe links.
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("désabonnée le"), null=True, blank=True)
    last_sent_at = models.DateTimeField(_("dernier envoi"), null=True, blank=True)
    # Offers published after this moment are new for this alert.
    cursor = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("alerte")
        verbose_name_plural = _("alertes")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["confirmed_at", "unsubscribed_at", "cursor"])]

    def __str__(self) -> str:
        return f"{self.email} — {self.label}"

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None

    def search_url(self) -> str:
        name = "offers:search" if self.kind == AlertKind.OFFERS else "matching:search"
        return f"{reverse(name)}?{self.query}" if self.query else reverse(name)
