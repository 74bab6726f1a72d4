"""Gongjian settings: every value comes from the environment, with a default that works on a bare machine."""

from pathlib import Path

import environ
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Demo mode creates the demo accounts (password known to everybody); never on in production.
DEMO_MODE = env.bool("DEMO_MODE", default=False)
SITE_NAME = env.str("SITE_NAME", default="株洲市文明城市创建共建平台")
# The address people reach the site at, for links in emails, QR codes and documents.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "django_htmx",
    "axes",
    "ninja",
    "django_tasks_db",
    "gongjian.core",
    "gongjian.accounts",
    "gongjian.places",
    "gongjian.units",
    "gongjian.pairings",
    "gongjian.cases",
    "gongjian.open311",
    "gongjian.volunteers",
    "gongjian.rolemodels",
    "gongjian.cobuilding",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gongjian.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "gongjian.core.middleware.AuditContextMiddleware",
    # Axes last: it turns a locked-out login into its own response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gongjian.urls"
WSGI_APPLICATION = "gongjian.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gongjian" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gongjian.core.context_processors.site",
            ],
        },
    }
]

# Database: SQLite under var/ by default; DATABASE_URL=postgres://… in production and CI.
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'gongjian.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + busy_timeout + IMMEDIATE transactions: concurrent writers wait instead of failing;
    # core.sqlite lets a waiting writer in as soon as the lock is free (see its doc).
    DATABASES["default"]["ENGINE"] = "gongjian.core.sqlite"
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# Connections stay open between requests. For SQLite too: opening one per request (the file, the
# PRAGMAs, Django's functions) and closing it (the last connection to close checkpoints the log
# and deletes it) cost more than a simple write itself; with them kept, the one-INSERT view served
# 1,440 requests/s here instead of 430, and case intake 400 instead of 260 (bench/case_intake.py).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
if DATABASES["default"]["ENGINE"] != "gongjian.core.sqlite":  # SQLite's connections are always usable
    # A kept connection is checked before a request's first query; on the hot paths (a vote, the
    # number of a new case) that first statement is the check itself (core.fastsql.prepared_cursor).
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# The hot write paths (case intake) keep their few statements prepared on each PostgreSQL
# connection (core.fastsql.prepared_cursor). Set it false behind a pooler in transaction mode
# that keeps no prepared statements (PgBouncer before 1.21, or without max_prepared_statements).
PREPARED_STATEMENTS = env.bool("PREPARED_STATEMENTS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared cache (rate limits, counters): Redis when REDIS_URL is set, else the database, so that
# several worker processes see the same counts either way.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "gongjian_cache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "gongjian.accounts.backends.CityAdminPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:public-home"

# Login throttling: after AXES_FAILURE_LIMIT failures for one username from one address, that
# pair is locked for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_MINUTES", default=15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0)

# Internationalisation: Chinese first, English selectable.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "gongjian" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "gongjian" / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str("STATICFILES_STORAGE", default="whitenoise.storage.CompressedManifestStaticFilesStorage")
    },
}

# Uploads: a request body above 30 MB is refused outright; each photo and sheet has its own,
# smaller limit checked by its form (core.uploads).
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 12
MAX_PHOTO_BYTES = env.int("MAX_PHOTO_BYTES", default=8 * 1024 * 1024)
MAX_SHEET_BYTES = env.int("MAX_SHEET_BYTES", default=5 * 1024 * 1024)

# Security headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
# Scripts only from this site; no inline script anywhere. Inline style attributes are allowed
# because ECharts and the API docs page set them.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Background work (imports today; exports and documents later): Django's tasks with the
# database-backed queue of django-tasks-db, run by `manage.py db_worker` (started by `make run`).
TASKS = {"default": {"BACKEND": env.str("TASK_BACKEND", default="django_tasks_db.DatabaseBackend")}}

# Scheduled work run by `manage.py periodic` (started by `make run`): (command, seconds between runs).
# Each app adds its own below, in its section.
PERIODIC_COMMANDS: list[tuple[str, int]] = []

