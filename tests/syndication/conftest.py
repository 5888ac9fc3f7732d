"""Real HTTP receivers on 127.0.0.1 (allowed by the network guard of tests/conftest.py), hence
PARTNER_ALLOW_PRIVATE_HOSTS here; the DNS is never asked (test_partner_addresses.py checks the
guard with the setting off)."""

import ipaddress
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tremplin.syndication import http

# What every host name resolves to in these tests: a public address (no test connects to it).
PUBLIC_ADDRESS = "93.184.215.14"


def fake_resolve(host: str, port: int) -> list[str]:
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        return ["127.0.0.1"] if host == "localhost" else [PUBLIC_ADDRESS]


@pytest.fixture(autouse=True)
def _partners_on_the_test_machine(settings: object, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.PARTNER_ALLOW_PRIVATE_HOSTS = True  # type: ignore[attr-defined]
    monkeypatch.setattr(http, "resolve", fake_resolve)


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    status: int

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """A partner's endpoint. `answers` are the statuses of the next requests (then 200);
    `delays` the seconds the next requests wait before answering (then `delay`)."""

    answers: list[int] = field(default_factory=list)
    delay: float = 0.0
    delays: list[float] = field(default_factory=list)
    arrivals: int = 0
    release: threading.Event = field(default_factory=threading.Event)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    @property
    def accepted(self) -> list[Received]:
        return [r for r in self.received if 200 <= r.status < 300]

    def next_answer(self) -> tuple[int, float]:
        with self.lock:
            self.arrivals += 1
            status = self.answers.pop(0) if self.answers else 200
            return status, self.delays.pop(0) if self.delays else self.delay


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status, delay = receiver.next_answer()
            with receiver.lock:
                receiver.received.append(Received(dict(self.headers), body, status))
            if delay:
                receiver.release.wait(delay)
            answer = b'{"ok": true}' if status < 300 else b"Erreur volontaire du receveur"
            try:
                self.send_response(status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
            except OSError:
                pass  # the sender gave up waiting

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def receiver_factory() -> Iterator[Callable[..., Receiver]]:
    servers = []

    def start(**kwargs: object) -> Receiver:
        receiver = Receiver(**kwargs)
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append((server, thread, receiver))
        receiver.url = f"http://127.0.0.1:{server.server_address[1]}/webhooks"
        return receiver

    yield start
    for server, thread, receiver in servers:
        receiver.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def receiver(receiver_factory: Callable[..., Receiver]) -> Receiver:
    return receiver_factory()
