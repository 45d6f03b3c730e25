"""Settings of the HTTP benchmark (bench/gunicorn_wrk.py): production settings plus /baseline/.

Static files come from the finders (no collectstatic) and the site answers
on plain http at 127.0.0.1; the rest is config.settings as deployed.
"""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-any-deployment-0123456789abcdef")

from config.settings import *  # noqa: E402,F403

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
LOGGING = {"version": 1, "disable_existing_loggers": False}
