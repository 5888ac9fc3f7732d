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
