"""Search benchmark: about ten queries at 42 items and at 5,040 (120 issues),
on SQLite and on PostgreSQL, as ratios to a trivial view of the same process.

`bench/run.py` calls `run()`, which measures each database in a fresh
process of its own (Django binds to one database per process):

    python bench/search.py sqlite:///:memory:
    python bench/search.py postgres://postgres@127.0.0.1:5432/digest_bench

On PostgreSQL the benchmark creates and drops its own test database
(`test_` + the name in the URL, here test_digest_bench); set
BENCH_POSTGRES_URL to choose another server or name. Without a reachable
PostgreSQL only SQLite is measured.

The corpus: one 42-item issue made of the demo's two issues (21 real items
from the publication, each section's items twice), imported 120 times as the
monthly issues of ten years, tagged as `load_demo` tags them.
Each query is timed twice: asked for the first time (the remembered
answers off, DIGEST_SEARCH_CACHE_SECONDS=0: the index finds the matches and
scores a window of them, and the facets are counted, every request; the
snapshot of the public items, read once per site generation, is warm, as
after a live site's first search) and asked again (the facets, ranked
page and suggestions remembered under the site's generation; see
newsletter/search/cache.py).
Each query is timed in rounds, alternating with the trivial view, and its
ratio is the median of its time over the trivial view's timed just before
it: a machine that slows down for a while (a shared virtual machine does)
slows both alike. Growth is the ratio at 5,040 items over the ratio at 42,
so that a machine slower while one size is measured is not taken for search
slowing down; the trivial view does the same work at both sizes. The wall
times' growth is printed beside it.
Targets: each query within 40 times the trivial view (aim for 10), and
within twice its own time at 42 items; "ok" or "MISSED" judges both.
"""

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/digest_bench"
)
ISSUES = 120
ROUNDS = 31
QUERIES = [
    "可观测性",
    "服务网格",
    "边缘",
    "kubernetes",
    "gateway api",
    "kube-proxy",
    "Kubernetes 1.35",
    "网关API",
    "后量子 密码学",
    "helm OR linkerd",
    '"gateway api" -ingress',
    "kubernets",
]
TARGET_RATIO = 40
TARGET_GROWTH = 2


def run() -> None:
    """Measure SQLite, then PostgreSQL if it answers; print both tables."""
    for url in ("sqlite://:memory:", POSTGRES_URL):
        print(f"\nsearch benchmark on {url.split(':', 1)[0]}", flush=True)
        result = subprocess.run(  # noqa: S603 - our own script, a URL we chose
            [sys.executable, __file__, url], cwd=ROOT, text=True, capture_output=True, check=False
        )
        print(result.stdout, end="", flush=True)
        if result.returncode:
            last = (result.stderr.strip().splitlines() or ["no output"])[-1]
            print(f"  not measured: {last}")


@dataclass(frozen=True)
class Timings:
    """One size's measurements, in milliseconds and as ratios to the trivial view."""

    baseline: float
    times: dict[str, float]
    ratios: dict[str, float]


def _once(function) -> float:
    start = time.perf_counter()
    function()
    return (time.perf_counter() - start) * 1000


def _rounds(baseline, search) -> Timings:
    """Time `baseline()` and `search(query)` for each query in alternation, ROUNDS times."""
    baselines: list[float] = []
    times: dict[str, list[float]] = {query: [] for query in QUERIES}
    ratios: dict[str, list[float]] = {query: [] for query in QUERIES}
    for _ in range(ROUNDS):
        for query in QUERIES:
            before = _once(baseline)
            took = _once(lambda q=query: search(q))
            baselines.append(before)
            times[query].append(took)
            ratios[query].append(took / before)
    return Timings(
        baseline=statistics.median(baselines),
        times={query: statistics.median(samples) for query, samples in times.items()},
        ratios={query: statistics.median(samples) for query, samples in ratios.items()},
    )


