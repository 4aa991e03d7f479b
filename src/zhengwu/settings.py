"""Zhengwu's settings: one file, read from the environment only (see docs/deploy.md)."""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("ZHENGWU_VAR_DIR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    if key := os.environ.get("ZHENGWU_SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _flag("ZHENGWU_DEBUG")
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ZHENGWU_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()
]
# The site's public address, for links in messages sent outside a request (rating links, QR codes on notices).
ZHENGWU_PUBLIC_URL = os.environ.get("ZHENGWU_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# 实名核验: the class that checks an applicant's name and number (cases.identity.RealNameVerifier)
ZHENGWU_REAL_NAME_PROVIDER = os.environ.get(
    "ZHENGWU_REAL_NAME_PROVIDER", "zhengwu.cases.identity.LocalRealNameVerifier"
)
# The audit chain's anchors (docs/deploy.md): signed with a key the database does not hold, written by
# `zhengwu scheduled` once a day to ZHENGWU_AUDIT_ANCHOR_FILE (unset: no daily anchor) — a place the database
# administrator cannot write.
ZHENGWU_AUDIT_ANCHOR_KEY = os.environ.get("ZHENGWU_AUDIT_ANCHOR_KEY", "")
ZHENGWU_AUDIT_ANCHOR_FILE = os.environ.get("ZHENGWU_AUDIT_ANCHOR_FILE", "")
# Who seals the audit chain (records are appended unsealed, without a lock): "task" asks the task worker after every
# audited write commits (default), "commit" seals in the request once it has committed, "scheduled" leaves it to
# `zhengwu scheduled` (and `zhengwu audit seal|verify|anchor`, which seal first).
ZHENGWU_AUDIT_SEAL = os.environ.get("ZHENGWU_AUDIT_SEAL", "task")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("ZHENGWU_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# Calls to the CKAN action API per address (django-ratelimit's rate): enough for a harvester paging 100 at a time.
ZHENGWU_CKAN_RATE_LIMIT = os.environ.get("ZHENGWU_CKAN_RATE_LIMIT", "120/m")
# Uploads (core/files.py, docs/deploy.md): a body over the request limit is refused by its Content-Length before it
# is read; each file then against its domain's limit.
ZHENGWU_REQUEST_MAX_BYTES = int(os.environ.get("ZHENGWU_REQUEST_MAX_BYTES", str(50 * 1024 * 1024)))
ZHENGWU_CASE_UPLOAD_MAX_BYTES = int(os.environ.get("ZHENGWU_CASE_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
ZHENGWU_DISCLOSURE_ATTACHMENT_MAX_BYTES = int(
    os.environ.get("ZHENGWU_DISCLOSURE_ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024))
)
# What a 503 asks clients to wait while the database or Redis is unavailable (Retry-After).
# The API's answers made without pydantic (api.common.answer) are also validated and compared (the test suite sets it)
ZHENGWU_CHECK_ANSWERS = os.environ.get("ZHENGWU_CHECK_ANSWERS", "") == "1"
ZHENGWU_RETRY_AFTER_SECONDS = int(os.environ.get("ZHENGWU_RETRY_AFTER_SECONDS", "30"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "zhengwu.core",
    "zhengwu.catalog",
    "zhengwu.disclosure",
    "zhengwu.tickets",
    "zhengwu.evaluation",
    "zhengwu.cases",
    "zhengwu.supervision",
    "zhengwu.portal",
    "zhengwu.workbench",
    "zhengwu.api",
    "ninja",  # /api/docs served from our static files (not a CDN), so the Content-Security-Policy holds there too
    "zhengwu.joint",
    "zhengwu.hall",
    "zhengwu.fees",
    "zhengwu.licences",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "zhengwu.core.middleware.RequestContextMiddleware",
    "zhengwu.core.middleware.RequestSizeMiddleware",
    "zhengwu.core.middleware.UnreadableInputMiddleware",
    "zhengwu.core.middleware.DomainErrorPageMiddleware",
    "axes.middleware.AxesMiddleware",
    "zhengwu.core.idempotency.IdempotencyMiddleware",
    "zhengwu.core.middleware.SlidingSessionMiddleware",
    "zhengwu.core.middleware.OneCalendarPerRequestMiddleware",
]

ROOT_URLCONF = "zhengwu.urls"
WSGI_APPLICATION = "zhengwu.wsgi.application"
ASGI_APPLICATION = "zhengwu.asgi.application"

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
                "zhengwu.core.context_processors.zhengwu",
            ],
        },
    },
]

# Database: DATABASE_URL, default SQLite (WAL) in var/.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'zhengwu.sqlite3'}",
        conn_max_age=int(os.environ.get("ZHENGWU_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # IMMEDIATE: every transaction takes the write lock at its start, so read-then-write never deadlocks.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    )
# Read replicas (issue 20): DATABASE_REPLICA_URL, one or more PostgreSQL streaming replicas, comma-separated, become the
# aliases `replica`, `replica_2`, …; core.dbrouter then sends the reads of safe requests there and pins a person who
# just wrote to the primary for ZHENGWU_REPLICA_PIN_SECONDS. Unset: no router, no middleware, everything as before.
_REPLICA_URLS = [u.strip() for u in os.environ.get("DATABASE_REPLICA_URL", "").split(",") if u.strip()]
ZHENGWU_REPLICA_PIN_SECONDS = int(os.environ.get("ZHENGWU_REPLICA_PIN_SECONDS", "10"))
for _i, _url in enumerate(_REPLICA_URLS, start=1):
    DATABASES["replica" if _i == 1 else f"replica_{_i}"] = {
        **dj_database_url.parse(_url, conn_max_age=DATABASES["default"].get("CONN_MAX_AGE", 0)),
        "TEST": {"MIRROR": "default"},  # tests run against the one test database
    }
# ZHENGWU_DB_PGBOUNCER=1: the database URLs point at PgBouncer in transaction pooling mode, where a server
# connection is lent for one transaction only: no server-side cursors (QuerySet.iterator outside a transaction) and no
# prepared statements kept by psycopg between transactions.
if _flag("ZHENGWU_DB_PGBOUNCER"):
    for _db in DATABASES.values():
        _db["DISABLE_SERVER_SIDE_CURSORS"] = True
        _db.setdefault("OPTIONS", {})["prepare_threshold"] = None
# PostgreSQL's JIT compiles a query whose estimated cost passes jit_above_cost with LLVM, at every run: on the
# monthly indicators at 10^6 cases (one statement over a month's cases with per-row sub-selects) compiling took
# longer than the query — 740–1,000 ms with JIT, 560–600 ms without (bench_supervision, issue 20). The platform's
# statements are short or run once a page: off for every connection (ZHENGWU_DB_JIT=1 keeps the server's setting).
# PgBouncer in transaction pooling refuses a connection's `options`: there, `ALTER ROLE <role> SET jit = off`
# (docs/deploy.md).
if not _flag("ZHENGWU_DB_JIT") and not _flag("ZHENGWU_DB_PGBOUNCER"):
    for _db in DATABASES.values():
        if _db["ENGINE"] == "django.db.backends.postgresql":
            _options = _db.setdefault("OPTIONS", {})
            _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
# The hottest reads (core.prepared) are prepared on the server once they have run twice on a connection; Django's other
# statements bind on the client and are not (issue 20). Behind PgBouncer (above) nothing is kept between transactions.
if not _flag("ZHENGWU_DB_PGBOUNCER"):
    for _db in DATABASES.values():
        if _db["ENGINE"] == "django.db.backends.postgresql":
            _db.setdefault("OPTIONS", {}).setdefault("prepare_threshold", 2)
if _REPLICA_URLS:
    DATABASE_ROUTERS = ["zhengwu.core.dbrouter.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
        "zhengwu.core.dbrouter.ReadYourWritesMiddleware",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend reading the staff profile and roles with the user (issue 20)
    "zhengwu.core.backends.StaffBackend",
    # only for sessions signed in before StaffBackend (a session names its backend; unlisted, it would be signed
    # out): every sign-in succeeds at StaffBackend first
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "zhengwu.core.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "workbench:home"
LOGOUT_REDIRECT_URL = "core:login"

# Lock-out after repeated failures (django-axes): 5 failures for a user name from one address, 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("ZHENGWU_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("ZHENGWU_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "zhengwu.core.views.lockout"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Administrators must enrol a TOTP second factor before anything else when this is on.
ZHENGWU_REQUIRE_OTP_FOR_ADMIN = _flag("ZHENGWU_REQUIRE_OTP_FOR_ADMIN")
# A centre manager may publish a catalogue version they submitted themselves only when this is on (a centre with one
# manager); the published version and its audit record then say so. Off: another manager must review and publish.
ZHENGWU_CATALOG_SELF_PUBLISH = _flag("ZHENGWU_CATALOG_SELF_PUBLISH")

# Sessions expire after 30 idle minutes and at most 12 hours after sign-in (see core.middleware).
SESSION_COOKIE_AGE = int(os.environ.get("ZHENGWU_SESSION_IDLE_SECONDS", str(30 * 60)))
# The idle limit slides with activity: SlidingSessionMiddleware saves a signed-in session at most once a minute
# (SESSION_SAVE_EVERY_REQUEST wrote it on every request, one UPDATE each; issue 20)
SESSION_SAVE_EVERY_REQUEST = False
# Django's database sessions, read by a statement compiled once per connection (core.sessions; issue 20)
SESSION_ENGINE = "zhengwu.core.sessions"
ZHENGWU_SESSION_REFRESH_SECONDS = int(os.environ.get("ZHENGWU_SESSION_REFRESH_SECONDS", "60"))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
ZHENGWU_SESSION_MAX_SECONDS = int(os.environ.get("ZHENGWU_SESSION_MAX_SECONDS", str(12 * 3600)))
SECURE = _flag("ZHENGWU_SECURE")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE
if SECURE:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp; docs/deploy.md): scripts only from our own static files (htmx, ECharts,
# Bootstrap and ours are all in static/, none inline), no plugins, no framing, forms and fetches to ourselves.
# Styles also inline: templates and ECharts/htmx set style attributes, and an injected style cannot run code.
# Images also data: (inline SVG/PNG in Bootstrap's CSS and the TOTP QR code).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

OTP_TOTP_ISSUER = "Zhengwu 政务"

LANGUAGE_CODE = "zh-hans"
# Chinese only: the interface's own strings are written in Chinese, and a browser that asks for English would get
# Django's own strings in English among them ("303 bytes", form errors) — a stranger's pass found exactly that
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("ZHENGWU_STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every start when it is missing
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("ZHENGWU_MEDIA_ROOT", VAR_DIR / "media"))
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if os.environ.get("ZHENGWU_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["ZHENGWU_S3_BUCKET"],
            "endpoint_url": os.environ.get("ZHENGWU_S3_ENDPOINT_URL"),
            "access_key": os.environ.get("ZHENGWU_S3_ACCESS_KEY"),
            "secret_key": os.environ.get("ZHENGWU_S3_SECRET_KEY"),
            "region_name": os.environ.get("ZHENGWU_S3_REGION"),
            "default_acl": "private",
            "querystring_auth": True,
        },
    }

# Background work: Django's Tasks API (django-tasks backport). ZHENGWU_TASKS = database | redis | immediate.
_TASKS = os.environ.get("ZHENGWU_TASKS", "database")
REDIS_URL = os.environ.get("ZHENGWU_REDIS_URL", "redis://127.0.0.1:6379/0")
if _TASKS == "redis":
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    # a plain RQ job cannot run a Task: `zhengwu rqworker default` too must use django-tasks-rq's job class
    RQ = {"JOB_CLASS": "django_tasks_rq.backend.Job"}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    INSTALLED_APPS += ["django_rq"]
elif _TASKS == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Django's cache holds the rate limits' counters: several servers (or several gunicorn workers) must share it, or each
# counts on its own and lets through that many times the rate. ZHENGWU_CACHE_URL names a Redis; with the Redis task
# queue and no cache URL the cache is on the queue's Redis (keys prefixed "zw"); one process alone may keep it in memory.
_CACHE_URL = os.environ.get("ZHENGWU_CACHE_URL", "") or (REDIS_URL if _TASKS == "redis" else "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL, "KEY_PREFIX": "zw"}
        if _CACHE_URL.startswith("redis")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ZHENGWU_LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 50

# Fees (统一收费): the payment simulator signs its callbacks with this key (else var/fees_simulator_key).
ZHENGWU_FEES_SIMULATOR_KEY = os.environ.get("ZHENGWU_FEES_SIMULATOR_KEY", "")
# Electronic licences (电子证照): the platform CA's keys live here, outside the database; the signer behind the
# Signer interface (a national 电子印章 / SM2 service replaces it), see docs/deploy.md.
ZHENGWU_LICENCE_KEY_DIR = os.environ.get("ZHENGWU_LICENCE_KEY_DIR", str(VAR_DIR / "licence-keys"))
ZHENGWU_LICENCE_SIGNER = os.environ.get("ZHENGWU_LICENCE_SIGNER", "zhengwu.licences.signing.LocalCASigner")
