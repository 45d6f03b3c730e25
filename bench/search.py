"""Search benchmark: about ten queries at 42 items and at 5,040 (120 issues),
on SQLite and on PostgreSQL, as ratios to a trivial view of the same process.

`bench/run.py` calls `run()`, which measures each database in a fresh
process of its own (Django binds to one database per process):

    python bench/search.py sqlite:///:memory:
    python bench/search.py postgres://postgres@127.0.0.1:5432/digest_bench

On PostgreSQL the benchmark creates and drops its own two test databases
(`test_` + the name in the URL + `_small` and `_large`, here
test_digest_bench_small and test_digest_bench_large); set BENCH_POSTGRES_URL
to choose another server or name. Without a reachable PostgreSQL only
SQLite is measured.

The corpus: one 42-item issue made of the demo's two issues (21 real items
from the publication, each section's items twice), imported once into one
database and 120 times into the other, as the monthly issues of ten years,
tagged as `load_demo` tags them. Each round measures both sizes, switching
the site from one database to the other (and forgetting the snapshot and
the remembered answers, which are kept per site generation, then asking
every query once): a machine that runs slower for some minutes slows both
sizes alike. Measured one after the other, minutes apart, the sizes gave
one query's growth as 1.99x in one run and, with faster code, 2.19x in the
next.
Each query is timed twice: asked for the first time (the remembered
answers off, DIGEST_SEARCH_CACHE_SECONDS=0: the index finds the matches and
scores a window of them, and the facets are counted, every request; the
snapshot of the public items, read once per site generation, is warm, as
after a live site's first search) and asked again (the facets, ranked
page and suggestions remembered under the site's generation; see
newsletter/search/cache.py).
Each round times every query once at each size, each just after the trivial
view; a round's baseline at a size is the median of its trivial views there
(one timing of a half-millisecond view is noisy on its own). A query's ratio
in a round is its time over that baseline, and its growth in a round is the
ratio at 5,040 items over the ratio at 42, the two measured seconds apart:
the table prints the median over the rounds of each, so a machine that
slows down for a while (a shared virtual machine does) slows both sides of
every pair alike. The trivial view does the same work at both sizes. The
wall times' growth, the median of each round's, is printed beside it.
Targets: each query within 40 times the trivial view (aim for 10), and
within twice its own time at 42 items; "ok" or "MISSED" judges both.
"""

import copy
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
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
    """One query's medians over the rounds: its times in milliseconds at each
    size, its ratio to the trivial view at 5,040 items, and the growths."""

    small: float
    large: float
    ratio: float
    growth: float
    wall_growth: float


@dataclass(frozen=True)
class Round:
    """One size's timings in one round: the trivial view's median, each query's time."""

    baseline: float
    times: dict[str, float]

    def ratio(self, query: str) -> float:
        return self.times[query] / self.baseline


def _once(function) -> float:
    start = time.perf_counter()
    function()
    return (time.perf_counter() - start) * 1000


def _round(baseline, search) -> Round:
    """Time each query once, each just after the trivial view."""
    baselines, times = [], {}
    for query in QUERIES:
        baselines.append(_once(baseline))
        times[query] = _once(lambda q=query: search(q))
    return Round(baseline=statistics.median(baselines), times=times)


def _rounds(
    switch: Callable[[str], None], baseline, search
) -> tuple[dict[str, float], dict[str, Timings]]:
    """Measure ROUNDS rounds, each at the small size then the large (`switch(size)`
    moves the site there); return the trivial view's median time at each
    size and each query's `Timings`."""
    pairs: list[tuple[Round, Round]] = []
    for _ in range(ROUNDS):
        measured = []
        for size in ("small", "large"):
            switch(size)
            measured.append(_round(baseline, search))
        pairs.append((measured[0], measured[1]))
    median = statistics.median
    timings = {
        query: Timings(
            small=median(small.times[query] for small, _ in pairs),
            large=median(large.times[query] for _, large in pairs),
            ratio=median(large.ratio(query) for _, large in pairs),
            growth=median(large.ratio(query) / small.ratio(query) for small, large in pairs),
            wall_growth=median(large.times[query] / small.times[query] for small, large in pairs),
        )
        for query in QUERIES
    }
    baselines = {
        "small": median(small.baseline for small, _ in pairs),
        "large": median(large.baseline for _, large in pairs),
    }
    return baselines, timings


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


