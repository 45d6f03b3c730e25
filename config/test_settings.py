"""Settings for the test suite: config.settings with fast, isolated pieces."""

import os

os.environ.setdefault(
    "SECRET_KEY", "tests-only-secret-key-not-for-any-deployment-0123456789abcdefghij"
)

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# The test client and live server speak plain http; production defaults
# (config.settings, DEBUG off) would redirect to https and keep cookies off http.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests never run collectstatic: serve from the finders, no STATIC_ROOT needed.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
# Django's live server shares the in-memory SQLite database's one connection
# with every request thread: requests take turns (tests/live_server.py).
MIDDLEWARE = ["tests.live_server.OneRequestAtATimeOnSQLite", *MIDDLEWARE]  # noqa: F405
