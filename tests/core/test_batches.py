"""Grouped emails: the first change opens a window, the others join it, all leave at its end."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tremplin.core.batches import email_batch_add, email_batch_take, email_batches_due

pytestmark = pytest.mark.django_db

WINDOW = timedelta(minutes=10)


def test_the_first_change_opens_the_window_and_the_next_ones_join_it():
    start = timezone.now()

    assert (
        email_batch_add(batch="b-1", payload={"n": 1}, window=WINDOW, now=start) == start + WINDOW
    )
    assert (
        email_batch_add(batch="b-1", payload={"n": 2}, window=WINDOW, now=start + WINDOW / 2)
        is None
    )
    # Another batch has its own window.
    assert email_batch_add(batch="b-2", payload={}, window=WINDOW, now=start) == start + WINDOW

    assert email_batch_take(batch="b-1", now=start + WINDOW - timedelta(seconds=1)) == []
    assert email_batches_due(prefix="b-", now=start + WINDOW) == ["b-1", "b-2"]
    assert [i.payload for i in email_batch_take(batch="b-1", now=start + WINDOW)] == [
        {"n": 1},
        {"n": 2},
    ]
    assert email_batch_take(batch="b-1", now=start + WINDOW) == []  # taken once
    assert email_batches_due(prefix="b-", now=start + WINDOW) == ["b-2"]


def test_a_change_after_the_batch_left_opens_a_new_window():
    start = timezone.now()
    email_batch_add(batch="b-1", payload={}, window=WINDOW, now=start)
    email_batch_take(batch="b-1", now=start + WINDOW)

    later = start + WINDOW + timedelta(minutes=1)
    assert email_batch_add(batch="b-1", payload={}, window=WINDOW, now=later) == later + WINDOW
