from django.db import models


class SentEmail(models.Model):
    """The idempotency keys of sent emails: a retried task with the same key sends nothing."""

    key = models.CharField(max_length=200, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
