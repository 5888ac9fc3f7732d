"""Writes of syndication: recording offer changes, delivering them to partners, partners.

Delivery guarantees (docs/syndication.md):
- at least once: a delivery stays open until the partner answers 2xx or its 24-hour window
  ends; a worker that dies mid-send leaves a lease that expires, and the sweep
  (`deliveries_send_due`, cron every minute and `run_daily`) takes the delivery up again;
- in order per offer: only the oldest open delivery of a (partner, offer) pair is ever sent;
- idempotency: every retry of an event carries the same key (`DeliveryEvent.key`).
"""

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Greatest
from django.tasks import default_task_backend
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from tremplin.accounts.models import User
from tremplin.offers.models import Offer, OfferEvent, OfferEventKind
from tremplin.syndication import feedfiles, http, webhooks
from tremplin.syndication.models import (
    DELIVERY_WINDOW,
    OPEN_STATUSES,
    Delivery,
    DeliveryEvent,
    DeliveryStatus,
    EventKind,
    Partner,
)
from tremplin.syndication.payloads import offer_document

# A worker holds a delivery this long at most: past it, the delivery is sent again.
LEASE = timedelta(seconds=http.TIMEOUT_SECONDS * 3 + 30)
# Deliveries one task sends in a row for one (partner, offer) pair before handing over.
BATCH = 200
SWEEP_LIMIT = 5000
# Offers whose deliveries to one partner one queued task sends (batches of offer events).
ENQUEUE_OFFERS = 50


# --- Recording offer changes -------------------------------------------------------------

# Offer events (offers.events) as partners receive them: a support changes the badges.
PARTNER_EVENT_KINDS = {
    OfferEventKind.PUBLISHED: EventKind.PUBLISHED,
    OfferEventKind.UPDATED: EventKind.UPDATED,
    OfferEventKind.CLOSED: EventKind.CLOSED,
    OfferEventKind.SUPPORT_CHANGED: EventKind.UPDATED,
}


def offer_events_consume(events: list[OfferEvent]) -> None:
    """The syndication subscriber of offer events (registered in apps.py): each change of an
    offer becomes a partner event and its deliveries, and the full feeds are marked stale.
    Runs in the dispatch's transaction, so a failure leaves the whole batch pending and
    nothing half recorded."""
    changes: list[tuple[int, str]] = [
        (event.offer_id, str(partner_kind))
        for event in events
        if event.offer_id is not None
        and (partner_kind := PARTNER_EVENT_KINDS.get(OfferEventKind(event.kind))) is not None
    ]
    if not changes:
        return
    try:
        with transaction.atomic():
            offer_events_record(changes=changes)
    except IntegrityError:
        # Another process numbered an event of one of these offers meanwhile (SQLite has no
        # row lock): one at a time, each with its own retries.
        for offer_id, change in changes:
            offer = Offer.objects.filter(pk=offer_id).first()
            if offer is not None:
                offer_event_record(offer=offer, kind=change)
    feedfiles.feed_files_mark_stale()


@dataclass
class _Head:
    """The latest event of an offer while a batch is recorded."""

    event: DeliveryEvent
    attempted: bool  # a delivery of it was tried: an update may no longer replace it
    served: set[int]  # partners it is (or will be) delivered to


