"""Counters shared by every process and node, for rate limits (API tokens, anything per minute).

With `REDIS_URL` the cache is Redis, shared by everyone: `cache.add` then `cache.incr` are two
atomic Redis commands, so two workers counting at once never lose a hit. Without it the cache
is each process's memory, which would give every gunicorn worker its own limit: the counter
is then a row of `RateCounter`, incremented in SQL (`count = count + 1`), shared through the
database on SQLite and PostgreSQL alike.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction

from tremplin.core.models import RateCounter


def counter_hit(*, key: str, window_seconds: int, now: datetime) -> int:
    """Count one hit of `key` in its window (the caller puts the window in the key, e.g. the
    minute); returns the count so far, this hit included."""
    if settings.CACHE_IS_SHARED:
        return _cache_hit(key=key, timeout=window_seconds * 2)
    return _database_hit(key=key, expires_at=now + timedelta(seconds=window_seconds * 2), now=now)


def _cache_hit(*, key: str, timeout: int) -> int:
    cache.add(key, 0, timeout=timeout)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 0, timeout=timeout)
        return int(cache.incr(key))


def _database_hit(*, key: str, expires_at: datetime, now: datetime) -> int:
    for _attempt in range(3):
        counted = _database_increment(key)
        if counted is not None:
            return counted
        try:
            with transaction.atomic():
                RateCounter.objects.create(key=key, count=1, expires_at=expires_at)
        except IntegrityError:  # another process created it first: count on its row
            continue
        # A new window: forget the finished ones (a few rows a minute at most).
        RateCounter.objects.filter(expires_at__lt=now).delete()
        return 1
    raise RuntimeError(f"Counter {key!r} could not be incremented.")


def _database_increment(key: str) -> int | None:
    """`count + 1` and the new count in one statement (UPDATE … RETURNING: PostgreSQL, and
    SQLite since 3.35), so two processes incrementing at once each read their own number."""
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET count = count + 1 WHERE key = %s RETURNING count",
            [key],
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])
