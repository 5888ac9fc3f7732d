"""The task worker that survives faults (`manage.py tasks_worker`), around django-tasks-db's.

django-tasks-db's `db_worker` has no answer to three faults, so this module adds them:

- **a database outage**: its loop lets an `OperationalError` out and the process ends for good.
  `worker_run` catches it, closes the connections, waits (1 s, doubling, at most 5 s) and goes
  on with the same worker id, as many times as needed.
- **a worker that dies mid-task** (SIGKILL, a lost machine): its task stayed RUNNING forever.
  Each worker has a `WorkerHeartbeat` row that a thread of its own refreshes every lease / 3
  seconds, even during a long task; a RUNNING task whose worker has not beaten for
  `TASKS_LEASE_SECONDS` is put back to READY by any worker, up to `TASKS_MAX_ATTEMPTS` runs
  (then FAILED, with the reason). After a start or an outage a worker waits one lease before
  taking tasks back, so that live workers have beaten again first; the task it was running
  itself when the database went away it gives back at once.
- **at least once**: a task whose end was not recorded (the database went away between its
  work and its result, or its worker died) runs again. Tasks are idempotent (docs/architecture.md,
  STYLE): what they write carries a unique key or a state they check, so a second run has the
  effect of one; an email may leave twice after such a crash, it is never lost. Tasks keep their
  own transactions (a webhook's in-flight lease, one email key committed per email sent): the
  worker does not wrap them in one, which would also hold SQLite's write lock for a whole task.

Finished results older than `TASKS_RESULTS_KEEP_DAYS` are pruned by `task_results_prune`
(run_daily), with the heartbeats of workers gone for a day.
"""

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import (
    InterfaceError,
    OperationalError,
    close_old_connections,
    connections,
)
from django.tasks.base import TaskContext, TaskResultStatus
from django.tasks.signals import task_finished, task_started
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from tremplin.core.models import WorkerHeartbeat

logger = logging.getLogger("tremplin.worker")

DATABASE_DOWN = (OperationalError, InterfaceError)
BACKOFF_FIRST = 1.0
BACKOFF_MAX = 5.0


class LeaseExpired(Exception):
    """Recorded on a task whose workers died TASKS_MAX_ATTEMPTS times while running it."""


def heartbeat_write(*, worker_id: str, started_at: datetime, now: datetime) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"beat_at": now},
        create_defaults={
            "beat_at": now,
            "started_at": started_at,
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
        },
    )


def tasks_reclaim(*, now: datetime, lease: timedelta, max_attempts: int) -> tuple[int, int]:
    """Give back to the queue the RUNNING tasks whose worker stopped beating a lease ago (a
    task with no heartbeat row at all, run by a plain `db_worker`, counts from its start).
    Returns (requeued, failed). Each change is a compare-and-set on the status and start, so
    two workers reclaiming at once take a task back once."""
    deadline = now - lease
    alive = set(
        WorkerHeartbeat.objects.filter(beat_at__gte=deadline).values_list("worker_id", flat=True)
    )
    requeued = failed = 0
    for task in DBTaskResult.objects.running().filter(started_at__lt=deadline):
        last_worker = task.worker_ids[-1] if task.worker_ids else ""
        if last_worker in alive:
            continue
        same = DBTaskResult.objects.filter(
            pk=task.pk, status=TaskResultStatus.RUNNING, started_at=task.started_at
        )
        if len(task.worker_ids) >= max_attempts:
            task.set_failed(LeaseExpired(f"{len(task.worker_ids)} workers died running this task."))
            failed += 1
            logger.warning("Task id=%s failed: its workers died %d times", task.pk, max_attempts)
        elif same.update(status=TaskResultStatus.READY):
            requeued += 1
            logger.warning(
                "Task id=%s given back to the queue: worker %s died", task.pk, last_worker
            )
    return requeued, failed


def task_results_prune(*, now: datetime, keep_days: int) -> int:
    """Delete the finished task results older than `keep_days`, and the heartbeats of workers
    gone for a day. Returns the number of results deleted."""
    before = now - timedelta(days=keep_days)
    deleted, _rows = (
        DBTaskResult.objects.finished().filter(finished_at__lt=before).order_by().delete()
    )
    WorkerHeartbeat.objects.filter(beat_at__lt=now - timedelta(days=1)).delete()
    return deleted


class Heartbeat(threading.Thread):
    """Refreshes the worker's heartbeat every `every` seconds, whatever the main thread runs.
    A failed beat (the database is away) is logged and retried at the next one."""

    def __init__(self, *, worker_id: str, every: float) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.every = every
        self.started_at = timezone.now()
        self.stopped = threading.Event()

    def beat(self) -> bool:
        try:
            heartbeat_write(
                worker_id=self.worker_id, started_at=self.started_at, now=timezone.now()
            )
            return True
        except DATABASE_DOWN as error:
            logger.warning("Heartbeat not written (database unavailable): %s", error)
            return False
        finally:
            connections.close_all()

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            self.beat()


