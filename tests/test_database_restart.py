"""A kept database connection that the server dropped (PostgreSQL restarted while
the worker was idle) is replaced before the next request uses it."""

import psycopg
import pytest
from django.db import close_old_connections, connection

from newsletter.models import Issue


@pytest.mark.django_db(transaction=True)
def test_the_first_request_after_the_server_dropped_the_connection_succeeds():
    """What `request_started` does (close_old_connections) notices the dead connection."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no server to restart")
    assert connection.settings_dict["CONN_MAX_AGE"] > 0, "connections are kept between requests"
    close_old_connections()
    Issue.objects.count()
    backend = connection.connection.info.backend_pid
    # A restart terminates every backend; ending only this one leaves the others' tests alone.
    settings = connection.get_connection_params()
    with psycopg.connect(**settings, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [backend])

    close_old_connections()  # a new request begins
    assert Issue.objects.count() == 0
    assert connection.connection.info.backend_pid != backend
