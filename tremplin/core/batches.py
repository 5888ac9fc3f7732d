"""Grouped emails: changes that happen within a short window leave together in one email.

The domain adds an item per change (`email_batch_add`); the first item of a quiet batch opens
a window and the domain schedules one sending at its end (a task deferred with `run_after`,
or the `..._send_due` sweep of `run_daily` when the task backend cannot defer); the sending
takes every item of the batch at once (`email_batch_take`) and renders one email from them.
"""

from datetime import datetime, timedelta

from tremplin.core.models import PendingEmailItem


def email_batch_add(
    *, batch: str, payload: dict, window: timedelta, now: datetime
) -> datetime | None:
    """Add one change; returns when the batch leaves if this change opened it (the caller
    schedules the sending then), None if it joined a batch already planned."""
    planned = (
        PendingEmailItem.objects.filter(batch=batch)
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )
    due = planned or now + window
    PendingEmailItem.objects.create(batch=batch, payload=payload, created_at=now, due_at=due)
    return None if planned else due


def email_batch_take(*, batch: str, now: datetime) -> list[PendingEmailItem]:
    """The batch's items once its window is over, taken out of the table; [] before (or when
    a second run finds them gone). Call it inside the transaction that queues the email."""
    items = list(
        PendingEmailItem.objects.select_for_update()
        .filter(batch=batch)
        .order_by("created_at", "pk")
    )
    if not items or min(item.due_at for item in items) > now:
        return []
    PendingEmailItem.objects.filter(pk__in=[item.pk for item in items]).delete()
    return items


def email_batches_due(*, prefix: str, now: datetime) -> list[str]:
    """The batches (whose name starts with `prefix`) whose window is over."""
    return sorted(
        set(
            PendingEmailItem.objects.filter(batch__startswith=prefix, due_at__lte=now).values_list(
                "batch", flat=True
            )
        )
    )


def email_batch_drop(*, batch: str) -> int:
    """Forget a batch (its subject was anonymised or deleted)."""
    deleted, _rows = PendingEmailItem.objects.filter(batch=batch).delete()
    return deleted
