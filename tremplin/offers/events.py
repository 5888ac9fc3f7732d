"""Offer events: how the offers domain tells the domains above it that an offer changed.

An offer service calls `offer_event_emit` inside its transaction: the event row commits with
the change, or not at all (an outbox). Higher apps subscribe once, in their `AppConfig.ready()`
(`offer_events_subscribe("syndication", handler)`); `offer_events_dispatch` hands every pending
event to every subscriber, in order, then marks them dispatched. It runs as a task queued by
each event, and again from the sweeps (`deliver_pending`, `run_daily`) for events whose task
was lost or failed: a subscriber must accept seeing an event twice after a failure.

Offers import no subscriber: the dependency points upwards only through this registry.
"""

from collections.abc import Callable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tremplin.offers.models import Offer, OfferEvent, OfferEventKind

Subscriber = Callable[[list[OfferEvent]], None]
BATCH = 500

_subscribers: dict[str, Subscriber] = {}


def offer_events_subscribe(name: str, handler: Subscriber) -> None:
    """Register `handler`, called with each batch of pending events (same name: replaced)."""
    _subscribers[name] = handler


def offer_event_emit(*, offer: Offer | None, kind: OfferEventKind | str) -> OfferEvent:
    """Record a change (in the caller's transaction) and queue its dispatch."""
    from tremplin.offers.tasks import offer_events_dispatch as dispatch_task

    event = OfferEvent.objects.create(offer=offer, kind=kind)
    dispatch_task.enqueue()
    return event


def offer_events_dispatch(*, limit: int = BATCH) -> int:
    """Hand the pending events to every subscriber, oldest first; returns how many were
    dispatched. One transaction per batch: a subscriber that fails leaves the batch pending."""
    done = 0
    while True:
        with transaction.atomic():
            # Not skip_locked: a second dispatcher waits for the first, so that the events of
            # one offer reach the subscribers in the order they were written.
            events = list(
                OfferEvent.objects.select_for_update(of=("self",))
                .filter(dispatched_at__isnull=True)
                .select_related("offer")
                .order_by("id")[:limit]
            )
            if not events:
                return done
            for handler in list(_subscribers.values()):
                handler(events)
            OfferEvent.objects.filter(pk__in=[event.pk for event in events]).update(
                dispatched_at=timezone.now()
            )
        done += len(events)
        if len(events) < limit:
            return done


def offer_events_version() -> int:
    """The latest event's number: changes whenever a published offer changes (one indexed
    query), for readers that keep a copy of the catalogue (matching's matrix)."""
    return OfferEvent.objects.aggregate(latest=Max("id"))["latest"] or 0
