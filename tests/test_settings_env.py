"""Settings read the environment: DATABASE_URL and REDIS_URL select the backends,
and every DIGEST_* knob is read there too."""

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


def _run(script: str, **env) -> subprocess.CompletedProcess:
    environment = {
        key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings", SECRET_KEY="x" * 60, DEBUG="1", **env
    )
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _probe(**env) -> list[str]:
    result = _run(PROBE, **env)
    assert result.returncode == 0, result.stderr
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


KNOBS = {
    "DIGEST_MAX_UPLOAD_BYTES": 10 * 1024 * 1024,
    "DIGEST_MAX_IMAGE_PIXELS": 40_000_000,
    "DIGEST_PREVIEW_MAX_AGE": 7 * 24 * 3600,
    "DIGEST_INVITATION_MAX_AGE": 7 * 24 * 3600,
    "DIGEST_SEARCH_CACHE_SECONDS": 3600,
    "DIGEST_SEARCH_RANK_WINDOW": 100,
}
KNOB_PROBE = (
    "import django; django.setup(); from django.conf import settings; "
    f"print(*(getattr(settings, name) for name in {sorted(KNOBS)!r}))"
)


def test_the_digest_knobs_have_their_documented_defaults():
    """Seven days for links, 10 MiB and 40 megapixels for uploads, an hour of
    remembered search answers, search scored 100 candidates at a time."""
    result = _run(KNOB_PROBE)
    assert result.stdout.split() == [str(KNOBS[name]) for name in sorted(KNOBS)]


def test_every_digest_knob_is_read_from_the_environment():
    """Each DIGEST_* variable sets its setting; none is a code-only constant."""
    values = {name: str(1000 + index) for index, name in enumerate(sorted(KNOBS))}
    result = _run(KNOB_PROBE, **values)
    assert result.stdout.split() == [values[name] for name in sorted(KNOBS)]


def test_a_knob_that_is_not_a_number_stops_the_start_with_its_name():
    """A typo in the environment is a sentence naming the variable, not a default."""
    result = _run(KNOB_PROBE, DIGEST_PREVIEW_MAX_AGE="7d")
    assert result.returncode != 0
    assert "DIGEST_PREVIEW_MAX_AGE must be a whole number, not '7d'." in result.stderr


def test_a_search_window_below_one_stops_the_start():
    """Search could not rank anything with no window at all."""
    result = _run(KNOB_PROBE, DIGEST_SEARCH_RANK_WINDOW="0")
    assert result.returncode != 0
    assert "DIGEST_SEARCH_RANK_WINDOW must be at least 1." in result.stderr
