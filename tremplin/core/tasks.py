from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.tasks import task

from tremplin.core.models import SentEmail


@task
def send_email(*, to: list[str], subject: str, body: str, key: str = "") -> int:
    """Send one email. With a `key`, only once: a second run with the same key is a no-op, and a
    failed send frees the key so that a retry can send it."""
    if not key:
        return send_mail(subject=subject, message=body, from_email=None, recipient_list=to)
    try:
        with transaction.atomic():
            marker = SentEmail.objects.create(key=key[:200])
    except IntegrityError:
        return 0
    try:
        return send_mail(subject=subject, message=body, from_email=None, recipient_list=to)
    except Exception:
        marker.delete()
        raise
