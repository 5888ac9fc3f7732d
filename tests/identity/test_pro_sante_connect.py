"""Pro Santé Connect logins against a real OpenID Connect provider on loopback."""

import pytest

from tests.accounts.factories import DEFAULT_PASSWORD, ProfessionalProfileFactory, UserFactory
from tests.identity.conftest import (
    OTHER_RPPS,
    RPPS,
    authorize_at_provider,
    provider_login,
    psc_claims,
    set_user,
    start_login,
)
from tremplin.accounts.models import ProfessionalProfile, RppsVerification, User
from tremplin.core.professions import Profession
from tremplin.identity.models import IdentityProvider, ProviderAccount

pytestmark = pytest.mark.django_db
SLUG = "pro-sante-connect"


def _messages(response: object) -> list[str]:
    return [str(message) for message in response.context["messages"]]  # type: ignore[attr-defined]


def test_it_sends_the_person_to_the_provider_with_pkce_state_and_nonce(client, providers):
    location = start_login(client, SLUG)
    assert location.startswith(providers + "/oauth2/authorize?")
    for parameter in ("state=", "nonce=", "code_challenge=", "code_challenge_method=S256"):
        assert parameter in location
    assert "scope=openid+scope_all+" in location
    assert "acr_values=eidas1" in location


def test_a_first_login_creates_an_account_with_a_verified_rpps(client, providers):
    response = provider_login(client, providers, SLUG, "psc-first", psc_claims())
    # Pro Santé Connect does not say whether one is an intern, a locum…: asked once.
    assert response.templates[0].name == "identity/complete.html"
    assert not User.objects.filter(email="camille.durand@example.org").exists()
    response = client.post("/identite/suite/", {"status": "remplacant"}, follow=True)
    assert response.status_code == 200, response.context["form"].errors
    user = User.objects.get(email="camille.durand@example.org")
    profile = user.professional_profile
    assert profile.rpps == RPPS
    assert profile.rpps_is_verified
    assert profile.rpps_verified_source == RppsVerification.PRO_SANTE_CONNECT
    assert profile.rpps_verified_by is None and profile.rpps_verified_by_organisation is None
    assert profile.profession == Profession.GENERAL_PRACTITIONER
    assert profile.status == "remplacant"
    assert user.email_confirmed and not user.has_usable_password()
    assert (user.first_name, user.last_name) == ("Camille", "Durand")
    assert ProviderAccount.objects.get(user=user).subject == "psc-first"
    assert response.wsgi_request.user == user
    assert "Identité vérifiée par Pro Santé Connect" in " ".join(_messages(response))


def test_a_second_login_goes_to_the_same_account_without_questions(client, providers):
    provider_login(client, providers, SLUG, "psc-again", psc_claims(email="again@example.org"))
    client.post("/identite/suite/", {"status": "interne"})
    client.post("/compte/deconnexion/")
    response = provider_login(
        client, providers, SLUG, "psc-again", psc_claims(email="again@example.org")
    )
    assert response.wsgi_request.user.email == "again@example.org"
    assert User.objects.filter(email="again@example.org").count() == 1
    assert ProviderAccount.objects.filter(subject="psc-again").count() == 1


def test_several_activities_let_the_person_choose_the_profession(client, providers):
    claims = psc_claims(
        email="deux@example.org",
        exercices=[
            {"codeProfession": "10", "codeSavoirFaire": "SM54"},
            {"codeProfession": "21"},
        ],
    )
    response = provider_login(client, providers, SLUG, "psc-two", claims)
    form = response.context["form"]
    assert [code for code, _label in form.fields["profession"].choices] == [
        Profession.GENERAL_PRACTITIONER,
        Profession.PHARMACIST,
    ]
    # A profession the directory did not give is refused; nothing is written.
    response = client.post("/identite/suite/", {"profession": "infirmier", "status": "installe"})
    assert response.status_code == 400
    assert not User.objects.filter(email="deux@example.org").exists()
    client.post("/identite/suite/", {"profession": "pharmacien", "status": "installe"})
    profile = User.objects.get(email="deux@example.org").professional_profile
    assert profile.profession == Profession.PHARMACIST
    assert profile.rpps_from_pro_sante_connect


def test_an_address_missing_from_the_claims_is_asked_and_confirmed_by_email(
    client, providers, mailoutbox
):
    provider_login(client, providers, SLUG, "psc-no-mail", psc_claims(email=None))
    client.post("/identite/suite/", {"status": "interne", "email": "Tapee@Example.org"})
    user = User.objects.get(email="tapee@example.org")
    assert not user.email_confirmed
    assert user.professional_profile.rpps_is_verified
    assert [message.to for message in mailoutbox] == [["tapee@example.org"]]


