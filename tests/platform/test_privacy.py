"""Deleting an account across every app (platform.privacy): refused while it would leave an
organisation without an admin; otherwise each app erases its part."""

import pytest

from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory
from tremplin.accounts.models import LoginAttempt, User
from tremplin.organisations.models import Organisation
from tremplin.platform import privacy

pytestmark = pytest.mark.django_db


def test_a_refused_deletion_names_the_organisations_and_keeps_everything():
    user = UserFactory(email="lea@example.org")
    LoginAttempt.objects.create(email="lea@example.org", ip_address="203.0.113.9")
    organisation = MembershipFactory(user=user, admin=True).organisation
    MembershipFactory(organisation=organisation)

    with pytest.raises(privacy.AccountDeletionRefused) as error:
        privacy.account_delete(user=user)

    assert error.value.organisations == [organisation]
    assert error.value.args == ([organisation],)
    assert User.objects.filter(pk=user.pk).exists()
    assert LoginAttempt.objects.filter(email="lea@example.org").exists()


def test_a_deletion_takes_the_lone_organisations_and_the_login_failures():
    user = UserFactory(email="lea@example.org")
    LoginAttempt.objects.create(email="lea@example.org", ip_address="203.0.113.9")
    lone = MembershipFactory(user=user, admin=True).organisation

    privacy.account_delete(user=user)

    assert not User.objects.filter(pk=user.pk).exists()
    assert not Organisation.objects.filter(pk=lone.pk).exists()
    assert not LoginAttempt.objects.exists()
