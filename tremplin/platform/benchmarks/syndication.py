"""Benchmarks of syndication, run by `make bench` after the offers ones (which leave 100,000
published offers in the scratch database; they are generated here when run alone).

- Feeds of 100,000 offers: time to stream each whole response, and the peak of Python memory
  allocated while doing it (tracemalloc), for the full job feed and a tenth of it.
- Full feeds as files: time to write both (Indeed XML of every offer, JSON), then to serve the
  file (FileResponse, in-process).
- Webhook fan-out: 10,000 offer events (recorded as offer_events_dispatch does, in batches of
  500, by syndication's subscriber) to 3 partners on 127.0.0.1 (one answering 503 to a
  tenth of the requests), sent by one worker (the sweep, inline): events per second, and the
  share accepted on the first try; the retries then deliver the rest.
"""

import random
import statistics
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from tremplin.offers.events import offer_events_dispatch
from tremplin.offers.models import Offer, OfferEvent, OfferEventKind
from tremplin.syndication import feedfiles, services
from tremplin.syndication.models import Delivery, DeliveryEvent, DeliveryStatus, Partner

OFFER_COUNT = 100_000
EVENT_COUNT = 10_000
ROUNDS = 3
FLAKY_SHARE = 0.1


def _ensure_offers() -> int:
    count = Offer.objects.published().count()
    if count >= OFFER_COUNT:
        return count
    from tremplin.platform.benchmarks.offers import _organisations
    from tremplin.platform.demo.offers import offers_generate

    offers_generate(
        count=OFFER_COUNT - count,
        organisations=_organisations(),
        rng=random.Random(2),
        is_demo=False,
    )
    return Offer.objects.published().count()


def _stream(client: Client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    # Iterating a streaming response reads its streaming_content.
    return sum(len(piece) for piece in response)


def _feed(client: Client, url: str) -> tuple[float, int, float]:
    """Median seconds, bytes, and peak MB of Python allocations while streaming `url`."""
    _stream(client, url)  # warm-up
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        size = _stream(client, url)
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    _stream(client, url)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), size, peak / 1_000_000


class _Receivers:
    """Three partners' endpoints on 127.0.0.1; the last fails FLAKY_SHARE of the requests."""

    def __init__(self) -> None:
        self.servers = []
        self.rng = random.Random(3)
        self.lock = threading.Lock()
        for flaky in (False, False, True):
            self.servers.append(self._start(flaky))

    def _start(self, flaky: bool) -> ThreadingHTTPServer:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with owner.lock:
                    fails = flaky and owner.rng.random() < FLAKY_SHARE
                self.send_response(503 if fails else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{s.server_address[1]}/webhooks" for s in self.servers]

    def close(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()


def _send_all(now: datetime | None = None) -> float:
    started = time.perf_counter()
    while services.deliveries_send_due(now=now):
        pass
    return time.perf_counter() - started


def run(report: Callable[[str, str], None]) -> None:
    count = _ensure_offers()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")
    client = Client()
    with tempfile.TemporaryDirectory() as directory, override_settings(FEEDS_DIR=directory):
        started = time.perf_counter()
        feedfiles.feed_files_generate()
        written = time.perf_counter() - started
        size = feedfiles.feed_file_path("xml").stat().st_size
        report(
            f"Full feeds written to files (Indeed XML of all {count:,} offers + JSON)",
            f"{written:.1f} s, XML {size / 1_000_000:.1f} MB",
        )
        seconds, size, peak = _feed(client, "/diffusion/annonces.xml")
        report(
            "Job feed (Indeed XML), all offers, served from its file in-process",
            f"{seconds * 1000:,.0f} ms median of {ROUNDS}, {size / 1_000_000:.1f} MB, "
            f"peak Python memory {peak:.1f} MB",
        )
    for label, url in [
        ("Job feed, profession=infirmier", "/diffusion/annonces.xml?profession=infirmier"),
        ("JSON Feed, latest 500", "/diffusion/annonces.json?limite=500"),
        ("RSS, latest 50 of département 23", "/diffusion/annonces.rss?departement=23"),
        ("Atom, latest 50 matching « remplacement »", "/diffusion/annonces.atom?q=remplacement"),
    ]:
        seconds, size, peak = _feed(client, url)
        report(
            label,
            f"{seconds * 1000:,.0f} ms median of {ROUNDS}, {size / 1_000_000:.1f} MB, "
            f"peak Python memory {peak:.1f} MB",
        )

    mirror = "/api/v1/offers?updated_since=2000-01-01T00:00:00Z&after_id=50000"
    client.get(mirror)
    samples = []
    for _ in range(5):
        started = time.perf_counter()
        assert client.get(mirror).status_code == 200
        samples.append(time.perf_counter() - started)
    report(
        "API mirror, one page of 200 offers (updated_since + after_id)",
        f"median {statistics.median(samples) * 1000:.1f} ms",
    )

    receivers = _Receivers()
    try:
        _fan_out(report, receivers)
    finally:
        receivers.close()


def _fan_out(report: Callable[[str, str], None], receivers: _Receivers) -> None:
    from django_tasks_db.models import DBTaskResult

    Partner.objects.filter(name__startswith="Benchmark").delete()
    partners = [
        Partner.objects.create(name=f"Benchmark {n}", endpoint_url=url, secret=f"bench-{n}")
        for n, url in enumerate(receivers.urls)
    ]
    offers = list(Offer.objects.published().order_by("pk")[:EVENT_COUNT])
    OfferEvent.objects.filter(dispatched_at__isnull=True).update(dispatched_at=timezone.now())
    OfferEvent.objects.bulk_create(
        OfferEvent(offer=offer, kind=OfferEventKind.UPDATED) for offer in offers
    )
    started = time.perf_counter()
    with override_settings(FEEDS_DIR=""):
        offer_events_dispatch()
    recording = time.perf_counter() - started
    report(
        f"Webhooks: recording {EVENT_COUNT:,} offer events × {len(partners)} partners "
        "(offer_events_dispatch, batches of 500: events + deliveries + queued tasks)",
        f"{recording:.1f} s, {EVENT_COUNT / recording:,.0f} events/s",
    )
    # The sweep sends what the queued tasks would: one worker, in order per offer.
    sending = _send_all()
    total = EVENT_COUNT * len(partners)
    first_try = Delivery.objects.filter(
        partner__in=partners, status=DeliveryStatus.ACCEPTED, attempts=1
    ).count()
    report(
        f"Webhooks: sending {total:,} deliveries to 3 receivers on 127.0.0.1, one worker "
        f"(one receiver fails {FLAKY_SHARE:.0%} of requests)",
        f"{sending:.1f} s, {EVENT_COUNT / sending:,.0f} events/s "
        f"({total / sending:,.0f} deliveries/s); {first_try / total:.1%} accepted on first try",
    )
    retried = _send_all(now=timezone.now() + timedelta(minutes=5))
    _send_all(now=timezone.now() + timedelta(minutes=15))
    accepted = Delivery.objects.filter(partner__in=partners, status=DeliveryStatus.ACCEPTED)
    report(
        "Webhooks: after two retry passes (5 and 15 simulated minutes later)",
        f"{accepted.count() / total:.2%} accepted ({retried:.1f} s for the first retry pass)",
    )
    DBTaskResult.objects.filter(task_path__startswith="tremplin.syndication").delete()
    DeliveryEvent.objects.filter(deliveries__partner__in=partners).delete()
    Partner.objects.filter(pk__in=[p.pk for p in partners]).delete()
