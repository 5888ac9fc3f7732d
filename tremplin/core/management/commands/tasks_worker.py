"""`manage.py tasks_worker`: the task worker to run in production and in `make run` (instead of
django-tasks-db's `db_worker`): it outlives database outages, takes back the tasks of dead
workers after a lease (at most TASKS_MAX_ATTEMPTS runs), gives back at once the task an outage
interrupted (core/worker.py)."""

import logging
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tremplin.core.worker import worker_run


class Command(BaseCommand):
    help = (
        "Run the database task worker: survives database outages (waits and goes on), gives "
        "back the tasks of workers dead for TASKS_LEASE_SECONDS, at most TASKS_MAX_ATTEMPTS runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue-name", default="default", help="Queues, comma-separated.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")
        parser.add_argument("--batch", action="store_true", help="Run what is ready, then exit.")
        parser.add_argument("--max-tasks", type=int, default=None)
        parser.add_argument("--worker-id", default="", help="Unique per worker (default: random).")

    def handle(
        self,
        *args: object,
        queue_name: str,
        interval: float,
        batch: bool,
        max_tasks: int | None,
        worker_id: str,
        verbosity: int,
        **options: object,
    ) -> None:
        if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
            raise CommandError(
                "tasks_worker runs the database queue; with TASKS_BACKEND=rq run `manage.py rqworker`."
            )
        if len(worker_id) > 64:
            raise CommandError("--worker-id: 64 characters at most.")
        for name in ("tremplin.worker", "django_tasks_db", "django.tasks"):
            log = logging.getLogger(name)
            log.setLevel(logging.INFO if verbosity else logging.CRITICAL)
            if not log.hasHandlers():
                log.addHandler(logging.StreamHandler(sys.stdout))
        worker_run(
            queue_names=[name for name in queue_name.split(",") if name],
            interval=interval,
            batch=batch,
            max_tasks=max_tasks,
            worker_id=worker_id,
            signals=True,
        )
