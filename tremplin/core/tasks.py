from django.core.mail import send_mail
from django.tasks import task


@task
def send_email(*, to: list[str], subject: str, body: str) -> int:
    return send_mail(subject=subject, message=body, from_email=None, recipient_list=to)
