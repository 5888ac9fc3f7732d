import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory
from tremplin.organisations.models import Invitation, Membership, MembershipRole

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_membership():
    return MembershipFactory(admin=True)


def invite(client, organisation, email, role="member"):
    return client.post(
        reverse("organisations:invite", args=[organisation.pk]), {"email": email, "role": role}
    )


def test_an_admin_invites_by_email_and_the_invitee_joins(client, admin_membership, mailoutbox):
    organisation = admin_membership.organisation
    client.force_login(admin_membership.user)

    invite(client, organisation, "Nouvelle@Example.org")

    assert Invitation.objects.get().email == "nouvelle@example.org"
    assert mailoutbox[0].to == ["nouvelle@example.org"]
    assert organisation.name in mailoutbox[0].subject

    invitee = UserFactory(email="nouvelle@example.org")
    client.force_login(invitee)
    page = client.get(reverse("organisations:list")).text
    assert "vous invite comme" in page
    invitation = Invitation.objects.get()
    client.post(
        reverse("organisations:invitation_answer", args=[invitation.pk]), {"decision": "accept"}
    )
    assert Membership.objects.get(user=invitee).role == MembershipRole.MEMBER
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_an_invitation_cannot_be_taken_by_someone_else(client, admin_membership):
    client.force_login(admin_membership.user)
    invite(client, admin_membership.organisation, "destinataire@example.org")
    invitation = Invitation.objects.get()

    client.force_login(UserFactory(email="intrus@example.org"))
    response = client.post(
        reverse("organisations:invitation_answer", args=[invitation.pk]), {"decision": "accept"}
    )

    assert response.status_code == 404
    assert admin_membership.organisation.name not in response.text
    assert not Membership.objects.filter(user__email="intrus@example.org").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_an_unconfirmed_address_does_not_see_invitations(client, admin_membership):
    client.force_login(admin_membership.user)
    invite(client, admin_membership.organisation, "pas.confirme@example.org")
    client.force_login(UserFactory(email="pas.confirme@example.org", unconfirmed=True))

    assert "vous invite comme" not in client.get(reverse("organisations:list")).text


def test_it_refuses_a_second_invitation_to_the_same_address(client, admin_membership, mailoutbox):
    client.force_login(admin_membership.user)
    invite(client, admin_membership.organisation, "double@example.org")

    response = invite(client, admin_membership.organisation, "double@example.org")

    assert response.status_code == 400
    assert "Une invitation est déjà en attente" in response.text
    assert 'value="double@example.org"' in response.text
    assert Invitation.objects.count() == 1
    assert len(mailoutbox) == 1


def test_it_refuses_to_invite_an_existing_member(client, admin_membership, mailoutbox):
    member = MembershipFactory(organisation=admin_membership.organisation)
    client.force_login(admin_membership.user)

    response = invite(client, admin_membership.organisation, member.user.email)

    assert response.status_code == 400
    assert "déjà membre" in response.text
    assert f'value="{member.user.email}"' in response.text
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_a_plain_member_cannot_administer(client, admin_membership):
    member = MembershipFactory(organisation=admin_membership.organisation)
    organisation = admin_membership.organisation
    client.force_login(member.user)

    invited = invite(client, organisation, "x@example.org")
    removed = client.post(
        reverse("organisations:member_remove", args=[organisation.pk, admin_membership.pk])
    )
    promoted = client.post(
        reverse("organisations:member_role", args=[organisation.pk, member.pk]), {"role": "admin"}
    )

    assert (invited.status_code, removed.status_code, promoted.status_code) == (403, 403, 403)
    assert all("Accès refusé" in r.text for r in (invited, removed, promoted))
    assert not Invitation.objects.exists()
    member.refresh_from_db()
    assert member.role == MembershipRole.MEMBER
    assert Membership.objects.filter(pk=admin_membership.pk).exists()


def test_an_admin_of_another_organisation_gets_a_404(client, admin_membership):
    other_admin = MembershipFactory(admin=True)
    client.force_login(other_admin.user)

    response = client.post(
        reverse(
            "organisations:member_remove",
            args=[admin_membership.organisation.pk, admin_membership.pk],
        )
    )

    assert response.status_code == 404
    assert admin_membership.organisation.name not in response.text
    assert Membership.objects.filter(pk=admin_membership.pk).exists()


def test_a_membership_id_from_another_organisation_is_not_found(client, admin_membership):
    stranger = MembershipFactory()
    client.force_login(admin_membership.user)

    response = client.post(
        reverse("organisations:member_remove", args=[admin_membership.organisation.pk, stranger.pk])
    )

    assert response.status_code == 404
    assert Membership.objects.filter(pk=stranger.pk).exists()


def test_an_admin_removes_a_member(client, admin_membership):
    member = MembershipFactory(organisation=admin_membership.organisation)
    client.force_login(admin_membership.user)

    client.post(
        reverse("organisations:member_remove", args=[admin_membership.organisation.pk, member.pk])
    )

    assert not Membership.objects.filter(pk=member.pk).exists()


def test_the_last_admin_cannot_leave_or_step_down(client, admin_membership):
    organisation = admin_membership.organisation
    client.force_login(admin_membership.user)

    left = client.post(
        reverse("organisations:member_remove", args=[organisation.pk, admin_membership.pk]),
        follow=True,
    )

    assert "au moins un administrateur" in left.text
    admin_membership.refresh_from_db()
    assert admin_membership.is_admin


def test_an_admin_hands_administration_over(client, admin_membership):
    member = MembershipFactory(organisation=admin_membership.organisation)
    client.force_login(admin_membership.user)

    client.post(
        reverse("organisations:hand_over", args=[admin_membership.organisation.pk, member.pk])
    )

    member.refresh_from_db()
    admin_membership.refresh_from_db()
    assert member.is_admin
    assert not admin_membership.is_admin
