from django.db import models


class SentEmail(models.Model):
    """The idempotency keys of sent emails: a retried task with the same key sends nothing."""

    key = models.CharField(max_length=200, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key


class PendingEmailItem(models.Model):
    """One change waiting to leave with the others of its batch in a single email (several
    status changes of an application within minutes: one email). See core/batches.py. Deleted
    when its email is queued: the table holds only what is still to send."""

    batch = models.CharField(max_length=200, db_index=True)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    due_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.batch


class WorkerHeartbeat(models.Model):
    """A task worker's proof of life (`manage.py tasks_worker`, core/worker.py): its own thread
    writes `beat_at` every few seconds, even during a long task. A RUNNING task whose worker
    has not beaten for a lease is given back to the queue; `/sante/` reports the freshest age."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.worker_id


class RateCounter(models.Model):
    """A counter shared by every process and node when there is no shared cache (no
    REDIS_URL): one row per key and window, incremented in SQL (core/counters.py)."""

    key = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.key
