"""`/sante/`: 200 when the database, the cache, the worker and the queue are fine, 503 when one
is not, with figures a monitor can graph; no login, no personal data."""

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.tasks import task_backends
from django.test import override_settings
from django.utils import timezone

from tremplin.core.models import WorkerHeartbeat
from tremplin.core.tasks import send_email

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def database_queue():
    with override_settings(TASKS=DATABASE_TASKS):
        task_backends._settings = None
        try:
            yield
        finally:
            task_backends._settings = None


def beat(seconds_ago: float) -> None:
    at = timezone.now() - timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.update_or_create(
        worker_id="w", defaults={"beat_at": at}, create_defaults={"beat_at": at, "started_at": at}
    )


@pytest.mark.django_db
def test_it_is_healthy_with_a_fresh_worker_and_an_empty_queue(client, database_queue):
    beat(5)
    response = client.get("/sante/")

    assert response.status_code == 200
    assert "Retry-After" not in response
    body = response.json()
    assert body["ok"] is True
    assert body["database"] == {"ok": True}
    assert body["cache"]["ok"] is True
    assert 4 <= body["worker"]["heartbeat_age_seconds"] <= 60
    assert body["queue"] == {"ok": True, "oldest_waiting_age_seconds": None, "waiting": 0}
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_it_is_unhealthy_without_a_worker_or_with_a_stale_one(client, database_queue):
    assert client.get("/sante/").status_code == 503  # no worker ever beat
    beat(121)
    response = client.get("/sante/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json()["worker"]["ok"] is False


@pytest.mark.django_db
def test_it_reports_the_oldest_waiting_task_and_fails_past_the_limit(
    client, database_queue, settings
):
    beat(1)
    send_email.enqueue(to=["lea@example.org"], subject="s", body="b")
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(seconds=300))
    body = client.get("/sante/").json()
    assert body["queue"]["waiting"] == 1
    assert 299 <= body["queue"]["oldest_waiting_age_seconds"] <= 360

    settings.HEALTH_QUEUE_MAX_AGE = 200
    response = client.get("/sante/")
    assert response.status_code == 503
    assert response.json()["queue"]["ok"] is False


@pytest.mark.django_db
def test_a_deferred_task_waits_from_when_it_is_due(client, database_queue):
    beat(1)
    later = timezone.now() + timedelta(minutes=10)
    send_email.using(run_after=later).enqueue(to=["lea@example.org"], subject="s", body="b")
    body = client.get("/sante/").json()
    assert body["queue"]["waiting"] == 0
    assert body["ok"] is True


@pytest.mark.django_db
def test_it_answers_503_when_the_database_is_away(client, database_queue, monkeypatch):
    from tremplin.core import health

    class Down:
        def __enter__(self):
            raise OperationalError("connection refused")

        def __exit__(self, *args):
            return False

    monkeypatch.setattr(health.connection, "cursor", lambda: Down())
    response = client.get("/sante/")
    assert response.status_code == 503
    assert response.json()["database"] == {"ok": False}
    assert response.json()["worker"]["ok"] is False


@pytest.mark.django_db
def test_it_answers_503_when_the_cache_is_away(client, database_queue, monkeypatch):
    from tremplin.core import health

    beat(1)

    def refused(*args, **kwargs):
        raise ConnectionError("redis away")

    monkeypatch.setattr(health.cache, "set", refused)
    response = client.get("/sante/")
    assert response.status_code == 503
    assert response.json()["cache"]["ok"] is False


@pytest.mark.django_db
def test_inline_tasks_need_no_worker(client):
    body = client.get("/sante/").json()
    assert body["ok"] is True
    assert "worker" not in body
