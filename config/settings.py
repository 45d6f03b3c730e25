"""Digest settings, read from the environment (twelve-factor).

Every knob a deployment needs is an environment variable; the defaults give a
working development site on SQLite. See README.md for the full list.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Return the environment variable `name` read as a boolean."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Return the comma-separated environment variable `name` as a list."""
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def env_int(name: str, default: int) -> int:
    """Return the environment variable `name` as an integer.

    Raises ImproperlyConfigured when it is set to something else.
    """
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        # A guessable key lets anyone forge sessions and preview links.
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105
elif not DEBUG and (
    len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-")
):
    # The same bar as Django's security.W009 check, but refused at startup: a
    # production site must not run, not merely warn, with a key that can be guessed.
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak: use at least 50 random characters, for example from "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
    )

# Signs backups (editorial.backup). Unset, the key is derived from SECRET_KEY:
# set the same BACKUP_KEY on a server that restores another's archives.
BACKUP_KEY = os.environ.get("BACKUP_KEY", "")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # django.contrib.admin with Digest's admin site: the login asks for a
    # two-factor code. `admin.site` and autodiscovery work as usual.
    "editorial.apps.DigestAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "markdownx",
    "reversion",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "anymail",
    "newsletter",
    "editorial",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # NUL in a path or query is refused before any view sends it to the database.
    "newsletter.bad_requests.RefuseNulCharactersMiddleware",
    "newsletter.content_security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public pages from the cache, and every page's caching headers: before
    # the session, so a hit costs no session, language or CSRF work.
    "newsletter.caching.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Sets request.user.is_verified(): has this session passed a two-factor code?
    "django_otp.middleware.OTPMiddleware",
    # Every write request keeps a revision of the items it changed.
    "reversion.middleware.RevisionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "newsletter.context_processors.publication",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        # A kept connection is checked before each request reuses it: after a
        # database restart the next request reconnects instead of failing.
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis away is a cache miss, logged, not a 500 (newsletter.redis_cache).
            "BACKEND": "newsletter.redis_cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "digest",
            # Seconds: a Redis that hangs must not hang every page with it.
            # The page cache then serves without it (newsletter.caching.store).
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Caching of the public site (newsletter.caching) ------------------------
# Seconds a public page stays in the page cache (0 turns the page cache off;
# stored fragments are kept regardless). Every public change makes the cached
# pages stale at once, so this only bounds memory, never staleness.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
# Cache-Control of public pages: browsers (max-age) are never purged, so keep
# it short; proxies and CDNs (s-maxage) are purged on change.
PAGE_BROWSER_SECONDS = env_int("PAGE_BROWSER_SECONDS", 60)
PAGE_SHARED_SECONDS = env_int("PAGE_SHARED_SECONDS", 600)
# Seconds a rendered item or table of contents stays cached.
FRAGMENT_CACHE_SECONDS = env_int("FRAGMENT_CACHE_SECONDS", 24 * 3600)
# Purge backends (newsletter.caching.purge), each on when its variable is set:
# Varnish or nginx addresses that accept PURGE, Cloudflare, CloudFront (boto3).
PURGE_HTTP_PROXIES = env_list("PURGE_HTTP_PROXIES")
CLOUDFLARE_ZONE_ID = os.environ.get("CLOUDFLARE_ZONE_ID", "")
CLOUDFLARE_API_TOKEN = os.environ.get("CLOUDFLARE_API_TOKEN", "")
CLOUDFRONT_DISTRIBUTION_ID = os.environ.get("CLOUDFRONT_DISTRIBUTION_ID", "")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# In development whitenoise serves straight from the source folders.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# The feeds' browser view (static/feeds/feed.xsl): browsers apply an XSLT only
# when it comes with an XML type, and whitenoise knows no type for .xsl.
WHITENOISE_MIMETYPES = {".xsl": "text/xsl"}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Digest <digest@localhost>")
# Where the file-based backends write (newsletter.subscribers.mail_backends.FileOutboxBackend).
if os.environ.get("EMAIL_FILE_PATH"):
    EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
