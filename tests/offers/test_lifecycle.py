from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.offers.factories import OfferFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tremplin.offers import services
from tremplin.offers.models import OfferStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator():
    return UserFactory(moderator=True)


def test_a_pending_organisation_prepares_but_cannot_submit(client):
    membership = MembershipFactory(organisation=OrganisationFactory())  # pending
    offer = OfferFactory(organisation=membership.organisation)
    client.force_login(membership.user)

    response = client.post(reverse("offers:submit", args=[offer.pk]), follow=True)

    assert "doit être vérifiée" in response.text
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DRAFT


def test_submit_then_publish_by_a_moderator(client, moderator, mailoutbox):
    membership = MembershipFactory(organisation=OrganisationFactory(verified=True))
    offer = OfferFactory(organisation=membership.organisation, asap=True)
    client.force_login(membership.user)
    client.post(reverse("offers:submit", args=[offer.pk]))
    offer.refresh_from_db()
    assert offer.status == OfferStatus.SUBMITTED
    assert client.get(reverse("offers:detail", args=[offer.pk])).status_code == 200
    client.logout()
    hidden = client.get(reverse("offers:detail", args=[offer.pk]))
    assert hidden.status_code == 404
    assert offer.title not in hidden.text

    client.force_login(moderator)
    assert offer.title in client.get(reverse("offers:moderation")).text
    client.post(reverse("offers:moderation_decide", args=[offer.pk]), {"decision": "publish"})

    offer.refresh_from_db()
    assert offer.status == OfferStatus.PUBLISHED
    assert offer.published_at is not None
    assert [m.to for m in mailoutbox] == [[membership.user.email]]
    client.logout()
    assert client.get(reverse("offers:detail", args=[offer.pk])).status_code == 200


def test_a_refusal_carries_a_reason_the_author_sees(client, moderator):
    membership = MembershipFactory(organisation=OrganisationFactory(verified=True))
    offer = OfferFactory(organisation=membership.organisation, status=OfferStatus.SUBMITTED)
    client.force_login(moderator)

    response = client.post(
        reverse("offers:moderation_decide", args=[offer.pk]),
        {"decision": "refuse", "reason": " "},
        follow=True,
    )
    assert "Indiquez le motif du refus : l’auteur le verra." in response.text
    offer.refresh_from_db()
    assert offer.status == OfferStatus.SUBMITTED
    assert offer.refusal_reason == ""
    client.post(
        reverse("offers:moderation_decide", args=[offer.pk]),
        {"decision": "refuse", "reason": "Merci de préciser la rétrocession."},
    )
    offer.refresh_from_db()
    assert offer.status == OfferStatus.REFUSED

    client.force_login(membership.user)
    page = client.get(reverse("offers:edit", args=[offer.pk, "poste"])).text
    assert "Merci de préciser la rétrocession." in page


def test_only_moderators_publish(client, mailoutbox):
    membership = MembershipFactory(organisation=OrganisationFactory(verified=True))
    offer = OfferFactory(organisation=membership.organisation, status=OfferStatus.SUBMITTED)
    client.force_login(membership.user)

    response = client.post(
        reverse("offers:moderation_decide", args=[offer.pk]), {"decision": "publish"}
    )

    assert response.status_code == 403
    assert "Accès refusé" in response.text
    offer.refresh_from_db()
    assert offer.status == OfferStatus.SUBMITTED
    assert offer.published_at is None
    assert mailoutbox == []


def test_an_offer_expires_after_its_end_date_or_90_days_and_authors_are_warned(mailoutbox):
    today = timezone.localdate()
    author = MembershipFactory(organisation=OrganisationFactory(verified=True)).user
    ending = OfferFactory(
        organisation=author.memberships.get().organisation,
        published=True,
        start_date=today + timedelta(days=1),
        end_date=today + timedelta(days=5),
    )
    old = OfferFactory(published=True, end_date=None)
    old.renewed_at = timezone.now() - timedelta(days=91)
    old.save()
    fresh = OfferFactory(published=True, end_date=None)

    warned, expired = services.offers_expire()
    again = services.offers_expire()

    assert (warned, expired) == (1, 1)
    assert again == (0, 0)  # idempotent: no second warning, nothing more to expire
    for offer in (ending, old, fresh):
        offer.refresh_from_db()
    assert old.status == OfferStatus.EXPIRED
    assert ending.status == OfferStatus.PUBLISHED and ending.expiry_warned_at is not None
    assert fresh.status == OfferStatus.PUBLISHED
    assert [m.to for m in mailoutbox] == [[author.email]]
    assert "expire bientôt" in mailoutbox[0].subject

    services.offers_expire(today=today + timedelta(days=6))
    ending.refresh_from_db()
    assert ending.status == OfferStatus.EXPIRED


def test_renewing_pushes_expiry_back():
    offer = OfferFactory(published=True, end_date=None)
    offer.renewed_at = timezone.now() - timedelta(days=80)
    offer.save()

    services.offer_renew(offer=offer, by=None)

    assert offer.expires_on == timezone.localdate(offer.renewed_at + timedelta(days=90))


def test_the_daily_command_runs_the_expiry():
    offer = OfferFactory(published=True, end_date=None)
    offer.renewed_at = timezone.now() - timedelta(days=100)
    offer.save()

    call_command("run_daily", now=True, verbosity=0)

    offer.refresh_from_db()
    assert offer.status == OfferStatus.EXPIRED


def test_closing_an_offer(client):
    membership = MembershipFactory(organisation=OrganisationFactory(verified=True))
    offer = OfferFactory(organisation=membership.organisation, published=True)
    client.force_login(membership.user)

    client.post(reverse("offers:close", args=[offer.pk]), {"status": "filled"})

    offer.refresh_from_db()
    assert offer.status == OfferStatus.FILLED
    assert client.get(reverse("offers:edit", args=[offer.pk, "poste"]))["Location"] == reverse(
        "offers:mine"
    )
