"""Settings for Newsroom, read from the environment through django-environ."""

import datetime as dt
import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
from django.utils.csp import CSP

from core import languages

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Development's local settings (`make run` writes its secret there). NEWSROOM_ENV_FILE names
# another file, or none when empty (the settings tests, which must not see a developer's).
_env_file = os.environ.get("NEWSROOM_ENV_FILE", str(BASE_DIR / ".env"))
if _env_file:
    environ.Env.read_env(_env_file)

DEBUG = env.bool("DJANGO_DEBUG", default=True)

if DEBUG:
    # `make run` writes a local secret to .env; the fallback keeps one-off commands working.
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or get_random_secret_key()
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
else:
    _missing = [
        name for name in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS") if not env.str(name, "")
    ]
    if _missing:
        raise ImproperlyConfigured(
            "DJANGO_DEBUG is off, so these environment variables must be set: "
            + ", ".join(_missing)
            + ". DJANGO_SECRET_KEY is a long random string kept out of the repository; "
            "DJANGO_ALLOWED_HOSTS is a comma-separated list of the site's host names."
        )
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

INSTALLED_APPS = [
    "core",  # first: what every app shares, knowing no app (README "Layout")
    "modeltranslation",  # before the admin, so that its admin integration registers first
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_prose_editor",
    "reversion",  # revisions of everything saved in the desk (core/revisions)
    "core.drafts",  # the unpublished next version of live items (core/drafts)
    "core.workflow",  # review before publishing, and its append-only log (core/workflow)
    "core.manifests",  # signed manifests of every published version (core/manifests)
    "django_tasks_db",  # the task queue's table, and the worker (`manage.py worker`)
    "media_centre",
    "consent",
    # Staff's second factor (core.second_factor): authenticator apps and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",  # login throttling; last, as its documentation asks
]

MIDDLEWARE = [
    "core.request_log.RequestIdMiddleware",  # first: ids and logs every answer, 500s too
    # Before anything reads them: the client's address and scheme, from our front servers only.
    "core.proxies.TrustedProxyMiddleware",
    # Outside the page cache, which stores and validates plain bytes: compresses what holds no
    # secret for clients that ask (README "Compression").
    "core.compression.CompressionMiddleware",
    # Next: a stored page skips the rest (never storing the request id added outside it).
    "core.page_cache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "core.security.SecurityHeadersMiddleware",  # after CSP: picks the admin's policy
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.SessionMiddleware",  # Django's, never saving a made-up key as a session
    "core.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the second factor given
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A signed-in account that owes its second factor reaches only the second factor's pages in
    # the admin, and is a visitor everywhere else (no preview of drafts on a password alone).
    "core.second_factor.middleware.SecondFactorMiddleware",
    "core.middleware.ReadOnlyDatabaseMiddleware",  # a write a read-only database refuses: 503
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lockout page
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
                "media_centre.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's, reading on when the disk turns read-only (core.sqlite).
    DATABASES["default"]["ENGINE"] = "core.sqlite"
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # Writers queue for the lock instead of failing; readers never block writers.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
        }
    )
    # Tests use a file too (not shared-cache memory, whose writers fail instead of waiting), so
    # that concurrency tests meet the same WAL, IMMEDIATE and busy-timeout behaviour as service.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = str(BASE_DIR / ".test-db.sqlite3")
# Each thread keeps its connection between requests: opening one costs more than most requests'
# queries (SQLite: the file, WAL and its pragmas, about 1.3 ms; PostgreSQL: a login). A kept
# SQLite connection that found a read-only disk is replaced after this many seconds, when a new
# one tries the normal way again (core.sqlite).
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = languages.choices()  # the one table of the three languages: core/languages.py
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60

