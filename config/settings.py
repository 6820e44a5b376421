"""ReelMill settings: one module, everything read from the environment.

Local runs need nothing set: SQLite and Celery's filesystem broker under var/, and
secret keys generated once into var/local-secrets.json. Production (DJANGO_DEBUG=false)
refuses to start without real SECRET_KEY and ACCOUNT_ENCRYPTION_KEY values.
Every variable is documented in README.md.
"""

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

# <NAME>_FILE variants are read for every variable (Docker/Kubernetes secrets).
env = environ.FileAwareEnv()
if (BASE_DIR / ".env").is_file():
    env.read_env(str(BASE_DIR / ".env"))

VAR_DIR = Path(env.str("REELMILL_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DJANGO_DEBUG", default=True)


def _local_secrets() -> dict[str, str]:
    """Random keys made once per checkout for local runs, never committed or published."""
    path = VAR_DIR / "local-secrets.json"
    candidate = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ACCOUNT_ENCRYPTION_KEY": secrets.token_urlsafe(50),
    }
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return json.loads(path.read_text())
    with os.fdopen(fd, "w") as fh:
        json.dump(candidate, fh)
    return candidate


def _secret(name: str) -> str:
    value = env.str(name, default="")
    if value:
        if not DEBUG and (len(value) < 50 or len(set(value)) < 5 or value.startswith("django-insecure")):
            raise ImproperlyConfigured(f"{name} is too weak: use at least 50 random characters.")
        return value
    if not DEBUG:
        raise ImproperlyConfigured(f"{name} must be set when DJANGO_DEBUG=false.")
    return _local_secrets()[name]


SECRET_KEY = _secret("SECRET_KEY")
ACCOUNT_ENCRYPTION_KEY = _secret("ACCOUNT_ENCRYPTION_KEY")
if not DEBUG and SECRET_KEY == ACCOUNT_ENCRYPTION_KEY:
    raise ImproperlyConfigured("ACCOUNT_ENCRYPTION_KEY must differ from SECRET_KEY.")
# django-cryptography encrypts the account credential fields with this key, not SECRET_KEY.
CRYPTOGRAPHY_KEY = ACCOUNT_ENCRYPTION_KEY
CRYPTOGRAPHY_SALT = "reelmill.accounts.credentials"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_celery_beat",
    "axes",
    "accounts",
    "library",
    "production",
    "production.studio",
    "distribution",
    "monitoring",
]

