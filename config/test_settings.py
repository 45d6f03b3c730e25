"""Settings for the test suite: config.settings with fast, isolated pieces."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-any-deployment")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests never run collectstatic: serve from the finders, no STATIC_ROOT needed.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