# Content in three languages (django-modeltranslation). An item missing the visitor's
# language is shown in the first language it has, in this order, with a notice.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = languages.CODES
MODELTRANSLATION_FALLBACK_LANGUAGES = {
    "default": ("en", "zh-hant", "zh-hans"),
    "en": ("zh-hant", "zh-hans"),
    "zh-hant": ("zh-hans", "en"),
    "zh-hans": ("zh-hant", "en"),
}
MODELTRANSLATION_AUTO_POPULATE = False
USE_I18N = True
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="Asia/Hong_Kong")
USE_TZ = True
# Dates typed as Hong Kong writes them (19/06/2025) in every language: core/formats.
FORMAT_MODULE_PATH = ["core.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded images are served by the app at /images/ (media_centre.views.files.image), which
# checks that something public shows them; there is no unchecked /media/ route.
MEDIA_URL = "images/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))

# Uploaded files on the local disk, or on S3-compatible object storage when a bucket is named
# (django-storages; `pip install '.[s3]'`). Files are always read through the Storage API.
_S3_BUCKET = env.str("MEDIA_CENTRE_S3_BUCKET", default="")
_DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if _S3_BUCKET:
    _DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _S3_BUCKET,
            "endpoint_url": env.str("MEDIA_CENTRE_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("MEDIA_CENTRE_S3_REGION", default="") or None,
            "access_key": env.str("MEDIA_CENTRE_S3_ACCESS_KEY", default="") or None,
            "secret_key": env.str("MEDIA_CENTRE_S3_SECRET_KEY", default="") or None,
            "default_acl": "private",  # files reach visitors only through the app's checks
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
STORAGES = {
    "default": _DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Django's cache, shared by every process that serves the site: the page cache's generation
# lives in it, so a publish in one process must be seen by all. Development's single process
# keeps it in memory; production defaults to files on the local disk (shared by all workers on
# one machine); several machines need CACHE_URL=redis://… (see README).
CACHES = {
    "default": env.cache(
        "CACHE_URL",
        default="locmemcache://"
        if DEBUG
        else "filecache://" + env.str("DJANGO_CACHE_DIR", default=str(BASE_DIR / ".cache")),
    )
}
# Django's file cache lists its whole folder on every write; ours culls a folder at a time, so a
# write costs the same with a million files (core.cache.FileCache).
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache":
    CACHES["default"]["BACKEND"] = "core.cache.FileCache"
# Culling is for the caches Django keeps itself. Redis and memcached evict by their own policy,
# and their clients would take MAX_ENTRIES for a connection option and fail on every call.
if CACHES["default"]["BACKEND"].rsplit(".", 1)[-1] in {
    "LocMemCache",
    "FileBasedCache",
    "FileCache",
    "DatabaseCache",
}:
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 20_000)
# Redis: an outage or a frozen server must cost speed, not availability (core.cache). Each call
# waits at most NEWSROOM_CACHE_TIMEOUT seconds to connect and to read, is not retried, and after
# a failure the server is left alone for a few seconds while pages are rendered without it.
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "core.cache.ResilientRedisCache"
    _cache_timeout = env.float("NEWSROOM_CACHE_TIMEOUT", default=0.25)
    for _option in ("socket_connect_timeout", "socket_timeout"):
        CACHES["default"].setdefault("OPTIONS", {}).setdefault(_option, _cache_timeout)

# The anonymous page cache (core.page_cache): on in production, off while developing.
NEWSROOM_PAGE_CACHE = env.bool("NEWSROOM_PAGE_CACHE", default=not DEBUG)
NEWSROOM_PAGE_CACHE_SECONDS = env.int("NEWSROOM_PAGE_CACHE_SECONDS", default=600)
# After a change, one process renders each page (and computes each remembered value) anew while
# anonymous visitors are served the previous copy for at most this many seconds; 0: they wait.
NEWSROOM_PAGE_CACHE_STALE_SECONDS = env.int("NEWSROOM_PAGE_CACHE_STALE_SECONDS", default=5)
# How long a CDN (s-maxage) may keep a public page before asking again; browsers always ask.
NEWSROOM_CDN_MAX_AGE = env.int("NEWSROOM_CDN_MAX_AGE", default=30)
# How long nginx in front (deploy/nginx) keeps a public page (X-Accel-Expires): a publish on
# any app server shows through it that soon; it absorbs a spike all the same.
NEWSROOM_FRONT_CACHE_SECONDS = env.int("NEWSROOM_FRONT_CACHE_SECONDS", default=1)
# Names the deployed code in the page cache's keys (e.g. the git commit); templates, catalogues
# and the static manifest are fingerprinted as well.
NEWSROOM_BUILD = env.str("NEWSROOM_BUILD", default="")

# Background work (Django's tasks framework): queued in our own database (django-tasks-db) and
# run by `manage.py worker` (README "Operations: the worker"); `make run` starts one.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# How long the queue keeps the record of a finished task (for the admin's "Task results").
NEWSROOM_TASK_RETENTION_DAYS = env.int("NEWSROOM_TASK_RETENTION_DAYS", default=7)
# A group (e.g. "Compliance") whose sign-off of an item's current version publishing waits for;
# empty: no sign-off (core/workflow).
NEWSROOM_SIGN_OFF_GROUP = env.str("NEWSROOM_SIGN_OFF_GROUP", default="")

LOGIN_URL = "admin:login"
# Where a sign-in goes when `next` is missing or points off the site (not /accounts/profile/).
LOGIN_REDIRECT_URL = "admin:index"

# Mail (Django 6.1's MAILERS): printed to the console in development; in production
# EMAIL_URL, e.g. smtp+tls://user:password@mail.example.org:587.
_email = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
if _email["EMAIL_BACKEND"].endswith("console.EmailBackend"):
    _email["EMAIL_BACKEND"] = "core.mail_console.EmailBackend"  # readable, Chinese too
MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"]}}
if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": _email.get("EMAIL_HOST") or "localhost",
        "port": _email.get("EMAIL_PORT") or 25,
        "username": _email.get("EMAIL_HOST_USER") or "",
        "password": _email.get("EMAIL_HOST_PASSWORD") or "",
        "use_tls": bool(_email.get("EMAIL_USE_TLS")),
        "use_ssl": bool(_email.get("EMAIL_USE_SSL")),
        "timeout": 10,
    }
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="newsroom@localhost")
# The site's public address, for links in mail (alerts, embargoed copies): in production,
# https:// and the first of DJANGO_ALLOWED_HOSTS unless NEWSROOM_SITE_URL says otherwise.
NEWSROOM_SITE_URL = env.str(
    "NEWSROOM_SITE_URL",
    default=(
        f"http://127.0.0.1:{env.int('PORT', default=8000)}"
        if DEBUG
        else f"https://{ALLOWED_HOSTS[0]}"
    ),
).rstrip("/")
# Every published version is signed (core/manifests, README "Signing keys"): the private Ed25519
# key from the environment (PEM or JWK) or a file, never the database; retired public keys stay
# published from a JWKS file. Development makes its own key file; production must be given one.
NEWSROOM_SIGNING_KEY = env.str("NEWSROOM_SIGNING_KEY", default="")
NEWSROOM_SIGNING_KEY_FILE = env.str("NEWSROOM_SIGNING_KEY_FILE", default="")
NEWSROOM_SIGNING_RETIRED_KEYS_FILE = env.str("NEWSROOM_SIGNING_RETIRED_KEYS_FILE", default="")
if not DEBUG and not (NEWSROOM_SIGNING_KEY or NEWSROOM_SIGNING_KEY_FILE):
    raise ImproperlyConfigured(
        "DJANGO_DEBUG is off, so published versions must be signed with a key of the site's own: "
        "set NEWSROOM_SIGNING_KEY_FILE (or NEWSROOM_SIGNING_KEY). Make one with "
        "`manage.py signing_key new --out /etc/newsroom/signing-key.pem`."
    )
