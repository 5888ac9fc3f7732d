"""The full feeds as files: written atomically by a task, debounced, served like static files."""

import json
import os
import threading
import time
import xml.etree.ElementTree as ET
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.offers.factories import OfferFactory
from tremplin.offers.events import offer_events_dispatch
from tremplin.offers.models import OfferStatus
from tremplin.offers.services import offer_publish
from tremplin.syndication import feedfiles, fileserve
from tremplin.syndication.feeds import feed_bytes, feed_pieces

pytestmark = pytest.mark.django_db


@pytest.fixture
def feeds_dir(tmp_path, settings):
    settings.FEEDS_DIR = str(tmp_path / "feeds")
    settings.REVERSE_PROXY = ""
    return tmp_path / "feeds"


@pytest.fixture
def offers():
    return [OfferFactory(published=True, title=f"Annonce n°{n}") for n in range(3)]


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def test_the_file_holds_what_the_streamed_feed_says(client, settings, feeds_dir, offers):
    feedfiles.feed_files_generate()
    from_file = client.get("/diffusion/annonces.xml")
    file_body = body(from_file)
    settings.FEEDS_DIR = ""
    streamed = client.get("/diffusion/annonces.xml")

    def without_build_date(data: bytes) -> bytes:
        root = ET.fromstring(data)
        root.remove(root.find("lastBuildDate"))
        return ET.tostring(root)

    assert from_file.status_code == streamed.status_code == 200
    assert "ETag" in from_file and "ETag" not in streamed
    assert without_build_date(file_body) == without_build_date(body(streamed))
    assert len(ET.fromstring(file_body).findall("job")) == 3


def test_the_json_file_is_the_unfiltered_json_feed(client, settings, feeds_dir, offers):
    feedfiles.feed_files_generate()
    from_file = json.loads(body(client.get("/diffusion/annonces.json")))
    settings.FEEDS_DIR = ""
    streamed = json.loads(body(client.get("/diffusion/annonces.json")))

    assert from_file == streamed
    assert from_file["feed_url"].endswith("/diffusion/annonces.json")
    assert len(from_file["items"]) == 3


def test_it_serves_the_file_with_length_etag_and_dates(client, feeds_dir, offers):
    [path, _json] = feedfiles.feed_files_generate()

    response = client.get("/diffusion/annonces.xml")
    body(response)

    assert response.status_code == 200
    assert int(response["Content-Length"]) == os.path.getsize(path)
    assert response["ETag"] == fileserve.file_etag(os.stat(path))
    assert response["Last-Modified"].endswith("GMT")
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=300"
    assert "tremplin-annonces.xml" in response["Content-Disposition"]


def test_it_answers_304_to_a_reader_that_has_the_file(client, feeds_dir, offers):
    feedfiles.feed_files_generate()
    first = client.get("/diffusion/annonces.xml")
    body(first)  # read to the end (closing it here would close the database connection)

    by_etag = client.get("/diffusion/annonces.xml", headers={"If-None-Match": first["ETag"]})
    by_date = client.get(
        "/diffusion/annonces.xml", headers={"If-Modified-Since": first["Last-Modified"]}
    )
    stale = client.get("/diffusion/annonces.xml", headers={"If-None-Match": '"autre"'})
    body(stale)

    assert by_etag.status_code == 304 and by_etag["ETag"] == first["ETag"]
    assert by_date.status_code == 304
    assert stale.status_code == 200


def test_it_sends_the_byte_range_asked_for(client, feeds_dir, offers):
    [path, _json] = feedfiles.feed_files_generate()
    whole = Path(path).read_bytes()
    size = len(whole)

    middle = client.get("/diffusion/annonces.xml", headers={"Range": "bytes=10-99"})
    tail = client.get("/diffusion/annonces.xml", headers={"Range": "bytes=-50"})
    rest = client.get("/diffusion/annonces.xml", headers={"Range": f"bytes={size - 5}-"})
    beyond = client.get("/diffusion/annonces.xml", headers={"Range": f"bytes={size}-"})

    assert middle.status_code == 206
    assert body(middle) == whole[10:100]
    assert middle["Content-Length"] == "90"
    assert middle["Content-Range"] == f"bytes 10-99/{size}"
    assert body(tail) == whole[-50:]
    assert body(rest) == whole[-5:]
    assert beyond.status_code == 416 and beyond["Content-Range"] == f"bytes */{size}"


def test_a_range_of_a_changed_file_sends_it_whole(client, feeds_dir, offers):
    feedfiles.feed_files_generate()
    first = client.get("/diffusion/annonces.xml")
    first_body = body(first)
    same = client.get(
        "/diffusion/annonces.xml", headers={"Range": "bytes=0-9", "If-Range": first["ETag"]}
    )
    changed = client.get(
        "/diffusion/annonces.xml", headers={"Range": "bytes=0-9", "If-Range": '"ancienne"'}
    )

    assert same.status_code == 206 and body(same) == first_body[:10]
    assert changed.status_code == 200 and body(changed) == first_body


def test_behind_nginx_the_proxy_sends_the_bytes(client, settings, feeds_dir, offers):
    settings.REVERSE_PROXY = "nginx"
    feedfiles.feed_files_generate()

    response = client.get("/diffusion/annonces.xml")

    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/_feeds/tremplin-annonces.xml"
    assert response.content == b""
    assert response["Content-Type"] == "application/xml; charset=utf-8"


