"""Every Scrollkeeper setting, read from the environment.

With no environment at all the project runs embedded: SQLite, files under ``var/``, an in-memory
channel layer and Celery tasks run in-process. ``DATABASE_URL``, ``REDIS_URL`` and ``S3_*`` switch
to the real services; ``DJANGO_ENV=production`` turns on the deployment hardening.
"""

import os
import tempfile
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

# Lets generic Django classes (ModelAdmin[Model], QuerySet[Model]) be subscripted at run time.
django_stubs_ext.monkeypatch()


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = env_str(name)
    if not value:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    try:
        return int(value) if value else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("SCROLLKEEPER_VAR_DIR") or BASE_DIR / "var")

# =============================================================================
# Environment
# =============================================================================
DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured("DJANGO_ENV must be development, production or test")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production")
    SECRET_KEY = "insecure-development-key-never-use-in-production-" + "x" * 20

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Public address of the site, used in e-mailed links when no request is at hand.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# =============================================================================
# Applications
# =============================================================================
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "core",
    "accounts",
    "teams",
    "billing",
    "documents",
    "annotations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "scrollkeeper.urls"
WSGI_APPLICATION = "scrollkeeper.wsgi.application"
ASGI_APPLICATION = "scrollkeeper.asgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# =============================================================================
# Database
# =============================================================================
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded database lives there
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "db.sqlite3"),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"},
        }
    }

# =============================================================================
# Redis: cache, channel layer, Celery broker
# =============================================================================
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [REDIS_URL]}}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# =============================================================================
# Celery
# =============================================================================
# The in-memory transport ignores the host, but kombu warns on every send ("No hostname was supplied")
# when the URL names none, and even eager tasks acquire a producer.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
# Without a broker the tasks run in the web process, so `make run` needs no worker.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fix-up closes the database connection around every task unless told to reuse it this
# many times; scrollkeeper.celery applies Django's CONN_MAX_AGE rules around each task instead.
CELERY_DB_REUSE_MAX = 1_000_000_000
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
# How long Redis waits for a delivered task's ack before another worker gets it: a worker killed mid-task
# (SIGKILL, OOM, a lost machine) has its tasks redelivered this long after it took them. Must exceed the
# hard time limit, or Redis hands a running task to a second worker. Tests shorten it to see redelivery.
# (Not named CELERY_*: that namespace is handed to Celery as its configuration.)
BROKER_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", CELERY_TASK_TIME_LIMIT + 300)
if PRODUCTION and BROKER_VISIBILITY_TIMEOUT <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured("CELERY_VISIBILITY_TIMEOUT must exceed CELERY_TASK_TIME_LIMIT")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": 5,
    "unacked_restore_throttle": 1,
}
CELERY_BEAT_SCHEDULE = {
    "clean-abandoned-uploads": {"task": "documents.tasks.clean_abandoned_uploads", "schedule": 3600.0},
    "requeue-stalled-documents": {"task": "documents.tasks.requeue_stalled_documents", "schedule": 300.0},
    "send-mention-digests": {"task": "annotations.tasks.send_mention_digests", "schedule": 300.0},
    "prune-annotation-tombstones": {"task": "annotations.tasks.prune_tombstones", "schedule": 86400.0},
    "clean-annotation-exports": {"task": "annotations.tasks.clean_exports", "schedule": 3600.0},
    "reanchor-stale-documents": {"task": "annotations.tasks.reanchor_stale_documents", "schedule": 600.0},
}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]