# Releases go public only in every language, complete and up to date, unless a publisher gives
# a reason (README "Languages").
NEWSROOM_REQUIRE_ALL_LANGUAGES = env.bool("NEWSROOM_REQUIRE_ALL_LANGUAGES", default=False)
# Email alerts: an item public for longer than the look-back when the worker first sees it (an
# archive imported, the worker off for days) raises no alert; a sending worker that died is
# recognised by its batch's age; daily digests go out at this hour of TIME_ZONE.
NEWSROOM_ALERTS_LOOKBACK_HOURS = env.int("NEWSROOM_ALERTS_LOOKBACK_HOURS", default=24)
NEWSROOM_ALERTS_CLAIM_SECONDS = env.int("NEWSROOM_ALERTS_CLAIM_SECONDS", default=600)
NEWSROOM_ALERTS_DIGEST_HOUR = env.int("NEWSROOM_ALERTS_DIGEST_HOUR", default=8)
# Subscribing: how long a confirmation link lasts (unconfirmed subscriptions are then deleted),
# and how many subscription requests one client address may make an hour.
NEWSROOM_ALERTS_CONFIRM_HOURS = env.int("NEWSROOM_ALERTS_CONFIRM_HOURS", default=48)
NEWSROOM_ALERTS_SUBSCRIBE_PER_HOUR = env.int("NEWSROOM_ALERTS_SUBSCRIBE_PER_HOUR", default=10)

