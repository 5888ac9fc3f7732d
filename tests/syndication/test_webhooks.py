"""Partner webhooks against real HTTP receivers on 127.0.0.1."""

import io
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.offers.factories import OfferFactory
from tests.syndication.factories import PartnerFactory
from tremplin.core.professions import Profession
from tremplin.offers.models import OfferKind, OfferStatus
from tremplin.offers.services import (
    offer_close,
    offer_publish,
    offer_renew,
    offer_save,
    offers_expire,
)
from tremplin.syndication import http, services, webhooks
from tremplin.syndication.models import Delivery, DeliveryEvent, DeliveryStatus

pytestmark = pytest.mark.django_db
DOCS = Path(__file__).resolve().parents[2] / "docs" / "syndication.md"


def documented_verifier():
    """The verification snippet of docs/syndication.md, run as a partner would copy it."""
    code = re.search(r"```python\n(.*?)```", DOCS.read_text(), re.S).group(1)
    namespace: dict = {}
    exec(code, namespace)
    return namespace["tremplin_signature_ok"]


def submitted_offer(**kwargs):
    return OfferFactory(status=OfferStatus.SUBMITTED, submitted_at=timezone.now(), **kwargs)


def publish(offer):
    return offer_publish(offer=offer, by=UserFactory(moderator=True))


def later(minutes: float):
    return timezone.now() + timedelta(minutes=minutes)


def test_it_signs_with_the_timestamp_and_refuses_tampering():
    body = b'{"id": "x"}'
    header = webhooks.signature(secret="s3cret", body=body, timestamp=int(time.time()))

    assert header.startswith("t=") and ",v1=" in header
    assert webhooks.signature_verify(secret="s3cret", body=body, header=header)
    assert not webhooks.signature_verify(secret="s3cret", body=body + b" ", header=header)
    assert not webhooks.signature_verify(secret="autre", body=body, header=header)
    assert not webhooks.signature_verify(secret="s3cret", body=body, header="v1=abc")
    old = webhooks.signature(secret="s3cret", body=body, timestamp=int(time.time()) - 3600)
    assert not webhooks.signature_verify(secret="s3cret", body=body, header=old)


def test_the_retry_delay_doubles_from_one_minute_up_to_an_hour():
    delays = [webhooks.retry_delay(n).total_seconds() / 60 for n in range(1, 10)]

    assert delays == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert webhooks.retry_delay(10_000) == timedelta(hours=1)


def test_a_partner_receiver_gets_a_signed_verifiable_webhook_for_a_new_offer(receiver):
    partner = PartnerFactory(endpoint_url=receiver.url, secret="whsec_partage")
    offer = submitted_offer(title="Remplacement à Guéret")

    publish(offer)

    [request] = receiver.received
    verify = documented_verifier()
    assert verify("whsec_partage", request.body, request.headers["X-Tremplin-Signature"])
    assert not verify("whsec_autre", request.body, request.headers["X-Tremplin-Signature"])
    event = DeliveryEvent.objects.get(offer=offer)
    assert request.headers["X-Tremplin-Event"] == "offer.published"
    assert request.headers["Idempotency-Key"] == str(event.key)
    assert request.json["id"] == str(event.key)
    assert request.json["type"] == "offer.published"
    assert request.json["sequence"] == 1
    assert request.json["offer"]["title"] == "Remplacement à Guéret"
    assert request.json["offer"]["status"] == "published"
    assert request.json["offer"]["url"].endswith(f"/annonces/{offer.pk}/")
    delivery = Delivery.objects.get(partner=partner)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.ACCEPTED,
        1,
        200,
    )


