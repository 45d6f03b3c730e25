"""A real Varnish in front of the live test server: a correction is purged from it.

Varnish (`/usr/sbin/varnishd`, `.ci/run` installs it) is started by the test on
a free loopback port, with a VCL that allows PURGE from localhost. Without
Varnish the test is skipped, unless DIGEST_VARNISH_TESTS=required (CI sets
it): then it fails, so that CI cannot pass by skipping it.
"""

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from editorial import workflow
from newsletter.rendering import item_render
from tests.factories import IssueFactory, RoleUserFactory, public_item

VCL = """vcl 4.1;
backend default {{ .host = "{host}"; .port = "{port}"; }}
acl purgers {{ "127.0.0.1"; "localhost"; }}
sub vcl_recv {{
  if (req.method == "PURGE") {{
    if (client.ip !~ purgers) {{ return (synth(405, "PURGE not allowed")); }}
    return (purge);
  }}
}}
"""


def _varnishd() -> str | None:
    return shutil.which("varnishd") or next(
        (path for path in ("/usr/sbin/varnishd", "/usr/bin/varnishd") if Path(path).exists()),
        None,
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"varnishd exited: {process.stdout.read()}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("varnishd did not start listening")


@pytest.fixture
def varnish(live_server, tmp_path, settings):
    """Return the address of a Varnish caching the live server; the site purges it."""
    binary = _varnishd()
    if binary is None:
        if os.environ.get("DIGEST_VARNISH_TESTS") == "required":
            pytest.fail("varnishd is not installed (DIGEST_VARNISH_TESTS=required)")
        pytest.skip("varnishd is not installed (apt-get install varnish)")
    backend = urlsplit(live_server.url)
    (tmp_path / "site.vcl").write_text(VCL.format(host=backend.hostname, port=backend.port))
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 (a fixed binary and our own arguments)
        [
            binary,
            "-F",  # in the foreground: the test owns the process
            "-j", "none",  # no jail: runs as whoever runs the tests
            "-a", f"127.0.0.1:{port}",
            "-T", "none",
            "-n", str(tmp_path / "varnish"),
            "-f", str(tmp_path / "site.vcl"),
            "-s", "malloc,32m",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    try:
        _wait_for(port, process)
        address = f"http://127.0.0.1:{port}"
        # Readers come through Varnish, so that is the site's address, and the
        # Host of every PURGE.
        settings.SITE_URL = address
        settings.PURGE_HTTP_PROXIES = [address]
        yield address
    finally:
        process.terminate()
        process.wait(timeout=10)


def _get(url: str) -> tuple[str, str]:
    """GET `url`; return the body and Varnish's X-Varnish header (two ids on a hit)."""
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
        return response.read().decode(), response.headers.get("X-Varnish", "")


@pytest.mark.django_db(transaction=True)
def test_varnish_serves_the_corrected_page_after_the_purge(varnish):
    """Cached before, purged on commit, fetched again: readers see the correction."""
    editor = RoleUserFactory(username="eddie", role="Editor-in-chief")
    issue = IssueFactory(published=True, slug="2030-05", title="五月刊")
    item = public_item(issue=issue, position=1, title="Helm 4 发布", body="Helm 4.0.0 发布。")
    url = varnish + issue.get_absolute_url()
    body, _ = _get(url)
    assert "Helm 4.0.0 发布" in body
    body, hit = _get(url)
    assert len(hit.split()) == 2, "the second request should be a Varnish hit"

    item.body = "Helm 4.0.1 发布(更正)。"
    item.save()
    item_render(item=item)
    workflow.item_edit(item=item, actor=editor, changed_fields=["body"], correction_note="版本号")

    body, hit = _get(url)
    assert "Helm 4.0.1 发布(更正)" in body
    assert len(hit.split()) == 1, "the corrected page comes from the site, not the old copy"
