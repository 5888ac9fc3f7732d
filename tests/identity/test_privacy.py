"""The identities tied to an account are in its export and go with its deletion."""

import io
import json
import zipfile

import pytest

from tests.accounts.factories import UserFactory
from tests.identity.conftest import SIRET
from tests.organisations.factories import OrganisationFactory
from tremplin.identity.models import IdentityProvider, ProviderAccount
from tremplin.organisations.models import MembershipRequest
from tremplin.platform.privacy import account_delete, account_export

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_linked_identities():
    user = UserFactory()
    ProviderAccount.objects.create(
        user=user, provider=IdentityProvider.PRO_SANTE_CONNECT, subject="psc-123"
    )
    ProviderAccount.objects.create(user=UserFactory(), provider="proconnect", subject="other")
    archive = zipfile.ZipFile(io.BytesIO(account_export(user=user)))
    data = json.loads(archive.read("donnees.json"))
    providers = data["identity"]["providers"]
    assert [(i["provider"], i["subject"]) for i in providers] == [("pro_sante_connect", "psc-123")]
    assert providers[0]["provider_label"] == "Pro Santé Connect"
    assert providers[0]["linked_at"]
    assert data["identity"]["membership_requests"] == []


def test_the_export_holds_the_requests_to_join_a_collectivite():
    user = UserFactory()
    commune = OrganisationFactory(collectivity=True, verified=True, name="Commune de Felletin")
    MembershipRequest.objects.create(organisation=commune, user=user, siret=SIRET)
    MembershipRequest.objects.create(organisation=commune, user=UserFactory(), siret=SIRET)
    data = json.loads(zipfile.ZipFile(io.BytesIO(account_export(user=user))).read("donnees.json"))
    [request] = data["identity"]["membership_requests"]
    assert (request["organisation"], request["siret"], request["status"]) == (
        "Commune de Felletin",
        SIRET,
        "pending",
    )


def test_the_deletion_removes_them():
    user = UserFactory()
    ProviderAccount.objects.create(user=user, provider="proconnect", subject="pc-1")
    kept = ProviderAccount.objects.create(user=UserFactory(), provider="proconnect", subject="pc-2")
    commune = OrganisationFactory(collectivity=True, verified=True)
    MembershipRequest.objects.create(organisation=commune, user=user, siret=SIRET)
    account_delete(user=user)
    assert list(ProviderAccount.objects.all()) == [kept]
    assert not MembershipRequest.objects.exists()
