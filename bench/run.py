"""Benchmarks: timings printed as ratios against a baseline measured in the same run.

Run with `make bench`. Uses an in-memory SQLite database and the demo content,
so the numbers compare runs on one machine, not machines.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
os.environ["DATABASE_URL"] = "sqlite://:memory:"

import django  # noqa: E402

django.setup()


from django.core.management import call_command  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import include, path  # noqa: E402

from bench import caching, hardening, lists, reader, search, sending  # noqa: E402
from newsletter.markdown import render_markdown  # noqa: E402
from newsletter.models import Item  # noqa: E402


def baseline_view(request):
    return HttpResponse("ok")


urlpatterns = [path("baseline/", baseline_view), path("", include("config.urls"))]


def timed(function, repeat: int = 30) -> float:
    """Return the median wall time of `function` in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    client = Client()
    body = Item.objects.get(issue__slug="2025-11", position=1, section__slug="new-releases").body
    # The rows measure rendering: the page cache is off (bench/caching.py measures it).
    with override_settings(ROOT_URLCONF=__name__, DEBUG=False, PAGE_CACHE_SECONDS=0):
        baseline = timed(lambda: client.get("/baseline/"))
        rows = [
            ("GET / (latest issue, 17 items)", timed(lambda: client.get("/"))),
            ("GET /issues/2025-11/", timed(lambda: client.get("/issues/2025-11/"))),
            ("GET /issues/", timed(lambda: client.get("/issues/"))),
            ("GET /projects/kubernetes/", timed(lambda: client.get("/projects/kubernetes/"))),
            ("GET /feed/", timed(lambda: client.get("/feed/"))),
            ("render_markdown(longest body)", timed(lambda: render_markdown(body))),
        ]
        rows += reader.rows(client, timed)
    print(f"baseline: trivial Django view {baseline:.2f} ms (= 1.0x)")
    for name, milliseconds in rows:
        print(f"{name:40s} {milliseconds:8.2f} ms  {milliseconds / baseline:6.1f}x baseline")
    with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
        caching.rows(client, timed, baseline)
    sending.run()
    search.run()
    lists.run()
    hardening.run()


if __name__ == "__main__":
    main()
