"""Sending an issue to many subscribers: throughput and memory, one worker.

Called by bench/run.py after Django is set up on an in-memory SQLite
database with the demo content. Sends the latest issue inline (no broker,
one process) through Django's locmem backend to 2,500 and 10,000
subscribers, and prints emails per second and the peak memory Python
allocated during each send (tracemalloc): it should stay flat as the count
grows, since subscribers are read, claimed and sent a batch at a time.
"""

import time
import tracemalloc

from django.core import mail
from django.core.mail.backends import locmem
from django.test import override_settings
from django.utils import timezone

from editorial.release.sending import issue_send
from newsletter.models import Delivery, Issue, Subscriber

COUNTS = (2_500, 10_000)


class CountingOutbox(locmem.EmailBackend):
    """Django's locmem backend, emptying its outbox as it goes: an outbox of ten
    thousand messages would be the benchmark's memory, not the sender's."""

    sent = 0

    def send_messages(self, messages):
        count = super().send_messages(messages)
        CountingOutbox.sent += count
        mail.outbox.clear()
        return count


def _subscribers(count: int) -> None:
    Subscriber.objects.all().delete()
    now = timezone.now()
    Subscriber.objects.bulk_create(
        [
            Subscriber(email=f"reader{n}@example.com", status="confirmed", confirmed_at=now)
            for n in range(count)
        ],
        batch_size=1000,
    )


def run() -> None:
    """Send the latest public issue to each count of subscribers; print the figures."""
    issue = Issue.objects.public().order_by("-publish_at").first()
    print(f"\nsending {issue.slug} inline, one worker, batches of 100, locmem backend")
    with override_settings(
        EMAIL_BACKEND="bench.sending.CountingOutbox", CELERY_TASK_ALWAYS_EAGER=True
    ):
        for count in COUNTS:
            _subscribers(count)
            Delivery.objects.all().delete()
            CountingOutbox.sent = 0
            tracemalloc.start()
            start = time.perf_counter()
            issue_send(issue=issue, actor=None)
            elapsed = time.perf_counter() - start
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            assert CountingOutbox.sent == count, CountingOutbox.sent
            print(
                f"{count:>6} subscribers  {elapsed:7.2f} s  {count / elapsed:7.0f} emails/s"
                f"  peak Python memory {peak / 2**20:6.1f} MiB"
            )
