"""A real `manage.py db_worker` killed in the middle of a delivery, then restarted.

On a temporary SQLite file (the worker is another process), with the database task backend:
the worker takes the delivery and sends it to a receiver that never answers; it is killed
(SIGKILL: no clean-up at all); once the delivery's lease has run out, the sweep queued for the
restarted worker sends it again, with the same idempotency key.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SETUP = """
from django.utils import timezone
from tremplin.offers.models import Offer, OfferStatus
from tremplin.organisations.models import Organisation
from tremplin.syndication.models import Partner
from tremplin.syndication.services import offer_event_record
from tremplin.territories.models import Commune, Departement, Region

region = Region.objects.create(code="75", name="Nouvelle-Aquitaine")
departement = Departement.objects.create(code="23", name="Creuse", region=region)
commune = Commune.objects.create(
    insee="23096", name="Guéret", search_name="gueret", departement=departement, region=region,
    latitude=46.17, longitude=1.87,
)
organisation = Organisation.objects.create(
    name="MSP de Guéret", category="health", type="msp", status="verified"
)
now = timezone.now()
offer = Offer.objects.create(
    organisation=organisation, kind="remplacement", profession="medecin_generaliste",
    title="Remplacement à Guéret", commune=commune, status=OfferStatus.PUBLISHED,
    published_at=now, renewed_at=now,
)
Partner.objects.create(name="Partenaire", endpoint_url="{url}", secret="whsec_test")
offer_event_record(offer=offer, kind="published")
"""


def _env(database: Path) -> dict[str, str]:
    # A real deployment's process: not the tests' settings (inline tasks) but the worker's.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PYTEST") and k != "TREMPLIN_TESTING"
    }
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        DEBUG="true",
        SECRET_KEY="test-worker-killed",
        PARTNER_ALLOW_PRIVATE_HOSTS="true",  # the receiver listens on 127.0.0.1
        PYTHONUNBUFFERED="1",
    )
    return env


def _manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def _worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay",
         "--interval", "0.1", "-v0"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def _wait(condition: object, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _delivery(database: Path) -> tuple[str, int]:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT status, attempts FROM syndication_delivery").fetchone()


def test_a_delivery_interrupted_by_a_killed_worker_is_delivered_after_restart(
    tmp_path, receiver_factory
):
    receiver = receiver_factory(answers=[503], delays=[60])  # the first one hangs
    database = tmp_path / "worker.sqlite3"
    env = _env(database)
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "shell", "-c", SETUP.replace("{url}", receiver.url))
    assert _delivery(database) == ("pending", 0)  # recorded, its task queued, not run

    worker = _worker(env)
    try:
        assert _wait(lambda: receiver.arrivals == 1), "the worker never sent the webhook"
        assert _delivery(database) == ("sending", 1)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert _delivery(database) == ("sending", 1)  # the killed worker left it in flight

    # Time passes: the lease of the dead worker runs out.
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE syndication_delivery SET lease_until = '2000-01-01 00:00:00'")
    worker = _worker(env)
    try:
        _manage(env, "deliver_pending", "--queue")  # what cron does every minute
        assert _wait(lambda: _delivery(database)[0] == "accepted"), _delivery(database)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()

    assert _delivery(database) == ("accepted", 2)
    assert len(receiver.accepted) == 1
    first, second = (r.headers["Idempotency-Key"] for r in receiver.received)
    assert first == second


pytestmark = pytest.mark.django_db  # the receivers only; the worker has its own database
