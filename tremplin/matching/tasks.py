from django.tasks import task

from tremplin.matching.matrix import matrix_build
from tremplin.matching.store import matrix_store


@task
def matching_matrix_store() -> dict:
    """Build the matching matrix of the current data and store it for every web process
    (idempotent: the same data gives the same file)."""
    matrix = matrix_store(matrix_build())
    return {"communes": matrix.size, "megabytes": round(matrix.nbytes / 1e6, 1)}
