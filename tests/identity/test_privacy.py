"""The identities tied to an account are in its export and go with its deletion."""

import io
import json
import zipfile

import pytest

from tests.accounts.factories import UserFactory
from tremplin.identity.models import IdentityProvider, ProviderAccount
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
    assert [(i["provider"], i["subject"]) for i in data["identity"]] == [
        ("pro_sante_connect", "psc-123")
    ]
    assert data["identity"][0]["provider_label"] == "Pro Santé Connect"
    assert data["identity"][0]["linked_at"]


def test_the_deletion_removes_them():
    user = UserFactory()
    ProviderAccount.objects.create(user=user, provider="proconnect", subject="pc-1")
    kept = ProviderAccount.objects.create(user=UserFactory(), provider="proconnect", subject="pc-2")
    account_delete(user=user)
    assert list(ProviderAccount.objects.all()) == [kept]
