"""Security headers on every page: Content-Security-Policy, nosniff, framing, referrer."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.urls import reverse

from tests.factories import FurtherReadingFactory, ProjectFactory, UserFactory, public_item

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


class _InlineCode(HTMLParser):
    """Collects inline scripts, style elements, style attributes and event handlers."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        # JSON-LD is a data block: browsers never run it, and CSP does not apply to it.
        is_data = attributes.get("type") == "application/ld+json"
        if tag == "script" and not attributes.get("src") and not is_data:
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style>")
        self.found += [f"{tag}[{name}]" for name in attributes if name == "style"]
        self.found += [f"{tag}[{name}]" for name in attributes if name.startswith("on")]


@pytest.fixture
def public_urls():
    item = public_item(body="### 简介\n\n正文 ![图](/media/a.png)", remark="有意思")
    item.projects.add(project := ProjectFactory())
    item.tags.add("网络")
    FurtherReadingFactory(item=item, url="https://example.com/more")
    return [
        "/",
        reverse("newsletter:issue_archive"),
        item.issue.get_absolute_url(),
        reverse("newsletter:project_list"),
        project.get_absolute_url(),
        item.section.get_absolute_url(),
        reverse("newsletter:tag_detail", args=[item.tags.get().slug]),
        reverse("newsletter:search") + "?q=Helm",
    ]


def test_every_public_page_sends_the_content_security_policy(client, public_urls):
    """default-src 'self', no inline script, no plugins, no framing, no foreign forms or base."""
    for url in public_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        policy = _policy(response)
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"], "no 'unsafe-inline' and no nonce unused"
        assert policy["style-src"] == ["'self'"]
        assert policy["img-src"][:2] == ["'self'", "data:"]
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["form-action"] == ["'self'"]


def test_public_pages_carry_no_inline_script_or_style(client, public_urls):
    """Nothing on a public page would need 'unsafe-inline' or a nonce."""
    for url in public_urls:
        parser = _InlineCode()
        parser.feed(client.get(url).content.decode())
        assert parser.found == [], url


def test_the_not_found_page_has_the_policy_too(client):
    """Error pages are pages: the same headers apply."""
    response = client.get("/issues/no-such-issue/")
    assert response.status_code == 404
    assert "Content-Security-Policy" in response.headers


def test_every_page_forbids_sniffing_framing_and_leaking_the_referrer(client, public_urls):
    """nosniff, X-Frame-Options DENY and a same-origin referrer policy on every response."""
    for url in [*public_urls, reverse("admin:login"), reverse("newsletter:feed_atom")]:
        response = client.get(url)
        assert response.headers["X-Content-Type-Options"] == "nosniff", url
        assert response.headers["X-Frame-Options"] == "DENY", url
        assert response.headers["Referrer-Policy"] == "same-origin", url


def test_admin_pages_send_the_policy(client):
    """The admin, including the item editor, runs under the same policy."""
    client.force_login(UserFactory(is_superuser=True))
    for url in [reverse("admin:index"), reverse("admin:newsletter_item_add")]:
        response = client.get(url)
        assert response.status_code == 200, url
        policy = _policy(response)
        assert "'unsafe-inline'" not in policy["script-src"]
        assert policy["frame-ancestors"] == ["'none'"]


def test_a_nonce_appears_only_when_a_template_uses_one(rf):
    """A page that asks for request.csp_nonce gets that nonce allowed for its scripts."""
    request = rf.get("/")
    middleware = CSPMiddleware(lambda request: HttpResponse())
    middleware.process_request(request)
    nonce = str(request.csp_nonce)
    response = middleware.process_response(request, HttpResponse())
    assert f"'nonce-{nonce}'" in _policy(response)["script-src"]


def test_an_oversized_form_post_is_refused(client, settings):
    """Bodies over DATA_UPLOAD_MAX_MEMORY_SIZE get 400, not a server that reads them all."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(reverse("admin:login"), {"username": "x" * 2000, "password": "y"})
    assert response.status_code == 400


def test_a_post_with_too_many_fields_is_refused(client, settings):
    """More fields than DATA_UPLOAD_MAX_NUMBER_FIELDS get 400."""
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = client.post(reverse("admin:login"), {f"f{n}": "1" for n in range(20)})
    assert response.status_code == 400


def test_no_template_needs_unsafe_inline():
    """Templates have no style attributes or event handlers, and inline blocks carry the nonce."""
    templates = Path(__file__).resolve().parents[2] / "templates"
    problems = []
    for template in templates.rglob("*.html"):
        if {"email", "export"} & set(template.parts):
            # Mail and exported files are read away from the site: no CSP applies,
            # and a standalone file must carry its own styles.
            continue
        text = template.read_text(encoding="utf-8")
        where = template.relative_to(templates)
        for pattern in (
            r"\sstyle=",
            r"\son[a-z]+=",
            r"<style(?![^>]*nonce=)",
            r"<script(?![^>]*(?:src=|nonce=|type=\"application/json\"))",
        ):
            problems += [f"{where}: {match}" for match in re.findall(pattern, text)]
    assert problems == []


def test_images_may_come_from_an_absolute_media_url(client, settings):
    """A bucket or CDN set as MEDIA_URL, even after config.settings, is allowed in img-src."""
    settings.MEDIA_URL = "https://media.example.com/digest/"
    policy = _policy(client.get(reverse("newsletter:issue_archive")))
    assert policy["img-src"] == ["'self'", "data:", "https://media.example.com"]
    assert policy["default-src"] == ["'self'"]


def test_a_local_media_url_adds_no_host(client, settings):
    """With /media/ the images are already 'self'."""
    settings.MEDIA_URL = "/media/"
    policy = _policy(client.get(reverse("newsletter:issue_archive")))
    assert policy["img-src"] == ["'self'", "data:"]