def _corpus_text() -> str:
    """Return one issue of 42 items in the Markdown form: the demo's 21 items, twice."""
    from newsletter.formats.document import ParsedIssue, ParsedSection
    from newsletter.formats.parsing import parse_issue
    from newsletter.formats.writer import write_markdown
    from newsletter.management.commands.load_demo import DEMO_DIR

    sections: dict[str, ParsedSection] = {}
    for name in ("2025-10.md", "2025-11.txt"):
        for parsed in parse_issue((DEMO_DIR / name).read_text(encoding="utf-8")).sections:
            empty = ParsedSection(emoji=parsed.emoji, name=parsed.name, number=parsed.number)
            section = sections.setdefault(parsed.name, empty)
            section.items += parsed.items
    for section in sections.values():
        section.items += list(section.items)
    return write_markdown(ParsedIssue(title="", intro="", sections=list(sections.values())))


def _import_issues(text: str, first: int, last: int) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from newsletter.management.commands.load_demo import DEMO_TAGS
    from newsletter.models import Item
    from newsletter.services import issue_import

    for number in range(first, last):
        year, month = 2015 + number // 12, number % 12 + 1
        issue, _count = issue_import(
            text=text,
            slug=f"{year}-{month:02d}",
            publish_at=datetime(year, month, 28, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
        )
        for item in Item.objects.filter(issue=issue):
            for name, tags in DEMO_TAGS.items():
                if name.lower() in item.title.lower():
                    item.tags.add(*tags)


def measure(url: str) -> None:
    """Build the corpus in a test database at `url`, time the queries, print the table."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.test_settings"
    os.environ["DATABASE_URL"] = url

    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.http import HttpResponse
    from django.test import Client, override_settings
    from django.test.utils import setup_test_environment
    from django.urls import include, path

    from newsletter.models import Item

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("loaddata", "projects", "sections", verbosity=0)
        text = _corpus_text()
        client = Client()

        def baseline_view(request):
            return HttpResponse("ok")

        urls = type(sys)("bench_search_urls")
        urls.urlpatterns = [path("baseline/", baseline_view), path("", include("config.urls"))]
        sys.modules["bench_search_urls"] = urls

        def measured(remembered: bool = False) -> Timings:
            seconds = 3600 if remembered else 0
            # The page cache off: this measures search, not the cached page.
            with override_settings(
                ROOT_URLCONF="bench_search_urls",
                DEBUG=False,
                DIGEST_SEARCH_CACHE_SECONDS=seconds,
                PAGE_CACHE_SECONDS=0,
            ):
                for query in QUERIES:  # warm: jieba's dictionary, compiled patterns
                    client.get("/search/", {"q": query})
                return _rounds(
                    lambda: client.get("/baseline/"), lambda q: client.get("/search/", {"q": q})
                )

        _import_issues(text, 0, 1)
        small_count = Item.objects.public().count()
        small, small_again = measured(), measured(remembered=True)
        _import_issues(text, 1, ISSUES)
        if connection.vendor == "postgresql":
            # What autovacuum does on a live site after thousands of new rows:
            # fresh planner statistics, and the visibility map set, so that
            # reading a row no longer first checks whether its writer committed.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        large_count = Item.objects.public().count()
        large, large_again = measured(), measured(remembered=True)
    finally:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
    print(
        f"  trivial view: {small.baseline:.2f} ms at {small_count} items,"
        f" {large.baseline:.2f} ms at {large_count} items (= 1.0x)"
    )
    print(
        f"  {'query':24s} {'@' + str(small_count):>8s} {'@' + str(large_count):>9s}"
        f" {'x view':>7s} {'growth':>7s}   {'wall growth':>11s}"
    )
    _table(small, large)
    print("  asked again (remembered answers):")
    _table(small_again, large_again)


def _table(small: Timings, large: Timings) -> None:
    for query in QUERIES:
        ratio = large.ratios[query]
        growth = ratio / small.ratios[query]
        print(
            f"  {query:24s} {small.times[query]:6.2f}ms {large.times[query]:7.2f}ms"
            f" {ratio:6.1f}x {growth:6.2f}x   {large.times[query] / small.times[query]:10.2f}x"
            f"  {_verdict(ratio, growth)}"
        )


def _verdict(ratio: float, growth: float) -> str:
    return "ok" if ratio <= TARGET_RATIO and growth <= TARGET_GROWTH else "MISSED"


if __name__ == "__main__":
    measure(sys.argv[1])
