import pytest

from tremplin.matching.store import matrix_invalidate


@pytest.fixture(autouse=True)
def _fresh_matrix():
    """Each test builds its territories: the matrix of the previous test must not survive it
    (two test databases may hold as many communes and sources, hence the same version)."""
    matrix_invalidate()
    yield
    matrix_invalidate()