MIDDLEWARE = [
    "common.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "common.middleware.DashboardLoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "common.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite under var/ by default; PostgreSQL through DATABASE_URL in production.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'reelmill.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Tests use a file too, so a worker process started by a test sees the same data.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
    # Web, worker and beat share one file: WAL lets readers run beside the writer,
    # IMMEDIATE takes the write lock up front so transactions wait instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://reelmill")}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "monitoring:overview"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

# Sign-in throttling (django-axes): repeated failures from one client lock it out for a while.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "common.http.lockout_response"
AXES_VERBOSE = False

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Media files: local MEDIA_ROOT by default, an S3-compatible bucket with MEDIA_STORAGE=s3
# (django-storages; needs `pip install boto3`, see README).
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="filesystem")
if MEDIA_STORAGE == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("MEDIA_S3_BUCKET"),
            "endpoint_url": env.str("MEDIA_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("MEDIA_S3_REGION", default="") or None,
            "access_key": env.str("MEDIA_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("MEDIA_S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("MEDIA_S3_PREFIX", default=""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif MEDIA_STORAGE == "filesystem":
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured("MEDIA_STORAGE must be 'filesystem' or 's3'.")
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Request bodies: JSON and form bodies above this size are refused with a 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("MAX_REQUEST_BODY_BYTES", default=2 * 1024 * 1024)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "common.api.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="120/min"),
        "user": env.str("API_THROTTLE_USER", default="2000/min"),
    },
    "EXCEPTION_HANDLER": "common.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ReelMill API",
    "DESCRIPTION": (
        "Mass-produce short videos and distribute them across social accounts. "
        "Authenticate with `Authorization: Token <key>` (or `Bearer <key>`) from "
        "`POST /api/v1/auth/token`. Errors share one body: "
        '`{"error": {"code", "message", "fields"}}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from our own static files: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["common.api.hide_slashless_twins"],
    "ENUM_NAME_OVERRIDES": {
        "AccountPlatformEnum": "accounts.platforms.Platform",
        "AccountStatusEnum": "accounts.models.AccountStatus",
        "QueueStatusEnum": "production.models.QueueStatus",
        "CampaignStatusEnum": "production.models.CampaignStatus",
        "BatchStatusEnum": "production.models.BatchStatus",
        "MediaStatusEnum": "library.models.MediaStatus",
        "UploadStatusEnum": "distribution.models.UploadStatus",
        "UploadPrivacyEnum": "distribution.models.Privacy",
        "DistributionStatusEnum": "distribution.models.DistributionStatus",
        "MediaKindEnum": "library.models.MediaKind",
        "StudioProviderEnum": "production.studio.models.Provider",
        "ScriptWriterEnum": "production.studio.serializers.SCRIPT_WRITER_CHOICES",
        "OutputPresetEnum": "production.studio.serializers.OUTPUT_PRESET_CHOICES",
        "AlertKindEnum": "monitoring.models.AlertKind",
        "JobPlatformEnum": "monitoring.models.platform_choices",
        "JobTypeEnum": "monitoring.models.JobType",
        "RunStatusEnum": "monitoring.models.RunStatus",
        "AlertSeverityEnum": "monitoring.models.Severity",
    },
}

# Celery: Redis in production, a filesystem broker under var/ when nothing is configured.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = Path(env.str("CELERY_FILESYSTEM_BROKER_DIR", default=str(VAR_DIR / "broker")))
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Housekeeping every deployment needs; user-defined jobs are rows in the admin/API.
CELERY_BEAT_SCHEDULE = {
    "reap-and-kick-render-queue": {"task": "production.reap_and_kick", "schedule": 30.0},
    "dispatch-due-uploads": {"task": "distribution.dispatch_due_uploads", "schedule": 30.0},
    "refresh-engagement-metrics": {"task": "distribution.refresh_metrics", "schedule": 300.0},
    "monitoring-system-check": {"task": "monitoring.system_check", "schedule": 300.0},
    "studio-resume-stalled": {"task": "studio.resume_stalled", "schedule": 120.0},
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Workers log through LOGGING (so LOG_FORMAT=json gives JSON lines there too).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Social accounts
ACCOUNT_ERROR_THRESHOLD = env.int("ACCOUNT_ERROR_THRESHOLD", default=5)

# OAuth connections (accounts/oauth). A platform whose app credentials are missing shows
# "not configured" instead of a Connect button. Facebook Pages and Instagram share one Meta app.
YOUTUBE_CLIENT_ID = env.str("YOUTUBE_CLIENT_ID", default="")
YOUTUBE_CLIENT_SECRET = env.str("YOUTUBE_CLIENT_SECRET", default="")
TIKTOK_CLIENT_KEY = env.str("TIKTOK_CLIENT_KEY", default="")
TIKTOK_CLIENT_SECRET = env.str("TIKTOK_CLIENT_SECRET", default="")
FACEBOOK_APP_ID = env.str("FACEBOOK_APP_ID", default="")
FACEBOOK_APP_SECRET = env.str("FACEBOOK_APP_SECRET", default="")
# Where the platforms live; the API/token URLs are the ones the adapters read too. Tests point
# them at loopback servers.
YOUTUBE_AUTH_URL = env.str("YOUTUBE_AUTH_URL", default="https://accounts.google.com/o/oauth2/auth")
YOUTUBE_TOKEN_URL = env.str("YOUTUBE_TOKEN_URL", default="https://oauth2.googleapis.com/token")
YOUTUBE_API_BASE_URL = env.str("YOUTUBE_API_BASE_URL", default="https://www.googleapis.com/youtube/v3")
TIKTOK_AUTH_URL = env.str("TIKTOK_AUTH_URL", default="https://www.tiktok.com/v2/auth/authorize/")
TIKTOK_API_BASE_URL = env.str("TIKTOK_API_BASE_URL", default="https://open.tiktokapis.com")
FACEBOOK_AUTH_URL = env.str("FACEBOOK_AUTH_URL", default="https://www.facebook.com/v24.0/dialog/oauth")
FACEBOOK_GRAPH_BASE_URL = env.str("FACEBOOK_GRAPH_BASE_URL", default="https://graph.facebook.com/v24.0")
# The site's public address for redirect URIs (https://reelmill.example.com); empty: taken from
# the request, which is right unless a proxy hides the scheme or host.
OAUTH_REDIRECT_BASE_URL = env.str("OAUTH_REDIRECT_BASE_URL", default="")
OAUTH_STATE_MAX_AGE_SECONDS = env.int("OAUTH_STATE_MAX_AGE_SECONDS", default=600)
OAUTH_HTTP_TIMEOUT_SECONDS = env.float("OAUTH_HTTP_TIMEOUT_SECONDS", default=20.0)

# Media library: limits on what is ingested, and URL imports.
MEDIA_MAX_UPLOAD_BYTES = env.int("MEDIA_MAX_UPLOAD_BYTES", default=500 * 1024 * 1024)
MEDIA_MAX_DURATION_SECONDS = env.int("MEDIA_MAX_DURATION_SECONDS", default=3600)
FILE_UPLOAD_HANDLERS = [
    "library.uploads.MediaSizeLimitHandler",  # stops spooling a file once it passes the limit
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
MEDIA_FFMPEG_TIMEOUT_SECONDS = env.int("MEDIA_FFMPEG_TIMEOUT_SECONDS", default=120)
MEDIA_IMPORT_TIMEOUT_SECONDS = env.int("MEDIA_IMPORT_TIMEOUT_SECONDS", default=60)
MEDIA_IMPORT_MAX_REDIRECTS = env.int("MEDIA_IMPORT_MAX_REDIRECTS", default=3)
# Only for tests and closed networks: lets URL imports reach private and loopback addresses.
MEDIA_IMPORT_ALLOW_PRIVATE = env.bool("MEDIA_IMPORT_ALLOW_PRIVATE", default=False)

# Rendering and the queue
RENDER_LEASE_SECONDS = env.int("RENDER_LEASE_SECONDS", default=60)
RENDER_MAX_ATTEMPTS = env.int("RENDER_MAX_ATTEMPTS", default=3)
RENDER_TIMEOUT_SECONDS = env.int("RENDER_TIMEOUT_SECONDS", default=1800)
RENDER_SOFT_TIME_LIMIT = env.int("RENDER_SOFT_TIME_LIMIT", default=RENDER_TIMEOUT_SECONDS + 60)
RENDER_TIME_LIMIT = env.int("RENDER_TIME_LIMIT", default=RENDER_SOFT_TIME_LIMIT + 60)
RENDER_KICK_LIMIT = env.int("RENDER_KICK_LIMIT", default=50)
RENDER_MIN_ORIGINAL_SHARE = env.dict(
    "RENDER_MIN_ORIGINAL_SHARE", cast={"value": float}, default={"youtube": 2 / 3, "youtube_shorts": 2 / 3}
)
QUEUE_BATCH_MAX_ITEMS = env.int("QUEUE_BATCH_MAX_ITEMS", default=10_000)
RENDER_SCRATCH_DIR = env.str("RENDER_SCRATCH_DIR", default=str(VAR_DIR / "render-tmp"))

# Distribution: platform adapters (base URLs point at the real platforms; tests and local
# trials point them at the loopback emulators of distribution/emulators).
YOUTUBE_API_BASE_URL = env.str("YOUTUBE_API_BASE_URL", default="https://www.googleapis.com/youtube/v3")
YOUTUBE_UPLOAD_BASE_URL = env.str("YOUTUBE_UPLOAD_BASE_URL", default="https://www.googleapis.com/upload/youtube/v3")
YOUTUBE_TOKEN_URL = env.str("YOUTUBE_TOKEN_URL", default="https://oauth2.googleapis.com/token")
TIKTOK_API_BASE_URL = env.str("TIKTOK_API_BASE_URL", default="https://open.tiktokapis.com")
FACEBOOK_GRAPH_BASE_URL = env.str("FACEBOOK_GRAPH_BASE_URL", default="https://graph.facebook.com/v24.0")
FACEBOOK_RUPLOAD_BASE_URL = env.str(
    "FACEBOOK_RUPLOAD_BASE_URL", default="https://rupload.facebook.com/video-upload/v24.0"
)
INSTAGRAM_GRAPH_BASE_URL = env.str("INSTAGRAM_GRAPH_BASE_URL", default="https://graph.facebook.com/v24.0")
# Instagram fetches each video from a public URL: an address that serves MEDIA_ROOT (unset: not configured).
PUBLIC_MEDIA_BASE_URL = env.str("PUBLIC_MEDIA_BASE_URL", default="")
PLATFORM_HTTP_CONNECT_TIMEOUT = env.float("PLATFORM_HTTP_CONNECT_TIMEOUT", default=10.0)
PLATFORM_HTTP_READ_TIMEOUT = env.float("PLATFORM_HTTP_READ_TIMEOUT", default=120.0)
# Per-platform adapter options (chunk sizes, poll intervals), e.g. {"youtube": {"chunk_size": 8388608}}.
UPLOAD_ADAPTER_OPTIONS = env.json("UPLOAD_ADAPTER_OPTIONS", default={})
# Platform caps beyond each account's own limits.
YOUTUBE_DAILY_UPLOAD_BUCKET = env.int("YOUTUBE_DAILY_UPLOAD_BUCKET", default=100)  # videos.insert per project/day
FACEBOOK_REELS_PER_DAY = env.int("FACEBOOK_REELS_PER_DAY", default=30)  # per Page, rolling 24 h
TIKTOK_MAX_PENDING_DRAFTS = env.int("TIKTOK_MAX_PENDING_DRAFTS", default=5)
TIKTOK_DRAFT_HOURS = env.int("TIKTOK_DRAFT_HOURS", default=24)  # how long an inbox draft counts as pending
# Retries: a few short ones inside the worker, then Celery countdowns with exponential backoff.
UPLOAD_MAX_RETRIES = env.int("UPLOAD_MAX_RETRIES", default=5)
UPLOAD_BACKOFF_BASE_SECONDS = env.float("UPLOAD_BACKOFF_BASE_SECONDS", default=30.0)
UPLOAD_BACKOFF_MAX_SECONDS = env.float("UPLOAD_BACKOFF_MAX_SECONDS", default=3600.0)
UPLOAD_INLINE_ATTEMPTS = env.int("UPLOAD_INLINE_ATTEMPTS", default=3)
UPLOAD_INLINE_BACKOFF_SECONDS = env.float("UPLOAD_INLINE_BACKOFF_SECONDS", default=1.0)
UPLOAD_INLINE_MAX_WAIT_SECONDS = env.float("UPLOAD_INLINE_MAX_WAIT_SECONDS", default=30.0)
UPLOAD_RECONCILE_DELAY_SECONDS = env.int("UPLOAD_RECONCILE_DELAY_SECONDS", default=60)
UPLOAD_STALE_SECONDS = env.int("UPLOAD_STALE_SECONDS", default=1800)  # `uploading` this long without progress
UPLOAD_DISPATCH_LIMIT = env.int("UPLOAD_DISPATCH_LIMIT", default=100)
UPLOAD_SOFT_TIME_LIMIT = env.int("UPLOAD_SOFT_TIME_LIMIT", default=3600)
UPLOAD_TIME_LIMIT = env.int("UPLOAD_TIME_LIMIT", default=UPLOAD_SOFT_TIME_LIMIT + 120)
# Engagement metrics
METRICS_INTERVAL_MINUTES = env.int("METRICS_INTERVAL_MINUTES", default=60)
METRICS_TRACK_DAYS = env.int("METRICS_TRACK_DAYS", default=30)
METRICS_BATCH_LIMIT = env.int("METRICS_BATCH_LIMIT", default=100)

# Automation jobs and monitoring
# A run claimed longer ago than this belongs to a dead worker: the next tick takes over.
JOB_RUN_TIMEOUT_SECONDS = env.int("JOB_RUN_TIMEOUT_SECONDS", default=3600)
JOB_FAILURE_ALERT_THRESHOLD = env.int("JOB_FAILURE_ALERT_THRESHOLD", default=3)
# Cleanup never touches scratch files younger than the longest render may take.
CLEANUP_TEMP_MIN_AGE_SECONDS = env.int("CLEANUP_TEMP_MIN_AGE_SECONDS", default=RENDER_TIME_LIMIT + 600)
STATS_HOURLY_RETENTION_DAYS = env.int("STATS_HOURLY_RETENTION_DAYS", default=14)
STATS_DAILY_RETENTION_DAYS = env.int("STATS_DAILY_RETENTION_DAYS", default=400)
RENDER_FAILURE_ALERT_RATE = env.float("RENDER_FAILURE_ALERT_RATE", default=0.25)
RENDER_FAILURE_MIN_SAMPLE = env.int("RENDER_FAILURE_MIN_SAMPLE", default=4)
RENDER_FAILURE_WINDOW_HOURS = env.int("RENDER_FAILURE_WINDOW_HOURS", default=24)
ALERT_EMAIL_TO = env.list("ALERT_EMAIL_TO", default=[])
ALERT_WEBHOOK_URL = env.str("ALERT_WEBHOOK_URL", default="")  # Slack-compatible incoming webhook
ALERT_WEBHOOK_TIMEOUT = env.float("ALERT_WEBHOOK_TIMEOUT", default=5.0)
ALERT_SNOOZE_HOURS = env.int("ALERT_SNOOZE_HOURS", default=24)  # an acknowledged alert stays closed this long
# Readiness (/readyz)
READYZ_MIN_FREE_DISK_MB = env.int("READYZ_MIN_FREE_DISK_MB", default=1024)
READYZ_BROKER_TIMEOUT = env.float("READYZ_BROKER_TIMEOUT", default=2.0)
WORKER_HEARTBEAT_SECONDS = env.int("WORKER_HEARTBEAT_SECONDS", default=15)
WORKER_HEARTBEAT_MAX_AGE = env.int("WORKER_HEARTBEAT_MAX_AGE", default=60)

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ReelMill <reelmill@localhost>")

REELMILL_DEMO = env.bool("REELMILL_DEMO", default=True)

# --- AI studio (production/studio) ---------------------------------------------------------
# Operator-wide provider keys, used for a creator only when the operator allows it (per user in
# the admin, or for everyone with STUDIO_OPERATOR_KEYS_FOR_ALL).
OPENAI_API_KEY = env.str("OPENAI_API_KEY", default="")
OPENAI_BASE_URL = env.str("OPENAI_BASE_URL", default="https://api.openai.com/v1")
ELEVENLABS_API_KEY = env.str("ELEVENLABS_API_KEY", default="")
ELEVENLABS_BASE_URL = env.str("ELEVENLABS_BASE_URL", default="https://api.elevenlabs.io")
STUDIO_OPERATOR_KEYS_FOR_ALL = env.bool("STUDIO_OPERATOR_KEYS_FOR_ALL", default=False)
# Estimated spend (USD) allowed per creator and for the whole site per calendar month (UTC).
STUDIO_USER_MONTHLY_BUDGET_USD = env.float("STUDIO_USER_MONTHLY_BUDGET_USD", default=10.0)
STUDIO_GLOBAL_MONTHLY_BUDGET_USD = env.float("STUDIO_GLOBAL_MONTHLY_BUDGET_USD", default=200.0)
STUDIO_PROVIDER_CONNECT_TIMEOUT = env.float("STUDIO_PROVIDER_CONNECT_TIMEOUT", default=10.0)
STUDIO_PROVIDER_READ_TIMEOUT = env.float("STUDIO_PROVIDER_READ_TIMEOUT", default=120.0)
STUDIO_PROVIDER_RETRIES = env.int("STUDIO_PROVIDER_RETRIES", default=2)  # on 429/5xx, honouring Retry-After
STUDIO_PROVIDER_MAX_RETRY_WAIT = env.float("STUDIO_PROVIDER_MAX_RETRY_WAIT", default=30.0)
STUDIO_PIPER_TIMEOUT_SECONDS = env.int("STUDIO_PIPER_TIMEOUT_SECONDS", default=300)
STUDIO_MAX_TEXT_CHARACTERS = env.int("STUDIO_MAX_TEXT_CHARACTERS", default=10_000)  # one script or voice-over
# Local servers (Ollama on 127.0.0.1) are the point of openai_compatible; refuse them on shared sites.
STUDIO_ALLOW_PRIVATE_PROVIDER_URLS = env.bool("STUDIO_ALLOW_PRIVATE_PROVIDER_URLS", default=DEBUG)

# Security: strict in production, relaxed for plain-HTTP local runs.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured("LOG_FORMAT must be 'text' or 'json'.")
# One line per request (method, path, status, duration, user, request id); on by default with JSON logs.
LOG_REQUESTS = env.bool("LOG_REQUESTS", default=LOG_FORMAT == "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "common.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
    },
}
