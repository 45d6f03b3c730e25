"""The issue page of a full issue (42 items), cold and warm, against a trivial view.

Called by bench/run.py (in process, Django's test client) after the demo
content is loaded. Prints throughput ratios to the trivial view measured in
the same run: cold (nothing cached), from stored fragments with the page
cache off (target ≥ 0.17×), and from the page cache (target ≥ 0.8×).
bench/gunicorn_wrk.py measures the same under gunicorn with wrk.
"""

from django.core.cache import cache
from django.test import override_settings

from bench.full_issue import full_issue_build

TARGETS = {"fragments": 0.17, "warm": 0.8}


def rows(client, timed, baseline: float) -> None:
    """Print the issue page's ratios to `baseline` (the trivial view's milliseconds)."""
    url = full_issue_build().get_absolute_url()

    def cold():
        cache.clear()
        client.get(url)

    with override_settings(PAGE_CACHE_SECONDS=0):
        cold_ms = timed(cold, repeat=10)
        client.get(url)
        fragments_ms = timed(lambda: client.get(url))
    client.get(url)
    warm_ms = timed(lambda: client.get(url))
    size = len(client.get(url).content) // 1024
    print(f"issue page, 42 items ({size} KB), throughput as a share of the trivial view's:")
    for name, milliseconds, target in [
        ("cold (nothing cached)", cold_ms, None),
        ("stored fragments, page cache off", fragments_ms, TARGETS["fragments"]),
        ("page cache warm", warm_ms, TARGETS["warm"]),
    ]:
        ratio = baseline / milliseconds
        verdict = (
            ""
            if target is None
            else f"  (target ≥ {target}×: {'met' if ratio >= target else 'NOT met'})"
        )
        print(f"  {name:34s} {milliseconds:8.2f} ms  {ratio:6.3f}×{verdict}")
