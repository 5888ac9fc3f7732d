from typing import ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tremplin.core.professions import Profession
from tremplin.core.validators import normalise_digits, validate_rpps


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("email_confirmed_at", timezone.now())
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person. Their email is their login; roles come from their profile and memberships."""

    # Removing an inherited field is allowed by Django; the stubs type it as a str field.
    username = None  # type: ignore[assignment]
    email = models.EmailField(_("adresse e-mail"), unique=True)
    email_confirmed_at = models.DateTimeField(_("adresse confirmée le"), null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    # The stubs expect auth's UserManager (username logins); ours is its email-login sibling.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_moderator(self) -> bool:
        """Platform staff: verifies organisations and moderates content."""
        return self.is_active and self.is_staff

    @property
    def is_professional(self) -> bool:
        return hasattr(self, "professional_profile")

    def confirm_email(self) -> None:
        if self.email_confirmed_at is None:
            self.email_confirmed_at = timezone.now()
            self.save(update_fields=["email_confirmed_at"])


class ProfessionalStatus(models.TextChoices):
    STUDENT = "etudiant", _("Étudiant")
    INTERN = "interne", _("Interne")
    JUNIOR_DOCTOR = "docteur_junior", _("Docteur junior")
    LOCUM = "remplacant", _("Remplaçant")
    SETTLED = "installe", _("Installé")
    SALARIED = "salarie", _("Salarié")


class RppsVerification(models.TextChoices):
    """Who vouched for a professional's RPPS."""

    PRO_SANTE_CONNECT = "pro_sante_connect", _("Pro Santé Connect")
    PARTNER = "partenaire", _("un partenaire (ARS ou Conseil de l’Ordre)")


class ProfessionalProfile(models.Model):
    """The *professional* role: a health professional or student looking for offers."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="professional_profile")
    profession = models.CharField(_("profession"), max_length=40, choices=Profession.choices)
    status = models.CharField(_("situation"), max_length=20, choices=ProfessionalStatus.choices)
    # Never displayed publicly; kept for verification by moderators.
    rpps = models.CharField(_("numéro RPPS"), max_length=11, blank=True, validators=[validate_rpps])
    # Pro Santé Connect (the identity app) or a partner organisation (ARS, Ordre) vouches for
    # the RPPS. Any change of the number clears a partner's check (`professional_profile_save`);
    # a number given by Pro Santé Connect is not edited by hand.
    rpps_verified_at = models.DateTimeField(_("RPPS vérifié le"), null=True, blank=True)
    rpps_verified_source = models.CharField(
        _("RPPS vérifié par"),
        max_length=20,
        choices=RppsVerification.choices,
        blank=True,
    )
    rpps_verified_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("RPPS vérifié par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # By name: organisations sits above accounts, so the model is never imported here.
    rpps_verified_by_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("RPPS vérifié par l’organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("profil professionnel")
        verbose_name_plural = _("profils professionnels")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_profession_display()}"

    def clean(self) -> None:
        self.rpps = normalise_digits(self.rpps)

    @property
    def rpps_is_verified(self) -> bool:
        return bool(self.rpps) and self.rpps_verified_at is not None

    @property
    def rpps_from_pro_sante_connect(self) -> bool:
        """The number came from Pro Santé Connect: the profile form does not change it."""
        return self.rpps_is_verified and (
            self.rpps_verified_source == RppsVerification.PRO_SANTE_CONNECT
        )

    def rpps_verify(self, *, by: User, organisation_id: int) -> None:
        """A partner organisation's member checked the number by hand."""
        self.rpps_verified_at = timezone.now()
        self.rpps_verified_by = by
        self.rpps_verified_by_organisation_id = organisation_id
        self.rpps_verified_source = RppsVerification.PARTNER
        self.save(
            update_fields=[
                "rpps_verified_at",
                "rpps_verified_by",
                "rpps_verified_by_organisation",
                "rpps_verified_source",
                "updated_at",
            ]
        )


class LoginAttempt(models.Model):
    """A failed login, kept a short while to rate-limit guessing per account and per address."""

    email = models.EmailField(db_index=True)
    ip_address = models.GenericIPAddressField(null=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("échec de connexion")
        verbose_name_plural = _("échecs de connexion")

    def __str__(self) -> str:
        return f"{self.email} {self.ip_address} {self.created_at:%Y-%m-%d %H:%M}"
