import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tremplin.organisations.models import OrganisationStatus

pytestmark = pytest.mark.django_db


def test_a_moderator_verifies_an_organisation_and_its_admins_are_told(client, mailoutbox):
    admin = MembershipFactory(admin=True)
    organisation = admin.organisation
    client.force_login(UserFactory(moderator=True))

    queue = client.get(reverse("organisations:moderation"))
    assert organisation.name in queue.text
    client.post(
        reverse("organisations:moderation_decide", args=[organisation.pk]), {"decision": "verify"}
    )

    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.VERIFIED
    assert organisation.can_publish
    assert [m.to for m in mailoutbox] == [[admin.user.email]]


def test_a_refusal_needs_a_reason_that_the_organisation_sees(client):
    admin = MembershipFactory(admin=True)
    organisation = admin.organisation
    client.force_login(UserFactory(moderator=True))
    url = reverse("organisations:moderation_decide", args=[organisation.pk])

    client.post(url, {"decision": "reject", "reason": ""})
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.PENDING

    client.post(url, {"decision": "reject", "reason": "SIRET d’une autre structure."})
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.REJECTED

    client.force_login(admin.user)
    page = client.get(reverse("organisations:detail", args=[organisation.pk])).text
    assert "SIRET d’une autre structure." in page


def test_only_moderators_moderate(client):
    organisation = OrganisationFactory()
    client.force_login(UserFactory())

    page = client.get(reverse("organisations:moderation"))
    assert page.status_code == 403
    assert "Accès refusé" in page.text
    assert organisation.name not in page.text
    response = client.post(
        reverse("organisations:moderation_decide", args=[organisation.pk]), {"decision": "verify"}
    )
    assert response.status_code == 403
    assert "Accès refusé" in response.text
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.PENDING


def test_the_admin_site_is_open_to_moderators_in_french(client):
    OrganisationFactory(name="Clinique du Limousin")
    client.force_login(UserFactory(moderator=True))

    index = client.get(reverse("admin:index"))
    listing = client.get(reverse("admin:organisations_organisation_changelist"))

    assert index.status_code == 200
    assert "Modération" in index.text
    assert listing.status_code == 200
    assert "Clinique du Limousin" in listing.text
    assert "Rechercher" in listing.text


def test_the_admin_site_is_closed_to_others(client):
    client.force_login(UserFactory())

    response = client.get(reverse("admin:organisations_organisation_changelist"))

    assert response.status_code == 302