def test_a_receiver_that_fails_three_times_then_recovers_gets_every_event_once_in_order(
    receiver_factory,
):
    receiver = receiver_factory(answers=[500, 500, 500])
    partner = PartnerFactory(endpoint_url=receiver.url)
    offer = submitted_offer()
    author = UserFactory()

    publish(offer)  # 1st attempt: 500
    offer.title = "Titre corrigé"
    offer_save(offer=offer, by=author)  # waits behind the publication
    offer.refresh_from_db()
    offer_close(offer=offer, by=author, status=OfferStatus.FILLED)  # waits too

    head = Delivery.objects.get(partner=partner, sequence=1)
    assert head.status == DeliveryStatus.RETRYING
    assert "HTTP 500" in head.last_error and "Erreur volontaire" in head.last_error
    assert head.next_attempt_at > timezone.now()
    assert services.deliveries_send_due() == 0  # nothing due yet: no new request
    assert len(receiver.received) == 1

    services.deliveries_send_due(now=later(1.5))  # 2nd: 500
    services.deliveries_send_due(now=later(4))  # 3rd: 500
    assert services.deliveries_send_due(now=later(9)) == 3  # 4th: 200, then the two others

    statuses = [r.status for r in receiver.received]
    assert statuses == [500, 500, 500, 200, 200, 200]
    accepted = [r.json for r in receiver.accepted]
    assert [a["sequence"] for a in accepted] == [1, 2, 3]
    assert [a["type"] for a in accepted] == ["offer.published", "offer.updated", "offer.closed"]
    assert len({a["id"] for a in accepted}) == 3
    assert accepted[1]["offer"]["title"] == "Titre corrigé"
    assert accepted[2]["offer"]["status"] == "filled"
    # Every attempt of the first event carried the same idempotency key.
    assert len({r.headers["Idempotency-Key"] for r in receiver.received[:4]}) == 1
    assert [r.headers["X-Tremplin-Attempt"] for r in receiver.received[:4]] == ["1", "2", "3", "4"]
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.ACCEPTED}


def test_a_receiver_that_times_out_is_retried_later(receiver_factory, monkeypatch):
    monkeypatch.setattr(http, "TIMEOUT_SECONDS", 0.3)
    slow = receiver_factory(delay=1.0)
    PartnerFactory(endpoint_url=slow.url)

    publish(submitted_offer())

    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING
    assert "délai de réponse dépassé" in delivery.last_error
    slow.delay = 0
    services.deliveries_send_due(now=later(2))
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.ACCEPTED


def test_an_unreachable_partner_is_retried_and_given_up_after_24_hours():
    partner = PartnerFactory(endpoint_url="http://127.0.0.1:9/ferme")  # discard port: refused

    publish(submitted_offer())
    delivery = Delivery.objects.get(partner=partner)
    assert delivery.status == DeliveryStatus.RETRYING
    assert "connexion impossible" in delivery.last_error

    minutes, attempts = 0, 1
    while delivery.status == DeliveryStatus.RETRYING and attempts < 60:
        minutes += webhooks.retry_delay(attempts).total_seconds() / 60
        services.deliveries_send_due(now=later(minutes + 0.1))
        delivery.refresh_from_db()
        attempts = delivery.attempts

    assert delivery.status == DeliveryStatus.FAILED
    assert 24 * 60 <= minutes <= 25 * 60
    assert 20 <= delivery.attempts <= 35
    assert "connexion impossible" in delivery.last_error


def test_a_delivery_whose_worker_died_mid_send_is_sent_again_by_the_sweep(receiver):
    PartnerFactory(endpoint_url=receiver.url, paused=True)
    offer = OfferFactory(published=True)
    services.offer_event_record(offer=offer, kind="updated")
    delivery = Delivery.objects.get()
    # A worker claimed it, then was killed before the answer: the row says "Envoyé".
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING, attempts=1, lease_until=later(1)
    )
    delivery.partner.paused_at = None
    delivery.partner.save()

    assert services.deliveries_send_due() == 0  # the lease still runs: maybe it is sending
    assert receiver.received == []
    assert services.deliveries_send_due(now=later(2)) == 1  # lease over: sent again

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.ACCEPTED, 2)
    assert len(receiver.received) == 1


def test_a_delivery_whose_task_was_lost_is_sent_by_the_deliver_pending_command(
    receiver, monkeypatch
):
    from django.core.management import call_command

    sent_tasks = []
    monkeypatch.setattr(services, "_enqueue", lambda **kwargs: sent_tasks.append(kwargs))
    PartnerFactory(endpoint_url=receiver.url)
    publish(submitted_offer())
    assert len(sent_tasks) == 1 and receiver.received == []  # queued, never run

    out = io.StringIO()
    call_command("deliver_pending", stdout=out)

    assert "1 accepted" in out.getvalue()

    assert len(receiver.accepted) == 1
    assert Delivery.objects.get().status == DeliveryStatus.ACCEPTED


def test_only_partners_that_take_the_offer_receive_it(receiver_factory):
    nurses, creuse, replacements, everything = (receiver_factory() for _ in range(4))
    PartnerFactory(endpoint_url=nurses.url, professions=[Profession.NURSE])
    offer = submitted_offer(kind=OfferKind.REPLACEMENT)
    PartnerFactory(endpoint_url=creuse.url, regions=[offer.region_code])
    PartnerFactory(endpoint_url=replacements.url, kinds=[OfferKind.INTERNSHIP])
    PartnerFactory(endpoint_url=everything.url)

    publish(offer)

    assert [len(r.received) for r in (nurses, creuse, replacements, everything)] == [0, 1, 0, 1]


