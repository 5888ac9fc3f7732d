"""Build the matching matrix and store it for every web process (after imports; `make run` and
the daily job run it), so that no ranking request ever builds it."""

import time
from typing import Any

from django.core.management.base import BaseCommand

from tremplin.matching.matrix import matrix_build
from tremplin.matching.store import matrix_store


class Command(BaseCommand):
    help = "Build the matching matrix of the current data and store it for every process."

    def handle(self, *args: object, **options: Any) -> None:
        started = time.monotonic()
        matrix = matrix_store(matrix_build())
        self.stdout.write(
            f"matching matrix: {matrix.size} communes, {matrix.nbytes / 1e6:.1f} MB, "
            f"built and stored in {time.monotonic() - started:.1f} s"
        )
