"""Organisations: health organisations (structures de santé) and collectivités.

One table for both, because membership, invitations and verification work the same way;
`HealthOrganisation` and `Collectivity` are proxies that read as the glossary says.
"""

from typing import TYPE_CHECKING, ClassVar, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tremplin.core.validators import normalise_digits, validate_siret

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from tremplin.accounts.models import User


class OrganisationCategory(models.TextChoices):
    HEALTH = "health", _("Structure de santé")
    COLLECTIVITY = "collectivity", _("Collectivité ou partenaire")


class OrganisationType(models.TextChoices):
    # Health organisations
    LIBERAL_PRACTICE = "cabinet", _("Cabinet libéral")
    MSP = "msp", _("Maison de santé pluriprofessionnelle (MSP)")
    HEALTH_CENTRE = "centre_sante", _("Centre de santé")
    HOSPITAL = "hopital", _("Hôpital")
    CLINIC = "clinique", _("Clinique")
    EHPAD = "ehpad", _("EHPAD")
    OTHER_HEALTH = "autre_sante", _("Autre structure de santé")
    # Collectivités and partners
    COMMUNE = "commune", _("Commune")
    EPCI = "epci", _("Intercommunalité (EPCI)")
    DEPARTEMENT = "departement", _("Département")
    REGION = "region", _("Région")
    ARS = "ars", _("Agence régionale de santé (ARS)")
    DMG = "dmg", _("Département de médecine générale (DMG)")
    CPTS = "cpts", _("Communauté professionnelle territoriale de santé (CPTS)")
    ORDRE = "ordre", _("Ordre professionnel")
    OTHER_PARTNER = "autre_partenaire", _("Autre partenaire")


HEALTH_TYPES = (
    OrganisationType.LIBERAL_PRACTICE,
    OrganisationType.MSP,
    OrganisationType.HEALTH_CENTRE,
    OrganisationType.HOSPITAL,
    OrganisationType.CLINIC,
    OrganisationType.EHPAD,
    OrganisationType.OTHER_HEALTH,
)
COLLECTIVITY_TYPES = tuple(t for t in OrganisationType if t not in HEALTH_TYPES)

# Shape of the territory code each collectivity type is linked to (INSEE or SIREN).
TERRITORY_CODE_SHAPES: "dict[str, tuple[str, Promise]]" = {
    OrganisationType.COMMUNE: (r"^(\d[0-9AB]\d{3})$", _("code INSEE de commune, 5 caractères")),
    OrganisationType.EPCI: (r"^\d{9}$", _("SIREN de l’intercommunalité, 9 chiffres")),
    OrganisationType.DEPARTEMENT: (
        r"^(\d{2}|2A|2B|97\d)$",
        _("code de département (ex. 23, 2A, 974)"),
    ),
    OrganisationType.REGION: (r"^\d{2}$", _("code INSEE de région, 2 chiffres")),
    # The coordination of terrains de stage (juniors) reads an ARS's région and a DMG's
    # département.
    OrganisationType.ARS: (r"^\d{2}$", _("code INSEE de région, 2 chiffres")),
    OrganisationType.DMG: (
        r"^(\d{2}|2A|2B|97\d)$",
        _("code de département (ex. 23, 2A, 974)"),
    ),
}


class OrganisationStatus(models.TextChoices):
    PENDING = "pending", _("En attente de vérification")
    VERIFIED = "verified", _("Vérifiée")
    REJECTED = "rejected", _("Refusée")


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def health(self) -> "OrganisationQuerySet":
        return self.filter(category=OrganisationCategory.HEALTH)

    def collectivities(self) -> "OrganisationQuerySet":
        return self.filter(category=OrganisationCategory.COLLECTIVITY)

    def pending(self) -> "OrganisationQuerySet":
        return self.filter(status=OrganisationStatus.PENDING)

    def verified(self) -> "OrganisationQuerySet":
        return self.filter(status=OrganisationStatus.VERIFIED)

    def of_user(self, user: "User") -> "OrganisationQuerySet":
        return self.filter(memberships__user=user)


