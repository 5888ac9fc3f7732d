"""The fault test: a private PostgreSQL cluster stopped for 10 s under load, then a worker killed
mid-task. Runs with `-m fault` where PostgreSQL's binaries are (.ci/run does, once); the
figures it prints are those of docs/benchmarks.md, "Pannes".

What it shows: the web answers 500/503 during the outage and 200 after it without a restart;
the task workers (`manage.py tasks_worker`) outlive the outage and no queued task is lost or
done twice (each writes its row under a unique key; its runs are logged apart: a run the outage
interrupted is given back and run again); a worker killed with SIGKILL mid-task has its task
done once, by the other worker, after the lease.
"""

import contextlib
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

pytestmark = pytest.mark.fault

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
OUTAGE_SECONDS = 10
LEASE_SECONDS = 3
TASKS_BEFORE, TASKS_AFTER = 60, 10


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """A throw-away PostgreSQL cluster in a temporary folder, on a free port; as root its
    commands run as the `postgres` user (initdb refuses root)."""

    def __init__(self) -> None:
        self.bin = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1])
        self.folder = Path(tempfile.mkdtemp(prefix="tremplin-fault-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.folder, user="postgres", group="postgres")

    def run(self, *args: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_postgres else []
        subprocess.run([*prefix, *args], check=True, capture_output=True, timeout=60)

    def init(self) -> None:
        self.run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
                 "--auth=trust", "-E", "UTF8", "--no-sync")  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-w", "-t", "30",
                 "-l", str(self.folder / "postgres.log"), "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def connect(self, name: str = "tremplin_fault"):
        import psycopg

        return psycopg.connect(self.url(name), autocommit=True, connect_timeout=5)

    def remove(self) -> None:
        with contextlib.suppress(Exception):
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class Load:
    """A few requests a second on the health report and the home page, each answer recorded."""

    base: str
    # (asked at, path, status); `done` holds when each answer came, in the same order.
    answers: list[tuple[float, str, int]] = field(default_factory=list)
    done: list[float] = field(default_factory=list)
    stopped: threading.Event = field(default_factory=threading.Event)

    def get(self, path: str) -> int:
        try:
            with urllib.request.urlopen(self.base + path, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as error:
            if error.code == 503 and not error.headers.get("Retry-After"):
                return -503  # a 503 that does not say when to come back
            return error.code
        except OSError:
            return 0  # no answer at all

    def run(self) -> None:
        while not self.stopped.is_set():
            for path in ("/sante/", "/"):
                asked_at = time.monotonic()
                self.answers.append((asked_at, path, self.get(path)))
                self.done.append(time.monotonic())
            self.stopped.wait(0.3)


def wait_for(check, *, timeout: float, every: float = 0.2, state=None) -> float:
    """Seconds until `check()` holds; fails after `timeout` with `state()` in the message."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        with contextlib.suppress(Exception):
            if check():
                return time.monotonic() - start
        time.sleep(every)
    raise AssertionError(f"not reached within {timeout} s: {state() if state else ''}")


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    cluster = Cluster()
    try:
        cluster.init()
        cluster.start()
        with cluster.connect("postgres") as conn:
            conn.execute("CREATE DATABASE tremplin_fault")
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen]]:
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in started:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def test_the_platform_survives_a_database_outage_and_a_killed_worker(
    cluster: Cluster, processes: list[subprocess.Popen], tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"TREMPLIN_TESTING", "REDIS_URL"}}
    env |= {
        "DATABASE_URL": cluster.url("tremplin_fault"),
        "DEBUG": "true",
        "TASKS_LEASE_SECONDS": str(LEASE_SECONDS),
        "EMAIL_OUTBOX_DIR": str(cluster.folder / "outbox"),
        "PYTHONUNBUFFERED": "1",
    }
    logs = tmp_path  # kept by pytest: web.log, fault-w1.log, fault-w2.log

    def manage(*args: str) -> None:
        subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=120)  # fmt: skip

    def spawn(name: str, *args: str, extra: dict[str, str] | None = None) -> subprocess.Popen:
        with (logs / f"{name}.log").open("w") as log:  # the child keeps its own copy
            process = subprocess.Popen(
                args, cwd=ROOT, env=env | (extra or {}), start_new_session=True, stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        processes.append(process)
        return process

    def setup_and_enqueue(keys: list[str], seconds: float) -> None:
        """Migrate, create the probe table and queue the first tasks through Django's own
        `enqueue`, in one process (each Django start costs seconds)."""
        code = (
            "from django.core.management import call_command\n"
            "from django.db import connection\n"
            "from tests.core.fault_tasks import fault_probe\n"
            "call_command('migrate', verbosity=0)\n"
            "connection.cursor().execute('CREATE TABLE fault_probe (key text PRIMARY KEY)')\n"
            "connection.cursor().execute('CREATE TABLE fault_runs (key text NOT NULL)')\n"
            f"for key in {keys!r}: fault_probe.enqueue(key=key, seconds={seconds})"
        )
        manage("shell", "-c", code)

    def enqueue_more(keys: list[str], seconds: float) -> None:
        """Queue more while the platform runs: the row `enqueue` wrote above, copied with
        another key (no Django start on the clock)."""
        with cluster.connect() as conn:
            for key in keys:
                conn.execute(
                    "INSERT INTO django_tasks_database_dbtaskresult (id, status, enqueued_at,"
                    " args_kwargs, priority, task_path, worker_ids, queue_name, backend_name,"
                    " run_after, return_value, exception_class_path, traceback)"
                    " SELECT gen_random_uuid(), 'READY', now(), %s::jsonb, priority, task_path,"
                    " '[]', queue_name, backend_name, run_after, NULL, '', ''"
                    " FROM django_tasks_database_dbtaskresult LIMIT 1",
                    [json.dumps({"args": [], "kwargs": {"key": key, "seconds": seconds}})],
                )

    def rows() -> dict[str, int]:
        """Each key written (the task's effect) with the number of runs that started."""
        with cluster.connect() as conn:
            found = conn.execute(
                "SELECT p.key, (SELECT count(*) FROM fault_runs r WHERE r.key = p.key)"
                " FROM fault_probe p"
            )
            return dict(found.fetchall())

    def statuses() -> dict[str, int]:
        with cluster.connect() as conn:
            found = conn.execute(
                "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
            )
            return dict(found.fetchall())

    started = time.monotonic()
    before = [f"before-{n}" for n in range(TASKS_BEFORE)]
    setup_and_enqueue(before, seconds=0.4)
    web_port = free_port()
    gunicorn = [PYTHON, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{web_port}", "-w", "2"]
    # The web server as in production (DEBUG off: the 503 page, not Django's debug page),
    # on static files collected into the cluster's folder.
    production = {
        "DEBUG": "false",
        "SECRET_KEY": "fault-test-" + os.urandom(8).hex(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": str(cluster.folder / "static"),
    }
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT,
                   env=env | production, check=True, capture_output=True, timeout=300)  # fmt: skip
    web = spawn("web", *gunicorn, "--timeout", "30", extra=production)
    worker_command = [PYTHON, "manage.py", "tasks_worker", "--interval", "0.2"]
    workers = {
        name: spawn(name, *worker_command, "--worker-id", name) for name in ("fault-w1", "fault-w2")
    }
    load = Load(base=f"http://127.0.0.1:{web_port}")
    wait_for(lambda: load.get("/sante/") == 200, timeout=30)

    # 1. A 10-second outage under load, two workers busy with the queue.
    pumping = threading.Thread(target=load.run, daemon=True)
    pumping.start()
    time.sleep(2)
    done_before_stop, state_before_stop = len(rows()), statuses()
    stopping_at = time.monotonic()
    cluster.stop("fast")
    stopped_at = time.monotonic()  # once pg_ctl says it is down
    time.sleep(OUTAGE_SECONDS)
    restart_at = time.monotonic()
    cluster.start()
    back_at = time.monotonic()
    recovery = wait_for(
        lambda: (
            [s for t, p, s in load.answers if t > back_at and p == "/" and s == 200]
            and [s for t, p, s in load.answers if t > back_at and p == "/sante/" and s == 200]
        ),
        timeout=30,
    )
    after = [f"after-{n}" for n in range(TASKS_AFTER)]
    enqueue_more(after, seconds=0.0)
    time.sleep(2)
    load.stopped.set()
    pumping.join()
    wait_for(
        lambda: len(rows()) == TASKS_BEFORE + TASKS_AFTER and set(statuses()) == {"SUCCESSFUL"},
        timeout=40,
        state=lambda: (len(rows()), statuses()),
    )
    drained_at = time.monotonic()

    during = [s for t, _p, s in load.answers if stopped_at <= t < restart_at]
    after_recovery = [s for t, _p, s in load.answers if t > back_at + recovery + 0.5]
    assert done_before_stop < TASKS_BEFORE, "the outage came after the work: nothing shown"
    assert web.poll() is None, "the web server died"
    assert all(w.poll() is None for w in workers.values()), "a worker died"
    # Answered, not hung up, and told to come back: a 503 with Retry-After, never a 500.
    assert during and set(during) == {503}, sorted(set(during))
    answered_before = [
        a[2] for a, done in zip(load.answers, load.done, strict=True) if done < stopping_at
    ]
    assert answered_before and set(answered_before) == {200}
    timeline = [(round(t - back_at, 2), p, s) for t, p, s in load.answers if t > stopped_at]
    assert after_recovery and set(after_recovery) == {200}, timeline
    assert set(rows()) == set(before + after)  # none lost; the key: none written twice
    runs = rows()
    # Every task succeeded on its own record: an outage's interrupted run was given back and
    # run again (at least once), the result of one.
    assert all(count >= 1 for count in runs.values())

    # 2. The worker running a task is killed: the other one does it, once, after the lease.
    enqueue_more(["killed"], seconds=2.0)

    def claimer() -> str:
        with cluster.connect() as conn:
            found = conn.execute(
                "SELECT worker_ids FROM django_tasks_database_dbtaskresult"
                " WHERE status = 'RUNNING' AND args_kwargs->'kwargs'->>'key' = 'killed'"
            ).fetchone()
        return found[0][-1] if found else ""

    wait_for(claimer, timeout=20, every=0.05)
    killed = claimer()
    workers[killed].send_signal(signal.SIGKILL)
    workers[killed].wait(timeout=10)
    killed_at = time.monotonic()
    wait_for(
        lambda: "killed" in rows() and set(statuses()) == {"SUCCESSFUL"},
        timeout=40,
        state=lambda: (rows().get("killed"), statuses()),
    )
    done_at = time.monotonic()
    with cluster.connect() as conn:
        (worker_ids,) = conn.execute(
            "SELECT worker_ids FROM django_tasks_database_dbtaskresult"
            " WHERE args_kwargs->'kwargs'->>'key' = 'killed'"
        ).fetchone()
    (survivor,) = set(workers) - {killed}
    assert worker_ids == [killed, survivor]
    assert rows()["killed"] == 2  # two runs started, the killed one wrote nothing, one row

    figures = {
        "outage_seconds": OUTAGE_SECONDS,
        "requests": len(load.answers),
        "requests_during_outage": len(during),
        "errors_during_outage": sum(1 for s in during if s != 200),
        "statuses_during_outage": sorted(set(during)),
        "errors_after_recovery": sum(1 for s in after_recovery if s != 200),
        "web_recovery_seconds": round(recovery, 2),
        "tasks": TASKS_BEFORE + TASKS_AFTER,
        "tasks_done_before_the_outage": done_before_stop,
        "tasks_running_at_the_outage": state_before_stop.get("RUNNING", 0),
        "tasks_run_again_after_the_outage": sum(c - 1 for k, c in runs.items()),
        "workers": 2,
        "tasks_all_done_seconds_after_restart": round(drained_at - back_at, 1),
        "lease_seconds": LEASE_SECONDS,
        "killed_task_done_seconds_after_kill": round(done_at - killed_at, 1),
        "total_seconds": round(time.monotonic() - started, 1),
    }
    print("\nfault test:", json.dumps(figures))
    if report := os.environ.get("FAULT_REPORT"):
        Path(report).write_text(json.dumps(figures, indent=2) + "\n")
