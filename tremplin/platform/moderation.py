"""The moderators' daily digest: what waits for them across the domains (the platform app is the
one that reads every domain). Sent by `run_daily`; nothing pending, no email."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from tremplin.accounts.models import User
from tremplin.applications.models import Application
from tremplin.core.emails import email_send
from tremplin.offers.models import Offer, OfferStatus
from tremplin.organisations.models import Organisation

# Names listed in the email per queue; the page behind the link has them all.
LISTED = 10
# Reports have no "handled" state: the digest tells the ones of the last day.
REPORTS_SINCE = timedelta(days=1)


@dataclass
class Queue:
    count: int
    names: list[str]
    link: str
    more: int = field(init=False)

    def __post_init__(self) -> None:
        self.more = max(self.count - len(self.names), 0)


def _queue(queryset: QuerySet, *, name: Callable[[Any], str], url_name: str) -> Queue:
    return Queue(
        count=queryset.count(),
        names=[name(row) for row in queryset[:LISTED]],
        link=settings.SITE_URL + reverse(url_name),
    )


def moderation_pending(*, now: datetime) -> dict[str, Queue]:
    return {
        "organisations": _queue(
            Organisation.objects.pending().order_by("created_at", "pk"),
            name=lambda organisation: organisation.name,
            url_name="organisations:moderation",
        ),
        "offers": _queue(
            Offer.objects.filter(status=OfferStatus.SUBMITTED).order_by("pk"),
            name=lambda offer: offer.title,
            url_name="offers:moderation",
        ),
        "reports": _queue(
            Application.objects.filter(reported_at__gt=now - REPORTS_SINCE)
            .select_related("offer")
            .order_by("reported_at", "pk"),
            name=lambda application: application.offer.title,
            url_name="applications:reported",
        ),
    }


def moderation_digest_send(*, now: datetime | None = None) -> int:
    """Email every moderator the queues that are not empty; returns the emails queued. Once a
    day: a second run the same day sends nothing more (idempotency key per day)."""
    now = now or timezone.now()
    queues = {name: queue for name, queue in moderation_pending(now=now).items() if queue.count}
    if not queues:
        return 0
    day = timezone.localdate(now).isoformat()
    sent = 0
    for moderator in User.objects.filter(is_staff=True, is_active=True).order_by("pk"):
        email_send(
            to=moderator.email,
            template="platform/emails/moderation_digest",
            context={"queues": queues, "total": sum(q.count for q in queues.values())},
            key=f"moderation-digest-{day}-{moderator.pk}",
        )
        sent += 1
    return sent
