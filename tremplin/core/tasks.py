from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone

from tremplin.core.models import SentEmail


@task
def send_email(
    *, to: list[str], subject: str, body: str, key: str = "", headers: dict | None = None
) -> int:
    """Send one email. With a `key`, at least once and normally once: the key is written only
    after the mail server took the email, so a crash before cannot lose it; a crash between the
    two may send it twice (the next run finds no key), never zero times. A run that finds the
    key sends nothing. (The worker commits the key with the task's result: core/worker.py.)"""
    key = key[:200]
    if key and SentEmail.objects.filter(key=key).exists():
        return 0
    sent = _send(to=to, subject=subject, body=body, headers=headers)
    if key:
        try:
            with transaction.atomic():
                SentEmail.objects.create(key=key)
        except IntegrityError:  # another run sent it at the same time: at least once
            pass
    return sent


def _send(*, to: list[str], subject: str, body: str, headers: dict | None) -> int:
    if not headers:
        return send_mail(subject=subject, message=body, from_email=None, recipient_list=to)
    # Extra headers, e.g. List-Unsubscribe on alert digests.
    return EmailMessage(subject=subject, body=body, to=to, headers=headers).send()


@task
def task_results_prune_old() -> int:
    """Delete finished task results older than TASKS_RESULTS_KEEP_DAYS (run_daily)."""
    from tremplin.core.worker import task_results_prune

    return task_results_prune(now=timezone.now(), keep_days=settings.TASKS_RESULTS_KEEP_DAYS)
