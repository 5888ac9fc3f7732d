"""The pages of moderators (partners, their health) and of authors (where an offer went)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.offers.factories import OfferFactory
from tests.organisations.factories import MembershipFactory
from tests.syndication.factories import PartnerFactory
from tremplin.offers.models import OfferStatus
from tremplin.syndication.models import Delivery, DeliveryStatus, Partner
from tremplin.syndication.services import offer_event_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(client):
    user = UserFactory(moderator=True)
    client.force_login(user)
    return user


def test_a_moderator_registers_a_partner_with_a_generated_secret(client, moderator):
    response = client.post(
        reverse("syndication:partner_create"),
        {
            "name": "Emploi Santé Rural",
            "endpoint_url": "https://partenaire.example.org/webhooks/tremplin",
            "secret": "",
            "professions": ["infirmier", "medecin_generaliste"],
            "kinds": ["remplacement"],
        },
    )

    partner = Partner.objects.get()
    assert response.status_code == 302 and response["Location"] == partner.get_absolute_url()
    assert partner.secret.startswith("whsec_") and len(partner.secret) > 30
    assert partner.professions == ["infirmier", "medecin_generaliste"]
    assert partner.regions == [] and partner.kinds == ["remplacement"]
    assert partner.created_by == moderator
    page = client.get(partner.get_absolute_url())
    assert partner.secret in page.text


def test_an_invalid_partner_is_refused(client, moderator):
    response = client.post(
        reverse("syndication:partner_create"),
        {"name": "Emploi Santé Rural", "endpoint_url": "https://partenaire"},
    )

    assert response.status_code == 400
    assert "Saisissez une URL valide." in response.text
    assert 'value="Emploi Santé Rural"' in response.text
    assert 'value="https://partenaire"' in response.text
    assert not Partner.objects.exists()


@pytest.mark.parametrize("url", ["ftp://partenaire.example.org/", "ftps://partenaire.example.org/"])
def test_a_partner_endpoint_must_be_a_web_address(client, moderator, url):
    # Offers are POSTed as JSON: an FTP address would pass URL validation and fail every delivery.
    response = client.post(
        reverse("syndication:partner_create"), {"name": "Emploi Santé Rural", "endpoint_url": url}
    )

    assert response.status_code == 400
    assert "L’adresse de réception doit commencer par https:// ou http://." in response.text
    assert f'value="{url}"' in response.text
    assert not Partner.objects.exists()


def test_only_moderators_see_partners(client):
    partner = PartnerFactory()
    client.force_login(UserFactory(health_member=True))

    for response in (
        client.get(reverse("syndication:partners")),
        client.get(partner.get_absolute_url()),
        client.post(reverse("syndication:partner_pause", args=[partner.pk])),
    ):
        assert response.status_code == 403
        assert "Accès refusé" in response.text
        assert partner.secret not in response.text
        assert partner.endpoint_url not in response.text
    partner.refresh_from_db()
    assert not partner.is_paused


def test_moderators_see_each_partners_health(
    client, moderator, monkeypatch, django_assert_max_num_queries
):
    from tremplin.syndication import services

    monkeypatch.setattr(services, "_enqueue", lambda **kwargs: None)
    healthy, failing = PartnerFactory(name="Sain"), PartnerFactory(name="Malade")
    for _ in range(3):
        offer_event_record(offer=OfferFactory(published=True), kind="published")
    Delivery.objects.filter(partner=healthy).update(status=DeliveryStatus.ACCEPTED, attempts=1)
    Delivery.objects.filter(partner=failing).update(
        status=DeliveryStatus.FAILED, attempts=25, last_error="réponse HTTP 503 : maintenance",
        last_attempt_at=timezone.now(),
    )  # fmt: skip
    Delivery.objects.filter(partner=failing).filter(
        pk=Delivery.objects.filter(partner=failing).first().pk
    ).update(status=DeliveryStatus.ACCEPTED)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("syndication:partners"))

    rows = {h.partner.name: h for h in response.context["health"]}
    assert (rows["Sain"].success_rate, rows["Sain"].first_try_rate) == (100.0, 100.0)
    assert rows["Malade"].success_rate == 33.3
    assert rows["Malade"].last_error == "réponse HTTP 503 : maintenance"
    assert "réponse HTTP 503 : maintenance" in response.text
    detail = client.get(failing.get_absolute_url(), {"statut": "failed"})
    assert len(detail.context["deliveries"]) == 2
    assert "En échec" in detail.text


def test_a_moderator_pauses_resumes_and_replays_a_partner(client, moderator, receiver):
    partner = PartnerFactory(endpoint_url=receiver.url)

    client.post(reverse("syndication:partner_pause", args=[partner.pk]))
    partner.refresh_from_db()
    assert partner.is_paused
    offer_event_record(offer=OfferFactory(published=True), kind="published")
    assert receiver.received == []

    client.post(reverse("syndication:partner_resume", args=[partner.pk]))
    assert len(receiver.accepted) == 1

    Delivery.objects.update(status=DeliveryStatus.FAILED)
    response = client.post(reverse("syndication:partner_replay", args=[partner.pk]), follow=True)
    assert "1 envoi(s) remis en file d’attente." in response.text
    assert len(receiver.accepted) == 2


def test_authors_see_where_their_offer_went(client, receiver_factory):
    member = MembershipFactory(organisation__status="verified")
    offer = OfferFactory(status=OfferStatus.SUBMITTED, organisation=member.organisation)
    ok = receiver_factory()
    broken = receiver_factory(answers=[500])
    PartnerFactory(name="Partenaire en forme", endpoint_url=ok.url)
    PartnerFactory(name="Partenaire en panne", endpoint_url=broken.url)
    from tremplin.offers.services import offer_publish

    offer_publish(offer=offer, by=UserFactory(moderator=True))
    client.force_login(member.user)

    assert (
        reverse("syndication:offer_channels", args=[offer.pk])
        in client.get(reverse("offers:detail", args=[offer.pk])).text
    )
    response = client.get(reverse("syndication:offer_channels", args=[offer.pk]))

    assert response.status_code == 200
    text = response.text
    assert "Partenaire en forme" in text and "Accepté" in text
    assert "Partenaire en panne" in text and "En attente de nouvel essai" in text
    assert "réponse HTTP 500" in text
    assert "dans les flux RSS" in text
    client.force_login(UserFactory())
    refused = client.get(reverse("syndication:offer_channels", args=[offer.pk]))
    assert refused.status_code == 403
    assert "Accès refusé" in refused.text
    assert "Partenaire en panne" not in refused.text
