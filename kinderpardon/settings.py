"""Settings for the Motietracker, driven by environment variables.

Works with no setup at all (SQLite, debug on, a development secret key); a
deployment sets ``DJANGO_DEBUG=0``, ``SECRET_KEY``, ``DATABASE_URL``,
``ALLOWED_HOSTS`` and the e-mail variables. With debug off the development key
is refused, so a forgotten ``SECRET_KEY`` cannot reach production.
"""

import importlib.util
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# The package carries its templates, static files and translations, so an
# installed wheel finds them as a checkout does. BASE_DIR (the checkout) only
# gives development defaults for what a deployment sets: the database, the
# uploads, the collected static files and the reference data. An installed
# package has no checkout (BASE_DIR would be site-packages), so there each of
# those must be set: the app refuses to start rather than write into its own
# installation.
PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent
IN_CHECKOUT = (BASE_DIR / "manage.py").is_file()


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_place(name: str, in_checkout: Path | str) -> str:
    """Where the app keeps or finds something: the environment's choice, else
    ``in_checkout``; an installed package refuses to guess."""
    value = env(name)
    if value:
        return value
    if not IN_CHECKOUT:
        raise ImproperlyConfigured(
            f"{name} must be set: an installed Motietracker has no checkout to keep it in "
            "(see the README, Deploying)."
        )
    return str(in_checkout)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-motietracker"  # noqa: S105
SECRET_KEY = env("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
# The bar of Django's own deploy check: 50 characters, 5 of them different.
if not DEBUG and (
    SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5
):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a long random value (50 characters or more) when "
        "DJANGO_DEBUG is off; the development key is refused. Make one with: "
        'python -c "import secrets; print(secrets.token_urlsafe(50))"'
    )

# The site's own absolute address (scheme and host, no path), for what leaves
# the site: e-mails, feeds and share cards. A link built from the request would
# carry whatever Host header a sender chose; this one is the operator's.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
_site = urlsplit(SITE_URL)
if _site.scheme not in ("http", "https") or not _site.hostname or _site.path or _site.query:
    raise ImproperlyConfigured(
        "SITE_URL must be the site's address, such as https://motietracker.nl "
        f"(scheme and host, no path), not {SITE_URL!r}"
        + (" (it must be set when DJANGO_DEBUG is off)" if not SITE_URL else "")
    )
# The site's own host by default (without a port: Django compares hosts so);
# more (a www. alias, say) by ALLOWED_HOSTS.
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS",
    "localhost,127.0.0.1,[::1]"
    if DEBUG
    else (f"[{_site.hostname}]" if ":" in _site.hostname else _site.hostname),
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "workspace.apps.AdminConfig",  # Django's admin, its login throttled like the workspace's
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "simple_history",
    "django_q",  # the task queue and its schedules (README "Background work")
    "municipalities",
    "motions",
    "workspace",
]

MIDDLEWARE = [
    # First of all: /healthz answers a load balancer on plain HTTP and any Host,
    # before the HTTPS redirect and the host check (kinderpardon/health.py).
    "kinderpardon.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Log lines name the request they were written in (kinderpardon/logs.py).
    "kinderpardon.logs.RequestContextMiddleware",
    # Before the rest: a cached public page skips it all, and the database.
    "kinderpardon.page_cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "kinderpardon.history.ChangesetMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kinderpardon.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "kinderpardon.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kinderpardon.context_processors.languages",
            ],
        },
    },
]

WSGI_APPLICATION = "kinderpardon.wsgi.application"

# SQLite when DATABASE_URL is unset (nothing to install to try the app);
# PostgreSQL in production and in CI's second test run. With debug off a
# forgotten DATABASE_URL is refused rather than served from the checkout's file.
if not DEBUG and not env("DATABASE_URL"):
    raise ImproperlyConfigured(
        "DATABASE_URL must be set when DJANGO_DEBUG is off: PostgreSQL in production "
        "(a SQLite file only when named explicitly, sqlite:////path/db.sqlite3)."
    )
