"""The deploy/ recipe agrees with the code: every unit runs a command that exists, from the
checkout, with the venv's python and the one environment file; the environment file names only
variables the settings read; gunicorn's configuration loads and names only real settings; the
proxy's upload limit fits the upload limits."""

import configparser
import re
import runpy
import shlex
from pathlib import Path

import pytest
from django.core.management import get_commands
from gunicorn.config import Config

from tremplin.applications import documents
from tremplin.core import images

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
CHECKOUT = "/srv/tremplin"  # where the README's steps clone the repository
ENV_FILE = "/etc/tremplin/env"
SERVICES = sorted((DEPLOY / "systemd").glob("*.service"))
TIMERS = sorted((DEPLOY / "systemd").glob("*.timer"))


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    parser.read(path)
    return parser


def in_checkout(path: str) -> Path:
    assert path.startswith(CHECKOUT + "/"), path
    return ROOT / path.removeprefix(CHECKOUT + "/")


def settings_variables() -> set[str]:
    """The names config/ reads through config/env.py's helpers."""
    names: set[str] = set()
    for source in (ROOT / "config").glob("*.py"):
        text = source.read_text()
        names |= set(re.findall(r"env_(?:str|bool|int|list)\(\s*\"([A-Z][A-Z0-9_]*)\"", text))
        # media_storage_from_env's table: ("endpoint_url", "S3_ENDPOINT_URL"), …
        names |= set(re.findall(r"\(\"[a-z_]+\", \"([A-Z][A-Z0-9_]*)\"\)", text))
    return names


def test_there_is_a_web_unit_a_worker_unit_and_two_timers():
    names = {path.name for path in SERVICES + TIMERS}
    assert {
        "tremplin-web.service",
        "tremplin-worker@.service",
        "tremplin-daily.service",
        "tremplin-daily.timer",
        "tremplin-deliver.service",
        "tremplin-deliver.timer",
    } <= names


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_each_unit_runs_from_the_checkout_with_the_environment_file(path):
    service = unit(path)["Service"]

    assert service["WorkingDirectory"] == CHECKOUT
    assert service["EnvironmentFile"] == ENV_FILE
    assert service["User"] == "tremplin"


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_each_unit_runs_a_program_of_the_venv_and_a_command_that_exists(path):
    command = shlex.split(unit(path)["Service"]["ExecStart"])
    program = command[0]

    assert program.startswith(f"{CHECKOUT}/.venv/bin/"), program
    assert in_checkout(program).exists(), f"{program}: not in the venv (make install)"
    if program.endswith("/python"):
        assert command[1] == "manage.py"
        assert command[2] in get_commands(), f"manage.py {command[2]}: no such command"
    else:
        assert program.endswith("/gunicorn")
        config = command[command.index("--config") + 1]
        assert (ROOT / config).is_file(), config
        assert command[-1] == "config.wsgi"
        assert (ROOT / "config" / "wsgi.py").is_file()


def test_the_worker_is_always_restarted():
    assert unit(DEPLOY / "systemd" / "tremplin-worker@.service")["Service"]["Restart"] == "always"


@pytest.mark.parametrize("path", TIMERS, ids=lambda p: p.name)
def test_each_timer_starts_a_unit_of_the_recipe(path):
    timer = unit(path)["Timer"]

    assert (DEPLOY / "systemd" / timer["Unit"]).is_file()
    assert timer["OnCalendar"]


def test_the_timers_run_the_daily_jobs_and_the_pending_deliveries():
    commands = {
        shlex.split(unit(DEPLOY / "systemd" / unit(path)["Timer"]["Unit"])["Service"]["ExecStart"])[
            2
        ]
        for path in TIMERS
    }
    assert commands == {"run_daily", "deliver_pending"}


def test_the_environment_file_names_only_variables_the_settings_read():
    read = settings_variables()
    assert {"SECRET_KEY", "DATABASE_URL", "S3_ENDPOINT_URL"} <= read  # the scan itself works
    lines = (DEPLOY / "env.example").read_text().splitlines()
    # Set ones and the optional ones left commented out (# NAME=value).
    named = [m.group(1) for line in lines if (m := re.match(r"#?\s*([A-Z][A-Z0-9_]*)=", line))]

    assert named, "no variable found"
    assert sorted(set(named) - read) == []
    assert len(named) == len(set(named)), "a variable is named twice"


def test_the_environment_file_sets_what_production_needs():
    text = (DEPLOY / "env.example").read_text()
    for line in ["DEBUG=false", "HTTPS=true", "BEHIND_TLS_PROXY=true", "NUM_PROXIES=1"]:
        assert re.search(rf"^{line}$", text, re.MULTILINE), line
    for name in ["SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "SITE_URL", "EMAIL_HOST"]:
        assert re.search(rf"^{name}=", text, re.MULTILINE), name


def test_gunicorn_configuration_loads_and_names_only_gunicorn_settings():
    namespace = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    values = {
        k: v for k, v in namespace.items() if not k.startswith("_") and k != "multiprocessing"
    }
    config = Config()

    for name, value in values.items():
        assert name in config.settings, f"gunicorn has no setting {name!r}"
        config.set(name, value)  # gunicorn's own validation of the value

    assert config.worker_class_str == "gthread"
    assert config.workers >= 2 and config.threads >= 2
    assert config.bind == ["127.0.0.1:8000"]
    assert 0 < config.graceful_timeout < config.timeout
    assert config.max_requests > 0 and config.max_requests_jitter > 0


def test_the_proxy_buffers_responses_and_reaches_gunicorn_where_it_listens():
    nginx = (DEPLOY / "nginx" / "tremplin.conf").read_text()
    bind = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["bind"]

    assert re.search(r"^\s*proxy_buffering on;", nginx, re.MULTILINE)
    assert f"server {bind};" in nginx
    read_timeout = int(re.search(r"proxy_read_timeout (\d+)s;", nginx).group(1))
    assert read_timeout > runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["timeout"]


def test_the_proxy_upload_limit_fits_the_largest_upload():
    nginx = (DEPLOY / "nginx" / "tremplin.conf").read_text()
    limit = int(re.search(r"client_max_body_size (\d+)m;", nginx).group(1)) * 1024 * 1024
    largest = max(images.MAX_IMAGE_BYTES, documents.MAX_DOCUMENT_BYTES)

    assert largest < limit <= largest + 4 * 1024 * 1024


def test_the_proxy_never_serves_the_private_files():
    nginx = (DEPLOY / "nginx" / "tremplin.conf").read_text()
    private = re.search(r"^PRIVATE_MEDIA_ROOT=(.+)$", (DEPLOY / "env.example").read_text(), re.M)
    media = re.search(r"^MEDIA_ROOT=(.+)$", (DEPLOY / "env.example").read_text(), re.M)

    assert private and media
    assert not re.search(rf"^\s*(alias|root)\s+{re.escape(private.group(1))}", nginx, re.M)
    assert re.search(rf"^\s*alias\s+{re.escape(media.group(1))}/;", nginx, re.M)
    assert (DEPLOY / "nginx" / "maintenance.html").is_file()
