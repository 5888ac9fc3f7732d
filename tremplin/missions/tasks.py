from django.tasks import task

from tremplin.missions import services


@task
def mission_reminders_send() -> int:
    return services.mission_reminders_send()
