"""Applications (candidatures), their conversation, private documents and favourites."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tremplin.applications.storage import private_storage
from tremplin.offers.models import Offer

if TYPE_CHECKING:
    from collections.abc import Iterable

    from tremplin.accounts.models import User
    from tremplin.organisations.models import Organisation

MESSAGE_MAX_LENGTH = 5000


class ApplicationStatus(models.TextChoices):
    RECEIVED = "received", _("reçue")
    SEEN = "seen", _("vue")
    DISCUSSING = "discussing", _("en discussion")
    ACCEPTED = "accepted", _("acceptée")
    DECLINED = "declined", _("refusée")
    CONFIRMED = "confirmed", _("séjour confirmé")
    WITHDRAWN = "withdrawn", _("retirée")


# Where each status may lead when the organisation decides (the candidate only withdraws).
ORGANISATION_TRANSITIONS: dict[str, set[str]] = {
    ApplicationStatus.RECEIVED: {
        ApplicationStatus.SEEN,
        ApplicationStatus.DISCUSSING,
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.DECLINED,
    },
    ApplicationStatus.SEEN: {
        ApplicationStatus.DISCUSSING,
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.DECLINED,
    },
    ApplicationStatus.DISCUSSING: {ApplicationStatus.ACCEPTED, ApplicationStatus.DECLINED},
    ApplicationStatus.ACCEPTED: {ApplicationStatus.CONFIRMED, ApplicationStatus.DECLINED},
    ApplicationStatus.DECLINED: set(),
    ApplicationStatus.CONFIRMED: set(),
    ApplicationStatus.WITHDRAWN: set(),
}
OPEN_STATUSES = {
    ApplicationStatus.RECEIVED,
    ApplicationStatus.SEEN,
    ApplicationStatus.DISCUSSING,
    ApplicationStatus.ACCEPTED,
}
WITHDRAWABLE = OPEN_STATUSES


class Side(models.TextChoices):
    CANDIDATE = "candidate", _("candidat")
    ORGANISATION = "organisation", _("structure")
    SYSTEM = "system", _("Tremplin")


class DocumentKind(models.TextChoices):
    PROFILE_CV = "profile_cv", _("CV du profil")
    APPLICATION_CV = "application_cv", _("CV joint à une candidature")
    ATTACHMENT = "attachment", _("pièce jointe")


class Document(models.Model):
    """A PDF someone uploaded: stored privately, served only after a permission check."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    file = models.FileField(upload_to="documents/%Y/%m/", storage=private_storage)
    original_name = models.CharField(_("nom du fichier"), max_length=200)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [models.Index(fields=["owner", "kind", "-created_at"])]

    def __str__(self) -> str:
        return self.original_name


class ApplicationQuerySet(models.QuerySet["Application"]):
    def of_candidate(self, user: "User") -> "ApplicationQuerySet":
        return self.filter(candidate=user)

    def of_organisations(self, organisations: "Iterable[Organisation]") -> "ApplicationQuerySet":
        return self.filter(offer__organisation__in=organisations)

    def visible_to_organisation(self) -> "ApplicationQuerySet":
        # A withdrawn application stays in the statistics but leaves the organisation's inbox.
        return self.exclude(status=ApplicationStatus.WITHDRAWN)

    def unread_by_organisation(self) -> "ApplicationQuerySet":
        return self.filter(
            Q(organisation_read_at__isnull=True)
            | Q(candidate_activity_at__gt=models.F("organisation_read_at"))
        )


