from typing import cast

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tremplin.accounts import services
from tremplin.accounts.models import ProfessionalProfile, User
from tremplin.core.forms import BaseForm, BaseModelForm, DsfrFormMixin
from tremplin.core.professions import profession_grouped_choices
from tremplin.core.validators import normalise_digits, validate_rpps


class SignupForm(BaseForm):
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        help_text=_("Format attendu : nom@domaine.fr. Un lien de confirmation y sera envoyé."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Mot de passe"),
        help_text=_("Au moins 10 caractères, pas uniquement des chiffres, pas trop courant."),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self) -> str:
        # An address that already has an account is not refused here: the page would tell
        # anyone who has an account (services.user_signup warns the owner instead).
        return self.cleaned_data["email"].strip().lower()

    def clean(self) -> dict:
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("Les deux mots de passe ne sont pas identiques."))
        elif password1:
            candidate = User(
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class LoginForm(BaseForm):
    email = forms.EmailField(
        label=_("Adresse e-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: object, request: HttpRequest, **kwargs: object) -> None:
        self.request = request
        self.user: User | None = None
        self.unconfirmed = False
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        # Addresses are stored lowercased: "Lea@Example.org" logs in as lea@example.org.
        return self.cleaned_data["email"].strip().lower()

    def clean(self) -> dict:
        cleaned = super().clean()
        email, password = cleaned.get("email"), cleaned.get("password")
        if not email or not password:
            return cleaned
        ip_address = client_ip(self.request)
        if services.login_is_throttled(email=email, ip_address=ip_address):
            raise ValidationError(
                _(
                    "Trop de tentatives de connexion infructueuses. Réessayez dans quelques "
                    "minutes, ou réinitialisez votre mot de passe."
                ),
                code="throttled",
            )
        user = authenticate(self.request, email=email, password=password)
        if user is None:
            services.login_record_failure(email=email, ip_address=ip_address)
            raise ValidationError(
                _("Adresse e-mail ou mot de passe incorrect."), code="invalid_login"
            )
        if not user.email_confirmed:
            self.unconfirmed = True
            raise ValidationError(
                _(
                    "Confirmez d’abord votre adresse e-mail grâce au lien que nous vous avons "
                    "envoyé. Vous ne l’avez pas reçu ? Demandez-en un nouveau ci-dessous."
                ),
                code="unconfirmed",
            )
        self.user = user
        return cleaned


def client_ip(request: HttpRequest) -> str | None:
    from django.conf import settings

    if settings.NUM_PROXIES:
        forwarded = [ip.strip() for ip in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [ip for ip in forwarded if ip]
        if len(forwarded) >= settings.NUM_PROXIES:
            return forwarded[-settings.NUM_PROXIES]
    return request.META.get("REMOTE_ADDR") or None


class ResendConfirmationForm(BaseForm):
    email = forms.EmailField(label=_("Adresse e-mail"))


class AccountForm(BaseModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name"]
        labels = {"first_name": _("Prénom"), "last_name": _("Nom")}


class ProfessionalProfileForm(BaseModelForm):
    # Wider than the stored 11 digits: people type their number with spaces.
    rpps = forms.CharField(label=_("Numéro RPPS"), max_length=20, required=False)

    class Meta:
        model = ProfessionalProfile
        fields = ["profession", "status", "rpps"]
        help_texts = {
            "rpps": _(
                "Facultatif. 11 chiffres, sur votre carte CPS. Il n’est jamais affiché publiquement."
            )
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["profession"]).choices = [
            ("", "---------"),
            *profession_grouped_choices(),
        ]
        if self.instance.pk and self.instance.rpps_from_pro_sante_connect:
            # Pro Santé Connect gave the number: shown, not editable (a disabled field keeps
            # the stored value whatever is posted; the service refuses a change anyway).
            rpps_field = self.fields["rpps"]
            rpps_field.disabled = True
            rpps_field.help_text = _(
                "Vérifié par Pro Santé Connect : ce numéro ne peut pas être modifié ici."
            )

    def clean_rpps(self) -> str:
        rpps = normalise_digits(self.cleaned_data.get("rpps", ""))
        if rpps:
            validate_rpps(rpps)
        return rpps


class DeleteAccountForm(BaseForm):
    password = forms.CharField(
        label=_("Votre mot de passe, pour confirmer"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("Mot de passe incorrect."), code="wrong_password")
        return password


class DsfrPasswordResetForm(DsfrFormMixin, PasswordResetForm):
    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict,
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        # Through the task queue, like every other email.
        from django.template.loader import render_to_string

        from tremplin.core.tasks import send_email

        subject = " ".join(render_to_string(subject_template_name, context).split())
        body = render_to_string(email_template_name, context)
        send_email.enqueue(to=[to_email], subject=subject, body=body)


class DsfrSetPasswordForm(DsfrFormMixin, SetPasswordForm):
    pass