DATABASES = {
    "default": dj_database_url.parse(
        env_place("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A writing transaction takes the database when it begins, so that a save
    # that checks a record's version first sees every save committed before it.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A shared cache (Redis) in production, so that rate limits, import previews
# and the public data's version hold across processes; in development a
# per-process memory cache is enough. With debug off a missing Redis is refused:
# every process would count its own rate limits and keep its own version.
REDIS_URL = env("REDIS_URL")
if not DEBUG and not REDIS_URL:
    raise ImproperlyConfigured(
        "REDIS_URL must be set when DJANGO_DEBUG is off: rate limits, import previews and "
        "the public data's version must be shared by every process (see the README, Deploying)."
    )
CACHES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        # Django's default of 300 entries would evict login counters under a
        # modest burst of tries.
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    }
}
# How long a process may keep the public data's version before reading the
# shared one again (kinderpardon/public_data.py); 0: read it on every use.
# Reading Redis on every cached page halved the pages served (issue 11).
PUBLIC_DATA_VERSION_TTL_MS = env_int("PUBLIC_DATA_VERSION_TTL_MS", 100)
# How much memory each process may give to cached public pages
# (kinderpardon/page_cache.py); 0 switches the page cache off, as in
# development, where an edited template must show at the next reload.
PUBLIC_PAGE_CACHE_MB = env_int("PUBLIC_PAGE_CACHE_MB", 0 if DEBUG else 64)
# Behind our load balancer the visitor's address is the last X-Forwarded-For
# entry, the one the balancer appends; earlier entries come from the client.
USE_X_FORWARDED_FOR = env_bool("USE_X_FORWARDED_FOR", False)

# --- Background work: the task queue (django-q2) on the database ---------------
# README "Background work". Tasks and schedules are rows in the default
# database: nothing more to run in development, nothing lost when a cache
# restarts, and they travel with the database's backups. `manage.py qcluster`
# is the worker (with its scheduler); `make run` starts one beside runserver.
# TASK_WORKERS processes run tasks; a task running longer than TASK_TIMEOUT
# seconds is stopped and its job marked failed. A task whose worker died is
# handed out again after TASK_TIMEOUT + 60 seconds (once). Daily jobs start at
# TASK_NIGHT_HOUR o'clock, Amsterdam time (workspace/schedules.py lists them).
# /healthz fails when the scheduler has not run or a task has waited for more
# than HEALTH_QUEUE_STALE_MINUTES minutes.
TASK_TIMEOUT = env_int("TASK_TIMEOUT", 15 * 60)
Q_CLUSTER = {
    "name": "motietracker",
    "orm": "default",
    "workers": env_int("TASK_WORKERS", 2),
    "timeout": TASK_TIMEOUT,
    "retry": TASK_TIMEOUT + 60,
    "max_attempts": 2,
    # A task that raised is done with (its job says it failed), not handed out again.
    "ack_failures": True,
    # After a night the worker was down, a daily job runs once, not once per missed day.
    "catch_up": False,
    # How often an idle worker asks the database for work, in seconds.
    "poll": 1,
    "save_limit": 500,
    "label": _("Taken"),
}
TASK_NIGHT_HOUR = env_int("TASK_NIGHT_HOUR", 3)
HEALTH_QUEUE_STALE_MINUTES = env_int("HEALTH_QUEUE_STALE_MINUTES", 5)
# --- end of background work --------------------------------------------------

# A municipality's page is served by the app above the register (motions), so
# the register's model does not name it itself.
ABSOLUTE_URL_OVERRIDES = {
    "municipalities.municipality": lambda municipality: reverse(
        "motions:municipality", kwargs={"slug": municipality.slug}
    ),
}

# Who may put back an earlier version of a record (the workspace and the admin).
REVERT_PERMISSION = "motions.revert_history"

LOGIN_URL = "workspace:login"
LOGIN_REDIRECT_URL = "workspace:dashboard"
LOGOUT_REDIRECT_URL = "motions:home"
# Every login (workspace and admin) and the password reset go through one
# throttle (workspace/accounts/throttle.py), counted in the shared cache. Failed logins
# allowed within LOGIN_FAILURE_WINDOW seconds: LOGIN_FAILURE_LIMIT for one
# account from one address (then that address waits), LOGIN_ADDRESS_FAILURE_LIMIT
# from one address over all accounts. LOGIN_ACCOUNT_FAILURE_LIMIT for one account
# from all addresses together within LOGIN_ACCOUNT_FAILURE_WINDOW; the last two
# do not apply where the account logged in within LOGIN_TRUSTED_DAYS.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW = env_int("LOGIN_FAILURE_WINDOW", 15 * 60)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("LOGIN_ACCOUNT_FAILURE_LIMIT", 30)
LOGIN_ACCOUNT_FAILURE_WINDOW = env_int("LOGIN_ACCOUNT_FAILURE_WINDOW", 60 * 60)
LOGIN_TRUSTED_DAYS = env_int("LOGIN_TRUSTED_DAYS", 30)
# Password reset mails: at most PASSWORD_RESET_LIMIT per e-mail address and
# PASSWORD_RESET_ADDRESS_LIMIT requests per sender's address within
# PASSWORD_RESET_WINDOW seconds.
PASSWORD_RESET_LIMIT = env_int("PASSWORD_RESET_LIMIT", 3)
PASSWORD_RESET_ADDRESS_LIMIT = env_int("PASSWORD_RESET_ADDRESS_LIMIT", 10)
PASSWORD_RESET_WINDOW = env_int("PASSWORD_RESET_WINDOW", 60 * 60)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Dutch first; English second. Source strings in code and templates are Dutch.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("Engels"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_place("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Leaflet's own files, as django-leaflet ships them, under static/leaflet/ (no
# CDN). Not through INSTALLED_APPS: its admin module needs GeoDjango and GDAL.
_LEAFLET = importlib.util.find_spec("leaflet")
if _LEAFLET is None or _LEAFLET.origin is None:
    raise ImproperlyConfigured("django-leaflet is not installed: the map needs its static files")
LEAFLET_STATIC = Path(_LEAFLET.origin).parent / "static" / "leaflet"
STATICFILES_DIRS = [PACKAGE_DIR / "static", ("leaflet", LEAFLET_STATIC)]
# --- Uploaded files: local disk, or an S3-compatible object store (backup branch) ---
# Volunteers' motion documents go to STORAGES["default"], reporters' documents to
# STORAGES["private"]; the app serves both itself (kinderpardon.uploads.download),
# never by a URL of the store. Local disk (MEDIA_ROOT, PRIVATE_MEDIA_ROOT) unless
# S3_BUCKET is set; then both go to an S3-compatible store through django-storages:
# reporters' documents in a bucket of their own (S3_PRIVATE_BUCKET), so no policy
# on the other bucket can reach them, and every object written with a private ACL.
S3_SETTINGS = (
    "S3_BUCKET",
    "S3_PRIVATE_BUCKET",
    "S3_ENDPOINT_URL",
    "S3_REGION",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
)


def object_storages(environ: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """STORAGES' "default" and "private" on S3 from the S3_* variables in
    ``environ``; empty when none is set (local disk). Refuses half a configuration."""
    values = {name: environ.get(name, "").strip() for name in S3_SETTINGS}
    if not any(values.values()):
        return {}
    bucket, private_bucket = values["S3_BUCKET"], values["S3_PRIVATE_BUCKET"]
    if not bucket:
        given = ", ".join(name for name, value in values.items() if value)
        raise ImproperlyConfigured(
            f"S3_BUCKET must be set when any S3 setting is ({given} is set): "
            "set it for object storage, or unset the others for local disk."
        )
    if not private_bucket or private_bucket == bucket:
        raise ImproperlyConfigured(
            "S3_PRIVATE_BUCKET must be set, to a bucket other than S3_BUCKET, when S3_BUCKET "
            "is: reporters' documents are kept in a private bucket of their own."
        )
    if bool(values["S3_ACCESS_KEY_ID"]) != bool(values["S3_SECRET_ACCESS_KEY"]):
        raise ImproperlyConfigured(
            "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together (or neither, "
            "to use the machine's own credentials: an instance role, ~/.aws)."
        )
    endpoint = values["S3_ENDPOINT_URL"]
    if endpoint and not endpoint.startswith(("https://", "http://")):
        raise ImproperlyConfigured(f"S3_ENDPOINT_URL must be an http(s) URL, not {endpoint!r}")
    options = {
        "access_key": values["S3_ACCESS_KEY_ID"] or None,
        "secret_key": values["S3_SECRET_ACCESS_KEY"] or None,
        "endpoint_url": endpoint or None,
        "region_name": values["S3_REGION"] or None,
        # Another store than AWS (MinIO, Ceph, Garage...) is addressed by path.
        "addressing_style": "path" if endpoint else None,
        # Every object private; the app streams documents through its own views.
        "default_acl": "private",
        "querystring_auth": True,
        # Two documents of the same name are two objects, as on disk.
        "file_overwrite": False,
    }
    return {
        alias: {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**options, "bucket_name": name},
        }
        for alias, name in (("default", bucket), ("private", private_bucket))
    }


OBJECT_STORAGES = object_storages(os.environ)


def _upload_place(name: str, in_checkout: Path) -> str:
    """On object storage the two upload directories are not used, so not required."""
    return env(name, str(in_checkout)) if OBJECT_STORAGES else env_place(name, in_checkout)


# --- end of the object storage block ---
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(_upload_place("MEDIA_ROOT", BASE_DIR / "media"))
# Reporters' documents are private: stored apart from MEDIA_ROOT, never served
# by URL, only through a permission-checked view.
PRIVATE_MEDIA_ROOT = Path(_upload_place("PRIVATE_MEDIA_ROOT", BASE_DIR / "private-media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "kinderpardon.uploads.PrivateFileStorage"},
    **OBJECT_STORAGES,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Motietracker <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # HSTS: browsers that saw the site once refuse plain HTTP for a year. On a
    # domain of its own the README also sets subdomains and preload, which
    # `check --deploy` asks for; on a subdomain of someone else's, leave them off.
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SECURE_CONTENT_TYPE_NOSNIFF = True

# One line per event on standard error, with the request's method, path and
# user id, and no personal data (kinderpardon/logs.py; README "Errors and logs").
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "kinderpardon.logs.RequestContextFilter"}},
    "formatters": {
        "scrubbed": {
            "()": "kinderpardon.logs.ScrubbingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(context)s] %(message)s",
            "datefmt": "%Y-%m-%d %H:%M:%S %z",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_context"],
            "formatter": "scrubbed",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # Django's own handlers (its console in debug, mail to ADMINS) would write
    # the same errors again, unscrubbed: its lines go through ours only.
    "loggers": {"django": {"handlers": [], "level": "INFO", "propagate": True}},
}

# Where the CBS/Kadaster reference data lies: a directory or an http(s) URL
# holding the files named below. On our machines and in CI it lies beside the
# project; a deployment elsewhere downloads them from CBS/PDOK (see README).
REFERENCE_DATA = env_place("REFERENCE_DATA", BASE_DIR.parent / "shared" / "data")
REFERENCE_MUNICIPALITIES_FILE = env(
    "REFERENCE_MUNICIPALITIES_FILE", "cbs-gemeentelijke-indeling.csv"
)
# What became of every ended municipality, verified row by row (see its README).
REFERENCE_MERGERS_FILE = env("REFERENCE_MERGERS_FILE", "herindelingen.csv")
REFERENCE_BOUNDARIES_FILE = env("REFERENCE_BOUNDARIES_FILE", "gemeenten-2025-wgs84.geojson")
REFERENCE_BOUNDARIES_YEAR = env_int("REFERENCE_BOUNDARIES_YEAR", 2025)

# The map draws the municipalities on a plain background. A deployment that
# wants background tiles sets their URL template ({z}/{x}/{y}) and attribution
# (HTML); by default the map makes no request to any other server.
MAP_TILE_URL = env("MAP_TILE_URL")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION")

# The public report form (/melden/). A reporter's name, e-mail address, message
# and document are erased REPORT_RETENTION_DAYS after the report arrived
# (``manage.py erase_report_personal_data``, run daily). At most
# REPORT_RATE_LIMIT posts per address and per e-mail address within
# REPORT_RATE_WINDOW seconds. New reports are announced to REPORT_NOTIFY_EMAILS
# (for example the campaign's shared inbox) or, when that is empty, to every
# active account that may triage reports.
REPORT_RETENTION_DAYS = env_int("REPORT_RETENTION_DAYS", 365)
REPORT_RATE_LIMIT = env_int("REPORT_RATE_LIMIT", 10)
REPORT_RATE_WINDOW = env_int("REPORT_RATE_WINDOW", 60 * 60)
REPORT_NOTIFY_EMAILS = env_list("REPORT_NOTIFY_EMAILS")
MAX_UPLOAD_MB = env_int("MAX_UPLOAD_MB", 10)

# The dashboard lists councils whose last contact was a message of ours older
# than this many weeks, with no answer since.
FOLLOW_UP_WEEKS = env_int("FOLLOW_UP_WEEKS", 4)
