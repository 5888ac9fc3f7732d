"""`make run`'s banner and server follow HOST and PORT (scripts/serve)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

SERVE = Path(__file__).resolve().parents[2] / "scripts" / "serve"


def serve(tmp_path: Path, **env: str) -> tuple[str, list[str]]:
    """Run scripts/serve with a stand-in Python that records its arguments and exits."""
    calls = tmp_path / "calls"
    fake = tmp_path / "python"
    # The server stand-in waits for the worker's call: the script stops the worker on exit.
    fake.write_text(
        "#!/bin/sh\n"
        'case "$*" in *runserver*|*gunicorn*)\n'
        f"  for i in $(seq 200); do grep -q tasks_worker {calls} 2>/dev/null && break; sleep 0.05; done;;\n"
        "esac\n"
        f'echo "$*" >> {calls}\n'
    )
    fake.chmod(0o755)
    environ = {k: v for k, v in os.environ.items() if k not in {"HOST", "PORT"}}
    done = subprocess.run(
        [str(SERVE)],
        env={**environ, "TREMPLIN_PYTHON": str(fake), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout, calls.read_text().splitlines()


@pytest.mark.parametrize(
    ("env", "address"),
    [
        ({}, "127.0.0.1:8000"),
        ({"HOST": "0.0.0.0", "PORT": "8123"}, "0.0.0.0:8123"),
        ({"PORT": "9000"}, "127.0.0.1:9000"),
        ({"HOST": "::1", "PORT": "8001"}, "[::1]:8001"),
    ],
)
def test_the_banner_prints_the_address_the_server_listens_on(tmp_path, env, address):
    banner, calls = serve(tmp_path, **env)

    assert banner.startswith(f"Tremplin: http://{address} ")
    assert f"http://{address}/dev/courriels/" in banner
    assert f"manage.py runserver {address}" in calls
    assert "manage.py tasks_worker --queue-name default" in calls


def test_the_makefile_no_longer_announces_a_fixed_port():
    makefile = (SERVE.parents[1] / "Makefile").read_text()
    assert "http://127.0.0.1:8000 (Ctrl-C" not in makefile


def test_links_in_emails_and_allowed_hosts_follow_host_and_port():
    environ = {k: v for k, v in os.environ.items() if k not in {"HOST", "PORT", "SITE_URL"}}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings;"
            "print(settings.SITE_URL, settings.ALLOWED_HOSTS[-1])",
        ],
        env={
            **environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "HOST": "0.0.0.0",
            "PORT": "8123",
        },
        cwd=SERVE.parents[1],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["http://0.0.0.0:8123", "0.0.0.0"]


def test_it_can_serve_with_the_production_gunicorn_configuration(tmp_path):
    _banner, calls = serve(tmp_path, TREMPLIN_SERVER="gunicorn", PORT="8124")

    server = next(call for call in calls if "gunicorn" in call)
    assert (
        server == "-m gunicorn --config deploy/gunicorn.conf.py --bind 127.0.0.1:8124 config.wsgi"
    )
    assert not any("runserver" in call for call in calls)
