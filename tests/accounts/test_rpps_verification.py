"""The RPPS once verified: given by Pro Santé Connect it is locked, checked by a partner it is
cleared by a change; the profile page says which."""

from datetime import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import ProfessionalProfileFactory, UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tremplin.accounts import services
from tremplin.accounts.models import ProfessionalProfile, RppsVerification

pytestmark = pytest.mark.django_db

VERIFIED_AT = timezone.make_aware(datetime(2026, 11, 3, 10, 0))


@pytest.fixture
def psc_profile():
    return ProfessionalProfileFactory(pro_sante_connect=True, rpps_verified_at=VERIFIED_AT)


@pytest.fixture
def partner_profile():
    ars = OrganisationFactory(collectivity=True, verified=True, name="ARS Bretagne")
    profile = ProfessionalProfileFactory(rpps="10003456786")
    profile.rpps_verify(by=MembershipFactory(organisation=ars).user, organisation_id=ars.pk)
    return profile


def post_profile(client, **fields):
    return client.post(
        reverse("accounts:profile"),
        {"section": "professional", **{f"pro-{name}": value for name, value in fields.items()}},
    )


class TestService:
    def test_it_refuses_to_change_a_number_given_by_pro_sante_connect(self, psc_profile):
        with pytest.raises(ValidationError) as raised:
            services.professional_profile_save(
                user=psc_profile.user, profession="infirmier", status="remplacant", rpps=""
            )

        assert "vérifié par Pro Santé Connect" in raised.value.message_dict["rpps"][0]
        psc_profile.refresh_from_db()
        assert psc_profile.rpps == "10003456786"
        assert psc_profile.profession == "medecin_generaliste"
        assert psc_profile.rpps_verified_source == RppsVerification.PRO_SANTE_CONNECT
        assert psc_profile.rpps_verified_at == VERIFIED_AT

    def test_it_saves_the_rest_when_the_pro_sante_connect_number_is_unchanged(self, psc_profile):
        services.professional_profile_save(
            user=psc_profile.user, profession="infirmier", status="remplacant", rpps="10003456786"
        )

        psc_profile.refresh_from_db()
        assert (psc_profile.profession, psc_profile.status) == ("infirmier", "remplacant")
        assert psc_profile.rpps_from_pro_sante_connect
        assert psc_profile.rpps_verified_at == VERIFIED_AT

    def test_a_partners_check_is_cleared_by_a_new_number(self, partner_profile):
        profile = services.professional_profile_save(
            user=partner_profile.user,
            profession=partner_profile.profession,
            status=partner_profile.status,
            rpps="10000000009",
        )

        profile.refresh_from_db()
        assert profile.rpps == "10000000009"
        assert not profile.rpps_is_verified
        assert profile.rpps_verified_source == ""
        assert profile.rpps_verified_by_organisation is None


class TestProfilePage:
    def test_it_shows_the_pro_sante_connect_identity_with_its_date(self, client, psc_profile):
        client.force_login(psc_profile.user)

        page = client.get(reverse("accounts:profile")).text

        assert "Identité vérifiée par Pro Santé Connect le 3 novembre 2026" in page
        assert "RPPS non vérifié" not in page

    def test_the_pro_sante_connect_number_is_shown_disabled(self, client, psc_profile):
        client.force_login(psc_profile.user)

        page = client.get(reverse("accounts:profile")).text

        [field] = [tag for tag in page.split("<input") if 'name="pro-rpps"' in tag.split(">")[0]]
        assert 'value="10003456786"' in field.split(">")[0]
        assert "disabled" in field.split(">")[0]

    def test_a_posted_number_does_not_replace_the_pro_sante_connect_one(self, client, psc_profile):
        client.force_login(psc_profile.user)

        response = post_profile(
            client, profession="infirmier", status="remplacant", rpps="10000000009"
        )

        assert response.status_code == 302
        psc_profile.refresh_from_db()
        assert psc_profile.rpps == "10003456786"
        assert psc_profile.profession == "infirmier"
        assert psc_profile.rpps_from_pro_sante_connect

    def test_a_refused_change_keeps_what_else_was_typed(self, client, psc_profile, monkeypatch):
        # The form's disabled field stops a change first; the service's refusal is the guard
        # behind it (another caller, a form that would forget `disabled`): shown on the page.
        monkeypatch.setattr(
            "tremplin.accounts.forms.ProfessionalProfileForm.clean_rpps",
            lambda form: "10000000009",
        )
        client.force_login(psc_profile.user)

        response = post_profile(client, profession="infirmier", status="remplacant")

        assert response.status_code == 400
        assert "il ne peut pas être modifié ici" in response.text
        assert '<option value="infirmier" selected>' in response.text
        assert ProfessionalProfile.objects.get(pk=psc_profile.pk).profession == (
            "medecin_generaliste"
        )

    def test_a_partners_verification_keeps_its_wording(self, client, partner_profile):
        client.force_login(partner_profile.user)

        page = client.get(reverse("accounts:profile")).text

        assert "RPPS vérifié par ARS Bretagne le" in page
        assert "Pro Santé Connect le" not in page
        field = page.split('name="pro-rpps"')[1].split(">")[0]
        assert "disabled" not in field

    def test_an_unverified_number_says_how_to_get_verified(self, client):
        user = UserFactory(professional=True)
        user.professional_profile.rpps = "10003456786"
        user.professional_profile.save()
        client.force_login(user)

        page = client.get(reverse("accounts:profile")).text

        assert "RPPS non vérifié" in page
        assert "Pro Santé Connect" in page