def offer_events_record(*, changes: list[tuple[int, str]]) -> list[DeliveryEvent]:
    """Record a batch of changes `(offer id, kind)`, in order, with what `offer_event_record`
    does for one, in a fixed number of queries whatever the batch's size: the offers, the
    partners, the latest event of every offer (locked; one numbering query per batch), their
    deliveries, then one insert of the new events and one of their deliveries. Returns the
    events recorded or updated, in the order of the changes."""
    offer_ids = sorted({offer_id for offer_id, _kind in changes})
    offers = Offer.objects.select_related(
        "commune__departement", "commune__region", "organisation"
    ).in_bulk(offer_ids)
    partners = list(Partner.objects.all())
    latest = (
        DeliveryEvent.objects.filter(offer_id=OuterRef("offer_id"))
        .order_by("-sequence")
        .values("sequence")[:1]
    )
    heads: dict[int, _Head] = {
        event.offer_id: _Head(event=event, attempted=False, served=set())
        for event in DeliveryEvent.objects.select_for_update()
        .filter(offer_id__in=offer_ids, sequence=Subquery(latest))
        .order_by("offer_id")
    }
    by_event = {head.event.pk: head for head in heads.values()}
    for event_id, partner_id, status, attempts in Delivery.objects.filter(
        event_id__in=list(by_event)
    ).values_list("event_id", "partner_id", "status", "attempts"):
        known = by_event[event_id]
        known.served.add(partner_id)
        if status != DeliveryStatus.PENDING or attempts != 0:
            known.attempted = True
    new_events: list[DeliveryEvent] = []
    updated: dict[int, DeliveryEvent] = {}
    deliveries: list[tuple[DeliveryEvent, Partner]] = []
    recorded: list[DeliveryEvent] = []
    payloads: dict[int, dict] = {}
    for offer_id, kind in changes:
        offer = offers.get(offer_id)
        if offer is None:
            continue
        if offer_id not in payloads:
            payloads[offer_id] = offer_document(offer)
        takers = [
            p
            for p in partners
            if p.takes(profession=offer.profession, region=offer.region_code, kind=offer.kind)
        ]
        head = heads.get(offer_id)
        if (
            kind == EventKind.UPDATED
            and head is not None
            and head.event.kind in {EventKind.PUBLISHED, EventKind.UPDATED}
            and not head.attempted
        ):
            event = head.event
            event.payload = payloads[offer_id]
            if event.pk is not None:
                updated[event.pk] = event
            takers = [p for p in takers if p.pk not in head.served]
        else:
            event = DeliveryEvent(
                offer_id=offer_id,
                sequence=(head.event.sequence if head else 0) + 1,
                kind=kind,
                payload=payloads[offer_id],
            )
            new_events.append(event)
            head = heads[offer_id] = _Head(event=event, attempted=False, served=set())
        head.served.update(p.pk for p in takers)
        deliveries.extend((event, partner) for partner in takers)
        recorded.append(event)
    if updated:
        DeliveryEvent.objects.bulk_update(list(updated.values()), ["payload"])
    DeliveryEvent.objects.bulk_create(new_events)
    now = timezone.now()
    Delivery.objects.bulk_create(
        Delivery(
            partner=partner,
            event=event,
            offer_id=event.offer_id,
            sequence=event.sequence,
            next_attempt_at=now,
            deadline=now + DELIVERY_WINDOW,
            created_at=now,
        )
        for event, partner in deliveries
    )
    # One task per partner and ENQUEUE_OFFERS offers (a task row costs an insert): it sends
    # each pair's due deliveries in order, as one task per pair would.
    by_partner: dict[int, set[int]] = {}
    for event, partner in deliveries:
        if not partner.is_paused:
            by_partner.setdefault(partner.pk, set()).add(event.offer_id)
    for partner_id, offers_of_partner in sorted(by_partner.items()):
        ordered = sorted(offers_of_partner)
        for start in range(0, len(ordered), ENQUEUE_OFFERS):
            _enqueue(partner_id=partner_id, offer_ids=ordered[start : start + ENQUEUE_OFFERS])
    return recorded


def offer_event_record(*, offer: Offer, kind: str) -> DeliveryEvent:
    """Record a change of `offer` and queue its delivery to every partner that takes it.

    Called by the offer services inside their transaction. An update that follows an event
    not yet sent anywhere replaces that event's content instead (an editor autosaving a
    published offer does not send one webhook per keystroke)."""
    with transaction.atomic():
        fresh = Offer.objects.select_related(
            "commune__departement", "commune__region", "organisation"
        ).get(pk=offer.pk)
        payload = offer_document(fresh)
        last = (
            DeliveryEvent.objects.select_for_update()
            .filter(offer_id=offer.pk)
            .order_by("-sequence")
            .first()
        )
        partners = [
            partner
            for partner in Partner.objects.all()
            if partner.takes(profession=fresh.profession, region=fresh.region_code, kind=fresh.kind)
        ]
        if (
            kind == EventKind.UPDATED
            and last is not None
            and last.kind in {EventKind.PUBLISHED, EventKind.UPDATED}
            and not last.deliveries.exclude(status=DeliveryStatus.PENDING, attempts=0).exists()
        ):
            event = last
            event.payload = payload
            event.save(update_fields=["payload"])
            # Partners registered since that event was recorded get it too.
            served = set(event.deliveries.values_list("partner_id", flat=True))
            partners = [partner for partner in partners if partner.pk not in served]
        else:
            event = _event_create(offer_id=offer.pk, kind=kind, payload=payload, last=last)
        now = timezone.now()
        Delivery.objects.bulk_create(
            Delivery(
                partner=partner,
                event=event,
                offer_id=offer.pk,
                sequence=event.sequence,
                next_attempt_at=now,
                deadline=now + DELIVERY_WINDOW,
                created_at=now,
            )
            for partner in partners
        )
        for partner in partners:
            if not partner.is_paused:
                _enqueue(partner_id=partner.pk, offer_id=offer.pk)
    return event


