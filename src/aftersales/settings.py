"""Settings for aftersales: one module, every deployment value read from the environment."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from aftersales.lib.env import EnvError, env_bool, env_int, env_list, env_str
from aftersales.lib.imports import hidden_modules

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(env_str("AFTERSALES_HOME", str(Path.cwd())))
VAR_DIR = Path(env_str("AFTERSALES_VAR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# A random key per machine would log everybody out on restart; the file keeps it stable.
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    _key_file = VAR_DIR / "secret_key"
    if _key_file.exists():
        SECRET_KEY = _key_file.read_text().strip()
    else:
        from django.utils.crypto import get_random_string

        VAR_DIR.mkdir(parents=True, exist_ok=True)
        SECRET_KEY = get_random_string(64)
        _key_file.write_text(SECRET_KEY)
        _key_file.chmod(0o600)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "aftersales.accounts.apps.ThrottledAdminConfig",  # django.contrib.admin, throttled login
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "huey.contrib.djhuey",
    # ninja's vendored Swagger UI: /api/v1/docs then works offline, with no CDN.
    "ninja",
    "aftersales.core",
    "aftersales.accounts",
    "aftersales.registry",
    "aftersales.notify",
    "aftersales.sla",
    "aftersales.contracts",
    "aftersales.cases",
    "aftersales.repairs",
    "aftersales.inventory",
    "aftersales.rma",
    "aftersales.feedback",
    "aftersales.fieldservice",
    "aftersales.kb",
    "aftersales.reports",
    "aftersales.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "aftersales.accounts.middleware.UserLanguageMiddleware",
    # NUL characters refused; /api/ answers 413, 414 and 404 in JSON (in the user's language).
    "aftersales.core.middleware.RequestHygieneMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "aftersales.accounts.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "aftersales.urls"
WSGI_APPLICATION = "aftersales.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "aftersales.accounts.context_processors.roles",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'aftersales.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Connections persist (DB_CONN_MAX_AGE) as on PostgreSQL: a new SQLite connection parses
    # the whole schema and registers Django's functions again, ~2 ms of CPU every request.
    # Django's backend, plus a queue for writers (a file lock before BEGIN IMMEDIATE) and
    # `PRAGMA optimize` on close (core/sqlite/base.py, docs/performance.md).
    DATABASES["default"]["ENGINE"] = "aftersales.core.sqlite"
    # Tests run in memory, as on Django's own engine (pytest-django spots SQLite by its engine
    # name and would otherwise make a file name of the path for each xdist worker).
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the worker write while the web reads; IMMEDIATE avoids upgrade deadlocks.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DB_PREPARE", True
):
    # Server-side binding lets psycopg prepare a statement after its fifth use on a connection:
    # planning was most of PostgreSQL's work per API call (docs/performance.md). Off behind a
    # transaction-mode connection pooler, which cannot keep prepared statements.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["aftersales.accounts.backends.RoleBackend"]
PASSWORD_HASHERS = [
    "aftersales.accounts.hashers.Argon2PasswordHasher",  # 19 MiB a hash, not Django's 100
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Failed logins per (username, client address) pair before that door closes for a while.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 900)
# How many reverse proxies we run in front of the app: the client address is then read from
# X-Forwarded-For, that many entries from its right end. 0 (the default) trusts no header,
# since a client talking to us directly can send any X-Forwarded-For it likes.
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)
if TRUSTED_PROXIES < 0:
    raise EnvError(f"TRUSTED_PROXIES must be 0 or more, got {TRUSTED_PROXIES}")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the app folders so `make run` needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "aftersales",
        "url": REDIS_URL,
        "immediate": False,
    }
else:
    # A file cache is shared by every gunicorn worker on one machine, unlike locmem.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "aftersales",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
    }
# huey.storage imports redis and psycopg whenever they are installed, for queues we may not use:
# ~40 MiB in every process of a SQLite install. Loaded here with the unused ones hidden.
with hidden_modules(
    *(["redis"] if not REDIS_URL else []),
    *(["psycopg"] if DATABASES["default"]["ENGINE"] == "aftersales.core.sqlite" else []),
):
    import huey.storage  # noqa: F401
HUEY["consumer"] = {"workers": env_int("WORKERS", 2), "worker_type": "thread"}
HUEY["immediate"] = env_bool("HUEY_IMMEDIATE", False)

# With no mail server named, mail is written to files under var/mail (make run, the demo)
# instead of failing against an SMTP server on 127.0.0.1 that is not there.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env_str("EMAIL_HOST")
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = Path(env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail")))
EMAIL_HOST = env_str("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "aftersales@localhost")

SECURE_PRODUCTION = env_bool("SECURE_PRODUCTION", False)
if SECURE_PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Load-balancer health probes reach the app over plain HTTP; a redirect would fail them.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint narrates every PDF step by step at INFO, fontTools every subset it makes.
    "loggers": {
        "jieba": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Notifications (notify app): SMTP time-out and the SMS gateway, checked strictly at start-up.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
SMS_BACKEND = env_str("SMS_BACKEND", "file")
SMS_FILE_PATH = Path(env_str("SMS_FILE_PATH", str(VAR_DIR / "sms.log")))
SMS_WEBHOOK_URL = env_str("SMS_WEBHOOK_URL")
SMS_WEBHOOK_TEMPLATE = env_str("SMS_WEBHOOK_TEMPLATE", '{"phone": "$phone", "text": "$text"}')
SMS_WEBHOOK_TIMEOUT = env_int("SMS_WEBHOOK_TIMEOUT", 10)


def _sms_settings_checked() -> dict[str, str]:
    """Refuse a bad SMS configuration at start-up; return the parsed webhook headers."""
    import json
    import string

    from aftersales.lib.env import EnvError

    if SMS_BACKEND not in {"console", "file", "webhook"}:
        raise EnvError(f"SMS_BACKEND must be console, file or webhook, got {SMS_BACKEND!r}")
    if SMS_BACKEND == "webhook" and not SMS_WEBHOOK_URL.startswith(("http://", "https://")):
        raise EnvError("SMS_WEBHOOK_URL must be an http:// or https:// address")
    template = string.Template(SMS_WEBHOOK_TEMPLATE)
    if not template.is_valid() or not set(template.get_identifiers()) <= {"phone", "text"}:
        raise EnvError("SMS_WEBHOOK_TEMPLATE may use only $phone and $text")
    try:
        headers = json.loads(env_str("SMS_WEBHOOK_HEADERS", "{}"))
    except ValueError as exc:
        raise EnvError(f"SMS_WEBHOOK_HEADERS must be a JSON object: {exc}") from exc
    if not isinstance(headers, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
    ):
        raise EnvError("SMS_WEBHOOK_HEADERS must be a JSON object of strings")
    return headers


SMS_WEBHOOK_HEADERS = _sms_settings_checked()

# E-mail intake (cases.mail): poll this IMAP mailbox for support mail; unset host = no polling.
IMAP_HOST = env_str("IMAP_HOST")
IMAP_PORT = env_int("IMAP_PORT", 993)
IMAP_USER = env_str("IMAP_USER")
IMAP_PASSWORD = env_str("IMAP_PASSWORD")
IMAP_SSL = env_bool("IMAP_SSL", True)
IMAP_FOLDER = env_str("IMAP_FOLDER", "INBOX")
IMAP_POLL_SECONDS = env_int("IMAP_POLL_SECONDS", 60)

# Absolute links in e-mails (portal links in quotes and service reports), e.g. https://service.example.cn
SITE_URL = env_str("SITE_URL")

# Part sales (inventory.sales): a quote stays open for the customer this many calendar days.
PART_SALE_QUOTE_DAYS = env_int("PART_SALE_QUOTE_DAYS", 15)
