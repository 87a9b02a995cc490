"""Settings for kechuang, read from environment variables with strict parsers.

Production is the default: DEBUG is off unless KECHUANG_DEBUG=true (`make dev`). Every variable is optional:
the session key and the personal-data key are generated on first start in the data directory (owner-only, never
overwritten) unless given; allowed hosts default to this machine. Malformed values fail loudly.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_url(name: str) -> str:
    """An optional http(s) URL (e.g. an S3 endpoint); anything else fails loudly."""
    raw = os.environ.get(name, "").strip()
    if raw:
        parsed = urlparse(raw)
        if parsed.scheme not in {"http", "https"} or not parsed.netloc:
            raise ImproperlyConfigured(f"{name} must be an http:// or https:// URL, got {raw!r}")
    return raw


def parse_database_url(url: str, data_dir: Path) -> dict:
    """Turn sqlite:///path or postgres://user:pw@host:port/name into a Django DATABASES entry."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path)
        # sqlite:///relative.db is relative to the data directory; sqlite:////abs/path is absolute.
        if path.startswith("//"):
            name = path[1:]
        elif path in {"", "/"}:
            name = str(data_dir / "kechuang.sqlite3")
        else:
            name = str(data_dir / path.lstrip("/"))
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            "OPTIONS": {
                # WAL lets readers proceed beside the writer; IMMEDIATE avoids "database is locked"
                # on read-then-write transactions.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # A file, not memory: background threads and the live test server then share the database
            # through WAL and the busy timeout, as in production.
            "TEST": {"NAME": str(data_dir / f"test_kechuang_{os.getpid()}.sqlite3")},
        }
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        options = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        name = unquote(parsed.path.lstrip("/")) or "kechuang"
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "OPTIONS": options,
            # Connections are kept between requests (a new PostgreSQL connection costs more than a page's
            # queries) and checked before reuse, so a database restart costs no failed request.
            "CONN_MAX_AGE": env_int("KECHUANG_DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": env_bool("KECHUANG_DB_CONN_HEALTH_CHECKS", True),
            # A per-process test database lets several test runs share one server.
            "TEST": {"NAME": os.environ.get("KECHUANG_TEST_DB_NAME") or f"test_{name}_{os.getpid()}"},
        }
    raise ImproperlyConfigured(f"DATABASE_URL scheme {parsed.scheme!r} is not supported (use sqlite or postgres)")


# Production unless a developer says otherwise (`make dev` sets KECHUANG_DEBUG=true).
DEBUG = env_bool("KECHUANG_DEBUG", False)
DATA_DIR = Path(os.environ.get("KECHUANG_DATA_DIR") or (REPO_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def key_from_data_dir(name: str) -> str:
    """A key kept in the data directory: generated on first start with owner-only permissions, never
    overwritten (losing the personal-data key makes stored ID numbers unreadable: back it up apart)."""
    path = DATA_DIR / name
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text("ascii").strip()
        if len(key) < 32:
            raise ImproperlyConfigured(f"{path} is too short to be a key; restore it from the backup") from None
        return key
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(50) + "\n")
    return path.read_text("ascii").strip()


SECRET_KEY = os.environ.get("KECHUANG_SECRET_KEY", "") or key_from_data_dir("secret_key")

# Key for encrypting personal data at rest (talent ID and phone numbers). Separate from SECRET_KEY
# so that rotating sessions does not make stored personal data unreadable.
PII_KEY = os.environ.get("KECHUANG_PII_KEY", "") or key_from_data_dir("pii_key")

ALLOWED_HOSTS = env_list("KECHUANG_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("KECHUANG_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "kechuang.core.admin_apps.KechuangAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "axes",
    "django_htmx",
    "ninja",
    "django_q",
    # Loads every app's rules.py: the declared permissions (see kechuang/core/predicates.py).
    "rules.apps.AutodiscoverRulesConfig",
    "django_filters",  # list filters shared by pages, exports and the API (issue #16)
    "django_tables2",  # list tables shared by pages and exports (issue #16)
    "kechuang.core",
    "kechuang.org",
    "kechuang.accounts",
    "kechuang.audit",
    "kechuang.notices",
    "kechuang.plans",
    "kechuang.registry",
    "kechuang.metrics",
    "kechuang.reporting",
    "kechuang.quality",
    "kechuang.supervision",
    "kechuang.bulletins",
    "kechuang.assessment",
    "kechuang.policy",
    "kechuang.matching",
    "kechuang.web",
    "kechuang.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # What a GET request reads twice (the data fingerprint, system flags) is read once.
    "kechuang.core.fingerprint.RequestMemoMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kechuang.accounts.middleware.IdleSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "kechuang.audit.middleware.AuditContextMiddleware",
    "kechuang.core.middleware.SecurityHeadersMiddleware",
    "kechuang.accounts.middleware.MustChangePasswordMiddleware",
    "kechuang.core.middleware.BadInputMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kechuang.urls"
WSGI_APPLICATION = "kechuang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kechuang.web.context.navigation",
                "kechuang.notices.context.unread_notices",
            ],
        },
    }
]

