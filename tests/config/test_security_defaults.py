"""The security defaults, pinned: what a server runs with when no variable says otherwise.

The settings are read in a fresh interpreter whose environment holds nothing but the one
variable the settings need to start (DEBUG=true, or a SECRET_KEY as in production): the test
process's own settings may be overridden by its environment or by fixtures, these may not."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tremplin.applications import documents
from tremplin.core import images
from tremplin.hosting import services as hosting_services
from tremplin.offers import services as offers_services
from tremplin.syndication import services_tokens, webhooks

ROOT = Path(__file__).resolve().parents[2]
# Read, never connected to: the settings only parse it.
PRODUCTION_DATABASE = "postgres://tremplin@localhost:5432/tremplin"
NAMES = [
    "LOGIN_FAILURES_PER_ACCOUNT",
    "LOGIN_FAILURES_PER_IP",
    "LOGIN_FAILURE_WINDOW",
    "EMAIL_CONFIRMATION_MAX_AGE",
    "PASSWORD_RESET_TIMEOUT",
    "INVITATION_MAX_AGE",
    "NUM_PROXIES",
    "SESSION_COOKIE_HTTPONLY",
    "X_FRAME_OPTIONS",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "HTTPS",
    "SECURE_HSTS_SECONDS",
]
READ = f"""
import json
import config.settings as s
names = {NAMES!r}
values = {{name: getattr(s, name) for name in names}}
values["PASSWORD_MIN_LENGTH"] = [
    v.get("OPTIONS", {{}}).get("min_length")
    for v in s.AUTH_PASSWORD_VALIDATORS
    if v["NAME"].endswith("MinimumLengthValidator")
]
values["PASSWORD_VALIDATORS"] = [v["NAME"].rsplit(".", 1)[-1] for v in s.AUTH_PASSWORD_VALIDATORS]
values["TESTING"] = s.TESTING
print(json.dumps(values))
"""


def clean_settings(**environment: str) -> dict:
    """config.settings as imported with only `environment` (and PATH) set."""
    result = subprocess.run(
        # -E: no PYTHON* variable either; -s: no user site-packages.
        [sys.executable, "-E", "-s", "-c", READ],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **environment},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def development():
    return clean_settings(DEBUG="true")


@pytest.fixture(scope="module")
def production():
    return clean_settings(
        SECRET_KEY="pinned-defaults-test-not-a-secret", DATABASE_URL=PRODUCTION_DATABASE
    )


def test_the_settings_are_read_outside_the_tests(development, production):
    # Not the test process's settings: TESTING is off there (it changes hashers and backends).
    assert development["TESTING"] is False
    assert production["TESTING"] is False


@pytest.mark.parametrize("mode", ["development", "production"])
def test_login_is_throttled_after_5_failures_per_account_and_20_per_address_in_15_minutes(
    mode, request
):
    values = request.getfixturevalue(mode)
    assert values["LOGIN_FAILURES_PER_ACCOUNT"] == 5
    assert values["LOGIN_FAILURES_PER_IP"] == 20
    assert values["LOGIN_FAILURE_WINDOW"] == 15 * 60
    # No proxy trusted by default: X-Forwarded-For would let anyone pick their address.
    assert values["NUM_PROXIES"] == 0


@pytest.mark.parametrize("mode", ["development", "production"])
def test_links_sent_by_email_expire(mode, request):
    values = request.getfixturevalue(mode)
    assert values["EMAIL_CONFIRMATION_MAX_AGE"] == 3 * 24 * 3600
    assert values["PASSWORD_RESET_TIMEOUT"] == 24 * 3600
    assert values["INVITATION_MAX_AGE"] == 14 * 24 * 3600


@pytest.mark.parametrize("mode", ["development", "production"])
def test_passwords_need_10_characters_and_pass_every_validator(mode, request):
    values = request.getfixturevalue(mode)
    assert values["PASSWORD_MIN_LENGTH"] == [10]
    assert values["PASSWORD_VALIDATORS"] == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]


@pytest.mark.parametrize("mode", ["development", "production"])
def test_cookies_and_frames_are_locked_down(mode, request):
    values = request.getfixturevalue(mode)
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"


def test_https_is_one_switch_with_a_year_of_hsts():
    assert clean_settings(DEBUG="true")["HTTPS"] is False
    on = clean_settings(
        SECRET_KEY="pinned-defaults-test-not-a-secret",
        DATABASE_URL=PRODUCTION_DATABASE,
        HTTPS="true",
    )
    assert on["HTTPS"] is True
    assert on["SECURE_HSTS_SECONDS"] == 31_536_000


def test_an_override_is_seen_so_the_defaults_above_are_really_defaults():
    values = clean_settings(DEBUG="true", LOGIN_FAILURES_PER_ACCOUNT="7")
    assert values["LOGIN_FAILURES_PER_ACCOUNT"] == 7


def test_without_debug_a_secret_key_is_required():
    result = subprocess.run(
        [sys.executable, "-E", "-s", "-c", "import config.settings"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def start_without_debug(**environment: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-E", "-s", "-c", "import config.settings as s; print(s.DATABASES)"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "SECRET_KEY": "not-a-secret", **environment},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_without_debug_a_missing_database_url_stops_the_start_instead_of_creating_db_sqlite3():
    result = start_without_debug()

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DATABASE_URL doit être défini quand DEBUG est désactivé" in result.stderr
    assert "DATABASE_URL must be set when DEBUG is off" in result.stderr


def test_without_debug_sqlite_is_still_possible_when_chosen_explicitly():
    result = start_without_debug(DATABASE_URL="sqlite:////tmp/tremplin-explicit.sqlite3")

    assert result.returncode == 0, result.stderr
    assert "/tmp/tremplin-explicit.sqlite3" in result.stdout


# Limits written in the code rather than in the environment.


def test_uploads_are_limited():
    assert documents.MAX_DOCUMENT_BYTES == 5 * 1024 * 1024  # a CV or an attachment
    assert images.MAX_IMAGE_BYTES == 10 * 1024 * 1024
    assert images.IMAGE_MAX_SIDE == 1600
    assert offers_services.MAX_PHOTOS == 6
    assert hosting_services.MAX_TERRITORY_PHOTOS == 8


def test_api_tokens_are_limited():
    assert services_tokens.RATE_PER_MINUTE == 120
    assert services_tokens.MAX_TOKENS_PER_ORGANISATION == 20
    # A webhook's signature is accepted 5 minutes at most after it was made.
    assert webhooks.TOLERANCE_SECONDS == 300
