"""Writes on organisations: creation, verification, members, invitations."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tremplin.accounts.models import User
from tremplin.core.emails import email_send
from tremplin.organisations.models import (
    Invitation,
    Membership,
    MembershipRequest,
    MembershipRequestStatus,
    MembershipRole,
    Organisation,
    OrganisationStatus,
)


def organisation_create(*, by: User, **fields: object) -> Organisation:
    """Create an organisation, pending verification, with its creator as admin."""
    organisation = Organisation(**fields, status=OrganisationStatus.PENDING)
    organisation.full_clean()
    with transaction.atomic():
        organisation.save()
        Membership.objects.create(organisation=organisation, user=by, role=MembershipRole.ADMIN)
    return organisation


def _admins(organisation: Organisation) -> list[User]:
    return [m.user for m in organisation.memberships.select_related("user") if m.is_admin]


def organisation_verify(*, organisation: Organisation, by: User) -> Organisation:
    organisation.verify(by=by)
    for admin in _admins(organisation):
        email_send(
            to=admin.email,
            template="organisations/emails/verified",
            context={"organisation": organisation, "user": admin},
        )
    return organisation


def organisation_reject(*, organisation: Organisation, by: User, reason: str) -> Organisation:
    organisation.reject(by=by, reason=reason)
    for admin in _admins(organisation):
        email_send(
            to=admin.email,
            template="organisations/emails/rejected",
            context={"organisation": organisation, "user": admin, "reason": reason},
        )
    return organisation


def invitation_create(*, organisation: Organisation, email: str, role: str, by: User) -> Invitation:
    email = email.strip().lower()
    if organisation.memberships.filter(user__email=email).exists():
        raise ValidationError(_("Cette personne est déjà membre de l’organisation."))
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                organisation=organisation, email=email, role=role, invited_by=by
            )
    except IntegrityError:
        raise ValidationError(_("Une invitation est déjà en attente pour cette adresse.")) from None
    email_send(
        to=email,
        template="organisations/emails/invitation",
        context={
            "organisation": organisation,
            "invited_by": by,
            "role": invitation.get_role_display(),
            "link": settings.SITE_URL + reverse("organisations:list"),
            "signup_link": settings.SITE_URL + reverse("accounts:signup"),
        },
    )
    return invitation


def invitation_accept(*, invitation: Invitation, by: User) -> Membership:
    with transaction.atomic():
        membership, _created = Membership.objects.get_or_create(
            organisation=invitation.organisation, user=by, defaults={"role": invitation.role}
        )
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
    return membership


def invitation_decline(*, invitation: Invitation) -> None:
    invitation.delete()


class LastAdminError(ValidationError):
    pass


def _ensure_another_admin(membership: Membership) -> None:
    others = membership.organisation.memberships.filter(role=MembershipRole.ADMIN).exclude(
        pk=membership.pk
    )
    if not others.exists():
        raise LastAdminError(
            _(
                "L’organisation doit garder au moins un administrateur : "
                "transmettez d’abord l’administration à un autre membre."
            )
        )


def membership_remove(*, membership: Membership, by: User) -> None:
    with transaction.atomic():
        if membership.is_admin:
            _ensure_another_admin(membership)
        membership.delete()


def membership_set_role(*, membership: Membership, role: str, by: User) -> Membership:
    with transaction.atomic():
        if membership.is_admin and role != MembershipRole.ADMIN:
            _ensure_another_admin(membership)
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def admin_hand_over(*, organisation: Organisation, to: Membership, by: User) -> None:
    """Make `to` an admin and step `by` down to member, in one go."""
    with transaction.atomic():
        to.role = MembershipRole.ADMIN
        to.save(update_fields=["role"])
        organisation.memberships.filter(user=by).update(role=MembershipRole.MEMBER)


def organisations_blocking_deletion(*, user: User) -> list[Organisation]:
    """Organisations where `user` is the only admin while other members remain."""
    blocking = []
    for membership in user.memberships.filter(role=MembershipRole.ADMIN).select_related(
        "organisation"
    ):
        organisation = membership.organisation
        other_admins = organisation.memberships.filter(role=MembershipRole.ADMIN).exclude(user=user)
        others = organisation.memberships.exclude(user=user)
        if others.exists() and not other_admins.exists():
            blocking.append(organisation)
    return blocking


def user_orphans(*, user: User) -> list[Organisation]:
    """Organisations whose only member is `user`."""
    return [
        m.organisation
        for m in user.memberships.select_related("organisation")
        if not m.organisation.memberships.exclude(user=user).exists()
    ]


def membership_join_by_proconnect(
    *, organisation: Organisation, user: User, siret: str
) -> Membership | MembershipRequest:
    """An agent whose ProConnect SIRET matches the organisation: already a member, the
    membership is marked verified; otherwise a member at once when the organisation chose so,
    or a request its admins decide on (one pending request at a time; once declined, the
    declined request is returned and nothing is asked again)."""
    now = timezone.now()
    with transaction.atomic():
        membership = organisation.memberships.filter(user=user).first()
        if membership is not None:
            membership.proconnect_verified_at = now
            membership.save(update_fields=["proconnect_verified_at"])
            return membership
        declined = MembershipRequest.objects.filter(
            organisation=organisation, user=user, status=MembershipRequestStatus.DECLINED
        ).first()
        if declined is not None:
            # The admins said no: another login does not ask (and email) them again.
            return declined
        if organisation.proconnect_auto_join:
            return Membership.objects.create(
                organisation=organisation,
                user=user,
                role=MembershipRole.MEMBER,
                proconnect_verified_at=now,
            )
        request, created = MembershipRequest.objects.get_or_create(
            organisation=organisation,
            user=user,
            status=MembershipRequestStatus.PENDING,
            defaults={"siret": siret},
        )
    if created:
        for admin in _admins(organisation):
            email_send(
                to=admin.email,
                template="organisations/emails/membership_request",
                context={
                    "organisation": organisation,
                    "user": admin,
                    "agent": user,
                    "link": settings.SITE_URL
                    + reverse("organisations:detail", args=[organisation.pk]),
                },
            )
    return request


def membership_request_approve(*, request: MembershipRequest, by: User) -> Membership:
    with transaction.atomic():
        membership, _created = Membership.objects.get_or_create(
            organisation=request.organisation,
            user=request.user,
            defaults={"role": MembershipRole.MEMBER},
        )
        # ProConnect vouched for the SIRET when the agent asked.
        membership.proconnect_verified_at = request.created_at
        membership.save(update_fields=["proconnect_verified_at"])
        request.decide(status=MembershipRequestStatus.APPROVED, by=by)
    return membership


def membership_request_decline(*, request: MembershipRequest, by: User) -> None:
    request.decide(status=MembershipRequestStatus.DECLINED, by=by)


def organisation_set_proconnect_auto_join(
    *, organisation: Organisation, auto_join: bool, by: User
) -> Organisation:
    organisation.proconnect_auto_join = auto_join
    organisation.save(update_fields=["proconnect_auto_join", "updated_at"])
    return organisation
