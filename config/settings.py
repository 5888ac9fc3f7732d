"""The only settings module of Tremplin. Every knob comes from an environment variable.

Defaults are those of a developer's machine (`make run`): SQLite, console email, no HTTPS.
Production sets DEBUG=false, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and HTTPS=true; see README.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.env import (
    caches_from_env,
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_str,
    media_storage_from_env,
    tasks_from_env,
    url_origin,
)

BASE_DIR = Path(__file__).resolve().parent.parent
# Set by the test configuration (`env` in pyproject.toml, applied by pytest-env), never
# guessed from the modules loaded: fast password hashing, tasks run inline.
TESTING = env_bool("TREMPLIN_TESTING", default=False)

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-key-never-use-it-in-production"

# HOST: the address `make run` listens on (scripts/serve), allowed too when set.
_HOST = env_str("HOST").strip("[]")
_HOST = f"[{_HOST}]" if ":" in _HOST else _HOST  # IPv6, as written in a URL
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", *([_HOST] if _HOST else [])]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])
# Public address used in emails, feeds and links sent outside the site.
# By default the address `make run` serves (HOST/PORT, read by scripts/serve too), so that the
# links of development emails open.
_SERVED_AT = f"http://{_HOST or '127.0.0.1'}:{env_str('PORT') or '8000'}"
SITE_URL = env_str("SITE_URL", _SERVED_AT).rstrip("/")
SITE_NAME = "Tremplin"
# Who runs this instance, for the footer pages (mentions légales, données personnelles,
# accessibilité): each deployment names its own operator; left empty, the pages say so.
OPERATOR_NAME = env_str("OPERATOR_NAME").strip()
OPERATOR_ADDRESS = env_str("OPERATOR_ADDRESS").strip()
OPERATOR_EMAIL = env_str("OPERATOR_EMAIL").strip()
OPERATOR_PUBLICATION_DIRECTOR = env_str("OPERATOR_PUBLICATION_DIRECTOR").strip()
OPERATOR_HOST = env_str("OPERATOR_HOST").strip()  # the hosting provider: name and address

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # dsfr before django.forms so that its widget templates win (STACK.md, trap 3).
    "dsfr",
    "django.forms",
    "widget_tweaks",
    "django_htmx",
    "django_tasks_db",
    "ninja",
    "tremplin.core",
    "tremplin.accounts",
    "tremplin.organisations",
    "tremplin.identity",
    "tremplin.territories",
    "tremplin.offers",
    "tremplin.applications",
    "tremplin.hosting",
    "tremplin.juniors",
    "tremplin.missions",
    "tremplin.matching",
    "tremplin.syndication",
    "tremplin.api",
    "tremplin.platform",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tremplin.core.middleware.FrenchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before any view reads request.GET: a NUL character is a 400/422, never a 500.
    "tremplin.core.middleware.NullCharacterMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Login required by default: public views opt out with @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that its process_exception runs first: a database outage is a 503, not a 500.
    "tremplin.core.middleware.DatabaseOutageMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tremplin.core.context_processors.site",
                "tremplin.platform.context_processors.navigation",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

_DATABASE_URL = env_str("DATABASE_URL").strip()
if not _DATABASE_URL:
    if not (DEBUG or TESTING):
        # A production start without DATABASE_URL would quietly create an empty db.sqlite3 in
        # the checkout and serve it: refuse instead.
        raise ImproperlyConfigured(
            "DATABASE_URL doit être défini quand DEBUG est désactivé "
            "(DATABASE_URL must be set when DEBUG is off), par exemple "
            "postgres://tremplin:motdepasse@localhost:5432/tremplin ; "
            "sqlite:///db.sqlite3 pour choisir SQLite explicitement."
        )
    _DATABASE_URL = "sqlite:///db.sqlite3"
DATABASES = {"default": database_from_url(_DATABASE_URL, base_dir=BASE_DIR)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server read while the task worker writes.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "core:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Hashing is deliberately slow; tests create hundreds of users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Links in confirmation emails stay valid this long (seconds).
EMAIL_CONFIRMATION_MAX_AGE = env_int(
    "EMAIL_CONFIRMATION_MAX_AGE", default=3 * 24 * 3600, minimum=60
)
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", default=24 * 3600, minimum=60)
INVITATION_MAX_AGE = env_int("INVITATION_MAX_AGE", default=14 * 24 * 3600, minimum=60)
# Login rate limits: failures allowed in the window, per account and per IP address.
LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", default=5, minimum=1)
LOGIN_FAILURES_PER_IP = env_int("LOGIN_FAILURES_PER_IP", default=20, minimum=1)
LOGIN_FAILURE_WINDOW = env_int("LOGIN_FAILURE_WINDOW", default=15 * 60, minimum=1)
# Number of reverse proxies in front of the app whose X-Forwarded-For can be trusted.
NUM_PROXIES = env_int("NUM_PROXIES", default=0, minimum=0)

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# CVs and attachments: outside MEDIA_ROOT, never served by URL (see applications/storage.py).
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private")))
if PRIVATE_MEDIA_ROOT.resolve().is_relative_to(MEDIA_ROOT.resolve()):
    # Everything under MEDIA_ROOT is public (the development server, the proxy of
    # docs/deployment.md): CVs there would be readable by anyone who guesses a name.
    raise ImproperlyConfigured("PRIVATE_MEDIA_ROOT must not be inside MEDIA_ROOT.")
# Where the matching matrix is stored once for every process (matching/matrix.py); empty: not
# stored, each process builds its own (the tests, unless a test sets it).
MATCHING_MATRIX_DIR = env_str(
    "TREMPLIN_MATRIX_DIR", "" if TESTING else str(BASE_DIR / ".cache" / "matching")
)
# The full feeds (the whole Indeed XML job feed, the unfiltered JSON feed) are files a task
# writes here and the web serves without building them per request (syndication/feedfiles.py);
# empty: the view streams them as it builds them (the tests, unless a test sets it).
FEEDS_DIR = env_str("TREMPLIN_FEEDS_DIR", "" if TESTING else str(BASE_DIR / ".cache" / "feeds"))
# An offer change marks the files stale; they are written again at most this often.
FEEDS_REFRESH_MINUTES = env_int("FEEDS_REFRESH_MINUTES", default=10, minimum=1)
# Filtered feeds (RSS, Atom, JSON of a search) are kept this long in the cache (0: not kept).
FEEDS_CACHE_SECONDS = env_int("FEEDS_CACHE_SECONDS", default=300, minimum=0)
# "nginx": the full feeds' bytes are sent by the reverse proxy (X-Accel-Redirect to the internal
# location FEEDS_ACCEL_PREFIX, an alias of FEEDS_DIR, docs/syndication.md), so that a slow
# reader holds no Python thread; empty: Django sends the file itself (FileResponse).
REVERSE_PROXY = env_str("REVERSE_PROXY", "")
if REVERSE_PROXY not in {"", "nginx"}:
    raise ImproperlyConfigured("REVERSE_PROXY must be empty or nginx.")
FEEDS_ACCEL_PREFIX = env_str("FEEDS_ACCEL_PREFIX", "/_feeds/")
STORAGES = {
    # Public uploads (photos): MEDIA_ROOT, or an S3-compatible bucket with MEDIA_STORAGE=s3.
    "default": media_storage_from_env(),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Development and tests serve static files straight from the apps; production from collectstatic.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
# django-dsfr's integrity hashes would not match whitenoise's rewritten CSS (STACK.md, trap 2).
DSFR_USE_INTEGRITY_CHECKSUMS = False
# Mark optional fields rather than required ones, as the DSFR now advises.
DSFR_MARK_OPTIONAL_FIELDS = True

# Shared state: REDIS_URL makes the cache Redis, shared by every process and node (rate limits,
# core/counters.py); without it each process keeps its own cache and counters go to the database.
REDIS_URL = env_str("REDIS_URL").strip()
CACHES = caches_from_env(REDIS_URL)
CACHE_IS_SHARED = bool(REDIS_URL)

# Tasks: the database queue by default (`manage.py tasks_worker`, core/worker.py), RQ on Redis
# with TASKS_BACKEND=rq (`manage.py rqworker`). docs/deployment.md, "Tâches".
TASKS, _TASK_APPS = tasks_from_env(testing=TESTING, redis_url=REDIS_URL)
INSTALLED_APPS += _TASK_APPS
if REDIS_URL:
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
# A RUNNING task whose worker has not beaten for this long is given back to the queue, at most
# TASKS_MAX_ATTEMPTS runs in all; finished results are kept TASKS_RESULTS_KEEP_DAYS days.
TASKS_LEASE_SECONDS = env_int("TASKS_LEASE_SECONDS", default=300, minimum=3)
TASKS_MAX_ATTEMPTS = env_int("TASKS_MAX_ATTEMPTS", default=3, minimum=1)
TASKS_RESULTS_KEEP_DAYS = env_int("TASKS_RESULTS_KEEP_DAYS", default=14, minimum=1)
# /sante/ answers 503 when the freshest worker heartbeat or the oldest waiting task is older.
HEALTH_WORKER_MAX_AGE = env_int("HEALTH_WORKER_MAX_AGE", default=120, minimum=1)
HEALTH_QUEUE_MAX_AGE = env_int("HEALTH_QUEUE_MAX_AGE", default=900, minimum=1)

# Partners' webhook addresses must be public (tremplin/syndication/http.py): true only for a
# partner on the same private network, or a test receiver on 127.0.0.1.
PARTNER_ALLOW_PRIVATE_HOSTS = env_bool("PARTNER_ALLOW_PRIVATE_HOSTS", default=False)

# Offer page views are buffered in each process and written at most every N views or N seconds
# (applications/viewcounts.py): one upsert per offer and day, not one write per page view.
OFFER_VIEWS_FLUSH_EVERY = env_int("OFFER_VIEWS_FLUSH_EVERY", default=100, minimum=1)
OFFER_VIEWS_FLUSH_SECONDS = env_int("OFFER_VIEWS_FLUSH_SECONDS", default=60, minimum=0)

# Email: SMTP when EMAIL_HOST is set; otherwise, in development, kept in EMAIL_OUTBOX_DIR and shown
# decoded at /dev/courriels/ and on the console (tremplin/core/outbox.py); else the console.
_EMAIL_HOST = env_str("EMAIL_HOST")
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _EMAIL_HOST,
                "port": env_int("EMAIL_PORT", default=587, minimum=1),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", default=True),
                "timeout": 20,
            },
        }
        if _EMAIL_HOST
        else {"BACKEND": "tremplin.core.outbox.OutboxEmailBackend"}
        if DEBUG
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}
EMAIL_OUTBOX_DIR = Path(env_str("EMAIL_OUTBOX_DIR", str(BASE_DIR / ".cache" / "outbox")))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Tremplin <ne-pas-repondre@tremplin.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# HTTPS: one switch for production; `make run` on localhost leaves it off (STACK.md, trap 8).
HTTPS = env_bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=31_536_000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# No inline script anywhere: scripts come from our own static files, with a nonce.
SECURE_CSP: dict[str, list[str]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    # DSFR components set a few style attributes from their JavaScript.
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# OpenID Connect logins (tremplin/identity, docs/identity.md): a provider is offered only when
# its client id, secret and discovery URL are all set; nothing is configured by default.
IDENTITY_PROVIDERS = {
    "pro_sante_connect": {
        "client_id": env_str("PRO_SANTE_CONNECT_CLIENT_ID"),
        "client_secret": env_str("PRO_SANTE_CONNECT_CLIENT_SECRET"),
        "discovery_url": env_str("PRO_SANTE_CONNECT_DISCOVERY_URL"),
        "scopes": env_str("PRO_SANTE_CONNECT_SCOPES", "openid scope_all"),
    },
    "proconnect": {
        "client_id": env_str("PROCONNECT_CLIENT_ID"),
        "client_secret": env_str("PROCONNECT_CLIENT_SECRET"),
        "discovery_url": env_str("PROCONNECT_DISCOVERY_URL"),
        "scopes": env_str("PROCONNECT_SCOPES", "openid given_name usual_name email siret"),
    },
}
# Seconds to wait for a provider (discovery, keys, token, userinfo) before saying it is down.
IDENTITY_HTTP_TIMEOUT = env_int("IDENTITY_HTTP_TIMEOUT", default=10, minimum=1)
# Logging out posts a form whose answer redirects to the provider's end-session endpoint:
# the form-action directive must allow the configured providers' origins.
SECURE_CSP["form-action"] += [
    url_origin(f"{key.upper()}_DISCOVERY_URL", provider["discovery_url"])
    for key, provider in IDENTITY_PROVIDERS.items()
    if provider["discovery_url"]
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
# University semesters (tremplin/hosting/semesters.py): the months a semester starts in;
# November–April and May–October by default.
SEMESTER_START_MONTHS = tuple(
    int(m) for m in env_list("SEMESTER_START_MONTHS", default=["5", "11"])
)
# Missions de solidarité territoriale (tremplin/missions): days a doctor may give per calendar
# month (a day with any booked slot counts as one), and how long before a slot it may still be
# cancelled.
MISSION_MAX_DAYS_PER_MONTH = env_int("MISSION_MAX_DAYS_PER_MONTH", default=2, minimum=1)
MISSION_CANCEL_HOURS = env_int("MISSION_CANCEL_HOURS", default=48, minimum=0)
