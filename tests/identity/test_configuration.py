"""Without credentials nothing changes: no button, no page; with them, a button each."""

import pytest

from tests.accounts.factories import UserFactory
from tremplin.identity.providers import configured_providers

pytestmark = pytest.mark.django_db


def test_without_configuration_the_login_page_has_no_provider_button(client, settings):
    settings.IDENTITY_PROVIDERS = {
        "pro_sante_connect": {"client_id": "", "client_secret": "", "discovery_url": ""},
        "proconnect": {"client_id": "x", "client_secret": "", "discovery_url": "http://x"},
    }
    page = client.get("/compte/connexion/").content.decode()
    assert "Pro Santé Connect" not in page
    assert "ProConnect" not in page
    assert client.get("/identite/pro-sante-connect/connexion/").status_code == 404
    assert client.get("/identite/proconnect/connexion/").status_code == 404
    assert client.get("/identite/proconnect/retour/?code=a&state=b").status_code == 404


def test_the_default_settings_configure_no_provider_and_the_documented_scopes():
    from django.conf import settings

    assert configured_providers() == []
    assert settings.IDENTITY_PROVIDERS["pro_sante_connect"]["scopes"] == "openid scope_all"
    assert (
        settings.IDENTITY_PROVIDERS["proconnect"]["scopes"]
        == "openid given_name usual_name email siret"
    )


def test_each_configured_provider_shows_its_button(client, providers):
    page = client.get("/compte/connexion/?next=/missions/").content.decode()
    assert "S’identifier avec Pro Santé Connect" in page
    assert 'class="fr-connect"' in page
    assert "/identite/pro-sante-connect/connexion/?next=%2Fmissions%2F" in page


def test_a_pending_login_that_expired_sends_back_to_the_login_page(client):
    response = client.get("/identite/suite/", follow=True)
    assert response.templates[0].name == "accounts/login.html"
    response = client.get("/identite/relier/", follow=True)
    assert response.templates[0].name == "accounts/login.html"


def test_a_logout_without_provider_goes_home(client):
    client.force_login(UserFactory())
    response = client.post("/compte/deconnexion/")
    assert response["Location"] == "/"