# The front servers (nginx, a load balancer) whose X-Forwarded-For and X-Forwarded-Proto are
# believed: addresses or networks, comma-separated. gunicorn.conf.py binds to 127.0.0.1 for a
# front server on the same machine. From any other address both headers are dropped.
NEWSROOM_TRUSTED_PROXIES = env.list("NEWSROOM_TRUSTED_PROXIES", default=["127.0.0.1", "::1"])
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # only from trusted proxies
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # load balancers probe over plain HTTP
SESSION_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Content Security Policy and the other security headers --------------------------------
# Django 6's ContentSecurityPolicyMiddleware sends SECURE_CSP on every response. Public pages
# run no inline script (external files; <script type="application/json"> and
# "application/ld+json" data blocks are not executed), so the policy has no 'unsafe-inline' and
# no nonce: a per-request nonce would make every page unique and defeat the page cache. The
# admin, never cached, gets this policy plus a nonce (core.security.admin_policy).
# core.security also sends Permissions-Policy and Cross-Origin-Resource-Policy.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
    "manifest-src": [CSP.SELF],
}
# Templates get `csp_nonce` (the admin's templates print it with {% csp_nonce_attr %}); the
# nonce is made, and named in the header, only when a page uses it, which public pages never do.
TEMPLATES[0]["OPTIONS"]["context_processors"].append("django.template.context_processors.csp")
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    # Cookies: Secure (set above), SameSite=Lax, and the CSRF cookie out of JavaScript's reach
    # (forms carry the token in a hidden field).
    SESSION_COOKIE_SAMESITE = "Lax"
    CSRF_COOKIE_SAMESITE = "Lax"
    CSRF_COOKIE_HTTPONLY = True

# Logs are JSON lines on stderr (core.request_log.JsonFormatter), each with the request's
# id. "newsroom.requests" writes one line per request (method, path without its query string,
# route, status, duration, bytes; no address, user agent, cookie or user) at INFO, so
# DJANGO_LOG_LEVEL=WARNING silences it. Uncaught exceptions reach the log through django.request.
_LOG_LEVEL = env.str("DJANGO_LOG_LEVEL", default="INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "core.request_log.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": _LOG_LEVEL},
    "loggers": {
        # Django's own console handler would print its records a second time, not as JSON.
        "django": {"handlers": [], "level": _LOG_LEVEL, "propagate": True},
        # Editors' sign-ins, sign-outs and failures (core.login_audit) and axes'
        # lockouts: kept at INFO whatever the root level, so that the desk's logins are audited.
        # Both propagate to the root's console handler (the root's level does not filter them).
        "newsroom.accounts": {"level": "INFO"},
        "axes": {"level": "INFO"},
    },
}

