import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tremplin.organisations.models import (
    Collectivity,
    HealthOrganisation,
    Membership,
    Organisation,
    OrganisationStatus,
)

pytestmark = pytest.mark.django_db

HEALTH = {
    "category": "health",
    "type": "msp",
    "name": "MSP de Felletin",
    "siret": "732 829 320 00074",
    "postal_code": "23500",
    "city": "Felletin",
}


def test_it_creates_a_pending_organisation_administered_by_its_creator(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("organisations:create"), HEALTH, follow=True)

    organisation = Organisation.objects.get()
    assert organisation.status == OrganisationStatus.PENDING
    assert organisation.siret == "73282932000074"
    assert not organisation.can_publish
    assert Membership.objects.get(organisation=organisation).user == user
    assert Membership.objects.get(organisation=organisation).is_admin
    assert "En attente de vérification" in response.text
    assert list(HealthOrganisation.objects.all()) == [organisation]
    assert not Collectivity.objects.exists()


def test_it_refuses_a_siret_with_a_wrong_key(client):
    client.force_login(UserFactory())

    response = client.post(reverse("organisations:create"), {**HEALTH, "siret": "73282932000075"})

    assert response.status_code == 400
    assert "clé de contrôle ne correspond pas" in response.text
    assert 'value="73282932000075"' in response.text
    assert 'value="MSP de Felletin"' in response.text
    assert not Organisation.objects.exists()


def test_it_refuses_a_type_from_the_other_category(client):
    client.force_login(UserFactory())

    response = client.post(reverse("organisations:create"), {**HEALTH, "type": "commune"})

    assert response.status_code == 400
    assert "ne correspond pas à une structure de santé" in response.text
    assert 'value="MSP de Felletin"' in response.text
    assert not Organisation.objects.exists()


def test_it_checks_the_shape_of_a_collectivity_code(client):
    client.force_login(UserFactory())
    data = {"category": "collectivity", "type": "epci", "name": "CC Creuse Grand Sud"}

    refused = client.post(reverse("organisations:create"), {**data, "territory_code": "2300"})
    accepted = client.post(reverse("organisations:create"), {**data, "territory_code": "200067080"})

    assert refused.status_code == 400
    assert "SIREN de l’intercommunalité" in refused.text
    assert 'value="2300"' in refused.text
    assert accepted.status_code == 302
    assert Collectivity.objects.get().territory_code == "200067080"


def test_only_a_verified_organisation_can_publish():
    assert not OrganisationFactory().can_publish
    assert OrganisationFactory(verified=True).can_publish
    assert not OrganisationFactory(status=OrganisationStatus.REJECTED).can_publish


def test_it_hides_an_organisation_from_outsiders(client):
    organisation = MembershipFactory().organisation
    client.force_login(UserFactory())

    response = client.get(reverse("organisations:detail", args=[organisation.pk]))

    assert response.status_code == 404
    assert organisation.name not in response.text


def test_it_shows_an_organisation_to_its_members_and_moderators(client):
    membership = MembershipFactory()
    url = reverse("organisations:detail", args=[membership.organisation.pk])

    client.force_login(membership.user)
    assert client.get(url).status_code == 200
    client.force_login(UserFactory(moderator=True))
    assert client.get(url).status_code == 200


def test_it_lists_only_my_organisations(client):
    mine = MembershipFactory()
    theirs = MembershipFactory()
    client.force_login(mine.user)

    page = client.get(reverse("organisations:list")).text

    assert mine.organisation.name in page
    assert theirs.organisation.name not in page


def test_role_traits_give_the_expected_roles():
    agent = UserFactory(collectivity_agent=True)
    member = UserFactory(health_member=True)
    professional = UserFactory(professional=True)

    assert agent.memberships.get().organisation.is_collectivity
    assert member.memberships.get().organisation.is_health
    assert professional.is_professional and not agent.is_professional
