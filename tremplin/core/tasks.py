from django.core.mail import EmailMessage, send_mail
from django.db import IntegrityError, transaction
from django.tasks import task

from tremplin.core.models import SentEmail


@task
def send_email(
    *, to: list[str], subject: str, body: str, key: str = "", headers: dict | None = None
) -> int:
    """Send one email. With a `key`, only once: a second run with the same key is a no-op, and a
    failed send frees the key so that a retry can send it."""
    if not key:
        return _send(to=to, subject=subject, body=body, headers=headers)
    try:
        with transaction.atomic():
            marker = SentEmail.objects.create(key=key[:200])
    except IntegrityError:
        return 0
    try:
        return _send(to=to, subject=subject, body=body, headers=headers)
    except Exception:
        marker.delete()
        raise


def _send(*, to: list[str], subject: str, body: str, headers: dict | None) -> int:
    if not headers:
        return send_mail(subject=subject, message=body, from_email=None, recipient_list=to)
    # Extra headers, e.g. List-Unsubscribe on alert digests.
    return EmailMessage(subject=subject, body=body, to=to, headers=headers).send()