# django-anymail (Amazon SES, Mailgun, Postmark…): every ANYMAIL_<NAME> variable
# becomes ANYMAIL["<NAME>"], e.g. ANYMAIL_POSTMARK_SERVER_TOKEN or
# ANYMAIL_WEBHOOK_SECRET (README.md, "Production email").
ANYMAIL = {
    name.removeprefix("ANYMAIL_"): value
    for name, value in os.environ.items()
    if name.startswith("ANYMAIL_")
}

# --- Subscribers and delivery (newsletter.subscribers) ---------------------
# Background work goes to Celery workers on this broker (Redis). Unset, the
# same tasks run inline in the process that queues them, after its commit:
# `make demo` and the tests need no worker.
CELERY_TASK_ALWAYS_EAGER = not os.environ.get("CELERY_BROKER_URL")
# Inline, nothing is sent to a broker: name one that never opens a connection.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged when it has finished, and a task whose worker died is
# handed to another: each task is safe to run twice (the delivery rows decide).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Seconds before Redis hands an unacknowledged task (its worker died) to another worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
# Recipients per sending task, emails per second per worker (0: as fast as
# the mail server takes them), and how long a worker may hold a claimed batch.
DIGEST_SEND_BATCH_SIZE = env_int("DIGEST_SEND_BATCH_SIZE", 100)
DIGEST_SEND_RATE = env_int("DIGEST_SEND_RATE", 0)
DIGEST_DELIVERY_LEASE_SECONDS = env_int("DIGEST_DELIVERY_LEASE_SECONDS", 600)
# Seconds a subscription confirmation link stays valid (seven days).
DIGEST_SUBSCRIBE_CONFIRM_MAX_AGE = env_int("DIGEST_SUBSCRIBE_CONFIRM_MAX_AGE", 7 * 24 * 3600)
# Subscription requests allowed per client address and per email address (django-ratelimit).
DIGEST_SUBSCRIBE_RATE_PER_ADDRESS = os.environ.get("DIGEST_SUBSCRIBE_RATE_PER_ADDRESS", "10/h")
DIGEST_SUBSCRIBE_RATE_PER_EMAIL = os.environ.get("DIGEST_SUBSCRIBE_RATE_PER_EMAIL", "3/h")
# The mailbox of the List-Unsubscribe mailto: link; mail to it reaches
# anymail's inbound webhook, which unsubscribes the token in the subject.
DIGEST_UNSUBSCRIBE_MAILTO = os.environ.get("DIGEST_UNSUBSCRIBE_MAILTO", "unsubscribe@localhost")
# Open and click tracking of issue emails by the provider: off unless asked for.
DIGEST_EMAIL_TRACKING = env_bool("DIGEST_EMAIL_TRACKING")
# The client address rate limits count against: the one the login lockout uses.
RATELIMIT_IP_META_KEY = "editorial.accounts.lockout.client_address"

TAGGIT_CASE_INSENSITIVE = True

# The editor previews with the very function that renders published pages.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "newsletter.rendering.markdown_preview"
MARKDOWNX_URLS_PATH = "/markdownx/markdownify/"
# Dropped and pasted images go through the figure validation (editorial.admin.figures).
MARKDOWNX_UPLOAD_URLS_PATH = "/admin/newsletter/figure/upload/"
# Uploaded figures: bytes and pixels an image may have (newsletter.images).
DIGEST_MAX_UPLOAD_BYTES = env_int("DIGEST_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
DIGEST_MAX_IMAGE_PIXELS = env_int("DIGEST_MAX_IMAGE_PIXELS", 40_000_000)
# Characters a Markdown field (item body and remark, issue intro) may hold:
# every save renders it, so its size bounds the work (newsletter.markdown).
DIGEST_BODY_MAX_CHARS = env_int("DIGEST_BODY_MAX_CHARS", 200_000)
# Seconds a signed preview link (editorial.release.preview) and an invitation
# link (editorial.accounts.invitations) stay valid: seven days each.
# How long search answers are remembered, keyed by the index's version (so
# never stale); 0 turns it off. See newsletter/search/cache.py.
DIGEST_SEARCH_CACHE_SECONDS = env_int("DIGEST_SEARCH_CACHE_SECONDS", 3600)
# How many candidates search scores at a time (title matches first, then
# newest first); a query matching fewer is ranked exactly. See
# newsletter/search/ranking.py.
DIGEST_SEARCH_RANK_WINDOW = env_int("DIGEST_SEARCH_RANK_WINDOW", 100)
if DIGEST_SEARCH_RANK_WINDOW < 1:
    raise ImproperlyConfigured("DIGEST_SEARCH_RANK_WINDOW must be at least 1.")
DIGEST_PREVIEW_MAX_AGE = env_int("DIGEST_PREVIEW_MAX_AGE", 7 * 24 * 3600)
DIGEST_INVITATION_MAX_AGE = env_int("DIGEST_INVITATION_MAX_AGE", 7 * 24 * 3600)
MARKDOWNX_EDITOR_RESIZABLE = True
# Public lists (archive, section, tag, project and contributor pages): entries
# per page. Feeds carry only the newest issues and items, so neither a page
# nor a feed grows with the archive.
DIGEST_LIST_PAGE_SIZE = env_int("DIGEST_LIST_PAGE_SIZE", 30)
DIGEST_FEED_ISSUES = env_int("DIGEST_FEED_ISSUES", 2)
DIGEST_FEED_ITEMS = env_int("DIGEST_FEED_ITEMS", 50)

DIGEST = {
    "PUBLICATION_NAME": os.environ.get("PUBLICATION_NAME", "云原生月刊"),
    "PUBLICATION_TAGLINE": os.environ.get(
        "PUBLICATION_TAGLINE", "每月一期,精选云原生社区的新版本、新实践与趣事"
    ),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"jieba": {"level": "WARNING"}},
}