class Organisation(models.Model):
    category = models.CharField(_("catégorie"), max_length=20, choices=OrganisationCategory.choices)
    type = models.CharField(_("type"), max_length=30, choices=OrganisationType.choices)
    name = models.CharField(_("nom"), max_length=200)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    territory_code = models.CharField(
        _("code du territoire"),
        max_length=9,
        blank=True,
        help_text=_(
            "Code INSEE de la commune, du département ou de la région, ou SIREN de l’EPCI."
        ),
    )
    city = models.CharField(_("commune"), max_length=120, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    status = models.CharField(
        _("statut"),
        max_length=20,
        choices=OrganisationStatus.choices,
        default=OrganisationStatus.PENDING,
    )
    rejection_reason = models.TextField(_("motif du refus"), blank=True)
    reviewed_at = models.DateTimeField(_("examinée le"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("examinée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # ProConnect (the identity app): an agent whose SIRET's SIREN is this collectivité's joins
    # at once when its admins chose so, otherwise after an admin's approval.
    proconnect_auto_join = models.BooleanField(
        _("les agents ProConnect de la structure la rejoignent sans approbation"), default=False
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(category="health", type__in=[t.value for t in HEALTH_TYPES])
                    | models.Q(
                        category="collectivity", type__in=[t.value for t in COLLECTIVITY_TYPES]
                    )
                ),
                name="organisation_type_matches_category",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        import re

        self.siret = normalise_digits(self.siret)
        self.territory_code = self.territory_code.strip().upper()
        if self.category == OrganisationCategory.HEALTH and self.type not in HEALTH_TYPES:
            raise ValidationError(
                {"type": _("Ce type ne correspond pas à une structure de santé.")}
            )
        if (
            self.category == OrganisationCategory.COLLECTIVITY
            and self.type not in COLLECTIVITY_TYPES
        ):
            raise ValidationError({"type": _("Ce type ne correspond pas à une collectivité.")})
        shape = TERRITORY_CODE_SHAPES.get(self.type)
        if shape and self.territory_code and not re.match(shape[0], self.territory_code):
            raise ValidationError(
                {"territory_code": _("Code attendu : %(shape)s.") % {"shape": shape[1]}}
            )

    @property
    def is_health(self) -> bool:
        return self.category == OrganisationCategory.HEALTH

    @property
    def is_collectivity(self) -> bool:
        return self.category == OrganisationCategory.COLLECTIVITY

    def member_emails(self) -> list[str]:
        """Every member's address, once each, sorted: who is told of what concerns the
        organisation."""
        return sorted({m.user.email for m in self.memberships.select_related("user")})

    @property
    def can_publish(self) -> bool:
        """Pending organisations prepare content; only verified ones publish it."""
        return self.status == OrganisationStatus.VERIFIED

    def verify(self, *, by: "User") -> None:
        self.status = OrganisationStatus.VERIFIED
        self.rejection_reason = ""
        self.reviewed_at = timezone.now()
        self.reviewed_by = by
        self.save(
            update_fields=["status", "rejection_reason", "reviewed_at", "reviewed_by", "updated_at"]
        )

    def reject(self, *, by: "User", reason: str) -> None:
        self.status = OrganisationStatus.REJECTED
        self.rejection_reason = reason
        self.reviewed_at = timezone.now()
        self.reviewed_by = by
        self.save(
            update_fields=["status", "rejection_reason", "reviewed_at", "reviewed_by", "updated_at"]
        )


OrganisationManager = models.Manager.from_queryset(OrganisationQuerySet)


class HealthOrganisationManager(OrganisationManager["Organisation"]):
    def get_queryset(self) -> OrganisationQuerySet:
        # from_queryset() managers build OrganisationQuerySet; the stubs only say QuerySet.
        return cast(OrganisationQuerySet, super().get_queryset()).health()


class CollectivityManager(OrganisationManager["Organisation"]):
    def get_queryset(self) -> OrganisationQuerySet:
        # from_queryset() managers build OrganisationQuerySet; the stubs only say QuerySet.
        return cast(OrganisationQuerySet, super().get_queryset()).collectivities()


class HealthOrganisation(Organisation):
    """Structure de santé: cabinet, MSP, centre de santé, hôpital, clinique, EHPAD."""

    objects: ClassVar[HealthOrganisationManager] = HealthOrganisationManager()

    class Meta:
        proxy = True
        verbose_name = _("structure de santé")
        verbose_name_plural = _("structures de santé")


class Collectivity(Organisation):
    """Collectivité: commune, EPCI, département, région, or a partner (ARS, CPTS, Ordre)."""

    objects: ClassVar[CollectivityManager] = CollectivityManager()

    class Meta:
        proxy = True
        verbose_name = _("collectivité")
        verbose_name_plural = _("collectivités")


class MembershipRole(models.TextChoices):
    ADMIN = "admin", _("Administrateur")
    MEMBER = "member", _("Membre")


class Membership(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        _("rôle"), max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    # Set when the member logged in with ProConnect and the SIREN of their SIRET is the
    # organisation's: « agent vérifié » on what the organisation publishes.
    proconnect_verified_at = models.DateTimeField(
        _("agent vérifié par ProConnect le"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="one_membership_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) — {self.organisation}"

    @property
    def is_admin(self) -> bool:
        return self.role == MembershipRole.ADMIN


class Invitation(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("adresse e-mail"))
    role = models.CharField(
        _("rôle"), max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=models.Q(accepted_at__isnull=True),
                name="one_pending_invitation_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"


class MembershipRequestStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    APPROVED = "approved", _("Acceptée")
    DECLINED = "declined", _("Refusée")


class MembershipRequest(models.Model):
    """An agent who logged in with ProConnect, whose SIRET's SIREN is this collectivité's, asks
    to join it; an admin approves or declines (unless the collectivité lets them in at once)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="membership_requests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership_requests"
    )
    # The SIRET ProConnect gave, as the admin sees it before deciding.
    siret = models.CharField(_("SIRET transmis par ProConnect"), max_length=14)
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=MembershipRequestStatus.choices,
        default=MembershipRequestStatus.PENDING,
    )
    created_at = models.DateTimeField(_("demandée le"), default=timezone.now)
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("décidée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("demande d’adhésion")
        verbose_name_plural = _("demandes d’adhésion")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(status="pending"),
                name="one_pending_request_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status == MembershipRequestStatus.PENDING

    def decide(self, *, status: str, by: "User") -> None:
        self.status = status
        self.decided_at = timezone.now()
        self.decided_by = by
        self.save(update_fields=["status", "decided_at", "decided_by"])
