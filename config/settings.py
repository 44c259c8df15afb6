"""fenlei settings: one file, every environment-dependent value read from the environment.

Environment variables (see README): DATABASE_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS, FENLEI_*.
"""

import contextlib
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy

from config.env import ConfigError, env_bool, env_choice, env_float, env_int, env_list, env_ratios, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("FENLEI_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
_DEV_KEY = "fenlei-development-key-not-for-production-use-0123456789abcdef"
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if env_bool("FENLEI_PRODUCTION", False):
        raise ConfigError("SECRET_KEY must be set in production (FENLEI_PRODUCTION=1)")
    SECRET_KEY = _DEV_KEY
elif len(SECRET_KEY) < 50:
    raise ConfigError("SECRET_KEY must be at least 50 characters long")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("FENLEI_CSRF_TRUSTED_ORIGINS", [])

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
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "fenlei.core",
    "fenlei.org",
    "fenlei.accounts",
    "fenlei.taxonomy",
    "fenlei.facilities",
    "fenlei.people",
    "fenlei.publicity",
    "fenlei.units",
    "fenlei.collection",
    "fenlei.inspections",
    "fenlei.campaign",
    "fenlei.public",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "fenlei.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "fenlei.core.middleware.AuditFaceMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "fenlei.core.context_processors.shell",
            ],
        },
    }
]

# --- database ---------------------------------------------------------------------------------
_DATABASE_URL = env_str("DATABASE_URL", "")
if _DATABASE_URL:
    try:
        _db = dj_database_url.parse(
            _DATABASE_URL, conn_max_age=env_int("FENLEI_DB_CONN_MAX_AGE", 60, minimum=0)
        )
    except Exception as exc:  # dj_database_url raises several types for a malformed URL
        raise ConfigError(f"DATABASE_URL is not a usable database URL: {exc}") from None
    if _db.get("ENGINE") not in ("django.db.backends.postgresql", "django.db.backends.sqlite3"):
        raise ConfigError("DATABASE_URL must point at PostgreSQL (postgres://…) or SQLite (sqlite:///…)")
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    _db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "fenlei.sqlite3",
    }
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        "timeout": env_int("FENLEI_SQLITE_TIMEOUT", 20, minimum=1),
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=20000; PRAGMA cache_size=-65536;"
        ),
    }
    _db["TEST"] = {"NAME": None}