# --- Security -------------------------------------------------------------
# README.md, "Security", explains each knob. With DEBUG off every protection
# defaults on; `make demo` (DEBUG=1) and the tests run on plain http.

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
# Behind a TLS-terminating proxy, name the header it sets, e.g.
# SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO. Trust it only when the proxy
# always overwrites it, or a client could claim https on a plain connection.
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (os.environ["SECURE_PROXY_SSL_HEADER"].strip(), "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = os.environ.get("SECURE_REFERRER_POLICY", "same-origin")
X_FRAME_OPTIONS = "DENY"

LOGIN_URL = "admin:login"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE")

# Request limits. Files above FILE_UPLOAD_MAX_MEMORY_SIZE stream to a temporary
# file instead of memory; the size a figure may have is checked by the upload
# validation (DIGEST_MAX_UPLOAD_BYTES).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
# Django's default of 1000 fields is near what an issue with its items inline can post.
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 2000)

# Brute-force protection of every login form (django-axes). The lockout lasts
# until an administrator lifts it (`manage.py axes_reset_username NAME`, or the
# admin's "Access attempts"), or AXES_COOLOFF_HOURS when set.
AUTHENTICATION_BACKENDS = [
    "editorial.accounts.lockout.LoginRateLimitBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
# A failure counts against the pair (username, client address): one person
# mistyping cannot lock out colleagues behind the same office address, and a
# guesser from one address is stopped per account.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# No start-up banner on every manage.py command; attempts are still logged.
AXES_VERBOSE = False
if os.environ.get("AXES_COOLOFF_HOURS"):
    AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_HOURS", 1)
AXES_LOCKOUT_CALLABLE = "editorial.accounts.lockout.lockout_response"
# The client address that failures are counted against; see
# editorial.accounts.lockout.client_address for why this is not read from
# X-Forwarded-For by default.
AXES_CLIENT_IP_CALLABLE = "editorial.accounts.lockout.client_address"
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
TRUSTED_PROXY_HEADER = os.environ.get("TRUSTED_PROXY_HEADER", "HTTP_X_FORWARDED_FOR")

# Two-factor sign-in (django-otp, TOTP). Anyone on staff may add an
# authenticator at /admin/two-factor/; when this is on, superusers and
# Administrators must have one before they can use the admin.
DIGEST_REQUIRE_2FA_FOR_ADMINS = env_bool("DIGEST_REQUIRE_2FA_FOR_ADMINS")
OTP_TOTP_ISSUER = DIGEST["PUBLICATION_NAME"]
# Administrators manage devices in the admin but never see another person's
# secret (key or QR code): that would let them copy the second factor.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Content-Security-Policy (django-csp) on every response. No page may run an
# inline script or style; one that truly needs it uses `request.csp_nonce`.
# Images also load from an absolute MEDIA_URL's host (newsletter.content_security).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:", *env_list("CSP_EXTRA_IMG_SRC")],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
