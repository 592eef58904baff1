"""CoachDesk settings, read from the environment (django-environ).

With no variables set this is the embedded default: SQLite and a file-system Celery broker
under ``var/``, DEBUG on, email written to ``var/mail``. Production names its services:
DATABASE_URL, REDIS_URL, EMAIL_URL, SECRET_KEY, ALLOWED_HOSTS, SITE_URL, with
DJANGO_ENV=production, and refuses to start without any of those that have no safe default.
"""

from datetime import timedelta
from email.utils import getaddresses
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

# Runtime files of the embedded default (SQLite, broker queue, demo mail). Overridable so that
# tests and parallel checkouts do not share them.
VAR_DIR = Path(env.str("COACHDESK_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=not PRODUCTION)

if PRODUCTION:
    # No default: production refuses to start without a real secret.
    SECRET_KEY = env.str("SECRET_KEY")
    if SECRET_KEY.startswith("django-insecure") or len(set(SECRET_KEY)) < 5 or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "SECRET_KEY is too weak for production: use at least 50 random characters."
        )
else:
    SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-coachdesk-development-only")

LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else LOOPBACK_HOSTS)
# The public address in email links, invitations, calendar feeds and the one-click unsubscribe
# URL (RFC 8058 wants https).
SITE_URL = env.str("SITE_URL", default="" if PRODUCTION else "http://127.0.0.1:8000")

# How email is sent: SMTP through EMAIL_URL (the default), or a provider's own API through
# django-anymail, named by EMAIL_PROVIDER with its key in the environment; a provider also
# reports bounces and spam complaints back (reminders/bounces.py). A provider named but unknown,
# or without its key, is refused at start-up rather than at the first reminder.
EMAIL_PROVIDER_BACKENDS = {
    "mailgun": "anymail.backends.mailgun.EmailBackend",
    "postmark": "anymail.backends.postmark.EmailBackend",
}
# Each provider's key, under the name anymail reads it by (ANYMAIL below).
EMAIL_PROVIDER_KEYS = {"mailgun": "MAILGUN_API_KEY", "postmark": "POSTMARK_SERVER_TOKEN"}
EMAIL_PROVIDER = env.str("EMAIL_PROVIDER", default="").strip().lower()
if EMAIL_PROVIDER and EMAIL_PROVIDER not in EMAIL_PROVIDER_BACKENDS:
    raise ImproperlyConfigured(
        f"EMAIL_PROVIDER is {EMAIL_PROVIDER!r}: use one of "
        f"{', '.join(sorted(EMAIL_PROVIDER_BACKENDS))}, or leave it empty to send over SMTP "
        "(EMAIL_URL)."
    )
if EMAIL_PROVIDER and not env.str(EMAIL_PROVIDER_KEYS[EMAIL_PROVIDER], default=""):
    raise ImproperlyConfigured(
        f"EMAIL_PROVIDER={EMAIL_PROVIDER} needs {EMAIL_PROVIDER_KEYS[EMAIL_PROVIDER]}: the key "
        "CoachDesk sends with."
    )

if PRODUCTION:
    # Without these production would run on silent defaults: every email link pointing at
    # 127.0.0.1, mail written to files nobody reads, or every request refused.
    problems = []
    if not ALLOWED_HOSTS:
        problems.append(
            "ALLOWED_HOSTS is not set: name the host names CoachDesk is served under, "
            "e.g. ALLOWED_HOSTS=coachdesk.example.com."
        )
    site = urlsplit(SITE_URL)
    if not SITE_URL:
        problems.append(
            "SITE_URL is not set: name the public https address used in email links, "
            "e.g. SITE_URL=https://coachdesk.example.com."
        )
    elif not site.hostname or not (
        site.scheme == "https"
        # A plain-HTTP trial on this machine (the compose stack without a TLS proxy).
        or (site.scheme == "http" and site.hostname in {"127.0.0.1", "localhost", "::1"})
    ):
        problems.append(
            f"SITE_URL must start with https:// (it is {SITE_URL!r}): email links and the "
            "one-click unsubscribe address use it. Plain http is only for a trial on "
            "localhost."
        )
    if not EMAIL_PROVIDER and not env.str("EMAIL_URL", default=""):
        problems.append(
            "EMAIL_URL is not set: name the SMTP service for password resets and reminders, "
            "e.g. EMAIL_URL=smtp+tls://user:password@smtp.example.com:587 (or send through a "
            "provider's API: EMAIL_PROVIDER)."
        )
    if problems:
        raise ImproperlyConfigured("Production settings:\n- " + "\n- ".join(problems))
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    # Two-factor login: authenticator apps (TOTP) and recovery codes (accounts/two_factor.py).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Email providers' inbound webhooks and their signature checks (inbound/webhooks.py).
    "anymail",
    "accounts",
    "clients",
    "interviews",
    "goals",
    "inbound",
    "reminders",
    "practices",
    "dashboard",
    # At the bottom of the dependency chain: imports nothing of ours (pagecache/pages.py).
    "pagecache",
    # Last: the project package holds cross-app commands (seed_demo) and sits above every app.
    "coachdesk",
]

