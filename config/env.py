"""Typed readers for environment variables.

Every knob of the platform comes from the environment through these helpers: a bad value stops
the start with a message naming the variable, instead of silently running with a surprise.
"""

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "on", "yes"}
_FALSE = {"0", "false", "off", "no", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: expected one of true/false, 1/0, on/off, yes/no.")


def env_int(name: str, *, default: int, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected an integer.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r}: must be at least {minimum}.")
    return value


def env_list(name: str, *, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def url_origin(name: str, url: str) -> str:
    """The scheme://host[:port] of a configured URL (for the Content Security Policy); an URL
    that is not http(s) is refused by the variable's name."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ImproperlyConfigured(f"{name}={url!r}: expected an http:// or https:// URL.")
    return f"{parts.scheme}://{parts.netloc}"


def database_from_url(url: str, *, base_dir: Path) -> dict:
    """Turn `sqlite:///path` or `postgres://user:pass@host:port/name?opt=v` into a DATABASES entry."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        # sqlite:///db.sqlite3 is relative to the project; sqlite:////abs/path is absolute.
        name = Path(path[1:]) if path.startswith("/") else Path(path)
        if not name.is_absolute():
            name = base_dir / name
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(name)}
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        if not parts.path.strip("/"):
            raise ImproperlyConfigured(f"DATABASE_URL={url!r}: no database name.")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": dict(parse_qsl(parts.query)),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL={url!r}: unsupported scheme {parts.scheme!r} (use sqlite:// or postgres://)."
    )


def media_storage_from_env() -> dict:
    """The STORAGES["default"] entry (public uploads): the local MEDIA_ROOT unless
    MEDIA_STORAGE=s3, then an S3-compatible bucket (AWS, Scaleway, OVHcloud, MinIO…) read from
    the S3_* variables. The private files (CVs) never go there: they keep their own storage."""
    kind = env_str("MEDIA_STORAGE", "filesystem").strip().lower() or "filesystem"
    if kind == "filesystem":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != "s3":
        raise ImproperlyConfigured(f"MEDIA_STORAGE={kind!r}: expected filesystem or s3.")
    bucket = env_str("S3_BUCKET_NAME")
    if not bucket:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs S3_BUCKET_NAME.")
    options: dict[str, object] = {
        "bucket_name": bucket,
        # Public photos: plain URLs that browsers and partners can cache, no expiring signature.
        "querystring_auth": False,
        "file_overwrite": False,
        "default_acl": env_str("S3_DEFAULT_ACL") or None,
    }
    for option, name in [
        ("endpoint_url", "S3_ENDPOINT_URL"),
        ("region_name", "S3_REGION_NAME"),
        ("access_key", "S3_ACCESS_KEY_ID"),
        ("secret_key", "S3_SECRET_ACCESS_KEY"),
        ("custom_domain", "S3_CUSTOM_DOMAIN"),
        ("location", "S3_LOCATION"),
    ]:
        if value := env_str(name):
            options[option] = value
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def caches_from_env(redis_url: str) -> dict:
    """The CACHES setting: Django's Redis backend when REDIS_URL is set (shared by every web
    process, worker and node: rate limits count for all of them), else each process's memory,
    which needs nothing installed (the first `make run` starts without a Redis)."""
    if not redis_url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if urlsplit(redis_url).scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(
            f"REDIS_URL={redis_url!r}: expected redis://host:port/db, rediss:// or unix://."
        )
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "tremplin",
        }
    }


def tasks_from_env(*, testing: bool, redis_url: str) -> tuple[dict, list[str]]:
    """The TASKS setting and the apps it needs. TASKS_BACKEND=database (the default: a row per
    task, `manage.py tasks_worker`) or rq (RQ on Redis through django-tasks-rq, `manage.py
    rqworker`; needs REDIS_URL). Tests run tasks inline whatever is asked."""
    kind = env_str("TASKS_BACKEND", "database").strip().lower() or "database"
    if kind not in {"database", "rq"}:
        raise ImproperlyConfigured(f"TASKS_BACKEND={kind!r}: expected database or rq.")
    if testing:
        backend, apps = "django.tasks.backends.immediate.ImmediateBackend", []
    elif kind == "rq":
        if not redis_url:
            raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL.")
        backend, apps = "django_tasks_rq.RQBackend", ["django_rq"]
    else:
        backend, apps = "django_tasks_db.DatabaseBackend", []
    return {"default": {"BACKEND": backend, "QUEUES": ["default"]}}, apps
