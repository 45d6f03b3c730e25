"""Production settings: `check --deploy` passes, safe defaults, a strong key required.

Settings are read once per process, so each case runs Django in a subprocess
with the environment a deployment would have.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
STRONG_KEY = "k3Y-for-the-deploy-check-only_9f8e7d6c5b4a39281706f5e4d3c2b1a0ZyXwVuTs"

# The documented production environment (README.md, "Security").
PRODUCTION_ENV = {
    "SECRET_KEY": STRONG_KEY,
    "ALLOWED_HOSTS": "digest.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://digest.example.org",
    "SITE_URL": "https://digest.example.org",
}

# Every variable these settings read for security, so the outer environment
# cannot leak into the subprocess.
SECURITY_VARIABLES = [
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_PROXY_SSL_HEADER",
    "DJANGO_SETTINGS_MODULE",
]

SETTINGS_DUMP = """
import json, django
django.setup()
from django.conf import settings
names = ["DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
         "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
         "SECURE_CONTENT_TYPE_NOSNIFF", "X_FRAME_OPTIONS", "SESSION_COOKIE_AGE",
         "DATA_UPLOAD_MAX_MEMORY_SIZE", "FILE_UPLOAD_MAX_MEMORY_SIZE",
         "DATA_UPLOAD_MAX_NUMBER_FIELDS", "SECURE_PROXY_SSL_HEADER"]
print(json.dumps({name: getattr(settings, name, None) for name in names}))
"""


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in SECURITY_VARIABLES}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    return subprocess.run(  # noqa: S603
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _settings(**env: str) -> dict:
    result = _run(["-c", SETTINGS_DUMP], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_passes_with_the_documented_production_environment():
    """`manage.py check --deploy --fail-level WARNING` exits 0 in production."""
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_with_debug_off_every_protection_defaults_on():
    """Without DEBUG: https redirect, a year of HSTS with subdomains and preload, secure cookies."""
    values = _settings(**PRODUCTION_ENV)
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_PROXY_SSL_HEADER"] is None


def test_the_environment_tunes_the_protections():
    """HSTS, the proxy header, sessions and upload limits come from the environment."""
    values = _settings(
        **PRODUCTION_ENV,
        SECURE_HSTS_SECONDS="3600",
        SECURE_HSTS_PRELOAD="0",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO",
        SESSION_COOKIE_AGE="28800",
        DATA_UPLOAD_MAX_MEMORY_SIZE="1048576",
        FILE_UPLOAD_MAX_MEMORY_SIZE="524288",
        DATA_UPLOAD_MAX_NUMBER_FIELDS="500",
    )
    assert values["SECURE_HSTS_SECONDS"] == 3600
    assert values["SECURE_HSTS_PRELOAD"] is False
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SESSION_COOKIE_AGE"] == 28800
    assert values["DATA_UPLOAD_MAX_MEMORY_SIZE"] == 1_048_576
    assert values["FILE_UPLOAD_MAX_MEMORY_SIZE"] == 524_288
    assert values["DATA_UPLOAD_MAX_NUMBER_FIELDS"] == 500


@pytest.mark.parametrize(
    "key",
    [
        "short-but-secret",
        "a" * 60,
        "django-insecure-" + "x1y2z3w4v5" * 5,
    ],
    ids=["short", "few-characters", "django-insecure-prefix"],
)
def test_a_weak_secret_key_stops_production_at_startup(key):
    """A guessable SECRET_KEY is refused with ImproperlyConfigured, not merely warned about."""
    result = _run(["manage.py", "check"], **{**PRODUCTION_ENV, "SECRET_KEY": key})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is too weak" in result.stderr


def test_a_missing_secret_key_stops_production_at_startup():
    """Without DEBUG, SECRET_KEY is required."""
    environment = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _run(["manage.py", "check"], **environment)
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_debug_development_keeps_working_over_plain_http():
    """`make demo` (DEBUG=1, no key) runs with no https redirect and cookies allowed over http."""
    values = _settings(DEBUG="1")
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["CSRF_COOKIE_SECURE"] is False
    assert _run(["manage.py", "check"], DEBUG="1").returncode == 0
