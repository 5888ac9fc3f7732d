"""Offer events: the offer services write them in their transaction; the subscribers above
(syndication) receive them through the dispatch, never called by the offers domain."""

import pytest
from django.db import transaction

from tests.accounts.factories import UserFactory
from tests.offers.factories import OfferFactory
from tremplin.offers import events, services
from tremplin.offers.models import OfferEvent, OfferEventKind, OfferStatus
from tremplin.syndication.models import Delivery, DeliveryEvent, Partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator():
    return UserFactory(moderator=True)


@pytest.fixture
def partner():
    return Partner.objects.create(
        name="Partenaire", endpoint_url="http://127.0.0.1:9/hook", secret="whsec_test"
    )


def _kinds(offer) -> list[str]:
    return list(OfferEvent.objects.filter(offer=offer).values_list("kind", flat=True))


def test_each_change_of_a_published_offer_writes_one_event(moderator):
    offer = OfferFactory(status=OfferStatus.SUBMITTED)

    services.offer_publish(offer=offer, by=moderator)
    offer.title = "Remplacement d’été"
    services.offer_save(offer=offer, by=moderator)
    services.offer_renew(offer=offer, by=moderator)
    services.offer_close(offer=offer, by=moderator, status=OfferStatus.FILLED)

    assert _kinds(offer) == ["published", "updated", "updated", "closed"]
    assert not OfferEvent.objects.filter(dispatched_at__isnull=True).exists()


def test_a_draft_or_a_refusal_writes_none(moderator):
    offer = OfferFactory()
    services.offer_save(offer=offer, by=moderator)
    offer.status = OfferStatus.SUBMITTED
    services.offer_refuse(offer=offer, by=moderator, reason="Incomplète")

    assert _kinds(offer) == []


def test_the_event_is_rolled_back_with_the_change(moderator):
    offer = OfferFactory(status=OfferStatus.SUBMITTED)

    with pytest.raises(RuntimeError), transaction.atomic():
        services.offer_publish(offer=offer, by=moderator)
        raise RuntimeError("the request failed after the publication")

    assert _kinds(offer) == []
    offer.refresh_from_db()
    assert offer.status == OfferStatus.SUBMITTED


def test_syndication_turns_the_events_into_numbered_partner_events(moderator, partner):
    offer = OfferFactory(status=OfferStatus.SUBMITTED)

    services.offer_publish(offer=offer, by=moderator)
    services.offer_close(offer=offer, by=moderator, status=OfferStatus.WITHDRAWN)

    assert list(DeliveryEvent.objects.filter(offer=offer).values_list("sequence", "kind")) == [
        (1, "published"),
        (2, "closed"),
    ]
    assert Delivery.objects.filter(partner=partner, offer_id=offer.pk).count() == 2


def test_a_failing_subscriber_leaves_the_whole_batch_pending_then_the_sweep_delivers_it(
    moderator, partner, monkeypatch
):
    offer = OfferFactory(published=True)

    def broken(batch: list[OfferEvent]) -> None:
        raise RuntimeError("subscriber down")

    monkeypatch.setitem(events._subscribers, "broken", broken)
    event = OfferEvent.objects.create(offer=offer, kind=OfferEventKind.UPDATED)
    with pytest.raises(RuntimeError):
        events.offer_events_dispatch()

    event.refresh_from_db()
    assert event.dispatched_at is None
    assert not DeliveryEvent.objects.filter(offer=offer).exists()  # nothing half recorded

    monkeypatch.delitem(events._subscribers, "broken")
    assert events.offer_events_dispatch() == 1
    assert events.offer_events_dispatch() == 0  # idempotent: nothing left
    assert DeliveryEvent.objects.filter(offer=offer).count() == 1


def test_a_support_change_reaches_partners_as_an_update(partner):
    offer = OfferFactory(published=True)

    events.offer_event_emit(offer=offer, kind=OfferEventKind.SUPPORT_CHANGED)

    assert list(DeliveryEvent.objects.filter(offer=offer).values_list("kind", flat=True)) == [
        "updated"
    ]


def test_a_catalogue_event_names_no_offer_and_partners_receive_nothing(partner):
    before = events.offer_events_version()

    events.offer_event_emit(offer=None, kind=OfferEventKind.CATALOGUE_CHANGED)

    assert events.offer_events_version() > before
    assert not DeliveryEvent.objects.exists()
