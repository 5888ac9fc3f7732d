"""The task the fault test queues (tests/core/test_fault.py): it writes one row per key into a
table the test creates, counting its runs, so a lost task (no row) and a task done twice
(runs = 2) both show."""

import time

from django.db import connection
from django.tasks import task


@task
def fault_probe(*, key: str, seconds: float = 0.0) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO fault_probe (key) VALUES (%s)"
            " ON CONFLICT (key) DO UPDATE SET runs = fault_probe.runs + 1",
            [key],
        )
    time.sleep(seconds)  # long enough to be caught mid-task by an outage or a SIGKILL
    return key
