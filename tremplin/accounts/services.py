"""Writes on accounts: sign-up, email confirmation, login throttling, erasure."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tremplin.accounts.models import LoginAttempt, ProfessionalProfile, User
from tremplin.core.emails import email_send

CONFIRMATION_SALT = "tremplin.accounts.email-confirmation"


class ConfirmationLinkExpired(Exception):
    pass


class ConfirmationLinkInvalid(Exception):
    pass


def user_signup(*, email: str, password: str, first_name: str, last_name: str) -> User | None:
    """Create the account and mail its confirmation link; None when the address already has an
    account: its owner is told by email instead, and the page shown is the same, so that the
    sign-up form cannot be used to find out who has an account."""
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email, password=password, first_name=first_name, last_name=last_name
                )
                user_send_confirmation(user=user)
            return user
        except IntegrityError:
            # Two sign-ups of one address at once: the other one won.
            existing = User.objects.filter(email__iexact=email).first()
            if existing is None:
                raise
    user_warn_of_signup_attempt(user=existing)
    return None


def user_warn_of_signup_attempt(*, user: User) -> None:
    """Tell an account's owner that someone tried to sign up with their address."""
    email_send(
        to=user.email,
        template="accounts/emails/signup_attempt",
        context={
            "user": user,
            "login_link": settings.SITE_URL + reverse("accounts:login"),
            "reset_link": settings.SITE_URL + reverse("accounts:password_reset"),
            "resend_link": settings.SITE_URL + reverse("accounts:resend_confirmation"),
        },
    )


def confirmation_token_make(*, user: User) -> str:
    # The email is signed too: a link stops working if the address changes in between.
    return signing.dumps({"user": user.pk, "email": user.email}, salt=CONFIRMATION_SALT)


def user_send_confirmation(*, user: User) -> None:
    token = confirmation_token_make(user=user)
    email_send(
        to=user.email,
        template="accounts/emails/confirmation",
        context={
            "user": user,
            "link": settings.SITE_URL + reverse("accounts:confirm", kwargs={"token": token}),
            "days": settings.EMAIL_CONFIRMATION_MAX_AGE // 86400 or 1,
        },
    )


def user_confirm_email(*, token: str) -> User:
    """Confirm the address a link was sent to; raises if the link is expired or forged."""
    try:
        data = signing.loads(
            token, salt=CONFIRMATION_SALT, max_age=settings.EMAIL_CONFIRMATION_MAX_AGE
        )
    except signing.SignatureExpired:
        raise ConfirmationLinkExpired from None
    except signing.BadSignature:
        raise ConfirmationLinkInvalid from None
    user = User.objects.filter(pk=data.get("user"), email=data.get("email")).first()
    if user is None:
        raise ConfirmationLinkInvalid
    user.confirm_email()
    return user


def login_failures_since(*, email: str, ip_address: str | None) -> tuple[int, int]:
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
    recent = LoginAttempt.objects.filter(created_at__gte=since)
    per_account = recent.filter(email=email.lower()).count()
    per_ip = recent.filter(ip_address=ip_address).count() if ip_address else 0
    return per_account, per_ip


def login_is_throttled(*, email: str, ip_address: str | None) -> bool:
    per_account, per_ip = login_failures_since(email=email, ip_address=ip_address)
    return (
        per_account >= settings.LOGIN_FAILURES_PER_ACCOUNT
        or per_ip >= settings.LOGIN_FAILURES_PER_IP
    )


def login_record_failure(*, email: str, ip_address: str | None) -> None:
    LoginAttempt.objects.create(email=email.lower(), ip_address=ip_address)
    # Keep the table small: nothing older than a day is ever read.
    LoginAttempt.objects.filter(created_at__lt=timezone.now() - timedelta(days=1)).delete()


def login_clear_failures(*, email: str) -> None:
    LoginAttempt.objects.filter(email=email.lower()).delete()


def professional_profile_save(
    *, user: User, profession: str, status: str, rpps: str = ""
) -> ProfessionalProfile:
    """Create or update the professional role. A change of the RPPS clears a partner's check; a
    number given by Pro Santé Connect is refused any change (ValidationError on `rpps`)."""
    defaults: dict[str, object] = {"profession": profession, "status": status, "rpps": rpps}
    previous = ProfessionalProfile.objects.filter(user=user).first()
    if previous is not None and previous.rpps != rpps:
        if previous.rpps_from_pro_sante_connect:
            raise ValidationError(
                {
                    "rpps": _(
                        "Votre numéro RPPS a été vérifié par Pro Santé Connect : il ne peut "
                        "pas être modifié ici."
                    )
                },
                code="rpps_locked",
            )
        # A verification vouched for one number: another one is not verified.
        defaults.update(
            rpps_verified_at=None,
            rpps_verified_by=None,
            rpps_verified_by_organisation=None,
            rpps_verified_source="",
        )
    profile, _created = ProfessionalProfile.objects.update_or_create(user=user, defaults=defaults)
    return profile


def account_export_data(*, user: User) -> dict:
    """The account's part of the export archive of a person's data."""
    profile = getattr(user, "professional_profile", None)
    return {
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": user.date_joined.isoformat(),
            "email_confirmed_at": (
                user.email_confirmed_at.isoformat() if user.email_confirmed_at else None
            ),
        },
        "professional_profile": (
            {
                "profession": profile.profession,
                "profession_label": str(profile.get_profession_display()),
                "status": profile.status,
                "rpps": profile.rpps,
                "rpps_verified_at": (
                    profile.rpps_verified_at.isoformat() if profile.rpps_verified_at else None
                ),
                "rpps_verified_source": profile.rpps_verified_source,
                "rpps_verified_by_organisation": (
                    profile.rpps_verified_by_organisation.name
                    if profile.rpps_verified_by_organisation
                    else None
                ),
            }
            if profile
            else None
        ),
    }


def user_erase(*, user: User) -> None:
    """The account's own part of a deletion (platform.privacy.account_delete does the rest):
    its login failures and the user row, with its profile."""
    with transaction.atomic():
        LoginAttempt.objects.filter(email=user.email).delete()
        user.delete()


def professional_profile_verify_by_pro_sante_connect(
    *, user: User, rpps: str, profession: str, status: str | None = None
) -> ProfessionalProfile:
    """Pro Santé Connect vouched for the RPPS (the identity app): the number and the profession
    are the directory's, verified now; no partner is named. A first profile needs a status
    (Pro Santé Connect does not say whether one is a student, a locum…)."""
    # Imported here: the top of this module is being changed on another branch (issue 19).
    from tremplin.accounts.models import ProfessionalStatus, RppsVerification
    from tremplin.core.professions import Profession
    from tremplin.core.validators import validate_rpps

    validate_rpps(rpps)
    if profession not in Profession.values:
        raise ValueError(f"Unknown profession {profession!r}")
    profile = ProfessionalProfile.objects.filter(user=user).first()
    if profile is None:
        if status not in ProfessionalStatus.values:
            raise ValueError("A first professional profile needs a status")
        profile = ProfessionalProfile(user=user, status=status)
    elif status in ProfessionalStatus.values:
        profile.status = status
    profile.rpps = rpps
    profile.profession = profession
    profile.rpps_verified_at = timezone.now()
    profile.rpps_verified_source = RppsVerification.PRO_SANTE_CONNECT
    profile.rpps_verified_by = None
    profile.rpps_verified_by_organisation = None
    profile.save()
    return profile