def test_before_the_first_generation_it_answers_503_and_queues_it(
    client, feeds_dir, offers, monkeypatch
):
    queued = []
    monkeypatch.setattr(feedfiles, "_refresh_enqueue", lambda at: queued.append(at))

    response = client.get("/diffusion/annonces.xml")

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "réessayez" in response.content.decode()
    assert len(queued) == 1 and feedfiles.feed_files_are_stale()
    # With the task run (here inline), the next reader gets the file.
    assert feedfiles.feed_files_refresh() is True
    response = client.get("/diffusion/annonces.xml")
    assert response.status_code == 200 and body(response).startswith(b"<?xml")


def test_with_the_immediate_backend_the_first_reader_gets_the_file_at_once(
    client, feeds_dir, offers
):
    response = client.get("/diffusion/annonces.json")

    assert response.status_code == 200
    assert len(json.loads(body(response))["items"]) == 3


def test_filtered_feeds_are_not_files(client, feeds_dir, offers):
    feedfiles.feed_files_generate()

    filtered = client.get("/diffusion/annonces.xml", {"profession": "infirmier"})
    limited = client.get("/diffusion/annonces.json", {"limite": "2"})

    assert "ETag" not in filtered and filtered.streaming
    assert b"<source>" in body(filtered)
    assert len(json.loads(body(limited))["items"]) == 2 and "ETag" not in limited


def test_a_reader_during_a_regeneration_reads_the_old_or_the_new_file_whole(
    feeds_dir, offers, monkeypatch
):
    path = feedfiles.feed_file_generate(kind="xml")
    old = path.read_bytes()
    for number in range(40):
        OfferFactory(published=True, title=f"Nouvelle {number}", description="x" * 4000)
    real_bytes = feedfiles.feed_bytes
    writing, done = threading.Event(), threading.Event()
    during: list[bytes] = []

    def slow_bytes(pieces):
        for chunk in real_bytes(pieces):
            writing.set()
            time.sleep(0.05)  # the reader reads while the temporary file grows
            yield chunk

    def read_while_writing() -> None:
        writing.wait(5)
        while not done.is_set():
            with open(path, "rb") as handle:
                during.append(handle.read())

    monkeypatch.setattr(feedfiles, "feed_bytes", slow_bytes)
    reader = threading.Thread(target=read_while_writing)
    reader.start()
    try:
        feedfiles.feed_file_generate(kind="xml")
    finally:
        done.set()
        reader.join()

    new = path.read_bytes()
    assert new != old and len(ET.fromstring(new).findall("job")) == 43
    assert during and set(during) <= {old, new}
    assert old in during  # some reads happened before the replacement
    assert sorted(p.name for p in feeds_dir.iterdir()) == ["tremplin-annonces.xml"]


def test_a_failed_generation_leaves_the_old_file_and_no_temporary(feeds_dir, offers, monkeypatch):
    path = feedfiles.feed_file_generate(kind="xml")
    old = path.read_bytes()

    def broken(pieces):
        yield b"<?xml"
        raise RuntimeError("disque plein")

    monkeypatch.setattr(feedfiles, "feed_bytes", broken)
    with pytest.raises(RuntimeError):
        feedfiles.feed_file_generate(kind="xml")

    assert path.read_bytes() == old
    assert sorted(p.name for p in feeds_dir.iterdir()) == ["tremplin-annonces.xml"]


def test_offer_changes_mark_the_files_stale_and_queue_one_refresh(feeds_dir, monkeypatch):
    feedfiles.feed_files_generate()
    queued = []
    monkeypatch.setattr(feedfiles, "_refresh_enqueue", lambda at: queued.append(at))
    moderator = UserFactory(moderator=True)

    for number in range(3):
        offer = OfferFactory(
            status=OfferStatus.SUBMITTED, submitted_at=timezone.now(), title=f"Offre {number}"
        )
        offer_publish(offer=offer, by=moderator)
        offer_events_dispatch()

    assert feedfiles.feed_files_are_stale()
    # One refresh queued for three changes, for when the files are FEEDS_REFRESH_MINUTES old.
    assert len(queued) == 1
    assert queued[0] > timezone.now() + timedelta(minutes=9)


def test_the_refresh_waits_until_the_files_are_old_enough(feeds_dir, offers, monkeypatch):
    monkeypatch.setattr(feedfiles, "_refresh_enqueue", lambda at: None)
    feedfiles.feed_files_generate()
    path = feedfiles.feed_file_path("xml")
    feedfiles.feed_files_mark_stale()

    assert feedfiles.feed_files_refresh() is False  # written a moment ago
    assert feedfiles.feed_files_are_stale()
    with override_settings(FEEDS_REFRESH_MINUTES=10):
        later = timezone.now() + timedelta(minutes=11)
        assert feedfiles.feed_files_refresh(now=later) is True
    assert not feedfiles.feed_files_are_stale()
    assert feedfiles.feed_files_refresh(now=later) is False  # nothing changed since
    assert path.exists()


def test_without_a_feeds_directory_the_full_feed_is_streamed(client, settings, offers):
    settings.FEEDS_DIR = ""

    response = client.get("/diffusion/annonces.xml")

    assert response.streaming and "ETag" not in response
    assert b"<source>" in body(response)
    assert feedfiles.feed_files_mark_stale() is False


def test_the_generation_writes_the_feed_functions_output(feeds_dir, offers):
    path = feedfiles.feed_file_generate(kind="json")

    from django.http import QueryDict

    expected = b"".join(
        feed_bytes(feed_pieces("json", QueryDict(""), full_path="/diffusion/annonces.json"))
    )
    assert json.loads(path.read_bytes()) == json.loads(expected)