MIDDLEWARE = [
    # First: the container health check has no allowed Host and no HTTPS (coachdesk/middleware.py).
    "coachdesk.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Right after SecurityMiddleware, which sets the other headers: every response, cached pages
    # and the 413 page included, gets them all (Content Security Policy below).
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before anything reads a body (the CSRF check reads form data): coachdesk/middleware.py.
    "coachdesk.middleware.RequestBodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Sends those who must have two-factor login and have not verified this session to
    # enrolment or to the login (accounts/middleware.py).
    "accounts.middleware.TwoFactorMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    # An archived client's session ends on their next request (clients/access.py).
    "clients.middleware.EndedCoachingMiddleware",
    # A practice's viewers read and change nothing: their unsafe requests are refused here,
    # whatever the view (clients/access.py decides).
    "clients.middleware.ReadOnlyViewerMiddleware",
    # Drops a caseload's cached pages after any write to it (pagecache/pages.py).
    "pagecache.pages.PageCacheMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Login throttling: last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

# Request bodies. A body over MAX_REQUEST_BODY_BYTES is refused unread, with a 413 page; the
# largest one CoachDesk needs is a CSV import (5 MB, clients/imports.py), whose page refuses a
# larger file unread too. Form fields other than files may hold 2.5 MB in memory, and an
# uploaded file over 2.5 MB goes to a temporary file instead of memory (Django's defaults).
MAX_REQUEST_BODY_BYTES = env.int("MAX_REQUEST_BODY_MB", default=6) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

ROOT_URLCONF = "coachdesk.urls"
WSGI_APPLICATION = "coachdesk.wsgi.application"
ASGI_APPLICATION = "coachdesk.asgi.application"

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
                "clients.context_processors.practice_roles",
            ],
            # `{% url %}` that remembers the paths it reversed, in every template (its module
            # says why and when it forgets them).
            "builtins": ["coachdesk.templatetags.remembered_urls"],
        },
    },
]

# An empty DATABASE_URL (e.g. "DATABASE_URL=" in .env) means the embedded default too.
DATABASES = {
    "default": env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'coachdesk.sqlite3'}"
    ),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if PRODUCTION else 0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default has two writers (web and the Celery worker): WAL lets reads go on
    # during a write, IMMEDIATE transactions and a timeout make writers wait instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Covering indexes (Index.include) serve PostgreSQL's reads of large caseloads; SQLite
    # builds the same indexes without the extra columns, which is all the embedded default
    # needs, so its warning about them is noise on every command.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out login before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, with the logged-in user read from the cache (accounts/backends.py).
    "accounts.backends.CachedModelBackend",
]
# Login throttling (accounts/throttling.py), by default: 5 wrong passwords for one email from one
# address lock that email at that address for 15 minutes; 20 wrong passwords from one address,
# whatever the emails, lock that address. Nobody can lock an account out of someone else's address.
AXES_HANDLER = "accounts.throttling.LoginThrottleHandler"
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=15)
# The order matters: LoginThrottleHandler reads the per-account count first, then the address's.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_USERNAME_CALLABLE = "accounts.throttling.login_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The visitor's address. Behind reverse proxies every request comes from the nearest proxy, so
# the address is read from X-Forwarded-For: the entry appended by the outermost of the
# TRUSTED_PROXY_COUNT proxies (what a visitor writes in the header stays to its left, ignored).
# The compose stack publishes gunicorn on 127.0.0.1 only, for one TLS proxy in front: 1.
# 0 (the embedded default, nothing in front): REMOTE_ADDR, and the header is never trusted.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if PRODUCTION else 0)
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    # django-ipware counts the proxies listed in the header after the visitor; the nearest
    # proxy is not listed (it is REMOTE_ADDR). Not strict: a longer, forged header still gives
    # the entry the outermost trusted proxy wrote.
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT - 1
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Bootstrap and its icons come from the npm registry (package.json) and are served locally.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Two-factor login (issue 11; accounts/two_factor.py) ----------------------------------
# django-otp with its authenticator-app (TOTP) and recovery-code (static) devices; the login's
# code step and the setup pages are CoachDesk's own (accounts/views.py).
# Staff always need two-factor login; with this on, every coach does too.
REQUIRE_TWO_FACTOR_FOR_COACHES = env.bool("REQUIRE_TWO_FACTOR_FOR_COACHES", default=False)
# The name authenticator apps show next to the account.
OTP_TOTP_ISSUER = "CoachDesk"
# The admin's device pages show neither authenticator secrets nor recovery codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Email ---------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CoachDesk <coachdesk@example.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if EMAIL_PROVIDER:
    EMAIL_BACKEND = EMAIL_PROVIDER_BACKENDS[EMAIL_PROVIDER]
