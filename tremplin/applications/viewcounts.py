"""Offer page views, counted per offer and day without a database write on every page view.

Why process memory and not Redis: the platform must run on a fresh machine with SQLite alone
(no Redis, docs/architecture.md), and a statistic may lose the last few seconds of a crashed
process without harm. Each process keeps its own buffer `{(offer, day): views}` and flushes it
when it holds `OFFER_VIEWS_FLUSH_EVERY` views or its oldest view is `OFFER_VIEWS_FLUSH_SECONDS`
old (checked at the next view), and when the process exits. A flush writes one upsert per
(offer, day) — `INSERT … ON CONFLICT DO UPDATE SET views = views + n`, the same SQL on SQLite
and PostgreSQL — and one `F()` increment of each offer's lifetime total: increments, never
overwrites, so several processes flushing at once add up.
"""

import atexit
import contextlib
import logging
import re
import threading
import time
from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from tremplin.applications.models import OfferDayViews
from tremplin.offers.models import Offer
from tremplin.offers.services import offer_views_add

logger = logging.getLogger(__name__)

# Crawlers name themselves; a view by one of them says nothing about interest.
BOT_PATTERN = re.compile(r"bot|crawl|spider", re.IGNORECASE)


def is_bot(user_agent: str) -> bool:
    return bool(BOT_PATTERN.search(user_agent))


class ViewBuffer:
    """Views waiting for their flush, safe across the threads of one process."""

    def __init__(
        self,
        *,
        every_views: int,
        every_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.every_views = every_views
        self.every_seconds = every_seconds
        self.clock = clock
        self._counts: dict[tuple[int, date], int] = {}
        self._pending = 0
        self._oldest: float | None = None
        self._lock = threading.Lock()

    def add(self, *, offer_id: int, day: date) -> bool:
        """Count one view; True when the buffer is due for a flush."""
        with self._lock:
            key = (offer_id, day)
            self._counts[key] = self._counts.get(key, 0) + 1
            self._pending += 1
            if self._oldest is None:
                self._oldest = self.clock()
            return (
                self._pending >= self.every_views
                or self.clock() - self._oldest >= self.every_seconds
            )

    def take(self) -> dict[tuple[int, date], int]:
        """Empty the buffer and hand over what it held."""
        with self._lock:
            counts, self._counts = self._counts, {}
            self._pending = 0
            self._oldest = None
        return counts

    def restore(self, counts: dict[tuple[int, date], int]) -> None:
        """Put back counts a failed flush could not write (the next flush retries them)."""
        with self._lock:
            for key, views in counts.items():
                self._counts[key] = self._counts.get(key, 0) + views
                self._pending += views
            if counts and self._oldest is None:
                self._oldest = self.clock()

    @property
    def pending(self) -> int:
        return self._pending


buffer = ViewBuffer(
    every_views=settings.OFFER_VIEWS_FLUSH_EVERY,
    every_seconds=settings.OFFER_VIEWS_FLUSH_SECONDS,
)


def _upsert_sql() -> str:
    table = connection.ops.quote_name(OfferDayViews._meta.db_table)
    offers = connection.ops.quote_name(Offer._meta.db_table)
    # INSERT … SELECT from the offer: an offer deleted since its views were buffered writes
    # nothing instead of failing the flush on its foreign key.
    return (
        f"INSERT INTO {table} (offer_id, day, views) "
        f"SELECT id, %s, %s FROM {offers} WHERE id = %s "
        f"ON CONFLICT (offer_id, day) DO UPDATE SET views = {table}.views + excluded.views"
    )


def offer_views_flush(*, views_buffer: ViewBuffer | None = None) -> int:
    """Write the buffered views: one upsert per (offer, day), one increment per offer. Returns
    the number of views taken from the buffer (those of an offer deleted meanwhile are dropped);
    on a database error they go back to the buffer."""
    views_buffer = views_buffer or buffer
    counts = views_buffer.take()
    if not counts:
        return 0
    per_offer: dict[int, int] = {}
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            sql = _upsert_sql()
            for (offer_id, day), views in sorted(counts.items()):
                cursor.execute(sql, [day, views, offer_id])
                per_offer[offer_id] = per_offer.get(offer_id, 0) + views
            for offer_id, views in sorted(per_offer.items()):
                offer_views_add(offer_id=offer_id, views=views)
    except Exception:
        views_buffer.restore(counts)
        raise
    return sum(counts.values())


def offer_view_record(
    *, offer: Offer, user_agent: str, views_buffer: ViewBuffer | None = None
) -> bool:
    """Count a page view of an offer (the caller has left out the organisation's members);
    False for a bot. Flushes when the buffer is due."""
    if is_bot(user_agent):
        return False
    views_buffer = views_buffer or buffer
    if views_buffer.add(offer_id=offer.pk, day=timezone.localdate()):
        try:
            offer_views_flush(views_buffer=views_buffer)
        except DatabaseError:
            # The views are back in the buffer for the next flush; the visitor still gets
            # the page.
            logger.exception("Offer views flush failed; kept for the next one")
    return True


def _flush_at_exit() -> None:
    # At exit there is nobody left to tell: a failed last flush loses a few views, no more.
    with contextlib.suppress(Exception):
        offer_views_flush()


atexit.register(_flush_at_exit)
