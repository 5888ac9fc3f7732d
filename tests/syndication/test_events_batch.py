"""Offer events recorded in batches: the same events, numbers and deliveries as one at a time,
in a number of queries that does not grow with the batch."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.offers.factories import OfferFactory
from tests.syndication.factories import PartnerFactory
from tremplin.core.professions import Profession
from tremplin.syndication import services
from tremplin.syndication.models import Delivery, DeliveryEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    """Tasks are recorded, not run: deliveries stay pending (no partner is reached)."""
    calls: list[dict] = []
    monkeypatch.setattr(services, "_enqueue", lambda **kwargs: calls.append(kwargs))
    return calls


def recorded() -> list[tuple]:
    events = [
        (e.offer_id, e.sequence, e.kind, e.payload["title"])
        for e in DeliveryEvent.objects.order_by("offer_id", "sequence")
    ]
    deliveries = sorted(
        Delivery.objects.values_list("partner__name", "offer_id", "sequence", "status")
    )
    return [events, deliveries]


CHANGES = ["published", "updated", "updated", "closed", "updated"]


def test_a_batch_records_what_one_at_a_time_records(queued):
    PartnerFactory(name="Tous")
    PartnerFactory(name="Infirmiers", professions=[Profession.NURSE])
    offers = [
        OfferFactory(published=True, profession=Profession.NURSE),
        OfferFactory(published=True),
        OfferFactory(published=True),
    ]
    changes = [(offer.pk, kind) for kind in CHANGES for offer in offers[:2]] + [
        (offers[2].pk, "updated")
    ]

    for offer_id, kind in changes:
        services.offer_event_record(offer=offers[0].__class__.objects.get(pk=offer_id), kind=kind)
    one_at_a_time = recorded()
    DeliveryEvent.objects.all().delete()
    services.offer_events_record(changes=changes)

    assert recorded() == one_at_a_time
    # published (+ updates folded into it), closed, then a new update: 3 events per offer.
    assert [e[1:3] for e in one_at_a_time[0] if e[0] == offers[0].pk] == [
        (1, "published"),
        (2, "closed"),
        (3, "updated"),
    ]


def test_an_update_after_a_tried_delivery_is_a_new_event(queued):
    PartnerFactory()
    offer = OfferFactory(published=True)
    [first] = services.offer_events_record(changes=[(offer.pk, "published")])
    Delivery.objects.filter(event=first).update(attempts=1, status="retrying")

    [second] = services.offer_events_record(changes=[(offer.pk, "updated")])

    assert (second.sequence, second.kind) == (2, "updated")
    assert Delivery.objects.filter(event=second).count() == 1


def test_a_partner_registered_since_gets_the_folded_event(queued):
    PartnerFactory(name="Ancien")
    offer = OfferFactory(published=True)
    services.offer_events_record(changes=[(offer.pk, "published")])
    PartnerFactory(name="Nouveau")

    services.offer_events_record(changes=[(offer.pk, "updated")])

    assert DeliveryEvent.objects.count() == 1
    assert sorted(Delivery.objects.values_list("partner__name", flat=True)) == [
        "Ancien",
        "Nouveau",
    ]


def test_the_queries_do_not_grow_with_the_batch(queued):
    PartnerFactory()
    PartnerFactory()

    def queries_for(count: int) -> int:
        offers = [OfferFactory(published=True) for _ in range(count)]
        with CaptureQueriesContext(connection) as captured:
            services.offer_events_record(changes=[(o.pk, "updated") for o in offers])
        return len(captured)

    small, large = queries_for(3), queries_for(30)

    assert small == large
    # One task row per partner for the 30 offers, not one per partner and offer.
    assert len(queued) == 2 + 2
    assert sorted(len(call["offer_ids"]) for call in queued) == [3, 3, 30, 30]
