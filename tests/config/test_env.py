from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import database_from_url, env_bool, env_int, env_list, url_origin


def test_it_reads_booleans_strictly(monkeypatch):
    monkeypatch.setenv("FLAG", "on")
    assert env_bool("FLAG", default=False) is True
    monkeypatch.setenv("FLAG", "0")
    assert env_bool("FLAG", default=True) is False
    monkeypatch.setenv("FLAG", "yes please")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        env_bool("FLAG", default=False)


def test_it_falls_back_to_defaults(monkeypatch):
    monkeypatch.delenv("MISSING", raising=False)
    assert env_bool("MISSING", default=True) is True
    assert env_int("MISSING", default=7) == 7
    assert env_list("MISSING", default=["a"]) == ["a"]


def test_it_refuses_a_bad_integer(monkeypatch):
    monkeypatch.setenv("COUNT", "dix")
    with pytest.raises(ImproperlyConfigured, match="COUNT"):
        env_int("COUNT", default=1)
    monkeypatch.setenv("COUNT", "-1")
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env_int("COUNT", default=1, minimum=0)


def test_it_splits_lists(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.example, b.example,,")
    assert env_list("HOSTS", default=[]) == ["a.example", "b.example"]


def test_it_turns_a_postgres_url_into_settings():
    config = database_from_url(
        "postgres://postgres:s%40cret@127.0.0.1:5432/tremplin?sslmode=disable", base_dir=Path("/x")
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == (
        "tremplin",
        "postgres",
        "s@cret",
    )
    assert (config["HOST"], config["PORT"]) == ("127.0.0.1", "5432")
    assert config["OPTIONS"] == {"sslmode": "disable"}


def test_it_resolves_sqlite_paths():
    assert database_from_url("sqlite:///db.sqlite3", base_dir=Path("/srv/app"))["NAME"] == (
        "/srv/app/db.sqlite3"
    )
    assert database_from_url("sqlite:////var/lib/t.db", base_dir=Path("/srv"))["NAME"] == (
        "/var/lib/t.db"
    )


def test_it_refuses_unknown_database_schemes():
    with pytest.raises(ImproperlyConfigured, match="mysql"):
        database_from_url("mysql://root@localhost/db", base_dir=Path("/"))
    with pytest.raises(ImproperlyConfigured, match="no database name"):
        database_from_url("postgres://localhost", base_dir=Path("/"))


def test_it_gives_the_origin_of_a_provider_url_and_refuses_one_without_scheme():
    assert (
        url_origin(
            "X_URL", "https://auth.agentconnect.gouv.fr/api/v2/.well-known/openid-configuration"
        )
        == "https://auth.agentconnect.gouv.fr"
    )
    assert url_origin("X_URL", "http://localhost:9400/x") == "http://localhost:9400"
    with pytest.raises(ImproperlyConfigured, match="PROCONNECT_DISCOVERY_URL"):
        url_origin("PROCONNECT_DISCOVERY_URL", "auth.agentconnect.gouv.fr/api/v2")