DATABASES = {
    "default": parse_database_url(os.environ.get("DATABASE_URL", "sqlite:///kechuang.sqlite3"), DATA_DIR)
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "kechuang.accounts.backends.PasswordBackend",  # ModelBackend's sign-in; permissions come from roles only
    "kechuang.accounts.backends.RolePermissionBackend",
    # Actions declared with django-rules in each app's rules.py (``user.has_perm("reporting.review_taskreport", row)``).
    "rules.permissions.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "kechuang.accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"

# Lockout after repeated failures, per (username, IP) so one user cannot lock out a whole office
# behind a proxy.
AXES_FAILURE_LIMIT = env_int("KECHUANG_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours = 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_IPWARE_PROXY_COUNT = env_int("KECHUANG_PROXY_COUNT", 0) or None
AXES_VERBOSE = False

# Idle timeout: the session expires after 30 minutes without a request.
SESSION_COOKIE_AGE = env_int("KECHUANG_SESSION_IDLE_SECONDS", 1800)
# API tokens expire; a new token is valid this many days (tokens are listed and revoked on 我的接口令牌).
KECHUANG_API_TOKEN_DAYS = env_int("KECHUANG_API_TOKEN_DAYS", 90)
# The OpenAPI document and docs page need a signed-in user unless this is true.
KECHUANG_API_DOCS_PUBLIC = env_bool("KECHUANG_API_DOCS_PUBLIC", False)
# A password reset link issued by the system administrator is valid this long (one use).
PASSWORD_RESET_TIMEOUT = env_int("KECHUANG_PASSWORD_RESET_SECONDS", 24 * 3600)
# Requests renew the idle timer through accounts.middleware.IdleSessionMiddleware, which writes the session at most
# once in this many seconds (not SESSION_SAVE_EVERY_REQUEST: a database write per page view).
KECHUANG_SESSION_RENEW_SECONDS = env_int("KECHUANG_SESSION_RENEW_SECONDS", 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "media"  # never served directly: downloads go through authorised views
PRIVATE_FILES_DIR = DATA_DIR / "files"


def s3_storage(bucket: str, *, endpoint_url: str = "", access_key: str = "", secret_key: str = "",
               region: str = "", prefix: str = "") -> dict:
    """STORAGES entry for private files on an S3-compatible object store (MinIO, Ceph, a cloud bucket)."""
    return {
        "BACKEND": "kechuang.core.s3.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "access_key": access_key or None,  # None: boto3's own chain (AWS_* variables, instance role)
            "secret_key": secret_key or None,
            "region_name": region or None,
            "location": prefix,
            "addressing_style": "path",  # what MinIO and most private endpoints expect
            "signature_version": "s3v4",
            "default_acl": None,  # objects inherit the bucket's (private) policy
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }


# Private files (evidence, issued bulletins): the data directory by default, an S3 bucket when KECHUANG_S3_BUCKET is
# set. Either way only authorised views stream them (the storages make no URLs).
S3_BUCKET = os.environ.get("KECHUANG_S3_BUCKET", "")
PRIVATE_STORAGE = (
    s3_storage(
        S3_BUCKET,
        endpoint_url=env_url("KECHUANG_S3_ENDPOINT_URL"),
        access_key=os.environ.get("KECHUANG_S3_ACCESS_KEY", ""),
        secret_key=os.environ.get("KECHUANG_S3_SECRET_KEY", ""),
        region=os.environ.get("KECHUANG_S3_REGION", ""),
        prefix=os.environ.get("KECHUANG_S3_PREFIX", ""),
    )
    if S3_BUCKET
    else {
        "BACKEND": "kechuang.core.files.PrivateFileSystemStorage",
        "OPTIONS": {"file_permissions_mode": 0o640, "directory_permissions_mode": 0o750},
    }
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": PRIVATE_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 20
EVIDENCE_MAX_BYTES = env_int("KECHUANG_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
IMPORT_MAX_BYTES = env_int("KECHUANG_IMPORT_MAX_BYTES", 30 * 1024 * 1024)
# An uploaded registry file (it may hold ID numbers) is deleted when its job ends; a validated file waiting for
# its commit is deleted after this many hours (by `kechuang tick`).
KECHUANG_IMPORT_RETENTION_HOURS = env_int("KECHUANG_IMPORT_RETENTION_HOURS", 24)
# A registry upload up to this size is validated within the request; a larger one in the task worker.
KECHUANG_IMPORT_INLINE_BYTES = env_int("KECHUANG_IMPORT_INLINE_BYTES", 256 * 1024)
# A running background job whose process is gone (same host) or that showed no progress for this long (any host) is
# marked failed with a message, when a worker starts and in the daily tick (kechuang.core.jobs).
KECHUANG_JOB_STALE_SECONDS = env_int("KECHUANG_JOB_STALE_SECONDS", 900)
# Seconds between the end of a data-quality check and the next check asked for by an import (quality.services).
KECHUANG_QUALITY_IMPORT_SPACING = env_int("KECHUANG_QUALITY_IMPORT_SPACING", 60)
# Any request body above this is refused from its Content-Length before it is read (set the reverse proxy's
# client_max_body_size to the same figure).
KECHUANG_MAX_REQUEST_BYTES = env_int("KECHUANG_MAX_REQUEST_BYTES", 32 * 1024 * 1024)

EMAIL_BACKEND = os.environ.get("KECHUANG_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("KECHUANG_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("KECHUANG_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = os.environ.get("KECHUANG_EMAIL_FROM", "kechuang@localhost")
# The address users open the site at; notices sent by e-mail or robots link back to it ("" = relative links).
KECHUANG_SITE_URL = os.environ.get("KECHUANG_SITE_URL", "").rstrip("/")

# Production hardening; `manage.py check --deploy` is clean with KECHUANG_HTTPS=true (behind TLS).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind a TLS-terminating proxy (every deployment beyond one's own machine): KECHUANG_HTTPS=true.
HTTPS = env_bool("KECHUANG_HTTPS", False)
if not DEBUG and HTTPS:
    SECURE_SSL_REDIRECT = env_bool("KECHUANG_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("KECHUANG_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("KECHUANG_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KECHUANG_LOG_LEVEL", "WARNING")},
}

# Task queue (django-q2). Embedded default: the ORM broker on the main database (nothing extra to run);
# KECHUANG_REDIS_URL switches the broker to Redis. `make run` starts one worker beside gunicorn.
REDIS_URL = os.environ.get("KECHUANG_REDIS_URL", "")
Q_CLUSTER = {
    "name": "kechuang",
    "workers": env_int("KECHUANG_TASK_WORKERS", 1),
    "timeout": env_int("KECHUANG_TASK_TIMEOUT", 1800),  # seconds a job may run before it is killed
    "retry": env_int("KECHUANG_TASK_TIMEOUT", 1800) + 60,  # must exceed timeout, or a running job is redelivered
    "max_attempts": 3,
    "ack_failures": True,
    "save_limit": 1000,
    "label": "后台任务",
    "catch_up": False,
    **({"redis": REDIS_URL} if REDIS_URL else {"orm": "default"}),
}

# Shared state. The cache holds derived figures only (the dashboard under its data fingerprint): Redis when
# configured, so every web node shares them; this process's memory otherwise (one machine). Sessions live in the
# database, so any node can serve any user.
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "KEY_PREFIX": "kechuang", "TIMEOUT": 600}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kechuang"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# How many web nodes serve this installation (deploy checks: several nodes need PostgreSQL and Redis).
KECHUANG_WEB_NODES = env_int("KECHUANG_WEB_NODES", 1)
# /healthz fails when the oldest task still waiting in the queue is older than this (no worker takes tasks).
KECHUANG_HEALTH_QUEUE_MAX_AGE = env_int("KECHUANG_HEALTH_QUEUE_MAX_AGE", 600)

# Ninja: keep Swagger UI on local static files.
NINJA_PAGINATION_PER_PAGE = 100
