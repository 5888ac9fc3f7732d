from django.tasks import task

from tremplin.applications import kept_cv, privacy, services


@task
def thread_notify(*, application_id: int, side: str) -> int:
    return services.thread_notify(application_id=application_id, side=side)


@task
def status_notify(*, application_id: int) -> int:
    return services.status_notify(application_id=application_id)


@task
def notifications_send_due() -> int:
    return services.notifications_send_due()


@task
def applications_anonymise_old() -> int:
    return privacy.applications_anonymise_old()


@task
def kept_cvs_purge_old() -> int:
    return kept_cv.kept_cvs_purge_old()
