"""Account writes called directly: what sign-up keeps, what the confirmation email says, which
person a link confirms, what deletion erases."""

import pytest

from tests.accounts.factories import UserFactory
from tremplin.accounts import services
from tremplin.accounts.models import LoginAttempt, ProfessionalProfile, User

pytestmark = pytest.mark.django_db


def test_signing_up_keeps_the_names_and_mails_a_link_valid_3_days(mailoutbox, settings):
    settings.EMAIL_CONFIRMATION_MAX_AGE = 3 * 24 * 3600

    user = services.user_signup(
        email="lea@example.org",
        password="randonnee-creuse-2026",
        first_name="Léa",
        last_name="Durand",
    )

    user = User.objects.get(pk=user.pk)
    assert (user.first_name, user.last_name) == ("Léa", "Durand")
    assert user.check_password("randonnee-creuse-2026")
    assert not user.email_confirmed
    [mail] = mailoutbox
    assert mail.body.startswith("Bonjour Léa,")
    assert "Ce lien est valable 3 jours." in mail.body


@pytest.mark.parametrize(("seconds", "days"), [(36 * 3600, 1), (3600, 1), (10 * 24 * 3600 - 1, 9)])
def test_the_email_counts_whole_days_and_at_least_one(seconds, days, mailoutbox, settings):
    settings.EMAIL_CONFIRMATION_MAX_AGE = seconds

    services.user_send_confirmation(user=UserFactory(unconfirmed=True))

    assert f"Ce lien est valable {days} jours." in mailoutbox[0].body


def test_a_link_confirms_the_person_it_was_sent_to_not_whoever_has_the_address_now():
    first = UserFactory(email="lea@example.org", unconfirmed=True)
    token = services.confirmation_token_make(user=first)
    first.email = "lea.durand@example.org"
    first.save()
    UserFactory(email="lea@example.org", unconfirmed=True)

    with pytest.raises(services.ConfirmationLinkInvalid):
        services.user_confirm_email(token=token)

    assert not User.objects.filter(email_confirmed_at__isnull=False).exists()


def test_a_professional_profile_without_rpps_keeps_it_empty():
    user = UserFactory()

    profile = services.professional_profile_save(
        user=user, profession="infirmier", status="remplacant"
    )

    profile.refresh_from_db()
    assert profile.rpps == ""


def test_erasing_an_account_forgets_its_login_failures_and_its_profile():
    user = UserFactory(email="lea@example.org", professional=True)
    LoginAttempt.objects.create(email="lea@example.org", ip_address="203.0.113.9")
    LoginAttempt.objects.create(email="karim@example.org", ip_address="203.0.113.9")

    services.user_erase(user=user)

    assert list(LoginAttempt.objects.values_list("email", flat=True)) == ["karim@example.org"]
    assert not User.objects.filter(email="lea@example.org").exists()
    assert not ProfessionalProfile.objects.exists()


def test_the_accounts_part_of_the_export_holds_the_account_and_the_profile():
    user = UserFactory(
        email="lea@example.org", first_name="Léa", last_name="Interne", professional=True
    )
    user.confirm_email()

    data = services.account_export_data(user=user)

    assert data["account"] == {
        "email": "lea@example.org",
        "first_name": "Léa",
        "last_name": "Interne",
        "date_joined": user.date_joined.isoformat(),
        "email_confirmed_at": user.email_confirmed_at.isoformat(),
    }
    profile = user.professional_profile
    assert data["professional_profile"] == {
        "profession": profile.profession,
        "profession_label": str(profile.get_profession_display()),
        "status": profile.status,
        "rpps": profile.rpps,
        "rpps_verified_at": None,
        "rpps_verified_source": "",
        "rpps_verified_by_organisation": None,
    }


def test_an_account_without_profile_nor_confirmation_exports_nones():
    data = services.account_export_data(user=UserFactory(unconfirmed=True))

    assert data["professional_profile"] is None
    assert data["account"]["email_confirmed_at"] is None