elif env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    # The embedded default keeps every message as a file the demo can show (var/mail);
    # production refuses to start without EMAIL_URL or EMAIL_PROVIDER (above).
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
# Seconds a mail server (SMTP) or a provider's API (anymail, below) may take to answer.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# --- Email providers (django-anymail) ----------------------------------------------------
# anymail's one settings dict, its keys named as anymail names them: the providers' inbound
# webhooks (inbound/webhooks.py) and tracking webhooks (reminders/bounces.py) read it, and so
# does the provider chosen to send (EMAIL_PROVIDER). A provider's webhook URLs answer only once
# its authentication is set: Mailgun signs each post (its webhook signing key, or else its API
# key); Postmark sends the user:password of the URL you give it (ANYMAIL_WEBHOOK_SECRET, which
# every provider's URL then carries). Unset keys are left out, as anymail expects.
ANYMAIL = {
    key: value
    for key, value in {
        "WEBHOOK_SECRET": env.list("ANYMAIL_WEBHOOK_SECRET", default=[]),
        "MAILGUN_API_KEY": env.str("MAILGUN_API_KEY", default=""),
        # Mailgun's EU region: https://api.eu.mailgun.net/v3 (anymail's default is the US one).
        "MAILGUN_API_URL": env.str("MAILGUN_API_URL", default=""),
        "MAILGUN_WEBHOOK_SIGNING_KEY": env.str("MAILGUN_WEBHOOK_SIGNING_KEY", default=""),
        "POSTMARK_SERVER_TOKEN": env.str("POSTMARK_SERVER_TOKEN", default=""),
        # A provider's API is held to the same bound as an SMTP server, well inside the sweep's
        # one-minute claim on the reminder it is sending (reminders/sweep/claim.py).
        "REQUESTS_TIMEOUT": EMAIL_TIMEOUT,
    }.items()
    if value
}

# --- Inbound email (issue 14; inbound/) -------------------------------------------------------
# Each client's private logging address is log+<token>@INBOUND_DOMAIN: mail for that domain
# reaches CoachDesk by a provider's inbound webhook or `manage.py receive_email` (a Postfix
# pipe). Production has no default: without it no address is shown and every message is
# refused as addressed to nobody.
INBOUND_DOMAIN = env.str(
    "INBOUND_DOMAIN", default="" if PRODUCTION else "inbound.coachdesk.localhost"
).lower()
# The largest message taken, attachments included (they are read, never stored). A webhook's
# request body is bound by MAX_REQUEST_BODY_MB as well.
INBOUND_MAX_MESSAGE_BYTES = env.int("INBOUND_MAX_MESSAGE_MB", default=10) * 1024 * 1024

