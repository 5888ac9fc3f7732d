"""Shared counters (core/counters.py): in the database without REDIS_URL, in Redis with it;
either way every process and node counts on the same number."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tremplin.core.counters import counter_hit
from tremplin.core.models import RateCounter


@pytest.mark.django_db
def test_without_a_shared_cache_hits_are_counted_in_the_database(settings):
    settings.CACHE_IS_SHARED = False
    now = timezone.now()

    assert [counter_hit(key="a:1", window_seconds=60, now=now) for _ in range(3)] == [1, 2, 3]
    assert counter_hit(key="b:1", window_seconds=60, now=now) == 1
    assert RateCounter.objects.get(key="a:1").count == 3


@pytest.mark.django_db
def test_a_new_window_forgets_the_finished_ones(settings):
    settings.CACHE_IS_SHARED = False
    now = timezone.now()
    counter_hit(key="a:1", window_seconds=60, now=now)

    counter_hit(key="a:3", window_seconds=60, now=now + timedelta(minutes=3))
    assert list(RateCounter.objects.values_list("key", flat=True)) == ["a:3"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_in_the_database_are_all_counted(settings):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: concurrency is shown on PostgreSQL")
    settings.CACHE_IS_SHARED = False
    now = timezone.now()
    counted: list[int] = []

    def hit() -> None:
        for _ in range(10):
            counted.append(counter_hit(key="c:1", window_seconds=60, now=now))
        connection.close()

    threads = [threading.Thread(target=hit) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(counted) == list(range(1, 51))


@pytest.mark.redis
def test_with_redis_every_node_counts_on_the_same_number(settings):
    """Two cache clients (two nodes) and five threads each: no hit lost, none counted twice."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    assert settings.CACHE_IS_SHARED
    assert isinstance(caches["default"], RedisCache)
    now = timezone.now()
    counted: list[int] = []

    def hit() -> None:
        for _ in range(20):
            counted.append(counter_hit(key="r:1", window_seconds=60, now=now))

    threads = [threading.Thread(target=hit) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(counted) == list(range(1, 121))
    other_node = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": "tremplin"})
    assert other_node.get("r:1") == 120
