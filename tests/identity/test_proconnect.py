"""ProConnect logins: an agent lands in the collectivité whose SIREN their SIRET carries."""

import pytest

from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.identity.conftest import SIREN, SIRET, proconnect_claims, provider_login, siret_of
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tremplin.accounts.models import User
from tremplin.identity.models import IdentityProvider, ProviderAccount
from tremplin.organisations.models import (
    Membership,
    MembershipRequest,
    MembershipRequestStatus,
    Organisation,
    OrganisationStatus,
    OrganisationType,
)

pytestmark = pytest.mark.django_db
SLUG = "proconnect"


def _messages(response: object) -> str:
    return " ".join(str(m) for m in response.context["messages"])  # type: ignore[attr-defined]


def _commune(**fields: object) -> Organisation:
    organisation = OrganisationFactory(
        collectivity=True, verified=True, siret=siret_of(SIREN, "0042"), **fields
    )
    MembershipFactory(organisation=organisation, admin=True)
    return organisation


def test_an_agent_of_a_verified_collectivite_asks_to_join_and_its_admin_approves(
    client, providers, mailoutbox
):
    commune = _commune(name="Commune de Felletin")
    admin = commune.memberships.get().user
    response = provider_login(client, providers, SLUG, "pc-agent", proconnect_claims())
    agent = User.objects.get(email="agent@mairie.example.org")
    assert response.wsgi_request.user == agent
    assert (agent.first_name, agent.last_name) == ("Dominique", "Martin")
    assert ProviderAccount.objects.get(user=agent).provider == IdentityProvider.PROCONNECT
    request = MembershipRequest.objects.get(organisation=commune, user=agent)
    assert request.status == MembershipRequestStatus.PENDING
    assert request.siret == SIRET
    assert not Membership.objects.filter(organisation=commune, user=agent).exists()
    assert "transmise à ses administrateurs" in _messages(response)
    assert [m.to for m in mailoutbox] == [[admin.email]]
    # The admin sees the request on the organisation's page and accepts it.
    client.force_login(admin)
    page = client.get(f"/organisations/{commune.pk}/")
    assert agent.email in page.content.decode()
    response = client.post(
        f"/organisations/{commune.pk}/demandes/{request.pk}/", {"decision": "approve"}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(organisation=commune, user=agent)
    assert membership.proconnect_verified_at == request.created_at
    request.refresh_from_db()
    assert request.status == MembershipRequestStatus.APPROVED and request.decided_by == admin


def test_a_collectivite_that_chose_so_lets_its_agents_in_at_once(client, providers):
    commune = _commune(proconnect_auto_join=True)
    response = provider_login(client, providers, SLUG, "pc-auto", proconnect_claims())
    agent = User.objects.get(email="agent@mairie.example.org")
    membership = Membership.objects.get(organisation=commune, user=agent)
    assert membership.proconnect_verified_at is not None
    assert not MembershipRequest.objects.exists()
    assert response.request["PATH_INFO"] == f"/organisations/{commune.pk}/"
    assert "Agent vérifié par ProConnect" in _messages(response)


def test_an_epci_is_matched_by_its_siren_as_territory_code(client, providers):
    epci = OrganisationFactory(
        collectivity=True,
        verified=True,
        type=OrganisationType.EPCI,
        territory_code=SIREN,
        proconnect_auto_join=True,
    )
    provider_login(client, providers, SLUG, "pc-epci", proconnect_claims())
    assert Membership.objects.filter(organisation=epci, user__email="agent@mairie.example.org")


def test_an_existing_member_is_marked_verified(client, providers):
    commune = _commune()
    member = UserFactory(email="agent@mairie.example.org")
    membership = MembershipFactory(organisation=commune, user=member)
    client.force_login(member)
    provider_login(client, providers, SLUG, "pc-member", proconnect_claims())
    membership.refresh_from_db()
    assert membership.proconnect_verified_at is not None
    assert not MembershipRequest.objects.exists()


def test_pending_or_other_collectivites_are_not_matched(client, providers):
    OrganisationFactory(collectivity=True, siret=SIRET, status=OrganisationStatus.PENDING)
    OrganisationFactory(collectivity=True, verified=True, siret=siret_of("130025265", "0001"))
    response = provider_login(client, providers, SLUG, "pc-none", proconnect_claims())
    assert not MembershipRequest.objects.exists()
    assert not Membership.objects.filter(user__email="agent@mairie.example.org").exists()
    # Offered to create it, the form filled with the SIRET; still moderated.
    assert response.request["PATH_INFO"] == "/organisations/nouvelle/"
    form = response.context["form"]
    assert form.initial == {"siret": SIRET, "category": "collectivity"}
    assert f'value="{SIRET}"' in response.content.decode()
    response = client.post(
        "/organisations/nouvelle/",
        {
            "category": "collectivity",
            "type": "commune",
            "name": "Commune de Vallière",
            "siret": SIRET,
            "territory_code": "23259",
        },
    )
    created = Organisation.objects.get(name="Commune de Vallière")
    assert created.status == OrganisationStatus.PENDING


def test_a_malformed_siret_in_the_query_prefills_nothing(client):
    client.force_login(UserFactory())
    response = client.get("/organisations/nouvelle/?siret=12345678901234")
    assert response.context["form"].initial == {}


def test_a_missing_siret_is_refused_and_nothing_is_written(client, providers):
    claims = proconnect_claims()
    del claims["siret"]
    response = provider_login(client, providers, SLUG, "pc-nosiret", claims)
    assert "SIRET" in _messages(response)
    assert User.objects.count() == 0


def test_an_agent_whose_address_has_an_account_proves_it_first(client, providers):
    owner = UserFactory(email="agent@mairie.example.org")
    commune = _commune(proconnect_auto_join=True)
    response = provider_login(client, providers, SLUG, "pc-owner", proconnect_claims())
    assert response.templates[0].name == "identity/link.html"
    assert not Membership.objects.filter(organisation=commune, user=owner).exists()
    client.post("/identite/relier/", {"email": owner.email, "password": DEFAULT_PASSWORD})
    response = client.get("/identite/suite/", follow=True)
    assert response.wsgi_request.user == owner
    assert Membership.objects.filter(organisation=commune, user=owner).exists()


def test_only_an_admin_decides_on_a_request(client):
    commune = _commune()
    request = MembershipRequest.objects.create(
        organisation=commune, user=UserFactory(), siret=SIRET
    )
    plain = MembershipFactory(organisation=commune).user
    client.force_login(plain)
    response = client.post(
        f"/organisations/{commune.pk}/demandes/{request.pk}/", {"decision": "approve"}
    )
    assert response.status_code == 403
    outsider = UserFactory()
    client.force_login(outsider)
    response = client.post(
        f"/organisations/{commune.pk}/demandes/{request.pk}/", {"decision": "approve"}
    )
    assert response.status_code == 404
    assert not Membership.objects.filter(user=request.user).exists()


def test_an_admin_declines_a_request_and_sets_the_auto_join(client):
    commune = _commune()
    admin = commune.memberships.get().user
    request = MembershipRequest.objects.create(
        organisation=commune, user=UserFactory(), siret=SIRET
    )
    client.force_login(admin)
    client.post(f"/organisations/{commune.pk}/demandes/{request.pk}/", {"decision": "decline"})
    request.refresh_from_db()
    assert request.status == MembershipRequestStatus.DECLINED
    assert not Membership.objects.filter(user=request.user).exists()
    # A decided request is not decided again.
    response = client.post(
        f"/organisations/{commune.pk}/demandes/{request.pk}/", {"decision": "approve"}
    )
    assert response.status_code == 404
    client.post(f"/organisations/{commune.pk}/proconnect/", {"auto_join": "on"})
    commune.refresh_from_db()
    assert commune.proconnect_auto_join
    client.post(f"/organisations/{commune.pk}/proconnect/", {})
    commune.refresh_from_db()
    assert not commune.proconnect_auto_join


def test_a_declined_agent_is_told_so_and_the_admins_are_not_asked_again(
    client, providers, mailoutbox
):
    commune = _commune(name="Commune de Felletin")
    admin = commune.memberships.get().user
    provider_login(client, providers, SLUG, "pc-declined", proconnect_claims())
    request = MembershipRequest.objects.get()
    request.decide(status=MembershipRequestStatus.DECLINED, by=admin)
    client.post("/compte/deconnexion/")
    mailoutbox.clear()
    response = provider_login(client, providers, SLUG, "pc-declined", proconnect_claims())
    assert "ont refusé votre demande" in _messages(response)
    assert MembershipRequest.objects.count() == 1
    assert mailoutbox == []
    assert not Membership.objects.filter(organisation=commune, user=request.user).exists()
