"""Load and faults: the site under gunicorn -w 2, on PostgreSQL with Redis (issue 9).

    make load            # or: .venv/bin/python bench/load.py [--duration 60]

Loopback only, and bounded: it builds a throw-away PostgreSQL database
(`digest_load`, seeded with the demo), starts its own Redis on 127.0.0.1:6391
(never the shared one on 6379) and gunicorn on 127.0.0.1:8391, then checks:

1. 64 connections for 60 s over public pages and search (wrk when
   /usr/bin/wrk exists, else a threaded client): 0 errors.
2. PostgreSQL restarted under load (`pg_ctlcluster … restart`, root only):
   errors only while it is down, every request succeeding again within 5 s
   of its return, and the same gunicorn processes throughout.
3. Redis stopped under load: every page still answers 200.

Each phase has a deadline and the script tears down everything it started,
then prints the figures and exits 1 if a check failed. Restarting PostgreSQL
interrupts everyone using it for a few seconds: run it on a quiet machine.
"""

import argparse
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlparse

import psycopg

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
HOST = "127.0.0.1"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/digest_load"
RECOVERY_LIMIT_SECONDS = 5.0
# Nothing below may run longer than this, whatever happens.
PROCESS_TIMEOUT = 300

PAGES = [
    "/",
    "/issues/",
    "/issues/2025-11/",
    "/issues/2025-10/",
    "/projects/",
    "/feed/",
    "/sitemap.xml",
    "/search/?q=Kubernetes",
    "/search/?q=服务网格",
    "/search/?q=gateway+api",
]


@dataclass
class Outcomes:
    """What a threaded client saw: (time, ok) per request, and the statuses."""

    samples: list[tuple[float, bool]] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, moment: float, status: str) -> None:
        with self.lock:
            self.samples.append((moment, status == "200"))
            self.statuses[status] = self.statuses.get(status, 0) + 1


