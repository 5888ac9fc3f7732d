"""What `/sante/` reports to a load balancer or a monitor: the database, the cache, the task
worker's heartbeat and the queue's oldest waiting task. No personal data, figures only."""

from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.crypto import get_random_string

DATABASE_QUEUE = "django_tasks_db.DatabaseBackend"


def _age(moment: datetime | None, now: datetime) -> float | None:
    return None if moment is None else round(max((now - moment).total_seconds(), 0.0), 1)


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return {"ok": False}
    return {"ok": True}


def _cache() -> dict:
    key = f"core:health:{get_random_string(12)}"
    try:
        cache.set(key, "1", timeout=10)
        ok = cache.get(key) == "1"
        cache.delete(key)
    except Exception:  # a Redis away raises its client's own errors
        ok = False
    return {"ok": ok, "shared": settings.CACHE_IS_SHARED}


def _queue(now: datetime) -> tuple[dict, dict]:
    """(worker, queue) for the database queue: the freshest heartbeat, the oldest READY task
    that is due (a deferred one waits on purpose)."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    from tremplin.core.models import WorkerHeartbeat

    beat = WorkerHeartbeat.objects.aggregate(latest=Max("beat_at"))["latest"]
    due = DBTaskResult.objects.filter(status="READY").filter(
        Q(run_after=get_date_max()) | Q(run_after__lte=now)
    )
    # A task waits from when it was queued, a deferred one from when it became due.
    immediate = due.filter(run_after=get_date_max()).aggregate(at=Min("enqueued_at"))["at"]
    deferred = due.filter(run_after__lt=get_date_max()).aggregate(at=Min("run_after"))["at"]
    waiting_since = min((at for at in (immediate, deferred) if at is not None), default=None)
    worker_age = _age(beat, now)
    queue_age = _age(waiting_since, now)
    worker = {
        "ok": worker_age is not None and worker_age <= settings.HEALTH_WORKER_MAX_AGE,
        "heartbeat_age_seconds": worker_age,
    }
    queue = {
        "ok": queue_age is None or queue_age <= settings.HEALTH_QUEUE_MAX_AGE,
        "oldest_waiting_age_seconds": queue_age,
        "waiting": due.count(),
    }
    return worker, queue


def health_report(*, now: datetime | None = None) -> dict:
    """Every check and `ok`, true only when all are. With another task backend than the
    database queue (RQ, or inline in tests) the worker and queue are not checked here."""
    now = now or timezone.now()
    report: dict = {"database": _database(), "cache": _cache()}
    if settings.TASKS["default"]["BACKEND"] == DATABASE_QUEUE:
        if report["database"]["ok"]:
            try:
                report["worker"], report["queue"] = _queue(now)
            except DatabaseError:
                report["database"] = {"ok": False}
        if not report["database"]["ok"]:
            report["worker"] = {"ok": False, "heartbeat_age_seconds": None}
            report["queue"] = {"ok": False, "oldest_waiting_age_seconds": None, "waiting": None}
    report["ok"] = all(part["ok"] for part in report.values())
    return report
