"""The task worker that survives faults (core/worker.py): outages, dead workers, a task whose
end was not recorded, pruning."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.tasks import task_backends
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tremplin.core import worker as worker_module
from tremplin.core.models import SentEmail, WorkerHeartbeat
from tremplin.core.tasks import send_email
from tremplin.core.worker import task_results_prune, tasks_reclaim, worker_run

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
LEASE = timedelta(seconds=60)


@pytest.fixture
def database_queue():
    with override_settings(TASKS=DATABASE_TASKS):
        task_backends._settings = None
        try:
            yield
        finally:
            task_backends._settings = None


def queue_email(key: str, subject: str = "Bonjour") -> DBTaskResult:
    result = send_email.enqueue(to=["lea@example.org"], subject=subject, body="Corps", key=key)
    return DBTaskResult.objects.get(pk=result.id)


def claimed_by_a_dead_worker(row: DBTaskResult, *, attempts: int = 1) -> DBTaskResult:
    """The row as a worker killed mid-task leaves it: RUNNING, started two leases ago."""
    row.status = "RUNNING"
    row.worker_ids = [f"dead-{n}" for n in range(attempts)]
    row.started_at = timezone.now() - 2 * LEASE
    row.save()
    return row


@pytest.mark.django_db(transaction=True)
def test_it_runs_the_queued_tasks_and_beats(database_queue, mailoutbox):
    row = queue_email("k1")
    worker = worker_run(queue_names=["default"], batch=True, worker_id="w1", lease=60)

    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"
    assert [m.subject for m in mailoutbox] == ["Bonjour"]
    assert worker.worker_id == "w1"
    assert WorkerHeartbeat.objects.get(worker_id="w1").beat_at > timezone.now() - LEASE


@pytest.mark.django_db(transaction=True)
def test_the_command_runs_the_queue(database_queue, mailoutbox):
    queue_email("k1")
    call_command("tasks_worker", batch=True, verbosity=0)
    assert len(mailoutbox) == 1


@pytest.mark.django_db(transaction=True)
def test_it_waits_and_goes_on_after_a_database_outage(database_queue, mailoutbox, monkeypatch):
    row = queue_email("k1")
    real_claim = worker_module.SupervisedWorker.claim_next
    failures = iter([True, True, True])

    def claim_during_an_outage(self):
        if next(failures, False):
            raise OperationalError("connection refused")
        return real_claim(self)

    monkeypatch.setattr(worker_module.SupervisedWorker, "claim_next", claim_during_an_outage)
    waits: list[float] = []
    worker = worker_run(queue_names=["default"], batch=True, lease=60, sleep=waits.append)

    assert waits == [1.0, 2.0, 4.0]  # backing off, not exiting
    assert worker.outages == 3
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"
    assert len(mailoutbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_task_whose_end_was_not_recorded_runs_again_with_the_effect_of_once(
    database_queue, mailoutbox, monkeypatch
):
    """The database drops after the send, before the result: the worker gives the task back
    when the database answers again, and its second run finds the email's key (sent once)."""
    row = queue_email("k1")
    real_success = DBTaskResult.set_successful
    calls = iter([True])

    def drop(self, value):
        if next(calls, False):
            raise OperationalError("server closed the connection unexpectedly")
        return real_success(self, value)

    monkeypatch.setattr(DBTaskResult, "set_successful", drop)
    worker = worker_run(queue_names=["default"], batch=True, lease=60, sleep=lambda s: None)

    row.refresh_from_db()
    assert worker.outages == 1
    assert row.status == "SUCCESSFUL"
    assert len(row.worker_ids) == 2  # given back at once by the worker itself, not after a lease
    assert row.return_value == 0  # the second run sent nothing
    assert len(mailoutbox) == 1
    assert SentEmail.objects.filter(key="k1").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_task_whose_worker_died_is_taken_again_after_the_lease(database_queue, mailoutbox):
    row = claimed_by_a_dead_worker(queue_email("k1"))
    WorkerHeartbeat.objects.create(
        worker_id="dead-0", started_at=row.started_at, beat_at=timezone.now() - 2 * LEASE
    )

    assert tasks_reclaim(now=timezone.now(), lease=LEASE, max_attempts=3) == (1, 0)
    worker_run(queue_names=["default"], batch=True, lease=60)

    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"
    assert row.worker_ids[0] == "dead-0"
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_task_of_a_live_worker_is_left_running(database_queue):
    row = claimed_by_a_dead_worker(queue_email("k1"))
    WorkerHeartbeat.objects.create(
        worker_id="dead-0", started_at=row.started_at, beat_at=timezone.now()
    )

    assert tasks_reclaim(now=timezone.now(), lease=LEASE, max_attempts=3) == (0, 0)
    row.refresh_from_db()
    assert row.status == "RUNNING"


@pytest.mark.django_db
def test_a_task_without_heartbeat_is_taken_again_only_a_lease_after_its_start(database_queue):
    row = queue_email("k1")
    row.status, row.worker_ids, row.started_at = "RUNNING", ["plain"], timezone.now()
    row.save()

    assert tasks_reclaim(now=timezone.now(), lease=LEASE, max_attempts=3) == (0, 0)
    assert tasks_reclaim(now=timezone.now() + 2 * LEASE, lease=LEASE, max_attempts=3) == (1, 0)


@pytest.mark.django_db
def test_a_task_whose_workers_died_too_often_fails_with_the_reason(database_queue):
    row = claimed_by_a_dead_worker(queue_email("k1"), attempts=3)

    assert tasks_reclaim(now=timezone.now(), lease=LEASE, max_attempts=3) == (0, 1)
    row.refresh_from_db()
    assert row.status == "FAILED"
    assert row.exception_class_path == "tremplin.core.worker.LeaseExpired"


@pytest.mark.django_db
def test_old_finished_results_are_pruned_and_the_rest_kept(database_queue):
    now = timezone.now()
    old, recent, waiting = (queue_email(f"k{n}") for n in range(3))
    DBTaskResult.objects.filter(pk=old.pk).update(
        status="SUCCESSFUL", finished_at=now - timedelta(days=15)
    )
    DBTaskResult.objects.filter(pk=recent.pk).update(
        status="FAILED", finished_at=now - timedelta(days=13)
    )
    WorkerHeartbeat.objects.create(
        worker_id="gone", started_at=now, beat_at=now - timedelta(days=2)
    )
    WorkerHeartbeat.objects.create(worker_id="here", started_at=now, beat_at=now)

    assert task_results_prune(now=now, keep_days=14) == 1
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["here"]


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_beats_while_the_main_thread_is_busy():
    """A long task keeps its lease: the beat comes from a thread of its own."""
    import time

    from tremplin.core.worker import Heartbeat

    heartbeat = Heartbeat(worker_id="busy", every=0.1)
    heartbeat.beat()
    first = WorkerHeartbeat.objects.get(worker_id="busy").beat_at
    heartbeat.start()
    try:
        time.sleep(0.5)  # the main thread "runs a task"
    finally:
        heartbeat.stopped.set()
        heartbeat.join()
    assert WorkerHeartbeat.objects.get(worker_id="busy").beat_at > first
