"""The issue page under gunicorn -w 2 and wrk, against a trivial view in the same gunicorn.

    .venv/bin/python bench/gunicorn_wrk.py [--seconds 5] [--connections 8]

Builds a SQLite database in a temporary folder (the demo content and a
42-item issue, bench/full_issue.py), then starts gunicorn three times, with
nothing cached, with stored fragments only (PAGE_CACHE_SECONDS=0), and with
the page cache, and runs wrk -t1 against /baseline/ and the issue page in
each (twice, alternating, keeping the best of each). Prints requests per
second and the ratio to the trivial view.
REDIS_URL, when set, is passed on: the caches are then Redis.
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ROUNDS = 2
MODES = [
    ("cold (nothing cached)", {"PAGE_CACHE_SECONDS": "0", "FRAGMENT_CACHE_SECONDS": "0"}, None),
    ("stored fragments, page cache off", {"PAGE_CACHE_SECONDS": "0"}, 0.17),
    ("page cache warm", {"PAGE_CACHE_SECONDS": "600"}, 0.8),
]


def _environment(database: Path, extra: dict) -> dict:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "PYTHONPATH": str(ROOT),
        **extra,
    }
    environment.pop("DEBUG", None)
    return environment


def _prepare(database: Path) -> str:
    script = (
        "import django; django.setup();"
        "from django.core.management import call_command;"
        "call_command('migrate', verbosity=0);"
        "call_command('load_demo', verbosity=0);"
        "from bench.full_issue import full_issue_build;"
        "print(full_issue_build().get_absolute_url())"
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        env=_environment(database, {}),
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=2).read()  # noqa: S310 (loopback)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer {url}")


def _wrk(url: str, seconds: int, connections: int) -> float:
    output = subprocess.run(  # noqa: S603
        [shutil.which("wrk") or "/usr/bin/wrk", "-t1", f"-c{connections}", f"-d{seconds}s", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def _measure(database, path, extra, seconds, connections) -> tuple[float, float]:
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "config.wsgi"],
        env=_environment(database, extra),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait(base + "/baseline/")
        for _ in range(4):  # each worker renders and stores once
            urllib.request.urlopen(base + path, timeout=30).read()  # noqa: S310
        # Alternated and the best of each kept: other load on the machine
        # lowers single runs, it never raises them.
        baseline = page = 0.0
        for _ in range(ROUNDS):
            baseline = max(baseline, _wrk(base + "/baseline/", seconds, connections))
            page = max(page, _wrk(base + path, seconds, connections))
        return baseline, page
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.sqlite3"
        path = _prepare(database)
        print(f"gunicorn -w 2, wrk -t1 -c{arguments.connections} -d{arguments.seconds}s, {path}")
        for name, extra, target in MODES:
            baseline, page = _measure(
                database, path, extra, arguments.seconds, arguments.connections
            )
            ratio = page / baseline
            verdict = (
                ""
                if target is None
                else f"  target ≥ {target}×: {'met' if ratio >= target else 'NOT met'}"
            )
            print(
                f"  {name:34s} trivial {baseline:8.0f} req/s  issue page {page:7.0f} req/s"
                f"  {ratio:6.3f}×{verdict}"
            )


if __name__ == "__main__":
    main()