# Editors' accounts: login throttling (django-axes), the admin's idle timeout.
# Repeated failed logins to the admin lock that username *from that address* (both combined,
# so a stranger cannot lock an editor out from elsewhere) for AXES_COOLOFF_TIME; a successful
# login clears the count. Axes logs each lockout itself (logger "axes"); sign-ins and failures
# are logged without secrets by core.login_audit (logger "newsroom.accounts").
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login outright
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("DJANGO_AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("DJANGO_AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# A sign-in succeeds when it is complete: the password alone does not clear the failures for an
# account that owes a second factor, whose wrong codes count as failures too (core.second_factor
# clears them once the code is right, or at the password for an account that owes none).
AXES_RESET_ON_SUCCESS = False
# Attempted usernames are cut to 150 characters before axes stores them (its column holds 255).
AXES_USERNAME_CALLABLE = "core.login_audit.axes_username"
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"  # answered with status 429 (AXES_HTTP_RESPONSE_CODE)
# The client's address is REMOTE_ADDR, which core.proxies has already set to the address our
# trusted front servers vouch for (NEWSROOM_TRUSTED_PROXIES), so that five wrong passwords from
# a stranger behind nginx lock out that stranger's address, not every visitor's.
# Sessions are used only by the admin (public pages set none): one expires after
# DJANGO_SESSION_IDLE_MINUTES without a request (each request pushes the expiry back) and when
# the browser closes. Django's login() gives a new session key at every sign-in.
SESSION_IDLE_MINUTES = env.int("DJANGO_SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
# Django's database sessions with keys that carry their signature: the page cache knows a
# made-up session cookie without a query (core.sessions).
SESSION_ENGINE = "core.sessions"
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Staff's second factor (django-otp; core.second_factor): a code from an authenticator app (TOTP)
# after the password, or one of ten one-time recovery codes. Required for "publishers" (superusers
# and every account that may make something public), "staff" (every desk account) or "none".
# Production requires it of publishers by default; development (`make run`) asks nobody unless
# told to. Whoever has set it up uses it, required or not.
NEWSROOM_SECOND_FACTOR_REQUIRED_FOR = env.str(
    "NEWSROOM_SECOND_FACTOR_REQUIRED_FOR", default="none" if DEBUG else "publishers"
).strip()
if NEWSROOM_SECOND_FACTOR_REQUIRED_FOR not in {"publishers", "staff", "none"}:
    raise ImproperlyConfigured(
        "NEWSROOM_SECOND_FACTOR_REQUIRED_FOR must be publishers, staff or none, not "
        f"{NEWSROOM_SECOND_FACTOR_REQUIRED_FOR!r}."
    )
# Wrong codes: each device waits 1, 2, 4, 8… seconds after 1, 2, 3, 4… wrong codes in a row
# (django-otp's ThrottlingMixin, whatever the address), and each wrong code is also a failed
# sign-in for django-axes (username and address: five lock out for AXES_COOLOFF_TIME).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_TOTP_SYNC = True
# No secret (keys, recovery codes) in django-otp's own admin pages; the desk does not show them.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# App settings.
MEDIA_CENTRE_PAGE_SIZE = env.int("MEDIA_CENTRE_PAGE_SIZE", default=12)
MEDIA_CENTRE_SITE_NAME = env.str("MEDIA_CENTRE_SITE_NAME", default="Newsroom")
# The name authenticator apps show beside the account's codes.
OTP_TOTP_ISSUER = env.str("NEWSROOM_SECOND_FACTOR_ISSUER", default=MEDIA_CENTRE_SITE_NAME)
# The picture link previews show for a page without one of its own: a static file, 1200x630.
MEDIA_CENTRE_SHARE_IMAGE = env.str("MEDIA_CENTRE_SHARE_IMAGE", default="img/share.png")
# Downloads: which media types open in the browser, how long a stable address may be cached,
# and an optional front server that sends files itself ("x-accel-redirect" for nginx, with
# MEDIA_CENTRE_SENDFILE_ROOT its internal location for MEDIA_ROOT; "x-sendfile" for Apache).
MEDIA_CENTRE_INLINE_TYPES = env.list("MEDIA_CENTRE_INLINE_TYPES", default=["application/pdf"])
MEDIA_CENTRE_DOWNLOAD_MAX_AGE = env.int("MEDIA_CENTRE_DOWNLOAD_MAX_AGE", default=300)
MEDIA_CENTRE_SENDFILE = env.str("MEDIA_CENTRE_SENDFILE", default="")
MEDIA_CENTRE_SENDFILE_ROOT = env.str("MEDIA_CENTRE_SENDFILE_ROOT", default="/protected-media/")
# Behind nginx (deploy/nginx): how many seconds nginx may answer a public download from its cache
# (0: never stored, every download reaches Django), and nginx's log of downloads, from which the
# worker counts them (empty: Django counts each download it serves).
MEDIA_CENTRE_FRONT_CACHE_SECONDS = env.int("MEDIA_CENTRE_FRONT_CACHE_SECONDS", default=0)
MEDIA_CENTRE_DOWNLOAD_LOG = env.str("MEDIA_CENTRE_DOWNLOAD_LOG", default="")
# Downloads are counted in the shared cache and added to the database this often (seconds).
MEDIA_CENTRE_DOWNLOAD_COUNT_SECONDS = env.int("MEDIA_CENTRE_DOWNLOAD_COUNT_SECONDS", default=60)
# Cookie consent: the cookie's name, how long a choice lasts, how long proof is kept, and how
# our categories map to Google Consent Mode v2 signals (denied until the category is accepted).
CONSENT_COOKIE_NAME = env.str("CONSENT_COOKIE_NAME", default="newsroom_consent")
CONSENT_COOKIE_SECURE = not DEBUG
CONSENT_MAX_AGE_DAYS = env.int("CONSENT_MAX_AGE_DAYS", default=182)
CONSENT_RETENTION_DAYS = env.int("CONSENT_RETENTION_DAYS", default=5 * 365)
# Choices one client address may post per minute; more are answered 429 and not recorded.
CONSENT_CHOICES_PER_MINUTE = env.int("CONSENT_CHOICES_PER_MINUTE", default=30)
# Non-essential scripts (analytics) that load only once their category is accepted, as JSON:
# [{"category": "performance", "src": "https://www.googletagmanager.com/gtag/js?id=G-XXXX"}]
CONSENT_SCRIPTS = env.json("CONSENT_SCRIPTS", default=[])
CONSENT_GTAG_SIGNALS = {
    "performance": ["analytics_storage"],
    "functionality": ["functionality_storage", "personalization_storage"],
    "targeting": ["ad_storage", "ad_user_data", "ad_personalization"],
}

# Where visitors' requests go when a document's releases name no media contact.
MEDIA_CENTRE_CONTACT_EMAIL = env.str("MEDIA_CENTRE_CONTACT_EMAIL", default="media@localhost")
# Accessible-version requests one sender may make an hour (a document takes four times as many
# a day): each one mails the desk.
MEDIA_CENTRE_ACCESSIBLE_REQUESTS_PER_HOUR = env.int(
    "MEDIA_CENTRE_ACCESSIBLE_REQUESTS_PER_HOUR", default=5
)
# Uploads: the largest file an editor may upload, and the most pixels an image may have.
MEDIA_CENTRE_MAX_UPLOAD_BYTES = env.int("MEDIA_CENTRE_MAX_UPLOAD_BYTES", default=50 * 1024 * 1024)
MEDIA_CENTRE_MAX_IMAGE_PIXELS = env.int("MEDIA_CENTRE_MAX_IMAGE_PIXELS", default=40_000_000)
