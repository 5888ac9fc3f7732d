"""Serving a file written on disk like a static file server: Content-Length, ETag,
Last-Modified, conditional GET (304) and single byte ranges (206).

Two ways to send the bytes:
- `accel_url` given (REVERSE_PROXY=nginx): an empty answer with `X-Accel-Redirect`; nginx sends
  the file from its internal location, with its own Content-Length, ETag, Last-Modified, 304
  and ranges, and the Python thread is free at once whatever the reader's speed;
- otherwise Django sends it (FileResponse; `wsgi.file_wrapper`, sendfile under gunicorn): the
  thread that serves the request is held until the last byte is written, so a reader at
  1 MB/s holds one thread for two minutes on a 120 MB feed (docs/syndication.md).

The file is opened once and its descriptor's size and date make the ETag: if the file is
replaced meanwhile (os.replace), this reader goes on reading the version its headers describe.
"""

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
CHUNK = 256 * 1024


def file_etag(stat: os.stat_result) -> str:
    return f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'


def file_response(
    request: HttpRequest,
    path: Path,
    *,
    content_type: str,
    headers: dict[str, str] | None = None,
    accel_url: str | None = None,
) -> HttpResponseBase | None:
    """The file at `path` for `request` (GET or HEAD); None if there is no such file."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 (closed by the response or below)
    except FileNotFoundError:
        return None
    stat = os.fstat(handle.fileno())
    common = dict(headers or {})
    if accel_url is not None:
        handle.close()
        response: HttpResponseBase = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = accel_url
        return _with(response, common)
    etag = file_etag(stat)
    last_modified = int(stat.st_mtime)
    common.update({"ETag": etag, "Last-Modified": http_date(last_modified)})
    conditional = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if conditional is not None:  # 304 Not Modified (or 412)
        handle.close()
        return _with(conditional, common)
    common["Accept-Ranges"] = "bytes"
    wanted = _range(request, size=stat.st_size, etag=etag, last_modified=last_modified)
    if isinstance(wanted, str):  # "unsatisfiable"
        handle.close()
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{stat.st_size}"
        return _with(refused, common)
    if wanted is None:
        response = FileResponse(handle, content_type=content_type)
        return _with(response, common)
    start, end = wanted
    handle.seek(start)
    partial = StreamingHttpResponse(
        _Part(handle, end - start + 1), status=206, content_type=content_type
    )
    partial["Content-Length"] = str(end - start + 1)
    partial["Content-Range"] = f"bytes {start}-{end}/{stat.st_size}"
    return _with(partial, common)


def _with(response: HttpResponseBase, headers: dict[str, str]) -> HttpResponseBase:
    for name, value in headers.items():
        response[name] = value
    return response


def _range(
    request: HttpRequest, *, size: int, etag: str, last_modified: int
) -> tuple[int, int] | str | None:
    """The one byte range asked for, "unsatisfiable", or None for the whole file (no Range,
    several ranges, a malformed one, or an If-Range that no longer matches)."""
    header = request.headers.get("Range", "").strip()
    match = _RANGE.fullmatch(header)
    if not match or not any(match.groups()):
        return None
    if_range = request.headers.get("If-Range", "").strip()
    if if_range:
        date = parse_http_date_safe(if_range)
        if if_range != etag and (date is None or date != last_modified):
            return None  # the file changed since the reader's first part: send it whole
    first, last = match.groups()
    if not first:  # the last N bytes
        length = int(last)
        if length == 0:
            return "unsatisfiable"
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or start > end:
        return "unsatisfiable"
    return start, end


class _Part:
    """`length` bytes of an open file from its position, closed by the response (even when
    nobody iterated it: a generator's `finally` would not run then)."""

    def __init__(self, handle: BinaryIO, length: int) -> None:
        self.handle = handle
        self.length = length

    def __iter__(self) -> Iterator[bytes]:
        left = self.length
        while left > 0:
            chunk = self.handle.read(min(CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk

    def close(self) -> None:
        self.handle.close()
