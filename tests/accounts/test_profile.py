import re

import pytest
from django.urls import reverse

from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.organisations.factories import MembershipFactory
from tremplin.accounts.models import ProfessionalProfile, User
from tremplin.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_it_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get(reverse("accounts:profile"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")


def test_it_saves_the_professional_role_with_a_normalised_rpps(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("accounts:profile"),
        {
            "section": "professional",
            "pro-profession": "sage_femme",
            "pro-status": "remplacant",
            "pro-rpps": "1000 3456 786",
        },
    )

    assert response.status_code == 302
    profile = ProfessionalProfile.objects.get(user=user)
    assert (profile.profession, profile.status, profile.rpps) == (
        "sage_femme",
        "remplacant",
        "10003456786",
    )
    assert user.is_professional


def test_it_refuses_an_rpps_with_a_wrong_key(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("accounts:profile"),
        {
            "section": "professional",
            "pro-profession": "infirmier",
            "pro-status": "remplacant",
            "pro-rpps": "10003456787",
        },
    )

    assert response.status_code == 400
    assert "clé de contrôle ne correspond pas" in response.text
    assert 'value="10003456787"' in response.text
    assert not ProfessionalProfile.objects.exists()


def test_it_offers_the_reference_list_of_professions(client):
    client.force_login(UserFactory())

    page = client.get(reverse("accounts:profile")).text

    for label in ["Médecin généraliste", "Chirurgien-dentiste", "Sage-femme", "Orthoptiste"]:
        assert label in page
    assert re.search(r"<optgroup label=\"Médecins\">", page)


def test_it_edits_only_the_logged_in_person(client):
    me, other = UserFactory(), UserFactory(first_name="Autre")
    client.force_login(me)

    client.post(
        reverse("accounts:profile"),
        {
            "section": "account",
            "account-first_name": "Moi",
            "account-last_name": "Même",
            # Forged fields are ignored: the form edits request.user only.
            "account-email": other.email,
            "id": other.pk,
            "pk": other.pk,
        },
    )

    me.refresh_from_db()
    other.refresh_from_db()
    assert (me.first_name, me.last_name) == ("Moi", "Même")
    assert other.first_name == "Autre"
    assert me.email != other.email


def test_it_deletes_an_account_with_its_profile_and_lone_organisations(client):
    user = UserFactory(professional=True)
    lone = MembershipFactory(user=user, admin=True).organisation
    shared = MembershipFactory(user=user).organisation
    MembershipFactory(organisation=shared, admin=True)
    client.force_login(user)

    response = client.post(reverse("platform:account_delete"), {"password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert not ProfessionalProfile.objects.exists()
    assert not Organisation.objects.filter(pk=lone.pk).exists()
    assert Organisation.objects.filter(pk=shared.pk).exists()
    assert "_auth_user_id" not in client.session


def test_it_asks_for_the_password_before_deleting(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("platform:account_delete"), {"password": "pas-le-mien"})

    assert response.status_code == 400
    assert "Mot de passe incorrect" in response.text
    assert User.objects.filter(pk=user.pk).exists()
    assert client.session["_auth_user_id"] == str(user.pk)


def test_it_refuses_to_leave_an_organisation_without_an_admin(client):
    user = UserFactory()
    organisation = MembershipFactory(user=user, admin=True).organisation
    MembershipFactory(organisation=organisation)
    client.force_login(user)

    response = client.post(reverse("platform:account_delete"), {"password": DEFAULT_PASSWORD})

    assert response.status_code == 400
    assert "Transmettez d’abord l’administration" in response.text
    assert organisation.name in response.text
    assert User.objects.filter(pk=user.pk).exists()
    assert Organisation.objects.filter(pk=organisation.pk).exists()
    assert organisation.memberships.filter(user=user, role="admin").exists()
