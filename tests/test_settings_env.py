"""Settings read the environment: DATABASE_URL and REDIS_URL select the backends."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import django
django.setup()
from django.conf import settings
from django.core.cache import cache
from django.db import connection
print(settings.CACHES["default"]["BACKEND"])
print(connection.vendor)
if "redis" in settings.CACHES["default"]["BACKEND"]:
    cache.set("digest-settings-probe", "通过", 30)
    print(cache.get("digest-settings-probe"))
"""


def _probe(**env) -> list[str]:
    environment = {
        key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings", SECRET_KEY="x" * 60, DEBUG="1", **env
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.split()


def _redis_is_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


def test_without_environment_the_site_uses_sqlite_and_a_local_cache():
    """The defaults need no service at all."""
    backend, vendor = _probe()
    assert backend.endswith("LocMemCache")
    assert vendor == "sqlite"


@pytest.mark.skipif(not _redis_is_up(), reason="no Redis on 127.0.0.1:6379")
def test_redis_url_switches_the_cache_to_redis():
    """REDIS_URL selects Django's Redis cache, and it stores and returns values."""
    backend, _vendor, value = _probe(REDIS_URL="redis://127.0.0.1:6379/15")
    assert backend.endswith("RedisCache")
    assert value == "通过"