class Application(models.Model):
    offer = models.ForeignKey(
        Offer, on_delete=models.CASCADE, related_name="applications", verbose_name=_("annonce")
    )
    # Null once anonymised (account deleted, or offer closed for more than two years).
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
        verbose_name=_("candidat"),
    )
    message = models.TextField(_("message"), max_length=MESSAGE_MAX_LENGTH)
    available_from = models.DateField(_("disponible à partir du"), null=True, blank=True)
    available_until = models.DateField(_("disponible jusqu’au"), null=True, blank=True)
    cv = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("statut"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.RECEIVED,
    )
    status_changed_at = models.DateTimeField(default=timezone.now)
    decision_message = models.TextField(
        _("message joint à la décision"), blank=True, max_length=MESSAGE_MAX_LENGTH
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # First time the organisation answered (a status change or a message): "time to first answer".
    first_answer_at = models.DateTimeField(null=True, blank=True)
    # Unread markers: last activity of each side against when the other side last read.
    candidate_activity_at = models.DateTimeField(default=timezone.now)
    organisation_activity_at = models.DateTimeField(null=True, blank=True)
    candidate_read_at = models.DateTimeField(null=True, blank=True)
    organisation_read_at = models.DateTimeField(null=True, blank=True)
    # Email batching for new messages: at most one email per thread and side per window.
    candidate_emailed_at = models.DateTimeField(null=True, blank=True)
    organisation_emailed_at = models.DateTimeField(null=True, blank=True)
    candidate_email_due_at = models.DateTimeField(null=True, blank=True)
    organisation_email_due_at = models.DateTimeField(null=True, blank=True)
    # A report of abuse opens the thread to moderators.
    reported_at = models.DateTimeField(null=True, blank=True)
    report_reason = models.TextField(blank=True, max_length=2000)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("candidature")
        verbose_name_plural = _("candidatures")
        ordering = ["-created_at"]
        constraints = [
            # Once per offer and person; a withdrawn application does not block a new one.
            models.UniqueConstraint(
                fields=["offer", "candidate"],
                condition=~Q(status="withdrawn"),
                name="one_open_application_per_offer",
            ),
            models.CheckConstraint(
                condition=Q(available_from__isnull=True)
                | Q(available_until__isnull=True)
                | Q(available_until__gte=models.F("available_from")),
                name="application_availability_in_order",
            ),
        ]
        indexes = [
            models.Index(fields=["offer", "status", "-created_at"]),
            models.Index(fields=["candidate", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.candidate_name} → {self.offer}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("applications:detail", kwargs={"pk": self.pk})

    @property
    def candidate_name(self) -> str:
        if self.candidate is None:
            return str(_("Candidat·e anonymisé·e"))
        return self.candidate.get_full_name() or self.candidate.email

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def unread_by_organisation(self) -> bool:
        return self.organisation_read_at is None or (
            self.candidate_activity_at > self.organisation_read_at
        )

    @property
    def unread_by_candidate(self) -> bool:
        return self.organisation_activity_at is not None and (
            self.candidate_read_at is None or self.organisation_activity_at > self.candidate_read_at
        )

    def can_move_to(self, status: str) -> bool:
        """Whether the organisation may move this application to `status` now."""
        return status in self.next_statuses()

    def next_statuses(self) -> set[str]:
        """The statuses the organisation may choose from now (none once the status is final)."""
        return set(ORGANISATION_TRANSITIONS.get(self.status, set()))


class Message(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    side = models.CharField(max_length=20, choices=Side.choices)
    body = models.TextField(_("message"), max_length=MESSAGE_MAX_LENGTH, blank=True)
    attachment = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_side_display()} — {self.created_at:%Y-%m-%d %H:%M}"


class DocumentAccess(models.Model):
    """Every opening of a private document: who, when, in which application."""

    document = models.ForeignKey(
        Document, null=True, on_delete=models.SET_NULL, related_name="accesses"
    )
    document_name = models.CharField(max_length=200)
    application = models.ForeignKey(
        Application, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_email = models.EmailField()
    accessed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("consultation de document")
        verbose_name_plural = _("consultations de documents")
        ordering = ["-accessed_at"]

    def __str__(self) -> str:
        return f"{self.user_email} — {self.document_name} — {self.accessed_at:%Y-%m-%d %H:%M}"


class SavedOffer(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_offers"
    )
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("annonce sauvegardée")
        verbose_name_plural = _("annonces sauvegardées")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "offer"], name="one_favourite_per_offer")
        ]

    def __str__(self) -> str:
        return f"{self.user} ★ {self.offer}"


class OfferDayViews(models.Model):
    """How many times an offer's page was seen on a day (bots and the organisation's own
    members left out). Written only by `viewcounts.py`, one upsert per offer and day per flush,
    never once per page view."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="day_views")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("vues d’une annonce par jour")
        verbose_name_plural = _("vues des annonces par jour")
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "day"], name="one_view_count_per_offer_and_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.offer_id} {self.day}: {self.views}"
