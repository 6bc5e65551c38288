"""Settings for LDN Journal, read from the environment (and a local .env file).

DEBUG defaults off; a production start without SECRET_KEY refuses to run. Everything a
clinic sets lives in environment variables, documented in README.md.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, SELF
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

from ldnjournal.vapid import demo_private_key
from ldnjournal.vapid import public_key as vapid_public_key

BASE_DIR = Path(__file__).resolve().parent.parent
# A local .env (written by `make run` for development) fills in what the environment
# does not set; real environment variables always win.
load_dotenv(BASE_DIR / ".env", override=False)


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the {name} environment variable.")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

_DEV_SECRET_KEY = "django-insecure-ldnjournal-development-only"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else None)
if not DEBUG and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("Production needs a random SECRET_KEY of 50 characters or more.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# The server's public address: the FHIR export's full URLs and its CodeSystem's canonical URL
# (README, "FHIR") start with it. Defaults to the first allowed host over HTTPS.
FHIR_BASE_URL = env_str(
    "FHIR_BASE_URL", f"https://{ALLOWED_HOSTS[0]}" if ALLOWED_HOSTS else "https://localhost"
).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "journal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "journal.middleware.NoStoreMiddleware",
    "journal.sessions.ClientSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "journal.middleware.TwoFactorRequiredMiddleware",
    "journal.middleware.ReaderTimeZoneMiddleware",
    "journal.middleware.ReaderLanguageMiddleware",
    "journal.middleware.ReadAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "ldnjournal.urls"
WSGI_APPLICATION = "ldnjournal.wsgi.application"

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
                "csp.context_processors.nonce",
                "journal.context_processors.roles",
            ],
        },
    },
]

# The one-line widgets (inputs, textareas) written in Python, not three templates each.
FORM_RENDERER = "journal.forms.renderer.FormRenderer"
# Every form takes at most one file, kept in memory up to the largest size a form accepts.
FILE_UPLOAD_HANDLERS = ["journal.uploads.BoundedUploadHandler"]
DATA_UPLOAD_MAX_NUMBER_FILES = 1

# "fragments" keeps only what reads the same for every reader of a language, role and page (the
# page header's links, the offline texts) in each process's memory: app servers stay stateless.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions and WAL let two requests writing the same day queue up
    # instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # The server binds the parameters, and prepares a statement the connection has run five
    # times: the reads every page makes are then planned once per connection, not per request.
    # (A pooler in front of PostgreSQL must keep a connection per session for this.)
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "journal.User"
AUTHENTICATION_BACKENDS = ["journal.auth.PasswordBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions in the database, each with its owner, browser and address (journal/sessions.py).
SESSION_ENGINE = "journal.sessions"
# The client's address is REMOTE_ADDR, or, behind this many proxies that each append to
# X-Forwarded-For, the address the farthest of them saw (journal.access.client_address). The
# lockout (journal/lockout.py) counts failed sign-ins by that address.
TRUSTED_PROXY_COUNT = int(env_str("TRUSTED_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
# Two-factor sign-in (django-otp): the name authenticator apps show beside the code.
OTP_TOTP_ISSUER = "LDN Journal"

LANGUAGE_CODE = "en"
# The languages a reader may pick (journal.models.User.language); a signed-out page follows the
# browser's Accept-Language among them (journal.middleware.ReaderLanguageMiddleware).
LANGUAGES = [("en", "English"), ("es", "Español"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_MIMETYPES = {".webmanifest": "application/manifest+json"}  # whitenoise knows no such file
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "ldnjournal.storage.StaticFiles"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env_str("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "LDN Journal <noreply@localhost>")
# A mail server that does not answer fails the worker's attempt (which is retried) after this.
EMAIL_TIMEOUT = int(env_str("EMAIL_TIMEOUT", "30"))
# Invitations are emailed only when a clinic has configured a mail server (or in DEBUG,
# where the console backend prints them).
SEND_INVITATION_EMAILS = env_bool("SEND_INVITATION_EMAILS", DEBUG)
# The care team is told by email that a patient's question waits (no name, no text in it).
SEND_QUESTION_EMAILS = env_bool("SEND_QUESTION_EMAILS", DEBUG)
# The address people open the app at (https://ldn.clinic.example): mail the worker sends, which
# has no request to take it from, links to the page it is about. Empty: the mail names the page.
SITE_URL = env_str("SITE_URL", "").rstrip("/")

# Background work (mail now; exports and reminders later) is queued in the database, in the
# transaction of the change that asks for it, and run by `manage.py worker` (django-tasks).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Clinic exports are written by the worker into this private folder (never one the web server
# serves: the app hands each file out after its access check) and deleted after EXPORT_KEEP_HOURS.
EXPORT_ROOT = Path(env_str("EXPORT_ROOT", str(BASE_DIR / "data" / "exports")))
EXPORT_KEEP_HOURS = int(env_str("EXPORT_KEEP_HOURS", "24"))
if EXPORT_KEEP_HOURS < 1:
    raise ImproperlyConfigured("EXPORT_KEEP_HOURS must be 1 or more.")

# Web Push reminders (README, "Reminders"): the server's VAPID signing key and the contact a
# push service may write to. Without a key push is off; DEBUG derives a demo key.
VAPID_PRIVATE_KEY = env_str("VAPID_PRIVATE_KEY", demo_private_key(SECRET_KEY) if DEBUG else "")
VAPID_SUBJECT = env_str("VAPID_SUBJECT", "mailto:noreply@localhost" if DEBUG else "")
if VAPID_PRIVATE_KEY:
    try:
        VAPID_PUBLIC_KEY = vapid_public_key(VAPID_PRIVATE_KEY)
    except ValueError as error:
        raise ImproperlyConfigured(str(error)) from error
    if not VAPID_SUBJECT.startswith(("mailto:", "https://")):
        raise ImproperlyConfigured(
            "VAPID_SUBJECT is the clinic's mailto: or https:// contact for push services."
        )
else:
    VAPID_PUBLIC_KEY = ""

# Security: strict by default; DEBUG (development on http://127.0.0.1) relaxes transport.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12  # each login sets its own length by role: journal/sessions.py
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # a load balancer may ask over plain HTTP
SECURE_HSTS_SECONDS = 0 if DEBUG else int(env_str("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Nothing loads from another host. plotly.js sets inline styles on its SVG, hence
# 'unsafe-inline' for styles only; scripts need the nonce or our own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": ["'none'"],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": ["'none'"],
    }
}

# Every log line goes through MaskTokens (ldnjournal/log_filters.py): no secret of a URL is
# written. Django's own "django" and "django.server" loggers are redefined here so that none
# of its default handlers (which do not mask) stays in use.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_tokens": {"()": "ldnjournal.log_filters.MaskTokens"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_tokens"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["mask_tokens"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # The worker's "no task to run" line, once a poll, is noise; tasks are still logged.
        "django_tasks_db": {"level": "WARNING"},
    },
}