def _loopback_only(url: str) -> None:
    host = urlparse(url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit(f"bench/load.py runs on loopback only; {url} names {host}.")


def _run(command: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - fixed commands of our own
        command, env=env, cwd=ROOT, check=True, timeout=PROCESS_TIMEOUT, **kwargs
    )


def _database_recreate(url: str) -> None:
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if not re.fullmatch(r"[a-z0-9_]+", name):
        sys.exit(f"Database name {name!r}: use lowercase letters, digits and underscores.")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")


def _database_drop(url: str) -> None:
    parsed = urlparse(url)
    admin = parsed._replace(path="/postgres").geturl()
    for _attempt in range(10):
        try:
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(
                    f"DROP DATABASE IF EXISTS {parsed.path.lstrip('/')} WITH (FORCE)"
                )
            return
        except psycopg.OperationalError:
            time.sleep(1)


def _wait_until(check, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def _get(base: str, path: str, timeout: float = 10.0) -> str:
    """Return the status of GET `path` as a string, or the error's class name."""
    parsed = urlparse(base)
    connection = HTTPConnection(parsed.hostname, parsed.port, timeout=timeout)
    try:
        connection.request("GET", urllib.request.quote(path, safe="/?=+&"))
        response = connection.getresponse()
        response.read()
        return str(response.status)
    except OSError as error:
        return type(error).__name__
    finally:
        connection.close()


def _client(base: str, seconds: float, threads: int, outcomes: Outcomes) -> list[threading.Thread]:
    """Start `threads` threads requesting PAGES in turn for `seconds`; return them."""
    stop = time.monotonic() + seconds

    def work(offset: int) -> None:
        index = offset
        while time.monotonic() < stop:
            status = _get(base, PAGES[index % len(PAGES)])
            outcomes.add(time.monotonic(), status)
            index += 1

    workers = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(threads)]
    for worker in workers:
        worker.start()
    return workers


def _join(workers: list[threading.Thread], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    for worker in workers:
        worker.join(max(0.0, deadline - time.monotonic()))


WRK_SCRIPT = """
local paths = {%s}
local index = 0
request = function()
  index = index %% #paths + 1
  return wrk.format("GET", paths[index])
end
"""


def _steady_load_wrk(base: str, seconds: int, connections: int, folder: Path) -> dict:
    paths = ", ".join(f'"{urllib.request.quote(p, safe="/?=+&")}"' for p in PAGES)
    script = folder / "pages.lua"
    script.write_text(WRK_SCRIPT % paths)
    command = ["/usr/bin/wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    result = subprocess.run(  # noqa: S603 - fixed command
        [*command, "--latency", "-s", str(script), base],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    )
    output = result.stdout

    def number(pattern: str) -> float:
        match = re.search(pattern, output)
        return float(match[1]) if match else 0.0

    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "tool": "wrk",
        "requests": int(number(r"(\d+) requests in")),
        "per_second": number(r"Requests/sec:\s+([\d.]+)"),
        "non_2xx_3xx": int(number(r"Non-2xx or 3xx responses: (\d+)")),
        "socket_errors": sum(int(n) for n in socket_errors.groups()) if socket_errors else 0,
        "latency": {
            label: re.search(rf"\s{label}%\s+(\S+)", output)[1]
            for label in ("50", "90", "99")
            if re.search(rf"\s{label}%\s+(\S+)", output)
        },
    }


def _steady_load_threads(base: str, seconds: int, connections: int) -> dict:
    outcomes = Outcomes()
    _join(_client(base, seconds, connections, outcomes), seconds + 30)
    errors = sum(1 for _moment, ok in outcomes.samples if not ok)
    return {
        "tool": "python threads",
        "requests": len(outcomes.samples),
        "per_second": len(outcomes.samples) / seconds,
        "non_2xx_3xx": errors,
        "socket_errors": 0,
        "latency": {},
    }


def _children(pid: int) -> set[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(child) for child in path.read_text().split()} if path.exists() else set()


def _postgres_restart(base: str, database_url: str, gunicorn_pid: int) -> dict:
    """Restart PostgreSQL five seconds into a 25-second load; return what the client saw."""
    workers_before = _children(gunicorn_pid)
    outcomes = Outcomes()
    start = time.monotonic()
    threads = _client(base, 25, 16, outcomes)
    time.sleep(5)
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    down_at = time.monotonic()
    subprocess.run(  # noqa: S603 - fixed command
        ["/usr/bin/pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        timeout=120,
        capture_output=True,
    )

    def accepts() -> bool:
        try:
            psycopg.connect(database_url, connect_timeout=1).close()
        except psycopg.OperationalError:
            return False
        return True

    _wait_until(accepts, 60)
    up_at = time.monotonic()
    _join(threads, 60)
    failures = [moment for moment, ok in outcomes.samples if not ok]
    after_back = [moment - up_at for moment in failures if moment > up_at]
    return {
        "requests": len(outcomes.samples),
        "statuses": outcomes.statuses,
        "down_seconds": up_at - down_at,
        "failures": len(failures),
        "failures_before_restart": sum(1 for moment in failures if moment < down_at),
        "failures_after_back": len(after_back),
        "recovery_seconds": max(after_back, default=0.0),
        "ok_after_back": sum(1 for moment, ok in outcomes.samples if ok and moment > up_at),
        "same_gunicorn": _children(gunicorn_pid) == workers_before,
        "load_seconds": time.monotonic() - start,
    }


def _redis_stop(base: str, redis: subprocess.Popen, log: Path) -> dict:
    """Stop our Redis five seconds into a 15-second load; return what the client saw."""
    outcomes = Outcomes()
    threads = _client(base, 15, 16, outcomes)
    time.sleep(5)
    redis.terminate()
    redis.wait(timeout=30)
    stopped_at = time.monotonic()
    _join(threads, 60)
    after = [(m, ok) for m, ok in outcomes.samples if m > stopped_at]
    return {
        "requests": len(outcomes.samples),
        "requests_after_stop": len(after),
        "statuses": outcomes.statuses,
        "non_200": sum(1 for _m, ok in outcomes.samples if not ok),
        "cache_warnings_logged": log.read_text(errors="replace").count("Redis cache unreachable"),
    }


def _environment(database_url: str, redis_port: int, folder: Path) -> dict:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": f"redis://{HOST}:{redis_port}/0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
        "ALLOWED_HOSTS": HOST,
        # Plain HTTP on loopback: no redirect to https.
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }


def _stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _report(steady: dict, restart: dict | None, redis: dict, args) -> bool:
    print(f"\n== Steady load: {args.connections} connections, {args.duration} s ({steady['tool']})")
    print(f"   requests {steady['requests']}, {steady['per_second']:.0f}/s")
    latency = ", ".join(f"p{k} {v}" for k, v in steady["latency"].items())
    if latency:
        print(f"   latency {latency}")
    steady_errors = steady["non_2xx_3xx"] + steady["socket_errors"]
    print(
        f"   errors {steady_errors} (non-2xx/3xx {steady['non_2xx_3xx']}, "
        f"socket {steady['socket_errors']})"
    )
    checks = {"steady load: 0 errors": steady_errors == 0}
    if restart is not None:
        print("\n== PostgreSQL restarted under load (16 threads, 25 s)")
        print(f"   requests {restart['requests']}, statuses {restart['statuses']}")
        print(
            f"   down for {restart['down_seconds']:.1f} s; failed requests {restart['failures']}"
            f" (before the restart {restart['failures_before_restart']})"
        )
        print(
            f"   after PostgreSQL was back: {restart['failures_after_back']} failed "
            f"(the last {restart['recovery_seconds']:.1f} s after), "
            f"{restart['ok_after_back']} succeeded"
        )
        print(f"   same gunicorn workers throughout: {restart['same_gunicorn']}")
        checks["postgres: no errors before the restart"] = restart["failures_before_restart"] == 0
        checks["postgres: recovered within 5 s"] = (
            restart["recovery_seconds"] <= RECOVERY_LIMIT_SECONDS and restart["ok_after_back"] > 0
        )
        checks["postgres: site not restarted"] = restart["same_gunicorn"]
    print("\n== Redis stopped under load (16 threads, 15 s, stopped at 5 s)")
    print(
        f"   requests {redis['requests']} ({redis['requests_after_stop']} after the stop), "
        f"statuses {redis['statuses']}"
    )
    print(f"   cache warnings logged: {redis['cache_warnings_logged']}")
    checks["redis stopped: every page 200"] = (
        redis["non_200"] == 0 and redis["requests_after_stop"] > 0
    )
    print()
    for name, passed in checks.items():
        print(f"   {'PASS' if passed else 'FAIL'}  {name}")
    return all(checks.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=60, help="Seconds of steady load.")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--port", type=int, default=8391, help="gunicorn's loopback port.")
    parser.add_argument("--redis-port", type=int, default=6391, help="Our own Redis's port.")
    parser.add_argument(
        "--database-url", default=os.environ.get("LOAD_DATABASE_URL", DEFAULT_DATABASE)
    )
    parser.add_argument(
        "--skip-postgres-restart", action="store_true", help="Leave PostgreSQL alone."
    )
    args = parser.parse_args()
    if not 1 <= args.duration <= 600 or not 1 <= args.connections <= 256:
        sys.exit("Keep it bounded: --duration 1–600 s, --connections 1–256.")
    _loopback_only(args.database_url)
    base = f"http://{HOST}:{args.port}"

    with ExitStack() as cleanup:
        folder = Path(tempfile.mkdtemp(prefix="digest-load-"))
        cleanup.callback(shutil.rmtree, folder, ignore_errors=True)
        env = _environment(args.database_url, args.redis_port, folder)
        print(f"Seeding {urlparse(args.database_url).path.lstrip('/')} with the demo…")
        _database_recreate(args.database_url)
        cleanup.callback(_database_drop, args.database_url)
        quiet = {"stdout": subprocess.DEVNULL}
        _run([PYTHON, "manage.py", "migrate", "--noinput"], env, **quiet)
        _run([PYTHON, "manage.py", "load_demo"], env, **quiet)
        _run([PYTHON, "manage.py", "collectstatic", "--noinput"], env, **quiet)

        redis = subprocess.Popen(  # noqa: S603 - fixed command
            [
                shutil.which("redis-server") or "/usr/bin/redis-server",
                "--port",
                str(args.redis_port),
                "--bind",
                HOST,
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        cleanup.callback(_stop, redis)
        log = folder / "gunicorn.log"
        gunicorn = subprocess.Popen(  # noqa: S603 - fixed command
            [
                PYTHON,
                "-m",
                "gunicorn",
                "config.wsgi",
                "-w",
                "2",
                "-b",
                f"{HOST}:{args.port}",
                "--timeout",
                "30",
                "--error-logfile",
                str(log),
                "--capture-output",
            ],
            env=env,
            cwd=ROOT,
        )
        cleanup.callback(_stop, gunicorn)
        if not _wait_until(lambda: _get(base, "/", timeout=2) == "200", 60):
            print(log.read_text(errors="replace")[-3000:])
            sys.exit("gunicorn did not answer 200 on / within 60 s.")
        bad = {path: status for path in PAGES if (status := _get(base, path)) != "200"}
        if bad:
            sys.exit(f"Pages not answering 200 before any load: {bad}")

        print(f"Steady load for {args.duration} s…")
        if Path("/usr/bin/wrk").exists():
            steady = _steady_load_wrk(base, args.duration, args.connections, folder)
        else:
            steady = _steady_load_threads(base, args.duration, args.connections)
        restart = None
        if not args.skip_postgres_restart:
            print("Restarting PostgreSQL under load…")
            restart = _postgres_restart(base, args.database_url, gunicorn.pid)
        print("Stopping Redis under load…")
        redis_figures = _redis_stop(base, redis, log)
        passed = _report(steady, restart, redis_figures, args)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
