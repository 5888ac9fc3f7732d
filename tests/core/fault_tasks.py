"""The task the fault test queues (tests/core/test_fault.py). Idempotent as every task is: its
effect is one row per key (a unique key), and each run is logged apart, so a lost task (no
row), a task done twice (a FAILED run on the key) and the runs an outage or a kill caused show."""

import time

from django.db import connection
from django.tasks import task


@task
def fault_probe(*, key: str, seconds: float = 0.0) -> str:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO fault_runs (key) VALUES (%s)", [key])
    time.sleep(seconds)  # long enough to be caught mid-task by an outage or a SIGKILL
    with connection.cursor() as cursor:
        # Idempotent the way SentEmail is: a run that finds its key does nothing. Two runs at
        # once (a live worker's task taken back) would both pass the check and the second
        # INSERT would fail on the unique key: the test would see a FAILED task.
        cursor.execute("SELECT 1 FROM fault_probe WHERE key = %s", [key])
        if cursor.fetchone():
            return "already done"
        cursor.execute("INSERT INTO fault_probe (key) VALUES (%s)", [key])
    return key