def test_a_paused_partner_receives_nothing_until_resumed_then_everything_in_order(receiver):
    """The renewal, not yet sent anywhere, is folded into the publication event."""
    moderator = UserFactory(moderator=True)
    partner = PartnerFactory(endpoint_url=receiver.url)
    services.partner_pause(partner=partner, by=moderator)
    offer = submitted_offer()
    publish(offer)
    offer_renew(offer=offer, by=moderator)
    offer.refresh_from_db()
    offer_close(offer=offer, by=moderator, status=OfferStatus.WITHDRAWN)
    assert services.deliveries_send_due(now=later(60 * 30)) == 0
    assert receiver.received == []

    services.partner_resume(partner=partner, by=moderator)

    assert [r.json["sequence"] for r in receiver.received] == [1, 2]
    assert [r.json["type"] for r in receiver.received] == ["offer.published", "offer.closed"]
    assert receiver.received[-1].json["offer"]["status"] == "withdrawn"


def test_a_moderator_replays_failed_deliveries_with_their_idempotency_key(receiver):
    moderator = UserFactory(moderator=True)
    partner = PartnerFactory(endpoint_url=receiver.url)
    offer = OfferFactory(published=True)
    event = services.offer_event_record(offer=offer, kind="updated")
    Delivery.objects.filter(partner=partner).update(
        status=DeliveryStatus.FAILED, last_error="réponse HTTP 500"
    )
    received_before = len(receiver.received)

    assert services.partner_replay(partner=partner, by=moderator) == 1

    assert len(receiver.received) == received_before + 1
    assert receiver.received[-1].headers["Idempotency-Key"] == str(event.key)
    assert Delivery.objects.get(partner=partner).status == DeliveryStatus.ACCEPTED


def test_only_moderators_manage_partners():
    from django.core.exceptions import PermissionDenied

    partner = PartnerFactory()
    with pytest.raises(PermissionDenied):
        services.partner_pause(partner=partner, by=UserFactory())


def test_autosaves_of_a_published_offer_do_not_send_one_webhook_each(monkeypatch):
    sent_tasks = []
    monkeypatch.setattr(services, "_enqueue", lambda **kwargs: sent_tasks.append(kwargs))
    PartnerFactory()
    offer = OfferFactory(published=True)
    author = UserFactory()

    for title in ("Un", "Deux", "Trois"):
        offer.title = title
        offer_save(offer=offer, by=author)

    [event] = DeliveryEvent.objects.filter(offer=offer)
    assert event.payload["title"] == "Trois"
    assert Delivery.objects.count() == 1


def test_expiry_and_closing_are_sent_but_drafts_are_not(monkeypatch):
    monkeypatch.setattr(services, "_enqueue", lambda **kwargs: None)
    PartnerFactory()
    author = UserFactory()
    draft = OfferFactory()
    offer_save(offer=draft, by=author)
    offer_close(offer=draft, by=author, status=OfferStatus.WITHDRAWN)
    old = OfferFactory(published=True)
    old.published_at = old.renewed_at = timezone.now() - timedelta(days=100)
    old.save()

    offers_expire()

    assert not DeliveryEvent.objects.filter(offer=draft).exists()
    [event] = DeliveryEvent.objects.filter(offer=old)
    assert (event.kind, event.payload["status"]) == ("closed", "expired")


def test_recording_an_event_costs_a_few_queries(django_assert_max_num_queries, monkeypatch):
    monkeypatch.setattr(services, "_enqueue", lambda **kwargs: None)
    PartnerFactory.create_batch(5)
    offer = OfferFactory(published=True)

    # The offer, the last event, the event, the partners, the deliveries, and 4 savepoints.
    with django_assert_max_num_queries(9):
        services.offer_event_record(offer=offer, kind="updated")

    assert Delivery.objects.count() == 5


def test_a_partner_registered_after_an_unsent_event_still_gets_the_folded_update(monkeypatch):
    monkeypatch.setattr(services, "_enqueue", lambda **kwargs: None)
    offer = OfferFactory(published=True)
    services.offer_event_record(offer=offer, kind="published")  # no partner yet
    late = PartnerFactory()

    services.offer_event_record(offer=offer, kind="updated")

    [event] = DeliveryEvent.objects.filter(offer=offer)
    assert list(Delivery.objects.values_list("partner_id", "event_id")) == [(late.pk, event.pk)]