MAILERS = {"default": {"BACKEND": env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="gongjian@localhost")

# Public endpoints are rate limited per client address (core.ratelimit).
RATELIMIT_ENABLED = env.bool("RATELIMIT_ENABLED", default=True)
# How long a process keeps read-mostly reference data (the case catalogue, located places, who
# works in a community) before asking the database again (core.memo); 0 turns it off.
REFERENCE_CACHE_SECONDS = env.int("REFERENCE_CACHE_SECONDS", default=30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}


# ---- cases (issue 3) ----
# Case numbers: prefix + local date + five digits (ZZ2023050900012).
CASES_NUMBER_PREFIX = env.str("CASES_NUMBER_PREFIX", default="ZZ")
# The deadline job warns whoever holds a case this many hours before its deadline, and closes a
# verified case nobody rated after CASES_AUTO_CLOSE_HOURS. `manage.py periodic` runs it every ten minutes.
CASES_WARN_HOURS = env.int("CASES_WARN_HOURS", default=4)
CASES_AUTO_CLOSE_HOURS = env.int("CASES_AUTO_CLOSE_HOURS", default=72)
PERIODIC_COMMANDS.append(("cases_deadlines", 600))
# Map tiles for the case map, e.g. https://tiles.example.cn/{z}/{x}/{y}.png. Empty: no tiles, the
# markers are drawn on a plain background (the city's network may be closed).
MAP_TILE_URL = env.str("MAP_TILE_URL", default="")
MAP_TILE_ATTRIBUTION = env.str("MAP_TILE_ATTRIBUTION", default="")
if MAP_TILE_URL:
    # The tile host (a {s}.host.example subdomain pattern becomes *.host.example) may serve images.
    from urllib.parse import urlsplit as _urlsplit

    _tiles = _urlsplit(MAP_TILE_URL.replace("{s}", "*"))
    SECURE_CSP["img-src"].append(  # type: ignore[attr-defined]
        f"{_tiles.scheme}://{_tiles.netloc}"
    )

# ---- open311 (issue 3) ----
# GeoReport v2 at /open311/v2/. This endpoint serves one jurisdiction: a request naming another
# jurisdiction_id gets 404; leaving it out is fine.
OPEN311_JURISDICTION_ID = env.str("OPEN311_JURISDICTION_ID", default="zhuzhou.gov.cn")
OPEN311_CONTACT = env.str("OPEN311_CONTACT", default="株洲市文明办 · " + DEFAULT_FROM_EMAIL)
OPEN311_KEY_SERVICE = env.str(
    "OPEN311_KEY_SERVICE", default="提交诉求须携带 api_key：请向株洲市文明办申请，由城市管理员在“Open311 密钥”页签发。"
)
# When this endpoint's behaviour last changed (discovery's changeset, a W3C datetime).
OPEN311_CHANGESET = env.str("OPEN311_CHANGESET", default="2026-11-25T00:00:00+08:00")
# Requests per minute: POSTs per client address and per api_key, GETs per client address.
OPEN311_POST_LIMIT_PER_CLIENT = env.int("OPEN311_POST_LIMIT_PER_CLIENT", default=30)
OPEN311_POST_LIMIT_PER_KEY = env.int("OPEN311_POST_LIMIT_PER_KEY", default=300)
OPEN311_GET_LIMIT_PER_CLIENT = env.int("OPEN311_GET_LIMIT_PER_CLIENT", default=120)

# ---- volunteers (issue 5) ----
# Phone and ID numbers of volunteers are encrypted with a key derived from this (SECRET_KEY if empty).
VOLUNTEER_DATA_KEY = env.str("VOLUNTEER_DATA_KEY", default="")
# Cumulative approved hours for one to five stars.
VOLUNTEER_STAR_HOURS = env.list("VOLUNTEER_STAR_HOURS", cast=int, default=[100, 300, 600, 1000, 1500])
# The check-in QR code changes every this many seconds; the previous code stays valid one step more.
VOLUNTEER_QR_STEP_SECONDS = env.int("VOLUNTEER_QR_STEP_SECONDS", default=60)
# Reminders to party members who have not yet served go out in the month's last this many days.
VOLUNTEER_REMIND_LAST_DAYS = env.int("VOLUNTEER_REMIND_LAST_DAYS", default=7)
# Month-end reminders: the command sends each month's once, so running it hourly is safe.
PERIODIC_COMMANDS.append(("volunteers_remind", 3600))

# ---- rolemodels (issue 6) ----
# Phones are stored only as HMAC-SHA256 with this key; voter tokens are signed with SECRET_KEY.
ROLEMODELS_PHONE_KEY = env.str("ROLEMODELS_PHONE_KEY", default="insecure-phone-hash-key-change-me")
# The class that sends one-time codes (send(phone, message)); the console sender prints them.
ROLEMODELS_SMS_SENDER = env.str("ROLEMODELS_SMS_SENDER", default="gongjian.rolemodels.sms.ConsoleSender")
ROLEMODELS_CODE_TTL_SECONDS = env.int("ROLEMODELS_CODE_TTL_SECONDS", default=600)
ROLEMODELS_CODE_MAX_ATTEMPTS = env.int("ROLEMODELS_CODE_MAX_ATTEMPTS", default=5)
# Codes per phone per hour and per client address per hour.
ROLEMODELS_CODES_PER_PHONE = env.int("ROLEMODELS_CODES_PER_PHONE", default=5)
ROLEMODELS_CODES_PER_ADDRESS = env.int("ROLEMODELS_CODES_PER_ADDRESS", default=20)
# Votes per minute per voter and per client address before a challenge question is asked.
ROLEMODELS_VOTES_PER_VOTER_MINUTE = env.int("ROLEMODELS_VOTES_PER_VOTER_MINUTE", default=20)
ROLEMODELS_VOTES_PER_ADDRESS_MINUTE = env.int("ROLEMODELS_VOTES_PER_ADDRESS_MINUTE", default=60)
# Seconds live counts stay cached, and round settings stay in each process's memory.
ROLEMODELS_COUNT_CACHE_SECONDS = env.int("ROLEMODELS_COUNT_CACHE_SECONDS", default=15)
ROLEMODELS_ROUND_CACHE_SECONDS = env.int("ROLEMODELS_ROUND_CACHE_SECONDS", default=5)

# ---- cobuilding (issue 4) ----
# The scorecard: this many visits (and commendations) in a campaign earn the part's full marks.
COBUILDING_VISITS_FULL_MARKS = env.int("COBUILDING_VISITS_FULL_MARKS", default=4)
COBUILDING_COMMENDATIONS_FULL_MARKS = env.int("COBUILDING_COMMENDATIONS_FULL_MARKS", default=2)
