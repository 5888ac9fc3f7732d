"""Writes of the identity app: tie a provider identity to an account, create the account of a
first login, verify a professional's RPPS (Pro Santé Connect), bring an agent to their
collectivité (ProConnect)."""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tremplin.accounts.models import ProfessionalProfile, User
from tremplin.accounts.services import (
    professional_profile_verify_by_pro_sante_connect,
    user_send_confirmation,
)
from tremplin.identity.claims import ProConnectIdentity, ProSanteConnectIdentity
from tremplin.identity.models import IdentityProvider, ProviderAccount
from tremplin.organisations.models import (
    Membership,
    MembershipRequest,
    Organisation,
    OrganisationType,
)
from tremplin.organisations.services import membership_join_by_proconnect


class IdentityConflict(Exception):
    """The identity and the account cannot be tied; the message is for the person."""


def provider_account_user(*, provider: str, subject: str) -> User | None:
    account = (
        ProviderAccount.objects.select_related("user")
        .filter(provider=provider, subject=subject, user__is_active=True)
        .first()
    )
    return account.user if account else None


def email_taken_by(*, email: str) -> User | None:
    """Another account holds this address: it is linked only once its owner logs in to it."""
    if not email:
        return None
    return User.objects.filter(email__iexact=email).first()


def provider_account_link(*, user: User, provider: str, subject: str) -> ProviderAccount:
    """Tie the identity to the account (idempotent), or refuse when either side is already
    tied to someone else."""
    existing = ProviderAccount.objects.filter(provider=provider, subject=subject).first()
    if existing is not None:
        if existing.user_id != user.pk:
            raise IdentityConflict(
                _("Cette identité %(provider)s est déjà reliée à un autre compte Tremplin.")
                % {"provider": IdentityProvider(provider).label}
            )
        existing.record_login()
        return existing
    try:
        with transaction.atomic():
            return ProviderAccount.objects.create(user=user, provider=provider, subject=subject)
    except IntegrityError:
        raise IdentityConflict(
            _(
                "Votre compte Tremplin est déjà relié à une autre identité %(provider)s. "
                "Connectez-vous avec celle-ci."
            )
            % {"provider": IdentityProvider(provider).label}
        ) from None


def _user_create(*, email: str, first_name: str, last_name: str, confirmed: bool) -> User:
    user = User.objects.create_user(
        email=email,
        password=None,
        first_name=first_name[:150],
        last_name=last_name[:150],
        email_confirmed_at=timezone.now() if confirmed else None,
    )
    if not confirmed:
        user_send_confirmation(user=user)
    return user


def profession_for(*, identity: ProSanteConnectIdentity, user: User | None) -> str | None:
    """The profession, when the directory leaves no choice (or the profile already holds one of
    its professions); None when the person must choose."""
    profile = ProfessionalProfile.objects.filter(user=user).first() if user else None
    if profile is not None and profile.profession in identity.professions:
        return profile.profession
    if len(identity.professions) == 1:
        return identity.professions[0]
    return None


def needs_status(*, user: User | None) -> bool:
    return user is None or not ProfessionalProfile.objects.filter(user=user).exists()


def pro_sante_connect_login(
    *,
    identity: ProSanteConnectIdentity,
    user: User | None,
    profession: str,
    status: str | None = None,
    email: str = "",
) -> User:
    """The person proved their identity at Pro Santé Connect: their account (created on a
    first login) is tied to it and their RPPS verified, all or nothing."""
    if profession not in identity.professions:
        raise IdentityConflict(_("Choisissez l’une des professions transmises."))
    with transaction.atomic():
        if user is None:
            address = identity.email or email.strip().lower()
            if email_taken_by(email=address):
                raise IdentityConflict(
                    _("Un compte existe déjà avec cette adresse : connectez-vous à ce compte.")
                )
            user = _user_create(
                email=address,
                first_name=identity.first_name,
                last_name=identity.last_name,
                # An address the directory gave is the professional's; a typed one is checked.
                confirmed=bool(identity.email),
            )
        provider_account_link(
            user=user, provider=IdentityProvider.PRO_SANTE_CONNECT, subject=identity.subject
        )
        professional_profile_verify_by_pro_sante_connect(
            user=user, rpps=identity.rpps, profession=profession, status=status
        )
    return user


def proconnect_login(*, identity: ProConnectIdentity, user: User | None) -> User:
    """The agent proved their identity at ProConnect: their account (created on a first login,
    the address being ProConnect's) is tied to it."""
    with transaction.atomic():
        if user is None:
            if email_taken_by(email=identity.email):
                raise IdentityConflict(
                    _("Un compte existe déjà avec cette adresse : connectez-vous à ce compte.")
                )
            user = _user_create(
                email=identity.email,
                first_name=identity.first_name,
                last_name=identity.last_name,
                confirmed=True,
            )
        provider_account_link(
            user=user, provider=IdentityProvider.PROCONNECT, subject=identity.subject
        )
    return user


def collectivities_of_siren(siren: str) -> list[Organisation]:
    """Verified collectivités whose SIRET starts with the SIREN, or the EPCI it identifies."""
    return list(
        Organisation.objects.collectivities()
        .verified()
        .filter(Q(siret__startswith=siren) | Q(type=OrganisationType.EPCI, territory_code=siren))
        .order_by("name")
    )


@dataclass
class AgentPlacement:
    joined: list[Membership] = field(default_factory=list)
    requested: list[MembershipRequest] = field(default_factory=list)
    declined: list[MembershipRequest] = field(default_factory=list)


def proconnect_place_agent(*, user: User, identity: ProConnectIdentity) -> AgentPlacement:
    placement = AgentPlacement()
    for organisation in collectivities_of_siren(identity.siren):
        outcome = membership_join_by_proconnect(
            organisation=organisation, user=user, siret=identity.siret
        )
        if isinstance(outcome, Membership):
            placement.joined.append(outcome)
        elif outcome.is_pending:
            placement.requested.append(outcome)
        else:
            placement.declined.append(outcome)
    return placement