def _event_create(
    *, offer_id: int, kind: str, payload: dict, last: DeliveryEvent | None
) -> DeliveryEvent:
    sequence = (last.sequence if last else 0) + 1
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return DeliveryEvent.objects.create(
                    offer_id=offer_id, sequence=sequence, kind=kind, payload=payload
                )
        except IntegrityError:
            # Another change of the same offer took this number (SQLite has no row lock).
            sequence = (
                DeliveryEvent.objects.filter(offer_id=offer_id)
                .order_by("-sequence")
                .values_list("sequence", flat=True)
                .first()
                or 0
            ) + 1
    raise IntegrityError(f"No free event sequence for offer {offer_id}.")


def _enqueue(
    *,
    partner_id: int,
    offer_id: int | None = None,
    offer_ids: list[int] | None = None,
    run_after: datetime | None = None,
) -> None:
    """Queue the sending of a partner's due deliveries for one offer (or, with `offer_ids`,
    for several, one after the other: one task row for a batch of events)."""
    from tremplin.syndication.tasks import deliveries_send, deliveries_send_offers

    if offer_ids is not None:
        deliveries_send_offers.enqueue(partner_id=partner_id, offer_ids=offer_ids)
        return
    assert offer_id is not None
    if run_after is not None:
        if not default_task_backend.supports_defer:
            return  # the sweep sends it when due
        deliveries_send.using(run_after=run_after).enqueue(partner_id=partner_id, offer_id=offer_id)
    else:
        deliveries_send.enqueue(partner_id=partner_id, offer_id=offer_id)


# --- Delivering ------------------------------------------------------------------------


def deliveries_send(*, partner_id: int, offer_id: int, now: datetime | None = None) -> int:
    """Send, in order, the due deliveries of one partner for one offer; stop at the first
    failure (the next attempt is scheduled). Returns how many were accepted."""
    accepted = 0
    partner = Partner.objects.filter(pk=partner_id, paused_at__isnull=True).first()
    if partner is None:
        return accepted  # paused (or gone): resuming queues its deliveries again
    for _index in range(BATCH):
        current = now or timezone.now()
        delivery = _claim(partner_id=partner_id, offer_id=offer_id, now=current)
        if delivery is None:
            return accepted
        outcome = _attempt(delivery, partner=partner, now=now)
        if outcome == DeliveryStatus.ACCEPTED:
            accepted += 1
        elif outcome == DeliveryStatus.RETRYING:
            return accepted
        # Given up ("en échec"): the next event of this offer may go.
    _enqueue(partner_id=partner_id, offer_id=offer_id)
    return accepted


def _claim(*, partner_id: int, offer_id: int, now: datetime) -> Delivery | None:
    """Take the oldest open delivery of the pair if it is due; None if there is none, if it is
    not due yet, or if another worker holds it."""
    # Read without a transaction (most calls find nothing due); the conditional update below
    # is what makes the claim safe against another worker.
    head = (
        Delivery.objects.filter(partner_id=partner_id, offer_id=offer_id, status__in=OPEN_STATUSES)
        .order_by("sequence")
        .first()
    )
    if head is None:
        return None
    if head.status == DeliveryStatus.SENDING:
        if head.lease_until is not None and head.lease_until > now:
            return None
    elif head.next_attempt_at > now:
        return None
    with transaction.atomic():
        # Locks the event against a concurrent coalescing update (offer_event_record).
        event = DeliveryEvent.objects.select_for_update().get(pk=head.event_id)
        claimed = Delivery.objects.filter(
            pk=head.pk, status=head.status, attempts=head.attempts
        ).update(
            status=DeliveryStatus.SENDING,
            attempts=head.attempts + 1,
            lease_until=now + LEASE,
            last_attempt_at=now,
        )
        if not claimed:
            return None
    head.status = DeliveryStatus.SENDING
    head.attempts += 1
    head.event = event
    return head