def test_an_existing_account_with_the_same_address_is_linked_only_after_its_password(
    client, providers
):
    owner = UserFactory(email="camille.durand@example.org")
    ProfessionalProfileFactory(user=owner, rpps=OTHER_RPPS, status="installe")
    response = provider_login(client, providers, SLUG, "psc-collide", psc_claims())
    assert response.templates[0].name == "identity/link.html"
    assert not response.wsgi_request.user.is_authenticated
    assert not ProviderAccount.objects.exists()
    # The wrong password links nothing.
    response = client.post(
        "/identite/relier/", {"email": owner.email, "password": "pas-le-bon-mot-de-passe"}
    )
    assert response.status_code == 400
    assert not ProviderAccount.objects.exists()
    # Another account's password neither.
    other = UserFactory(email="autre@example.org")
    response = client.post(
        "/identite/relier/", {"email": other.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 400
    assert not ProviderAccount.objects.exists()
    response = client.post(
        "/identite/relier/", {"email": owner.email, "password": DEFAULT_PASSWORD}, follow=True
    )
    assert response.wsgi_request.user == owner
    assert ProviderAccount.objects.get().user == owner
    owner.professional_profile.refresh_from_db()
    assert owner.professional_profile.rpps == RPPS
    assert owner.professional_profile.rpps_from_pro_sante_connect
    assert owner.professional_profile.status == "installe"
    assert User.objects.filter(email=owner.email).count() == 1


def test_a_logged_in_person_links_their_own_account(client, providers):
    user = UserFactory(email="connecte@example.org")
    ProfessionalProfileFactory(user=user)
    client.force_login(user)
    provider_login(client, providers, SLUG, "psc-logged-in", psc_claims(email="x@example.org"))
    assert ProviderAccount.objects.get(subject="psc-logged-in").user == user
    assert ProfessionalProfile.objects.get(user=user).rpps_from_pro_sante_connect


def test_an_identity_linked_to_another_account_is_refused(client, providers):
    first = UserFactory()
    ProviderAccount.objects.create(
        user=first, provider=IdentityProvider.PRO_SANTE_CONNECT, subject="psc-taken"
    )
    second = UserFactory()
    ProfessionalProfileFactory(user=second)
    client.force_login(second)
    response = provider_login(client, providers, SLUG, "psc-taken", psc_claims())
    assert "déjà reliée à un autre compte" in " ".join(_messages(response))
    assert not second.professional_profile.rpps_is_verified


@pytest.mark.parametrize(
    "claims",
    [
        {"given_name": "Sans", "family_name": "Identifiant"},
        psc_claims(exercices=[]),
        {**psc_claims(), "SubjectNameID": "012345678"},  # an ADELI number: no RPPS
        {**psc_claims(), "SubjectNameID": "8" + RPPS[:-1] + str((int(RPPS[-1]) + 1) % 10)},
    ],
    ids=["no-national-id", "no-activity", "adeli", "bad-rpps-key"],
)
def test_missing_or_unusable_claims_are_refused_and_nothing_is_written(client, providers, claims):
    response = provider_login(client, providers, SLUG, "psc-missing", claims)
    assert response.templates[0].name == "accounts/login.html"
    assert "Pro Santé Connect" in " ".join(_messages(response))
    assert not response.wsgi_request.user.is_authenticated
    assert User.objects.count() == 0
    assert ProviderAccount.objects.count() == 0


def test_a_forged_state_is_refused(client, providers):
    set_user(providers, "psc-state", psc_claims())
    callback = authorize_at_provider(start_login(client, SLUG), "psc-state")
    forged = callback.replace("state=", "state=x")
    response = client.get(forged.removeprefix("http://testserver"), follow=True)
    assert "n’a pas abouti" in " ".join(_messages(response))
    assert User.objects.count() == 0


def test_a_replayed_callback_is_refused(client, providers):
    set_user(providers, "psc-replay", psc_claims(email="replay@example.org"))
    callback = authorize_at_provider(start_login(client, SLUG), "psc-replay")
    client.get(callback.removeprefix("http://testserver"))
    client.post("/identite/suite/", {"status": "interne"})
    client.post("/compte/deconnexion/")
    response = client.get(callback.removeprefix("http://testserver"), follow=True)
    assert "n’a pas abouti" in " ".join(_messages(response))
    assert not response.wsgi_request.user.is_authenticated
    assert ProviderAccount.objects.count() == 1


def test_a_provider_that_does_not_answer_says_so_and_the_email_login_still_works(client, settings):
    settings.IDENTITY_PROVIDERS = {
        "pro_sante_connect": {
            "client_id": "tremplin",
            "client_secret": "secret",
            # Port 9 (discard) on loopback: nothing listens, the connection is refused.
            "discovery_url": "http://127.0.0.1:9/.well-known/openid-configuration",
        }
    }
    response = client.get(f"/identite/{SLUG}/connexion/", follow=True)
    assert response.templates[0].name == "accounts/login.html"
    assert (
        "Pro Santé Connect ne répond pas pour le moment : connectez-vous avec votre adresse "
        "e-mail ou réessayez plus tard." in _messages(response)
    )
    user = UserFactory()
    response = client.post(
        "/compte/connexion/", {"email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_logout_also_ends_the_session_at_the_provider(client, providers):
    import requests

    provider_login(client, providers, SLUG, "psc-logout", psc_claims(email="sortie@example.org"))
    client.post("/identite/suite/", {"status": "interne"})
    response = client.post("/compte/deconnexion/")
    location = response["Location"]
    assert location.startswith(providers + "/oauth2/end_session?")
    for parameter in ("id_token_hint=", "post_logout_redirect_uri=", "state="):
        assert parameter in location
    assert "_auth_user_id" not in client.session
    # The provider's confirmation form sends the browser back with the state.
    page = requests.get(location, timeout=5)
    assert page.status_code == 200
    state = location.split("state=")[1].split("&")[0]
    back = f"/identite/deconnecte/?state={state}"
    response = client.get(back, follow=True)
    assert "Vous êtes aussi déconnecté de Pro Santé Connect." in _messages(response)
    # A forged state says nothing about the provider.
    response = client.get("/identite/deconnecte/?state=forged", follow=True)
    assert "Vous êtes aussi déconnecté de Pro Santé Connect." not in _messages(response)
