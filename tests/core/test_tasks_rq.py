"""TASKS_BACKEND=rq: tasks go to RQ on Redis (django-tasks-rq) and an RQ worker runs them."""

import pytest
from django.tasks import task_backends
from django.test import override_settings

from tremplin.core.tasks import send_email

RQ_TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}


@pytest.fixture
def rq_queue(settings):
    import django_rq

    with override_settings(TASKS=RQ_TASKS, RQ_QUEUES={"default": {"URL": settings.REDIS_URL}}):
        task_backends._settings = None
        queue = django_rq.get_queue("default")
        queue.empty()
        try:
            yield queue
        finally:
            queue.empty()
            task_backends._settings = None


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_an_email_queued_on_rq_is_sent_by_the_rq_worker(rq_queue, mailoutbox):
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    result = send_email.enqueue(to=["lea@example.org"], subject="Bonjour", body="Corps", key="rq1")
    assert mailoutbox == []
    assert rq_queue.count == 1

    SimpleWorker([rq_queue], connection=rq_queue.connection, job_class=Job).work(burst=True)

    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert result.return_value == 1
    assert [m.subject for m in mailoutbox] == ["Bonjour"]


def test_rq_needs_a_redis_url(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from config.env import tasks_from_env

    monkeypatch.setenv("TASKS_BACKEND", "rq")
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        tasks_from_env(testing=False, redis_url="")
    tasks, apps = tasks_from_env(testing=False, redis_url="redis://127.0.0.1:6379/0")
    assert tasks["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
    assert apps == ["django_rq"]
    monkeypatch.setenv("TASKS_BACKEND", "celery")
    with pytest.raises(ImproperlyConfigured, match="database or rq"):
        tasks_from_env(testing=False, redis_url="")


def test_the_cache_is_redis_only_with_a_redis_url():
    from django.core.exceptions import ImproperlyConfigured

    from config.env import caches_from_env

    assert caches_from_env("")["default"]["BACKEND"].endswith("LocMemCache")
    redis = caches_from_env("redis://127.0.0.1:6379/2")["default"]
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["LOCATION"] == "redis://127.0.0.1:6379/2"
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        caches_from_env("http://127.0.0.1:6379")
