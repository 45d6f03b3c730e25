"""The live server survives requests at the same moment (tests/live_server.py)."""

import threading
import urllib.error
import urllib.request

import pytest

from newsletter.models import Item

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8
ROUNDS = 10


def _post(url: str) -> int:
    request = urllib.request.Request(url, data=b"q=helm", method="POST")  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as refused:
        return refused.code


def test_writes_at_the_same_moment_leave_the_database_usable(live_server):
    """Every POST opens a transaction (a revision is kept of what it writes).
    Eight at once, ten times over: each is answered, none with a server error,
    and the test's own connection still works afterwards."""
    codes: list[int] = []
    for _round in range(ROUNDS):
        threads = [
            threading.Thread(target=lambda: codes.append(_post(f"{live_server.url}/search/")))
            for _ in range(THREADS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(codes) == THREADS * ROUNDS
    assert 500 not in codes, codes
    assert Item.objects.count() == 0
