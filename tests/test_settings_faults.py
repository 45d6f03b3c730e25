"""Settings that keep the site answering through faults: a database restart and Redis away."""

from tests.test_settings_env import _run

PROBE = """
import django
django.setup()
from django.conf import settings
database, cache = settings.DATABASES["default"], settings.CACHES["default"]
print(database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"])
options = cache["OPTIONS"]
print(cache["BACKEND"], options["socket_connect_timeout"], options["socket_timeout"])
"""


def test_kept_database_connections_are_checked_before_reuse():
    """After a PostgreSQL restart the next request reconnects instead of failing once per worker."""
    result = _run(
        PROBE,
        DATABASE_URL="postgres://digest@127.0.0.1:5432/digest",
        REDIS_URL="redis://127.0.0.1:6399/0",
    )
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.splitlines()
    assert first == "60 True"
    backend, connect_timeout, timeout = second.split()
    assert backend == "newsletter.redis_cache.TolerantRedisCache"
    assert float(connect_timeout) <= 1 and float(timeout) <= 1