# =============================================================================
# Object storage
# =============================================================================
S3_ENDPOINT_URL = env_str("S3_ENDPOINT_URL")
S3_BUCKET = env_str("S3_BUCKET")
S3_ACCESS_KEY_ID = env_str("S3_ACCESS_KEY_ID")
S3_SECRET_ACCESS_KEY = env_str("S3_SECRET_ACCESS_KEY")
S3_REGION = env_str("S3_REGION", "us-east-1")
# Where browsers reach the store, when not at S3_ENDPOINT_URL (e.g. MinIO behind a proxy).
S3_PUBLIC_ENDPOINT_URL = env_str("S3_PUBLIC_ENDPOINT_URL") or S3_ENDPOINT_URL
USE_S3 = bool(S3_BUCKET)
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# =============================================================================
# Documents: upload limits (until billing sets them per plan) and parse limits
# =============================================================================
DOCUMENT_MAX_FILE_BYTES = env_int("DOCUMENT_MAX_FILE_BYTES", 512 * 1024 * 1024)
TEAM_MAX_STORAGE_BYTES = env_int("TEAM_MAX_STORAGE_BYTES", 10 * 1024**3)
TEAM_MAX_DOCUMENTS = env_int("TEAM_MAX_DOCUMENTS", 5000)
# Above this size the browser uploads in parts (S3 multipart), each part retried on its own.
UPLOAD_MULTIPART_THRESHOLD = env_int("UPLOAD_MULTIPART_THRESHOLD", 16 * 1024 * 1024)
UPLOAD_PART_SIZE = env_int("UPLOAD_PART_SIZE", 16 * 1024 * 1024)
UPLOAD_URL_EXPIRES = env_int("UPLOAD_URL_EXPIRES", 3600)
UPLOAD_ABANDONED_AFTER = env_int("UPLOAD_ABANDONED_AFTER", 24 * 3600)
DOWNLOAD_URL_EXPIRES = env_int("DOWNLOAD_URL_EXPIRES", 300)
PARSE_MAX_PAGES = env_int("PARSE_MAX_PAGES", 5000)
PARSE_MAX_SECONDS = env_int("PARSE_MAX_SECONDS", 120)
PARSE_MAX_MEMORY_BYTES = env_int("PARSE_MAX_MEMORY_BYTES", 1024**3)
PARSE_MAX_TEXT_CHARS = env_int("PARSE_MAX_TEXT_CHARS", 50_000_000)
# A file that kills the worker this many times is failed instead of retried forever.
PARSE_MAX_ATTEMPTS = 3
# A team's first this many queued documents take their turn with every other team's, first come, first
# served; the rest of its backlog waits behind other teams' documents (documents.services.parse_priority).
PARSE_TEAM_SHARE = env_int("PARSE_TEAM_SHARE", 8)
# Where the worker spools each file while parsing it (the system's temporary folder by default).
PARSE_TMP_DIR = env_str("PARSE_TMP_DIR") or None
# Sandboxed reads a worker machine runs at once (documents.parsing.lanes): at most its CPUs. A worker runs
# one pool process more than this, so that one fetches and stores while the lanes parse.
PARSE_LANES = env_int("PARSE_LANES", 0) or len(os.sched_getaffinity(0))
# The lanes' lock files: one folder for every worker process of the machine.
PARSE_LANES_DIR = env_str("PARSE_LANES_DIR") or os.path.join(
    PARSE_TMP_DIR or tempfile.gettempdir(), "scrollkeeper-lanes"
)

# =============================================================================
# Annotations: export and import
# =============================================================================
# The annotated PDF is written by a worker in the parser's sandbox (pypdf holds the document's objects in
# memory, under the parse's memory and time caps): longer documents get a 400 (document_too_large) and
# the JSON-LD / Markdown exports instead. The file is kept this many seconds for its download.
ANNOTATIONS_EXPORT_PDF_MAX_PAGES = env_int("ANNOTATIONS_EXPORT_PDF_MAX_PAGES", 500)
ANNOTATIONS_EXPORT_EXPIRES = env_int("ANNOTATIONS_EXPORT_EXPIRES", 24 * 3600)
# Annotations read out of one uploaded PDF at most (a file with more is imported up to this many).
ANNOTATIONS_IMPORT_PDF_MAX = env_int("ANNOTATIONS_IMPORT_PDF_MAX", 5000)
# How long deletions are remembered for browsers catching up (``?updated_after=``); a browser away
# longer gets the whole list again.
ANNOTATIONS_TOMBSTONE_DAYS = env_int("ANNOTATIONS_TOMBSTONE_DAYS", 30)

# =============================================================================
# Static files and the single-page app
# =============================================================================
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
FRONTEND_DIST = BASE_DIR / "frontend" / "dist"
STATICFILES_DIRS = [FRONTEND_DIST] if FRONTEND_DIST.exists() else []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Vite fingerprints everything under assets/, so browsers may keep those forever.
WHITENOISE_IMMUTABLE_FILE_TEST = r"^.+/assets/.+-[0-9A-Za-z_-]{8,}\.\w+$"

# =============================================================================
# Accounts and authentication
# =============================================================================
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
EMAIL_VERIFICATION_MAX_AGE = 3 * 24 * 3600
PASSWORD_RESET_TIMEOUT = 3 * 3600
SESSION_COOKIE_AGE = 14 * 24 * 3600

# =============================================================================
# E-mail
# =============================================================================
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "core.mail.ConsoleBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Scrollkeeper <no-reply@scrollkeeper.localhost>")

# =============================================================================
# API
# =============================================================================
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "accounts.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "login": env_str("THROTTLE_LOGIN", "10/min"),
        "signup": env_str("THROTTLE_SIGNUP", "10/hour"),
        "email": env_str("THROTTLE_EMAIL", "5/hour"),
        "invitations": env_str("THROTTLE_INVITATIONS", "60/hour"),
    },
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Scrollkeeper API",
    "DESCRIPTION": "Teams, documents, annotations, search and billing. Errors are "
    '`{"code", "detail", "fields"}`. Authenticate with the session (and CSRF) or '
    "`Authorization: Bearer <personal API token>`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Choice sets whose field name ("kind") is used by another one too.
    "ENUM_NAME_OVERRIDES": {
        "KindEnum": "annotations.models.Annotation.Kind",
        "NotificationKindEnum": "annotations.models.Notification.Kind",
        "StateEnum": "documents.models.Document.State",  # other serializers have a "state" of their own
    },
}

# =============================================================================
# Security
# =============================================================================
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# =============================================================================
# Internationalisation and logging
# =============================================================================
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