# --- Cache ---------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# Redis when it is there (shared by every web process and worker).
CACHES = {
    "default": (
        # django-redis, not Django's own RedisCache: Django's builds a new redis-py client
        # object on every cache call, a third of a cached page's time (bench/README.md).
        {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # Redis down or slow must not take the site with it: every cache read then misses
            # (sessions and users come from the database, pages are rendered), logged below.
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
        if REDIS_URL
        # Files under var/, so that the embedded worker's changes reach the web process too.
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    )
}

DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

# How long a user's rendered page may be served again when nothing in their caseload has been
# written since (pagecache/pages.py); only what time alone changes can be this old. 0: off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=60)
# Who sees what a user writes, so that their write drops those users' pages: the page cache
# asks this function (the access rules' home) and knows nothing of caseloads itself.
PAGE_CACHE_AUDIENCE = "clients.access.users_sharing_caseload"
# Asked before an unsafe request's view runs: for a write that changes one client's records
# only, the people who can see that client, a narrower set (None: ask PAGE_CACHE_AUDIENCE).
PAGE_CACHE_NARROW_AUDIENCE = "coachdesk.page_writes.users_a_write_may_change"
# The coach and client homes' funnel and weekly chart are kept this long per user and day, and
# dropped with the user's pages on every write they can see (dashboard.views.cached_summary).
HOME_SUMMARY_SECONDS = env.int("HOME_SUMMARY_SECONDS", default=300)
# The practice home's figures (every caseload's counts, funnels and weekly chart) are counted at
# most this often per reader and filter, and again at once after the reader's own changes: the
# page says so. Others' changes show within this time (dashboard.views._practice_figures).
PRACTICE_FIGURES_SECONDS = env.int("PRACTICE_FIGURES_SECONDS", default=300)

# --- Celery --------------------------------------------------------------------------------
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
else:
    # A broker that needs no server: kombu's file-system transport under var/celery.
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        # Broadcast/control messages; kombu's default is a "control" folder in the cwd.
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{VAR_DIR / 'celery' / 'results'}"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = timedelta(hours=1)
CELERY_TIMEZONE = "UTC"
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
REMINDER_SWEEP_SECONDS = env.int("REMINDER_SWEEP_SECONDS", default=60)
# The beat schedule is a plain dict; each app adds its periodic entries here.
CELERY_BEAT_SCHEDULE = {
    # The one sweep that records, claims and sends due reminders (reminders/sweep.py).
    "reminders-sweep": {
        "task": "reminders.sweep",
        "schedule": timedelta(seconds=REMINDER_SWEEP_SECONDS),
        # A sweep that waited longer than one interval is replaced by the next one.
        "options": {"expires": REMINDER_SWEEP_SECONDS},
    },
}
# /readyz answers 503 once the last successful sweep is older than this many seconds (a stopped
# beat or worker, a full queue, a sweep failing every time), and before the first one.
READINESS_SWEEP_MAX_AGE = env.int("READINESS_SWEEP_MAX_AGE", default=5 * REMINDER_SWEEP_SECONDS)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")

# --- Security ------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# Sessions are written to the database and read from the cache (Redis in production): a
# logged-in request then needs no query for its session, and a cache flush logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Errors reach someone ------------------------------------------------------------------


def parse_admins(value: str) -> list[tuple[str, str]]:
    """ADMINS as Django 5.2 wants it, from "Name <a@example.com>, b@example.com"."""
    admins = [(name, address) for name, address in getaddresses([value]) if name or address]
    # getaddresses() answers an unreadable list with one empty pair on newer Pythons.
    if any("@" not in address for _, address in admins) or (value.strip() and not admins):
        raise ImproperlyConfigured(
            f"ADMINS is not a list of email addresses: {value!r}; write "
            '"Name <ops@example.com>, other@example.com".'
        )
    return admins


# Who is emailed a server error (a 500 page) or a failed reminder sweep (with DEBUG off).
ADMINS = parse_admins(env.str("ADMINS", default=""))
EMAIL_SUBJECT_PREFIX = "[CoachDesk] "
# An error report's settings hide service addresses too, not only secrets by name.
DEFAULT_EXCEPTION_REPORTER_FILTER = "coachdesk.error_reports.SettingsWithAddressesFilter"

# --- Content Security Policy and the other headers a scanner checks (issue 11) ---------------
# tests/test_security_headers.py asserts these headers on every page of the URLconf, and
# tests/browser/test_content_security_policy.py that no page breaks the policy in a browser.
from csp.constants import NONE, SELF  # noqa: E402

# Nothing inline: every script and style is a file under static/ (or Bootstrap's, served from
# the same origin), so an injected <script> or style="" runs nowhere. Bootstrap's CSS draws
# its form controls with data: SVG images, hence data: in img-src.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# X-Content-Type-Options and Referrer-Policy: SECURE_CONTENT_TYPE_NOSNIFF and
# SECURE_REFERRER_POLICY under Security above. "same-origin" rather than the browsers'
# strict-origin-when-cross-origin: page addresses name clients and carry signed tokens (reminder
# links, calendar feeds, password resets), and no other site needs to know even our origin.
# A page this site opens, or that opens it, gets no handle on its window (tabnabbing).
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Browser features CoachDesk never uses, off for every page and anything it could embed. Not
# listed, so left at the browser's default: clipboard-write (the copy buttons) and the
# publickey-credentials features (security keys for two-factor login).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "skip_readiness_probes": {"()": "coachdesk.probes.SkipReadinessProbes"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "skip_readiness_probes"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Replaces Django's own handlers for "django": server errors (django.request) and
        # security errors are emailed; everything still reaches the console through the root.
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        "django.db.backends": {"level": "WARNING"},
        # A sweep that raised, and reminders that failed for good (reminders/tasks.py).
        "reminders": {"handlers": ["mail_admins"], "level": "INFO"},
    },
}

# Optional error reporting to Sentry, with the Django and Celery integrations: off without a DSN.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=DJANGO_ENV,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # Clients' and contacts' details stay here: no user, address, cookie or request body is
        # sent, nor the local variables of a traceback's frames (they hold the rows at hand).
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        # Errors only, no performance tracing.
        traces_sample_rate=0,
    )

# The embedded default writes its database, queue and mail under VAR_DIR; make sure it exists.
if not PRODUCTION:
    for folder in ("mail", "celery/queue", "celery/processed", "celery/results", "celery/control"):
        (VAR_DIR / folder).mkdir(parents=True, exist_ok=True)
