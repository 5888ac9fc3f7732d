from django.tasks import task

from tremplin.hosting import services


@task
def installation_checks_send() -> int:
    return services.installation_checks_send()
