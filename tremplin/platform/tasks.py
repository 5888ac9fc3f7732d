from django.tasks import task

from tremplin.platform import moderation


@task
def moderation_digest_send() -> int:
    return moderation.moderation_digest_send()
