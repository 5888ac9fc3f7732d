"""The matrix of each process, and its file shared by every process: built once per data
version (by `manage.py matching_matrix`, the daily task or the first process that needs it),
stored, loaded by the others; offers and welcomes read again when they change."""

import contextlib
import hashlib
import logging
import os
import pickle
import threading
from dataclasses import fields, replace
from pathlib import Path

from django.conf import settings

from tremplin.matching.layout import COLUMNS
from tremplin.matching.live import hosting_version, offers_version, with_offers, with_welcomes
from tremplin.matching.matrix import CommuneMatrix, data_version, matrix_build

logger = logging.getLogger(__name__)

# Bumped when the stored matrix's fields change meaning (the columns are checked by name).
MATRIX_FORMAT = 4


class _Cache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.matrix: CommuneMatrix | None = None


_cache = _Cache()


def _stored_path(version: tuple) -> Path | None:
    """Where the matrix of a data version is stored (None: storing is off, as in tests)."""
    folder = getattr(settings, "MATCHING_MATRIX_DIR", "")
    if not folder:
        return None
    # The layout is in the name too: a file written by an older version of the code, with other
    # columns, is never read as this one.
    layout = (MATRIX_FORMAT, tuple(COLUMNS))
    digest = hashlib.sha256(repr((version, layout)).encode()).hexdigest()[:20]
    return Path(folder) / f"matrix-{digest}.pickle"


def matrix_store(matrix: CommuneMatrix) -> CommuneMatrix:
    """Write the matrix once for every process (atomically: a temporary file renamed), and
    remove the files of older data versions. A process that starts, or sees an import, loads it
    in tens of milliseconds instead of building it in seconds."""
    path = _stored_path(matrix.data_version)
    if path is None:
        return matrix
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("wb") as handle:
            pickle.dump(replace(matrix, memo={}), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, path)
        for old in path.parent.glob("matrix-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as error:
        # A read-only or full disk must not fail a ranking: this process keeps its matrix.
        logger.warning("matching matrix not stored in %s: %s", path.parent, error)
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
    return matrix


def matrix_load(version: tuple) -> CommuneMatrix | None:
    """The stored matrix of this data version, if a process (or `manage.py matching_matrix`)
    wrote it; None otherwise or when it cannot be read. The file is the application's own, in
    its cache folder, never user input."""
    path = _stored_path(version)
    if path is None or not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            matrix = pickle.load(handle)  # our own file, see above
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
        return None
    if not isinstance(matrix, CommuneMatrix) or matrix.data_version != version:
        return None
    if any(item.name not in vars(matrix) for item in fields(CommuneMatrix)):
        return None  # written by a version of this code with fewer arrays: built again
    return matrix


def matrix_current() -> CommuneMatrix:
    """The matrix of this process, checked against the database at each call (four small
    queries): after an import, loaded from the stored file of the new data version (or built
    and stored, by the first process to need it); its offers re-read after an offer event, its
    welcomes after a change in the hosting app's pages, housings or activities."""
    with _cache.lock:
        matrix = _cache.matrix
        version = data_version()
        if matrix is None or matrix.data_version != version:
            matrix = matrix_load(version)
            if matrix is None:
                matrix = _cache.matrix = matrix_store(matrix_build())
                return matrix
        current = offers_version()
        if current != matrix.offers_version:
            matrix = with_offers(matrix, offers_version=current)
        welcomes = hosting_version()
        if welcomes != matrix.welcomes_version:
            matrix = with_welcomes(matrix, welcomes_version=welcomes)
        _cache.matrix = matrix
        return matrix


def matrix_invalidate() -> None:
    """Forget this process's matrix: the next ranking rebuilds it whole (tests)."""
    with _cache.lock:
        _cache.matrix = None
