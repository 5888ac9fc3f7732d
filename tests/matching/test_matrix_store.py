"""The matrix is built once and stored for every process: a fresh process (or one that sees an
import) loads it instead of building it inside a request."""

from datetime import timedelta

import pytest
from django.core.management import call_command

from tests.matching.builders import limousin
from tremplin.matching import matrix as matrix_module
from tremplin.matching import store as store_module
from tremplin.matching.store import matrix_current, matrix_invalidate
from tremplin.territories.models import DataSource

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(settings, tmp_path):
    settings.MATCHING_MATRIX_DIR = str(tmp_path)
    matrix_invalidate()
    yield tmp_path
    matrix_invalidate()


def _no_build(monkeypatch):
    def refuse():
        raise AssertionError("the matrix was built inside the request")

    monkeypatch.setattr(store_module, "matrix_build", refuse)


def test_a_fresh_process_loads_the_stored_matrix_instead_of_building_it(stored, monkeypatch):
    limousin()
    call_command("matching_matrix", verbosity=0)
    assert len(list(stored.glob("matrix-*.pickle"))) == 1
    matrix_invalidate()  # as a new web worker
    _no_build(monkeypatch)

    matrix = matrix_current()

    assert matrix.insee == ["23030", "69123", "87085", "87126", "87154"]
    assert matrix.memo == {}


def test_an_import_makes_the_stored_matrix_stale_and_the_next_one_replaces_it(stored):
    limousin()
    first = matrix_current()  # built by the first request, and stored
    assert len(list(stored.glob("matrix-*.pickle"))) == 1
    source = DataSource.objects.get(key="stations")
    source.imported_at += timedelta(minutes=1)  # an import
    source.save()

    second = matrix_current()

    assert second.data_version != first.data_version
    files = list(stored.glob("matrix-*.pickle"))
    assert len(files) == 1  # the older version's file removed


def test_an_unreadable_stored_matrix_is_rebuilt(stored):
    limousin()
    version = matrix_module.data_version()
    path = store_module._stored_path(version)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a pickle")

    matrix = matrix_current()

    assert matrix.data_version == version
    assert path.read_bytes() != b"not a pickle"


def test_without_a_folder_nothing_is_stored(settings, tmp_path):
    settings.MATCHING_MATRIX_DIR = ""
    matrix_invalidate()
    limousin()
    matrix_current()
    assert not list(tmp_path.iterdir())
    matrix_invalidate()


def test_a_folder_that_cannot_be_written_does_not_fail_the_ranking(settings, tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    settings.MATCHING_MATRIX_DIR = str(blocked / "matching")  # under a file: mkdir fails
    matrix_invalidate()
    limousin()

    assert matrix_current().size == 5
    matrix_invalidate()