def _attempt(delivery: Delivery, *, partner: Partner, now: datetime | None) -> str:
    body = webhooks.event_body(delivery.event)
    headers = webhooks.delivery_headers(
        delivery=delivery, body=body, secret=partner.secret, timestamp=int(time.time())
    )
    answer = http.post(partner.endpoint_url, body=body, headers=headers)
    finished = now or timezone.now()
    mine = Delivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.SENDING, attempts=delivery.attempts
    )
    if answer.ok:
        mine.update(
            status=DeliveryStatus.ACCEPTED,
            delivered_at=finished,
            lease_until=None,
            last_status_code=answer.status,
            last_error="",
        )
        return DeliveryStatus.ACCEPTED
    if answer.status is None:
        reason = answer.error
    else:
        reason = _("réponse HTTP %(status)s") % {"status": answer.status}
        if answer.body.strip():
            reason += " : " + " ".join(answer.body.split())[:300]
    if finished >= delivery.deadline:
        status, next_attempt_at = DeliveryStatus.FAILED, finished
    else:
        status = DeliveryStatus.RETRYING
        next_attempt_at = min(
            finished + webhooks.retry_delay(delivery.attempts),
            max(delivery.deadline, finished),
        )
    mine.update(
        status=status,
        next_attempt_at=next_attempt_at,
        lease_until=None,
        last_status_code=answer.status,
        last_error=reason[:500],
    )
    if status == DeliveryStatus.RETRYING:
        _enqueue(partner_id=partner.pk, offer_id=delivery.offer_id, run_after=next_attempt_at)
    return status


def deliveries_send_due(*, now: datetime | None = None) -> int:
    """The safety net: send every due delivery whose task was lost (worker stopped, deferred
    task dropped) or whose sender died (lease expired). Returns how many were accepted."""
    current = now or timezone.now()
    pairs = list(
        Delivery.objects.filter(
            Q(
                status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING],
                next_attempt_at__lte=current,
            )
            | Q(status=DeliveryStatus.SENDING, lease_until__lt=current),
            partner__paused_at__isnull=True,
        )
        .values_list("partner_id", "offer_id")
        .order_by()
        .distinct()[:SWEEP_LIMIT]
    )
    return sum(deliveries_send(partner_id=p, offer_id=o, now=now) for p, o in pairs)


# --- Partners ---------------------------------------------------------------------------


def _require_moderator(user: User) -> None:
    if not user.is_moderator:
        raise PermissionDenied


def partner_save(*, partner: Partner, by: User) -> Partner:
    """Register or change a partner; a blank secret gets a random one."""
    _require_moderator(by)
    if not partner.secret.strip():
        partner.secret = partner_secret_generate()
    if partner.pk is None:
        partner.created_by = by
    partner.full_clean()
    partner.save()
    return partner


def partner_secret_generate() -> str:
    return "whsec_" + get_random_string(40)


def partner_pause(*, partner: Partner, by: User) -> Partner:
    """Stop sending: events keep being recorded for the partner and wait for its resumption."""
    _require_moderator(by)
    if partner.paused_at is None:
        partner.paused_at = timezone.now()
        partner.save(update_fields=["paused_at", "updated_at"])
    return partner


def partner_resume(*, partner: Partner, by: User) -> Partner:
    """Send again what waited; the waiting does not count in the 24-hour window."""
    _require_moderator(by)
    with transaction.atomic():
        now = timezone.now()
        partner.paused_at = None
        partner.save(update_fields=["paused_at", "updated_at"])
        open_deliveries = Delivery.objects.filter(partner=partner, status__in=OPEN_STATUSES)
        open_deliveries.update(deadline=Greatest("deadline", now + DELIVERY_WINDOW))
        _enqueue_pairs(partner, open_deliveries)
    return partner


def partner_replay(*, partner: Partner, by: User, since: datetime | None = None) -> int:
    """Send again the deliveries given up ("en échec"), and with `since` also those accepted
    since then (a partner that lost data). Each keeps its event's idempotency key."""
    _require_moderator(by)
    with transaction.atomic():
        now = timezone.now()
        replayed = Q(status=DeliveryStatus.FAILED)
        if since is not None:
            replayed |= Q(status=DeliveryStatus.ACCEPTED, created_at__gte=since)
        deliveries = Delivery.objects.filter(replayed, partner=partner)
        pairs = list(deliveries.values_list("offer_id", flat=True).distinct())
        count = deliveries.update(
            status=DeliveryStatus.PENDING,
            attempts=0,
            next_attempt_at=now,
            deadline=now + DELIVERY_WINDOW,
            lease_until=None,
        )
        if not partner.is_paused:
            for offer_id in pairs:
                _enqueue(partner_id=partner.pk, offer_id=offer_id)
    return count


def _enqueue_pairs(partner: Partner, deliveries: QuerySet[Delivery]) -> None:
    for offer_id in deliveries.values_list("offer_id", flat=True).order_by().distinct():
        _enqueue(partner_id=partner.pk, offer_id=offer_id)