class SupervisedWorker(Worker):
    """django-tasks-db's worker loop, plus lease reclaiming between tasks and the give-back of
    a task interrupted by an outage. A database error out of the loop goes to `worker_run`.
    It runs the queues it is given by name ("*" is not supported)."""

    def __init__(self, *, lease: float, max_attempts: int, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lease = timedelta(seconds=lease)
        self.max_attempts = max_attempts
        self.reclaim_after = time.monotonic() + lease
        self.next_reclaim = 0.0
        self.reached_database = False
        self.outages = 0
        # Tasks this worker was running when the database went away: its own to give back.
        self.abandoned: list[DBTaskResult] = []

    def give_back_abandoned(self) -> None:
        while self.abandoned:
            task = self.abandoned[0]
            DBTaskResult.objects.filter(
                pk=task.pk, status=TaskResultStatus.RUNNING, started_at=task.started_at
            ).update(status=TaskResultStatus.READY)
            self.abandoned.pop(0)

    def claim_next(self) -> DBTaskResult | None:
        """The next READY task, claimed for this worker (django-tasks-db's own query)."""
        tasks = DBTaskResult.objects.ready().filter(
            backend_name=self.backend_name, queue_name__in=self.queue_names
        )
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
            except OperationalError as error:
                if is_locked_database_exception(error):  # SQLite busy: try again later
                    return None
                raise
            if task_result is not None:
                task_result.claim(self.worker_id)
        self.reached_database = True
        return task_result

    def run(self) -> None:
        """django-tasks-db's loop, with the lease check before each look at the queue."""
        while self.running:
            close_old_connections()
            self.give_back_abandoned()
            self.reclaim()
            task_result = self.claim_next()
            if task_result is not None:
                self.run_task(task_result)
            elif self.batch:
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return
            close_old_connections()
            if self.running and task_result is None:
                time.sleep(self.interval)

    def grace(self) -> None:
        """Wait a lease before reclaiming (after a start or an outage: live workers beat first)."""
        self.reclaim_after = time.monotonic() + self.lease.total_seconds()

    def reclaim(self) -> None:
        clock = time.monotonic()
        if clock < self.reclaim_after or clock < self.next_reclaim:
            return
        self.next_reclaim = clock + self.lease.total_seconds() / 3
        tasks_reclaim(now=timezone.now(), lease=self.lease, max_attempts=self.max_attempts)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        try:
            self.running_task = True
            task = db_task_result.task
            task_result = db_task_result.task_result
            backend_type = type(task.get_backend())
            task_started.send(sender=backend_type, task_result=task_result)
            if task.takes_context:
                context: TaskContext = TaskContext(task_result=task_result)
                value = task.call(context, *task_result.args, **task_result.kwargs)
            else:
                value = task.call(*task_result.args, **task_result.kwargs)
            db_task_result.set_successful(value)
            task_finished.send(sender=backend_type, task_result=db_task_result.task_result)
        except DATABASE_DOWN:
            # Its end was not recorded: this worker gives it back to the queue once the database
            # answers again (another worker would after the lease); it runs again, idempotent.
            self.abandoned.append(db_task_result)
            raise
        except Exception as error:
            logger.exception("Task id=%s failed", db_task_result.pk)
            db_task_result.set_failed(error)
            task_finished.send(
                sender=type(db_task_result.task.get_backend()),
                task_result=db_task_result.task_result,
            )
        finally:
            self.running_task = False
            self._run_tasks += 1


def worker_run(
    *,
    queue_names: list[str],
    interval: float = 1.0,
    batch: bool = False,
    max_tasks: int | None = None,
    worker_id: str = "",
    lease: float | None = None,
    max_attempts: int | None = None,
    signals: bool = False,
    sleep: Callable[[float], None] = time.sleep,
) -> SupervisedWorker:
    """Run the worker until it is stopped (SIGTERM, Ctrl-C) or, with `batch` / `max_tasks`, done;
    a database outage only pauses it."""
    lease = float(lease if lease is not None else settings.TASKS_LEASE_SECONDS)
    worker = SupervisedWorker(
        queue_names=queue_names,
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=worker_id or get_random_string(32),
        excluded_queue_names=[],
        lease=lease,
        max_attempts=max_attempts or settings.TASKS_MAX_ATTEMPTS,
    )
    if signals:
        worker.configure_signals()
    heartbeat = Heartbeat(worker_id=worker.worker_id, every=max(lease / 3, 0.5))
    heartbeat.beat()
    heartbeat.start()
    backoff = BACKOFF_FIRST
    try:
        while True:
            try:
                worker.run()
                return worker
            except DATABASE_DOWN as error:
                if worker.reached_database:  # a new outage, not the same one going on
                    backoff = BACKOFF_FIRST
                worker.reached_database = False
                worker.outages += 1
                first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
                logger.warning(
                    "Database unavailable (%s): worker %s waits %.0f s and goes on.",
                    first_line,
                    worker.worker_id,
                    backoff,
                )
                connections.close_all()
                sleep(backoff)
                backoff = min(backoff * 2, BACKOFF_MAX)
                worker.grace()
    finally:
        heartbeat.stopped.set()