def _database(connections, name: str):
    """Return a connection of its own to a new test database for `name`, migrated."""
    current = connections["default"]
    settings = copy.deepcopy(current.settings_dict)
    settings["NAME"] = f"{settings['NAME']}_{name}"
    if current.vendor == "sqlite":
        # Two in-memory databases, each kept by its own open connection.
        settings["TEST"]["NAME"] = f"file:bench_search_{name}?mode=memory&cache=shared"
    database = type(current)(settings, "default")
    connections["default"] = database
    database.creation.create_test_db(verbosity=0, autoclobber=True)
    return database


def measure(url: str) -> None:
    """Build the corpus at both sizes in two test databases at `url`, time the
    queries on both in alternation, print the table."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.test_settings"
    os.environ["DATABASE_URL"] = url

    import django

    django.setup()

    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connections
    from django.http import HttpResponse
    from django.test import Client, override_settings
    from django.test.utils import setup_test_environment
    from django.urls import include, path

    from newsletter.models import Item
    from newsletter.search import snapshot

    setup_test_environment()
    text = _corpus_text()
    databases, counts = {}, {}
    try:
        for size, issues in (("small", 1), ("large", ISSUES)):
            database = databases[size] = _database(connections, size)
            call_command("loaddata", "projects", "sections", verbosity=0)
            _import_issues(text, 0, issues)
            if database.vendor == "postgresql":
                # What autovacuum does on a live site after thousands of new rows:
                # fresh planner statistics, and the visibility map set, so that
                # reading a row no longer first checks whether its writer committed.
                with database.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")
            counts[size] = Item.objects.public().count()
        client = Client()

        def baseline_view(request):
            return HttpResponse("ok")

        urls = type(sys)("bench_search_urls")
        urls.urlpatterns = [path("baseline/", baseline_view), path("", include("config.urls"))]
        sys.modules["bench_search_urls"] = urls

        def switch(size: str) -> None:
            # Both databases start at the same site generation, under which
            # the snapshot and the remembered answers are kept: drop them,
            # then ask every query once, as the live site has already.
            connections["default"] = databases[size]
            if Item.objects.public().count() != counts[size]:
                raise RuntimeError(f"the {size} database is not the one switched to")
            snapshot.forget()
            cache.clear()
            for query in QUERIES:
                client.get("/search/", {"q": query})

        def measured(remembered: bool = False):
            seconds = 3600 if remembered else 0
            # The page cache off: this measures search, not the cached page.
            with override_settings(
                ROOT_URLCONF="bench_search_urls",
                DEBUG=False,
                DIGEST_SEARCH_CACHE_SECONDS=seconds,
                PAGE_CACHE_SECONDS=0,
            ):
                return _rounds(
                    switch,
                    lambda: client.get("/baseline/"),
                    lambda q: client.get("/search/", {"q": q}),
                )

        (baselines, first), (_, again) = measured(), measured(remembered=True)
    finally:
        for database in databases.values():
            connections["default"] = database
            database.creation.destroy_test_db(database.settings_dict["NAME"], verbosity=0)
    small, large = counts["small"], counts["large"]
    print(
        f"  trivial view: {baselines['small']:.2f} ms at {small} items,"
        f" {baselines['large']:.2f} ms at {large} items (= 1.0x)"
    )
    print(
        f"  {'query':24s} {'@' + str(small):>8s} {'@' + str(large):>9s}"
        f" {'x view':>7s} {'growth':>7s}   {'wall growth':>11s}"
    )
    _table(first)
    print("  asked again (remembered answers):")
    _table(again)


def _table(timings: dict[str, Timings]) -> None:
    for query, timing in timings.items():
        print(
            f"  {query:24s} {timing.small:6.2f}ms {timing.large:7.2f}ms"
            f" {timing.ratio:6.1f}x {timing.growth:6.2f}x   {timing.wall_growth:10.2f}x"
            f"  {_verdict(timing.ratio, timing.growth)}"
        )


def _verdict(ratio: float, growth: float) -> str:
    return "ok" if ratio <= TARGET_RATIO and growth <= TARGET_GROWTH else "MISSED"


if __name__ == "__main__":
    measure(sys.argv[1])
