"""What ties an identity at a provider (Pro Santé Connect, ProConnect) to a Tremplin account.

Only the provider's subject identifier and dates are stored: no token outlives the session
(the ID token kept for the logout at the provider lives in the session only).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdentityProvider(models.TextChoices):
    PRO_SANTE_CONNECT = "pro_sante_connect", _("Pro Santé Connect")
    PROCONNECT = "proconnect", _("ProConnect")


class ProviderAccount(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_accounts"
    )
    provider = models.CharField(_("fournisseur"), max_length=30, choices=IdentityProvider.choices)
    # The provider's `sub`: stable for one person at one provider, meaningless elsewhere.
    subject = models.CharField(_("identifiant chez le fournisseur"), max_length=255)
    created_at = models.DateTimeField(_("reliée le"), default=timezone.now)
    last_login_at = models.DateTimeField(_("dernière connexion le"), default=timezone.now)

    class Meta:
        verbose_name = _("identité reliée")
        verbose_name_plural = _("identités reliées")
        ordering = ["provider", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "subject"], name="one_account_per_identity"
            ),
            models.UniqueConstraint(fields=["user", "provider"], name="one_identity_per_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} — {self.user}"

    def record_login(self) -> None:
        self.last_login_at = timezone.now()
        self.save(update_fields=["last_login_at"])