else:
    _db.setdefault("TEST", {})["NAME"] = env_str("FENLEI_TEST_DB_NAME", "test_fenlei")
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling (django-axes): lock a username+address after repeated failures.
AXES_FAILURE_LIMIT = env_int("FENLEI_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("FENLEI_LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("FENLEI_LOGIN_THROTTLE", True)

# --- i18n and time ----------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "fenlei" / "locale"]
USE_I18N = True
TIME_ZONE = env_str("FENLEI_TIME_ZONE", "Asia/Shanghai")
USE_TZ = True
FORMAT_MODULE_PATH = ["fenlei.core.formats"]
LANGUAGE_COOKIE_NAME = "fenlei_language"

# --- static and media -------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
with contextlib.suppress(OSError):  # WhiteNoise looks here at start-up; an empty folder will do
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("FENLEI_MANIFEST_STATIC", not DEBUG and env_bool("FENLEI_PRODUCTION", False))
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
# Request bodies other than files (form fields, JSON): a bulk API request of 10,000 records fits.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("FENLEI_MAX_BODY_MB", 20, minimum=1) * 1024 * 1024
# The largest Excel file an import accepts.
FENLEI_MAX_IMPORT_MB = env_int("FENLEI_MAX_IMPORT_MB", 50, minimum=1, maximum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Photos and scanned files on ledger rows (fenlei.core.attachments): the largest file accepted, the
# largest image (in millions of pixels, checked before it is decoded), the longest edge an image is
# stored at (0: as uploaded), and how many files one row holds in one slot unless the slot says.
FENLEI_MAX_UPLOAD_MB = env_int("FENLEI_MAX_UPLOAD_MB", 10, minimum=1, maximum=200)
FENLEI_MAX_IMAGE_MEGAPIXELS = env_int("FENLEI_MAX_IMAGE_MEGAPIXELS", 50, minimum=1, maximum=200)
FENLEI_IMAGE_MAX_EDGE = env_int("FENLEI_IMAGE_MAX_EDGE", 4096, minimum=0, maximum=20000)
FENLEI_MAX_FILES_PER_SLOT = env_int("FENLEI_MAX_FILES_PER_SLOT", 20, minimum=1, maximum=500)
# Who checks and writes Excel imports: a thread of the web process (embedded default), the request
# itself, or a separate `fenlei import_worker` process (production with several web processes).
FENLEI_IMPORT_RUNNER = env_choice("FENLEI_IMPORT_RUNNER", "thread", frozenset({"thread", "inline", "worker"}))
# Files of at most this many rows are checked and written within the request, whatever the runner.
FENLEI_IMPORT_INLINE_ROWS = env_int("FENLEI_IMPORT_INLINE_ROWS", 2000, minimum=0, maximum=200_000)
# Uploaded files of unfinished imports are deleted (and the import cancelled) after this many days.
FENLEI_IMPORT_KEEP_DAYS = env_int("FENLEI_IMPORT_KEEP_DAYS", 7, minimum=1, maximum=365)
# An import whose runner on another machine has not reported for this long is marked interrupted.
FENLEI_IMPORT_STALE_MINUTES = env_int("FENLEI_IMPORT_STALE_MINUTES", 15, minimum=1, maximum=24 * 60)

# --- security ---------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("FENLEI_SESSION_HOURS", 12, minimum=1) * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
_HTTPS = env_bool("FENLEI_HTTPS", False)
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
SECURE_SSL_REDIRECT = _HTTPS and env_bool("FENLEI_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("FENLEI_HSTS_SECONDS", 31536000 if _HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _HTTPS
SECURE_HSTS_PRELOAD = _HTTPS
#: Behind a reverse proxy: trust its X-Forwarded-Proto, and take the sender's address (for the
#: public pages' limits) from the last X-Forwarded-For hop.
FENLEI_BEHIND_PROXY = env_bool("FENLEI_BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if FENLEI_BEHIND_PROXY else None

# --- REST API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # the throttles' client address: the socket's, or the last X-Forwarded-For hop behind our proxy
    # (unset, DRF would trust the whole header a client may write)
    "NUM_PROXIES": 1 if FENLEI_BEHIND_PROXY else 0,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "fenlei.core.pagination.Pagination",
    "PAGE_SIZE": env_int("FENLEI_PAGE_SIZE", 50, minimum=10, maximum=500),
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("FENLEI_API_ANON_RATE", "60/min"),
        "user": env_str("FENLEI_API_USER_RATE", "6000/min"),
        # File uploads to ledger rows, per user (fenlei.core.api_attachments.UploadRateThrottle).
        "upload": env_str("FENLEI_API_UPLOAD_RATE", "60/min"),
        # Requests per weighing device or haulier's system (fenlei.collection.api.auth.DeviceRateThrottle).
        "device": env_str("FENLEI_API_DEVICE_RATE", "600/min"),
    },
}
# Filters: the blank choice of a filter's drop-down means "no filter".
FILTERS_EMPTY_CHOICE_LABEL = gettext_lazy("All")

SPECTACULAR_SETTINGS = {
    "TITLE": "fenlei API",
    "DESCRIPTION": "The REST API of fenlei: the district's structure, accounts, waste taxonomy and audit log.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "ENUM_NAME_OVERRIDES": {
        "FacilityStatusEnum": "fenlei.facilities.choices.FacilityStatus",
        "DeviceKindEnum": "fenlei.collection.choices.DeviceKind",
        "AlarmKindEnum": "fenlei.collection.choices.AlarmKind",
        "EntryFaceEnum": "fenlei.collection.choices.EntryFace",
        "AuditFaceEnum": "fenlei.core.models.Face",
        "ManifestStateEnum": "fenlei.collection.choices.ManifestState",
        "AlarmStateEnum": "fenlei.collection.choices.AlarmState",
        "InspectionTargetTypeEnum": "fenlei.inspections.choices.TargetType",
        "OrderStateEnum": "fenlei.inspections.choices.OrderState",
        "OrderStepEnum": "fenlei.inspections.choices.Step",
        "OrderResponsibleEnum": "fenlei.inspections.choices.Responsible",
        "OrderEscalationEnum": "fenlei.inspections.choices.Escalation",
        "OrderPhaseEnum": "fenlei.inspections.choices.Phase",
        "ChecklistConcernEnum": "fenlei.inspections.choices.Concern",
        "ChecklistSeverityEnum": "fenlei.inspections.choices.Severity",
        "ChecklistScoringEnum": "fenlei.inspections.choices.Scoring",
        "ChecklistResultEnum": "fenlei.inspections.choices.Result",
        "CampaignItemStateEnum": "fenlei.campaign.choices.ItemState",
        "CampaignEvidenceStateEnum": "fenlei.campaign.choices.EvidenceState",
        "DemoStateEnum": "fenlei.campaign.choices.DemoState",
        "DemoKindEnum": "fenlei.campaign.choices.DemoKind",
        "DemoStepEnum": "fenlei.campaign.choices.DemoStep",
        "CampaignLevelEnum": "fenlei.campaign.choices.Level",
    },
}

# --- caches (throttling state) ----------------------------------------------------------------
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- e-mail -----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("FENLEI_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("FENLEI_FROM_EMAIL", "fenlei@localhost")
EMAIL_HOST = env_str("FENLEI_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("FENLEI_EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("FENLEI_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("FENLEI_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("FENLEI_EMAIL_TLS", False)
EMAIL_TIMEOUT = env_int("FENLEI_EMAIL_TIMEOUT", 10, minimum=1, maximum=300)

# --- notifications (fenlei.core.notify) -------------------------------------------------------
#: Where notifications go besides the in-app inbox, which always has them: "email" (to the user's
#: address, when it has one); a WeCom or DingTalk webhook is one more Channel (see fenlei.core.notify).
FENLEI_NOTIFY_CHANNELS = env_list("FENLEI_NOTIFY_CHANNELS", ["email"])
#: The address people open fenlei at, for links in e-mails (empty: links are written as paths).
FENLEI_SITE_URL = env_str("FENLEI_SITE_URL", "")

# --- logging ----------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice(
            "FENLEI_LOG_LEVEL", "warning", frozenset({"debug", "info", "warning", "error"})
        ).upper(),
    },
}

# --- fenlei's own settings --------------------------------------------------------------------
# Local naming of the waste categories: national (厨余/其他), shanghai (湿/干), beijing, hangzhou (易腐/其他).
FENLEI_NAMING = env_choice(
    "FENLEI_NAMING", "shanghai", frozenset({"national", "shanghai", "beijing", "hangzhou"})
)
# Sorting scheme: two_stream (干湿两分类, recyclables and hazardous collected centrally) or four (四分类).
FENLEI_SCHEME = env_choice("FENLEI_SCHEME", "two_stream", frozenset({"two_stream", "four"}))
FENLEI_DISTRICT_NAME = env_str("FENLEI_DISTRICT_NAME", "")

# --- resident services (fenlei.public) ----------------------------------------------------------
#: The rules the item dictionary follows, as the which-bin page shows them.
FENLEI_ITEM_RULES = env_str("FENLEI_ITEM_RULES", "上海市生活垃圾分类投放指南（2019）")
#: What one connection may send to the public pages (an hour / a day).
FENLEI_PUBLIC_REPORTS_PER_HOUR = env_int("FENLEI_PUBLIC_REPORTS_PER_HOUR", 3, minimum=1)
FENLEI_PUBLIC_REPORTS_PER_DAY = env_int("FENLEI_PUBLIC_REPORTS_PER_DAY", 10, minimum=1)
FENLEI_PUBLIC_FEEDBACK_PER_HOUR = env_int("FENLEI_PUBLIC_FEEDBACK_PER_HOUR", 20, minimum=1)
FENLEI_PUBLIC_FEEDBACK_PER_DAY = env_int("FENLEI_PUBLIC_FEEDBACK_PER_DAY", 100, minimum=1)
FENLEI_PUBLIC_ROUNDS_PER_HOUR = env_int("FENLEI_PUBLIC_ROUNDS_PER_HOUR", 30, minimum=1)
FENLEI_PUBLIC_ROUNDS_PER_DAY = env_int("FENLEI_PUBLIC_ROUNDS_PER_DAY", 200, minimum=1)
#: A font with Chinese glyphs for PDFs (guide cards); empty: found among the system's Noto CJK fonts.
FENLEI_PDF_FONT = env_str("FENLEI_PDF_FONT", "")
# Capacity check (R2): bins needed from population (DOMAIN.md; every factor a setting).
FENLEI_GENERATION_KG_PER_PERSON = env_float("FENLEI_GENERATION_KG_PER_PERSON", 1.0, minimum=0.1, maximum=5)
FENLEI_DAILY_UNEVENNESS = env_float("FENLEI_DAILY_UNEVENNESS", 1.12, minimum=1, maximum=2)
FENLEI_POPULATION_VARIATION = env_float("FENLEI_POPULATION_VARIATION", 1.03, minimum=1, maximum=2)
FENLEI_BIN_FILL = env_float("FENLEI_BIN_FILL", 0.8, minimum=0.1, maximum=1)
FENLEI_BIN_DENSITY_T_PER_M3 = env_float("FENLEI_BIN_DENSITY_T_PER_M3", 0.55, minimum=0.05, maximum=2)
FENLEI_BIN_SAFETY = env_float("FENLEI_BIN_SAFETY", 1.2, minimum=1, maximum=3)
#: The share of the daily generation in each stream of the scheme.
FENLEI_STREAM_SHARES = env_ratios(
    "FENLEI_STREAM_SHARES",
    {"wet": 0.55, "dry": 0.35, "recyclable": 0.09, "hazardous": 0.01, "food": 0.55, "residual": 0.35},
)
#: Days between two collections of each stream.
FENLEI_COLLECTION_DAYS = env_ratios(
    "FENLEI_COLLECTION_DAYS",
    {"wet": 1, "dry": 1, "recyclable": 7, "hazardous": 30, "food": 1, "residual": 1},
)
FENLEI_HOUSEHOLDS_PER_POINT = env_int("FENLEI_HOUSEHOLDS_PER_POINT", 400, minimum=50, maximum=2000)
#: A ledger untouched for this many days is listed as stale.
FENLEI_STALE_DAYS = env_int("FENLEI_STALE_DAYS", 90, minimum=1)
#: Commitments and contracts ending within this many days are listed as expiring.
FENLEI_EXPIRY_WARN_DAYS = env_int("FENLEI_EXPIRY_WARN_DAYS", 30, minimum=1, maximum=365)

# --- collection and weighing ------------------------------------------------------------------
#: The heaviest one record may weigh (kg): a truck's load.
FENLEI_COLLECTION_MAX_KG = env_int("FENLEI_COLLECTION_MAX_KG", 30000, minimum=1)
#: How far back a record may be dated (days).
FENLEI_COLLECTION_MAX_AGE_DAYS = env_int("FENLEI_COLLECTION_MAX_AGE_DAYS", 400, minimum=1)
#: A record entered more than this many days after its day counts as late (timeliness).
FENLEI_COLLECTION_LATE_DAYS = env_int("FENLEI_COLLECTION_LATE_DAYS", 1, minimum=0)
#: A restaurant with a signed commitment and no kitchen-waste pick-up for this many days is flagged.
FENLEI_KITCHEN_GAP_DAYS = env_int("FENLEI_KITCHEN_GAP_DAYS", 3, minimum=1)
#: How many days of collection data the demo seeder writes (ending yesterday): a year and a month, so
#: that this month's figures have last year's month to compare with.
FENLEI_SEED_COLLECTION_DAYS = env_int("FENLEI_SEED_COLLECTION_DAYS", 395, minimum=1, maximum=730)
#: A trip whose weighbridge figure differs from the sum of its pick-ups by more than this share (%) is
#: pointed at on its pages and in the API.
FENLEI_WEIGHBRIDGE_TOLERANCE_PCT = env_int("FENLEI_WEIGHBRIDGE_TOLERANCE_PCT", 5, minimum=0, maximum=100)
#: A kitchen-waste manifest whose weight received at the plant differs from its pick-up weight by more
#: than this share (%) is shown as a difference to look into.
FENLEI_MANIFEST_TOLERANCE_PCT = env_int("FENLEI_MANIFEST_TOLERANCE_PCT", 10, minimum=0, maximum=100)
#: Kilograms per litre of bin volume, to convert bins × volume into a weight (a 240 L bin of wet
#: waste ≈ 0.24 m³ × 0.8 fill × 0.55 t/m³ ÷ 1.2 ≈ 88 kg).
FENLEI_BIN_KG_PER_LITRE = {
    "default": 0.367,
    "wet": 0.367,
    "food": 0.367,
    "dry": 0.15,
    "residual": 0.15,
    "recyclable": 0.08,
    "hazardous": 0.2,
    "mixed": 0.2,
}
#: The bulk endpoint (POST /api/collection/ingest/): the most records one request may carry, and the
#: largest body it reads (a larger one is refused from its Content-Length, before it is read).
FENLEI_INGEST_MAX_RECORDS = env_int("FENLEI_INGEST_MAX_RECORDS", 10000, minimum=1, maximum=100000)
FENLEI_INGEST_MAX_MB = env_int("FENLEI_INGEST_MAX_MB", 16, minimum=1, maximum=256)
#: Pairs of streams that may travel on one trip; any other two on one trip raise an alarm.
FENLEI_COMBINABLE_STREAMS: list[tuple[str, str]] = []

# --- collection measures, data quality and the mixing detectors (docs/collection-measures.md) ------
#: The numerator of the recycling rate (回收利用率): stream codes, or national category codes
#: (recyclable, food …) that stand for the scheme's stream of that category.
FENLEI_RECYCLING_STREAMS = env_list("FENLEI_RECYCLING_STREAMS", ["recyclable", "food"])
#: A site's day is an outlier when its robust z-score against its own last days exceeds this.
FENLEI_OUTLIER_Z = env_float("FENLEI_OUTLIER_Z", 3.5, minimum=1)
#: The days of history an outlier is measured against, and how many of them must have records.
FENLEI_OUTLIER_HISTORY_DAYS = env_int("FENLEI_OUTLIER_HISTORY_DAYS", 28, minimum=7, maximum=365)
FENLEI_OUTLIER_MIN_DAYS = env_int("FENLEI_OUTLIER_MIN_DAYS", 14, minimum=3, maximum=365)
#: A site's wet stream "vanishes" in a week when it falls to at most this share of its weekly average
#: over the previous weeks, while its dry stream rises by at least the second share.
FENLEI_WET_VANISHED_SHARE = env_float("FENLEI_WET_VANISHED_SHARE", 0.1, minimum=0, maximum=1)
FENLEI_WET_VANISHED_DRY_RISE = env_float("FENLEI_WET_VANISHED_DRY_RISE", 0.1, minimum=0, maximum=10)
FENLEI_WET_VANISHED_WEEKS = env_int("FENLEI_WET_VANISHED_WEEKS", 3, minimum=1, maximum=12)
#: Below this weekly average of wet waste (kg) a site is too small for the rule to mean anything.
FENLEI_WET_VANISHED_MIN_KG = env_float("FENLEI_WET_VANISHED_MIN_KG", 20, minimum=0)
#: A site recorded as mixed waste on at least this many days of a week, and in no other stream.
FENLEI_ONLY_MIXED_MIN_DAYS = env_int("FENLEI_ONLY_MIXED_MIN_DAYS", 3, minimum=1, maximum=7)
#: The hauliers' "poor" grades at one site in one week that raise an alarm.
FENLEI_POOR_GRADES_MIN = env_int("FENLEI_POOR_GRADES_MIN", 3, minimum=1)

FENLEI_PAGE_SIZE = env_int("FENLEI_PAGE_SIZE", 50, minimum=10, maximum=500)

# --- inspections and rectification ------------------------------------------------------------
#: How far ahead of the server's clock a phone's time may run (photos, inspections), in minutes.
FENLEI_CLOCK_SKEW_MINUTES = env_int("FENLEI_CLOCK_SKEW_MINUTES", 10, minimum=0, maximum=24 * 60)
#: An inspection whose position lies farther than this from its target's coordinates is marked.
FENLEI_INSPECTION_FAR_METRES = env_int("FENLEI_INSPECTION_FAR_METRES", 300, minimum=10)
#: A photo must be taken between this many hours before the inspection began and its submission.
FENLEI_PHOTO_MAX_AGE_HOURS = env_int("FENLEI_PHOTO_MAX_AGE_HOURS", 12, minimum=1, maximum=24 * 30)
#: A bin passes the purity check (Shanghai's rule: every bin at least 85% pure).
FENLEI_PURITY_THRESHOLD_PCT = env_int("FENLEI_PURITY_THRESHOLD_PCT", 85, minimum=1, maximum=100)
#: Working days a rectification order gets, by severity.
FENLEI_RECTIFY_WORKDAYS = {
    k: int(v)
    for k, v in env_ratios("FENLEI_RECTIFY_WORKDAYS", {"minor": 5, "major": 3, "critical": 1}).items()
}
#: Working days an overdue order stays with the street before it goes up to the district.
FENLEI_ESCALATE_DISTRICT_WORKDAYS = env_int("FENLEI_ESCALATE_DISTRICT_WORKDAYS", 3, minimum=0, maximum=60)
#: The same problem at the same target within this many days is a repeat.
FENLEI_REPEAT_DAYS = env_int("FENLEI_REPEAT_DAYS", 30, minimum=1, maximum=366)
#: Inspections a target should have each month, unless a quota set by the office says otherwise.
FENLEI_INSPECTIONS_PER_MONTH = env_int("FENLEI_INSPECTIONS_PER_MONTH", 2, minimum=0, maximum=62)
#: Stale campaign units a page judges again before it reads (the daily job judges the rest).
FENLEI_CAMPAIGN_REFRESH_LIMIT = env_int("FENLEI_CAMPAIGN_REFRESH_LIMIT", 100, minimum=0, maximum=100000)
#: Targets on one inspector's list for a day.
FENLEI_PLAN_TARGETS_PER_DAY = env_int("FENLEI_PLAN_TARGETS_PER_DAY", 8, minimum=1, maximum=200)
