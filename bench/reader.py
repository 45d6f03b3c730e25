"""Timings of the feeds and the read API (issue 14), for bench/run.py.

`rows(client, timed)` returns (name, milliseconds) pairs measured with the
caller's timer, so they print as ratios to the same baseline.
"""


def rows(client, timed) -> list[tuple[str, float]]:
    return [
        ("GET /feed/items/", timed(lambda: client.get("/feed/items/"))),
        ("GET /api/v1/issues/", timed(lambda: client.get("/api/v1/issues/"))),
        ("GET /api/v1/issues/2025-11/", timed(lambda: client.get("/api/v1/issues/2025-11/"))),
        (
            "GET /api/v1/items/?q=Kubernetes",
            timed(lambda: client.get("/api/v1/items/?q=Kubernetes")),
        ),
        ("GET /api/v1/openapi.json", timed(lambda: client.get("/api/v1/openapi.json"))),
    ]
