"""The full feeds as files: written by a task, replaced atomically, served as static files.

The whole Indeed XML job feed (≈ 120 MB at 100,000 offers) and the unfiltered JSON feed are not
built per request: a partner reading slowly would hold a Python worker for minutes and be cut
by the worker timeout with a truncated file. Instead:

- `feed_files_generate` writes each one to a temporary file in FEEDS_DIR, then `os.replace`s
  it over the old one: a reader that opened the old file keeps reading it whole (its inode
  lives until it is closed), the next one opens the new file; nobody sees half a file.
- an offer change (syndication's subscriber to offer events) calls `feed_files_mark_stale`: it
  creates the marker `.stale` and, if it was not there yet, queues `feed_files_refresh` for
  when the files are FEEDS_REFRESH_MINUTES old (a burst of changes: one generation). The sweep
  (`deliver_pending`, every minute) and `run_daily` refresh them too, so a lost task only
  delays a refresh.
- serving (`fileserve.file_response`): ETag, Last-Modified, 304, Range; the bytes are sent by
  nginx when REVERSE_PROXY=nginx (X-Accel-Redirect), else by Django (FileResponse).

Before the first generation the view answers 503 with Retry-After and queues the generation
(generating 100,000 offers inside the request takes seconds, and every first reader would do
it at once).
"""

import contextlib
import logging
import os
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.tasks import default_task_backend
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tremplin.syndication import fileserve
from tremplin.syndication.feeds import FEED_MAX_AGE, FORMATS, feed_bytes, feed_pieces, feed_search

logger = logging.getLogger(__name__)

STALE_MARKER = ".stale"
RETRY_AFTER_SECONDS = 60


@dataclass(frozen=True)
class FullFeed:
    kind: str
    filename: str
    url_name: str


FULL_FEEDS = {
    "xml": FullFeed(kind="xml", filename="tremplin-annonces.xml", url_name="syndication:feed_jobs"),
    "json": FullFeed(
        kind="json", filename="tremplin-annonces.json", url_name="syndication:feed_json"
    ),
}


def feeds_dir() -> Path | None:
    """Where the full feeds are written; None: they are streamed by the view instead."""
    return Path(settings.FEEDS_DIR) if settings.FEEDS_DIR else None


def feed_file_path(kind: str) -> Path:
    directory = feeds_dir()
    assert directory is not None, "FEEDS_DIR is empty"
    return directory / FULL_FEEDS[kind].filename


def feed_file_generate(*, kind: str) -> Path:
    """Write the full feed `kind` to a temporary file beside it, then put it in place in one
    step (os.replace). Returns its path."""
    feed = FULL_FEEDS[kind]
    path = feed_file_path(kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    pieces = feed_pieces(kind, QueryDict(""), full_path=reverse(feed.url_name))
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{feed.filename}.")
    try:
        with os.fdopen(descriptor, "wb") as out:
            for chunk in feed_bytes(pieces):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would keep the proxy out
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return path


def feed_files_generate() -> list[str]:
    """Write every full feed again (run_daily; the refresh task). The marker goes first: a
    change committed during the generation marks the files stale again."""
    directory = feeds_dir()
    if directory is None:
        return []
    with contextlib.suppress(FileNotFoundError):
        (directory / STALE_MARKER).unlink()
    return [str(feed_file_generate(kind=kind)) for kind in FULL_FEEDS]


def _generated_at() -> float | None:
    """When the oldest full feed was written (epoch seconds); None if one is missing."""
    try:
        return min(feed_file_path(kind).stat().st_mtime for kind in FULL_FEEDS)
    except FileNotFoundError:
        return None


def _due_at() -> datetime:
    generated = _generated_at()
    if generated is None:
        return timezone.now()
    return datetime.fromtimestamp(generated, tz=timezone.get_current_timezone()) + timedelta(
        minutes=settings.FEEDS_REFRESH_MINUTES
    )


def feed_files_are_stale() -> bool:
    directory = feeds_dir()
    return directory is not None and (directory / STALE_MARKER).exists()


def feed_files_mark_stale() -> bool:
    """An offer changed: the full feeds are out of date. Queues their refresh the first time
    only (True), for when the files are FEEDS_REFRESH_MINUTES old."""
    directory = feeds_dir()
    if directory is None:
        return False
    directory.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(directory / STALE_MARKER, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
    except FileExistsError:
        return False  # already stale: a refresh is on its way
    _refresh_enqueue(at=_due_at())
    return True


def _refresh_enqueue(*, at: datetime) -> None:
    from tremplin.syndication.tasks import feed_files_refresh

    if at > timezone.now() and default_task_backend.supports_defer:
        feed_files_refresh.using(run_after=at).enqueue()
    elif at <= timezone.now():
        feed_files_refresh.enqueue()
    # else: no deferred tasks on this backend; the sweep refreshes them when due.


def feed_files_refresh(*, now: datetime | None = None) -> bool:
    """Write the full feeds again if they are stale and old enough; True if written."""
    if not feed_files_are_stale():
        return False
    due = _due_at()
    if (now or timezone.now()) < due:
        return False  # the task queued by feed_files_mark_stale runs at `due`
    started = time.monotonic()
    feed_files_generate()
    logger.info("Full feeds written in %.1f s", time.monotonic() - started)
    return True


# --- Serving ------------------------------------------------------------------------------


def is_full_feed_request(request: HttpRequest, kind: str) -> bool:
    """Whether the request asks for the file: the job feed without any filter, the JSON feed
    without any query string (its `feed_url` repeats the query string)."""
    if kind not in FULL_FEEDS or feeds_dir() is None:
        return False
    if kind == "json":
        return not request.GET
    try:
        return feed_search(request.GET)[0] == feed_search(QueryDict(""))[0]
    except ValueError:
        return False


def feed_file_response(request: HttpRequest, kind: str) -> HttpResponseBase:
    """The full feed `kind` from its file; 503 with Retry-After before its first generation
    (which this queues)."""
    feed = FULL_FEEDS[kind]
    path = feed_file_path(kind)
    if not path.exists():
        feed_files_mark_stale()
    _writer, content_type, _limited = FORMATS[kind]
    headers = {"Cache-Control": f"public, max-age={FEED_MAX_AGE}"}
    if kind == "xml":
        headers["Content-Disposition"] = f'inline; filename="{feed.filename}"'
    response = fileserve.file_response(
        request,
        path,
        content_type=content_type,
        headers=headers,
        accel_url=settings.FEEDS_ACCEL_PREFIX + feed.filename
        if settings.REVERSE_PROXY == "nginx"
        else None,
    )
    if response is not None:
        return response
    unavailable = HttpResponse(
        _("Le flux est en cours de préparation : réessayez dans une minute."),
        status=503,
        content_type="text/plain; charset=utf-8",
    )
    unavailable["Retry-After"] = str(RETRY_AFTER_SECONDS)
    unavailable["Cache-Control"] = "no-store"
    return unavailable
