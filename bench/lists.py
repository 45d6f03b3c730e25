"""List pages at archive scale (issue 10): every list page at 60 and at 120 issues, as ratios
to a trivial view of the same process, with its weight.

`bench/run.py` calls `run()`, which measures in a fresh process of its own
(`python bench/lists.py`), on an in-memory SQLite database with the page
cache off (PAGE_CACHE_SECONDS=0), so each request does all its work.

The corpus is the search benchmark's: one 42-item issue made of the demo's
two issues, imported as the monthly issues of ten years, tagged as
`load_demo` tags them, every item credited to one public contributor.
Targets: each page within 1.5 times its own time at 60 issues ("growth"),
and at most 300 KB. Two clocks, each the fastest of the runs (the run least
disturbed by other work on the machine): the wall time, and this process's
CPU time, which on SQLite is all the work of a request without the waiting.
"ok" or "MISSED" judges the CPU growth: on a shared two-core machine the
wall clock of one page swings by more than the target between runs.
"""

import gc
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ISSUES = (60, 120)
REPEAT = 30
VIEW_REPEAT = 100
TARGET_GROWTH = 1.5
MAX_BYTES = 300 * 1024


def run() -> None:
    """Measure in a child process and print its table."""
    print("\nlist pages at archive scale (SQLite, page cache off)", flush=True)
    result = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, __file__], cwd=ROOT, text=True, capture_output=True, check=False
    )
    print(result.stdout, end="", flush=True)
    if result.returncode:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"  not measured: {last}")


def _timed(function, repeat: int = REPEAT) -> tuple[float, float]:
    """Return the fastest wall time and the fastest CPU time of `function`, in milliseconds."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return min(wall), min(cpu)


def _credit_everything_to(username: str) -> None:
    """Give every item an author with a public profile, so a contributor page lists them all."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from editorial.accounts.profiles import ProfileData, contributor_profile_save
    from editorial.permissions.roles import Role
    from newsletter.models import Item

    user, _created = get_user_model().objects.get_or_create(username=username)
    user.groups.add(Group.objects.get(name=Role.CONTRIBUTOR))
    contributor_profile_save(
        user=user, actor=user, data=ProfileData(display_name="基准撰稿人", is_public=True)
    )
    # Seed data, as a restore writes it: the authorship of imported items.
    Item.objects.filter(author__isnull=True).update(author=user)


def _urls(username: str) -> list[str]:
    """Return the list pages to measure, each subject the largest of its kind."""
    from newsletter import selectors

    section = selectors.section_catalogue().order_by("-public_item_count").first()
    project = selectors.project_catalogue().first()
    tag = selectors.tag_catalogue().first()
    return [
        "/issues/",
        f"/sections/{section.slug}/",
        f"/tags/{tag.slug}/",
        f"/projects/{project.slug}/",
        f"/contributors/{username}/",
        "/projects/",
        "/feed/",
        "/feed.rss",
        "/feed/items/",
        f"/feed/projects/{project.slug}/",
        "/sitemap.xml",
    ]


def _last_page(client, url: str) -> str:
    """Return the address of the last page of the list at `url` (the deepest OFFSET)."""
    page = client.get(url).context["page"]
    page = getattr(page, "entries", page)
    return f"{url}?page={page.paginator.num_pages}"


def _measured(client, url: str) -> tuple[tuple, tuple, int]:
    """Return the times of `url`, of the trivial view just before it, and the page's bytes.

    The trivial view is timed next to each page, so that a busier moment of the
    machine weighs on both sides of the ratio.
    """
    view = _timed(lambda: client.get("/baseline/"), VIEW_REPEAT)
    return _timed(lambda: client.get(url)), view, len(client.get(url).content)


def measure() -> None:
    """Build the archive in stages, time every list page at each stage, print the table."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.test_settings"
    os.environ["DATABASE_URL"] = "sqlite://:memory:"
    os.environ["PAGE_CACHE_SECONDS"] = "0"

    import django

    django.setup()

    from django.core.management import call_command
    from django.http import HttpResponse
    from django.test import Client, override_settings
    from django.test.utils import setup_test_environment
    from django.urls import include, path

    from bench.search import _corpus_text, _import_issues
    from newsletter.models import Item

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("loaddata", "projects", "sections", verbosity=0)

    def baseline_view(request):
        return HttpResponse("ok")

    urls = type(sys)("bench_lists_urls")
    urls.urlpatterns = [path("baseline/", baseline_view), path("", include("config.urls"))]
    sys.modules["bench_lists_urls"] = urls
    client, text, username = Client(), _corpus_text(), "bench-writer"
    measured: dict[int, dict[str, tuple[tuple, tuple, int]]] = {}
    imported = 0
    with override_settings(ROOT_URLCONF="bench_lists_urls", DEBUG=False):
        for issues in ISSUES:
            _import_issues(text, imported, issues)
            imported = issues
            _credit_everything_to(username)
            pages = _urls(username)
            pages.insert(2, _last_page(client, pages[1]))
            for url in pages:  # warm: templates, compiled patterns
                client.get(url)
            # What the import left in memory is not a web process's: out of the
            # collector's sight, so the heap of this stage does not time its pages.
            gc.collect()
            gc.freeze()
            measured[issues] = {url: _measured(client, url) for url in pages}
        item_count = Item.objects.public().count()
    _print(measured, item_count)


def _print(measured, item_count: int) -> None:
    (small, small_rows), (large, large_rows) = sorted(measured.items())
    views = [row[1] for row in large_rows.values()]
    print(
        f"  trivial view at {large} issues ({item_count} items): wall"
        f" {statistics.median(v[0] for v in views):.2f} ms,"
        f" CPU {statistics.median(v[1] for v in views):.2f} ms (= 1.0x),"
        " timed again next to each page"
    )
    print(
        f"  {'page at ' + str(large) + ' issues':34s} {'wall':>8s} {'x view':>7s} {'growth':>7s}"
        f" {'CPU':>8s} {'x view':>7s} {'growth':>7s} {'KB':>7s}"
    )
    # The last-page row's address names its own page count, which grows; match by position.
    for (small_times, small_view, _), (url, (large_times, large_view, size)) in zip(
        small_rows.values(), large_rows.items(), strict=True
    ):
        ratios = [large_times[c] / large_view[c] for c in (0, 1)]
        growths = [ratios[c] / (small_times[c] / small_view[c]) for c in (0, 1)]
        verdict = "ok" if growths[1] <= TARGET_GROWTH and size <= MAX_BYTES else "MISSED"
        print(
            f"  {url[:34]:34s} {large_times[0]:6.2f}ms {ratios[0]:6.1f}x {growths[0]:6.2f}x"
            f" {large_times[1]:6.2f}ms {ratios[1]:6.1f}x {growths[1]:6.2f}x"
            f" {size / 1024:7.1f}  {verdict}"
        )


if __name__ == "__main__":
    measure()
