"""Exactly once, with a real Celery worker killed in the middle of a send.

A worker (solo pool, Redis database 5 on the loopback as broker) sends an
issue to a few hundred confirmed subscribers through the file outbox, slowly
enough that the send takes seconds. It is killed with SIGKILL at a random
point mid-send, a second worker is started, and when every delivery is
settled the outbox is counted: each confirmed subscriber has exactly one
email. Two ways to be slow put the kill in different places: a paced worker
is mostly killed between two sends, a mail server slow to acknowledge mostly
after it has the message and before the worker recorded that (the delivery
is then in doubt, and the outbox settles it).

Needs PostgreSQL (the worker is another process and must open the test
database) and Redis. On SQLite it is skipped; `.ci/run` runs the suite on
PostgreSQL too, with Redis, and there it must run: a missing Redis fails it.
"""

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from email import message_from_bytes
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from newsletter.models import Delivery, Subscriber
from tests.factories import IssueFactory, SectionFactory, public_item

pytestmark = pytest.mark.django_db(transaction=True)

BROKER_URL = "redis://127.0.0.1:6379/5"
SUBSCRIBERS = 200
OUTBOX = "newsletter.subscribers.mail_backends.FileOutboxBackend"
SLOW_OUTBOX = "tests.subscribers.slow_outbox.SlowAcknowledgementOutbox"
# (emails per second per worker, backend): either way the send takes seconds.
SCENARIOS = {"paced": (50, OUTBOX), "slow acknowledgement": (0, SLOW_OUTBOX)}
LEASE_SECONDS = 3
VISIBILITY_TIMEOUT = 4
ROOT = Path(settings.BASE_DIR)


def _unavailable(reason: str):
    # CI must run this test, not skip it.
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the exactly-once test.")
    pytest.skip(reason)


@pytest.fixture
def broker():
    """Redis database 5, emptied before and after."""
    client = redis.Redis.from_url(BROKER_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        _unavailable("Redis is not running on 127.0.0.1:6379")
    client.flushdb()
    yield client
    client.flushdb()


def _database_url() -> str:
    if connection.vendor != "postgresql":
        # Not _unavailable: .ci/run runs the suite on SQLite and then on
        # PostgreSQL, and this test belongs to the second pass.
        pytest.skip("the worker is another process and needs PostgreSQL to open the test database")
    db = connection.settings_dict
    host = db["HOST"] or "127.0.0.1"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(params=SCENARIOS, ids=str)
def worker_environment(request, tmp_path, broker, settings):
    send_rate, backend = SCENARIOS[request.param]
    outbox = tmp_path / "outbox"
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "DIGEST_", "EMAIL_", "DATABASE_"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY="tests-only-secret-key-not-for-any-deployment-0123456789abcdefghij",
        DATABASE_URL=_database_url(),
        DATABASE_CONN_MAX_AGE="0",
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        CELERY_BROKER_URL=BROKER_URL,
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
        EMAIL_BACKEND=backend,
        EMAIL_FILE_PATH=str(outbox),
        DIGEST_SEND_RATE=str(send_rate),
        DIGEST_SEND_BATCH_SIZE="50",
        DIGEST_DELIVERY_LEASE_SECONDS=str(LEASE_SECONDS),
        LOG_LEVEL="WARNING",
    )
    return environment, outbox


class Workers:
    """Celery workers started by the test, always stopped by it."""

    def __init__(self, environment, log_directory: Path):
        self.environment = environment
        self.log_directory = log_directory
        self.processes: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        log = open(self.log_directory / f"worker-{len(self.processes)}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=WARNING",
                f"--hostname=exactly-once-{len(self.processes)}@%h",
            ],  # fmt: skip
            cwd=ROOT,
            env=self.environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=5)

    def logs(self) -> str:
        return "\n".join(
            path.read_text(errors="replace") for path in sorted(self.log_directory.glob("*.log"))
        )


@pytest.fixture
def workers(worker_environment, tmp_path):
    environment, _outbox = worker_environment
    pool = Workers(environment, tmp_path)
    try:
        yield pool
    finally:
        pool.stop_all()


def _emails(outbox: Path) -> list:
    return [message_from_bytes(path.read_bytes()) for path in sorted(outbox.glob("*.eml"))]


def _wait_for(condition, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what}.")
        time.sleep(0.01)


def test_a_worker_killed_mid_send_leaves_every_subscriber_exactly_one_email(
    worker_environment, workers
):
    """SIGKILL in the middle of a batch, a new worker: each confirmed subscriber got one email."""
    environment, outbox = worker_environment
    issue = IssueFactory(published=True, slug="2025-11", title="云原生月刊 2025 年 11 月")
    public_item(issue=issue, section=SectionFactory(), title="Helm 4 正式发布", body="简介")
    now = timezone.now()
    Subscriber.objects.bulk_create(
        [
            Subscriber(email=f"reader{n}@example.com", status="confirmed", confirmed_at=now)
            for n in range(SUBSCRIBERS)
        ]
        + [
            Subscriber(email="pending@example.com"),
            Subscriber(email="gone@example.com", status="unsubscribed"),
        ]  # fmt: skip
    )

    first = workers.start()
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "send_issue", issue.slug],
        cwd=ROOT,
        env=environment,
        check=True,
        capture_output=True,
        timeout=60,
    )
    kill_after = random.randint(10, SUBSCRIBERS - 100)  # noqa: S311 - any point mid-send
    _wait_for(
        lambda: len(list(outbox.glob("*.eml"))) >= kill_after,
        timeout=90,
        what=f"the first worker to send {kill_after} emails\n{workers.logs()}",
    )
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    sent_before_kill = len(_emails(outbox))
    unsettled = Delivery.objects.exclude(state__in=Delivery.FINAL_STATES).count()
    assert 0 < sent_before_kill < SUBSCRIBERS
    assert unsettled > 0, "the kill came too late to test anything"

    # Unacknowledged tasks of the dead worker are handed out again once the
    # visibility timeout has passed; the new worker reads them when it starts.
    time.sleep(VISIBILITY_TIMEOUT + 1)
    workers.start()
    _wait_for(
        lambda: not Delivery.objects.exclude(state__in=Delivery.FINAL_STATES).exists(),
        timeout=120,
        what=f"every delivery to be settled\n{workers.logs()}",
    )

    emails = _emails(outbox)
    per_address = Counter(message["To"] for message in emails)
    expected = {f"reader{n}@example.com" for n in range(SUBSCRIBERS)}
    assert set(per_address) == expected
    assert set(per_address.values()) == {1}, per_address.most_common(3)
    assert len({message["Message-ID"] for message in emails}) == SUBSCRIBERS
    assert Delivery.objects.filter(state=Delivery.State.SENT).count() == SUBSCRIBERS
    assert all(
        message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for message in emails
    )
