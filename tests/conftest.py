import glob
import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
OPEN_DATA_DIR = Path(
    os.environ.get(
        "OPEN_DATA_DIR", Path(__file__).resolve().parents[2] / "shared" / "data" / "open"
    )
)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never reach the internet: any outbound connection that is not local fails."""
    import socket

    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host.startswith("127.") or host in {"localhost", "::1"} or host.startswith("/")
        ):
            raise OSError(f"Network access blocked in tests: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with an empty cache (the France map is cached per data version)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _tasks_do_not_fail_silently(request: pytest.FixtureRequest) -> object:
    """The immediate task backend logs a failing task and carries on: without this, a task that
    crashes (say on PostgreSQL only) would leave a test green with its effect missing. Tests that
    make a task fail on purpose are marked `tasks_may_fail`."""
    from django.tasks.signals import task_finished

    failed: list[str] = []

    def record(sender: object, task_result: object, **kwargs: object) -> None:
        if str(task_result.status) == "FAILED":
            failed.append(task_result.task.module_path)

    task_finished.connect(record, weak=False)
    yield
    task_finished.disconnect(record)
    if failed and not request.node.get_closest_marker("tasks_may_fail"):
        pytest.fail(f"Task(s) failed during the test: {', '.join(failed)}")


@pytest.fixture(autouse=True)
def _french_by_default() -> object:
    """Each test starts in French, whatever language a previous test switched to."""
    from django.utils import translation

    translation.activate("fr")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _files_in_tmp(settings: object, tmp_path: Path) -> None:
    """Uploaded files (public media and private documents) land in the test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skips = {}
    if not Path(CHROMIUM).exists():
        skips["browser"] = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if not os.environ.get("REDIS_URL"):
        skips["redis"] = "REDIS_URL is not set (.ci/run sets it to a local Redis)"
    if not glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"):
        skips["fault"] = "PostgreSQL's binaries (initdb, pg_ctl) are not installed"
    elif "fault" not in (config.option.markexpr or ""):
        # A minute and a PostgreSQL cluster of its own: only when asked (.ci/run does, once).
        skips["fault"] = "the fault test runs with -m fault (.ci/run runs it once)"
    for item in items:
        for marker, reason in skips.items():
            if marker in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _offer_views_buffer_emptied():
    """Page views buffered by one test never reach another test's database (nor, at exit, the
    developer's): each test starts and ends with this process's view buffer empty."""
    from tremplin.applications.viewcounts import buffer

    buffer.take()
    yield
    buffer.take()
