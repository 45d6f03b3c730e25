"""The interface in two languages: Chinese by default, English on request, from committed catalogs.

Source strings are English in templates, models and the admin, Chinese in the
newsroom's workflow messages; locale/zh_Hans translates the English ones and
locale/en the Chinese ones (README.md, "Translations").
"""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import (
    FurtherReadingFactory,
    IssueFactory,
    ProjectFactory,
    SectionFactory,
    public_item,
)

LOCALE = Path(settings.BASE_DIR) / "locale"
CATALOGS = {"zh_Hans": LOCALE / "zh_Hans/LC_MESSAGES", "en": LOCALE / "en/LC_MESSAGES"}

# What the front page says around an issue, in each language.
ZH = ["最新一期", "本期目录", "往期", "拓展阅读", "编者按", "订阅", "跳到正文"]
EN = ["Latest issue", "In this issue", "Archive", "Further reading", "Editor's remark"]
EN += ["Feed", "Skip to content"]


@pytest.fixture
def issue(db):
    issue = IssueFactory(published=True, slug="2025-11")
    item = public_item(
        issue=issue, section=SectionFactory(), title="Helm 4 正式发布", remark="编者的话。"
    )
    FurtherReadingFactory(item=item)
    item.projects.add(ProjectFactory(slug="helm"))
    return issue


def _english_client(how: str) -> Client:
    if how == "header":
        return Client(HTTP_ACCEPT_LANGUAGE="en")
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_pages_are_in_chinese_by_default(client, issue):
    """No Accept-Language, no cookie: Chinese labels, not the English source strings."""
    html = client.get("/").content.decode()
    assert '<html lang="zh-Hans">' in html
    for text in ZH:
        assert text in html
    for text in EN:
        assert text not in html
    assert "· 1 条" in client.get("/issues/").content.decode()
    assert "CNCF 毕业" in client.get("/projects/").content.decode()
    assert "“Helm”共有 1 条结果" in client.get("/search/?q=Helm").content.decode()


@pytest.mark.parametrize("how", ["header", "cookie"])
def test_english_is_chosen_by_the_browser_or_the_language_cookie(issue, how):
    """Accept-Language: en or django_language=en gives the English interface."""
    client = _english_client(how)
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    for text in EN:
        assert text in html
    for text in ZH:
        assert text not in html
    assert "· 1 item<" in client.get("/issues/").content.decode()
    assert "CNCF graduated" in client.get("/projects/").content.decode()
    assert "1 result for “Helm”" in client.get("/search/?q=Helm").content.decode()


@pytest.mark.django_db
def test_the_admin_follows_the_language_too(django_user_model):
    """Admin labels written in English read Chinese by default, English on request."""
    user = django_user_model.objects.create_superuser("chief", "chief@example.com", "x")
    chinese, english = Client(), Client(HTTP_ACCEPT_LANGUAGE="en")
    for client in (chinese, english):
        client.force_login(user)
    html = chinese.get("/admin/").content.decode()
    assert "Digest 编辑部" in html and "我的邮件通知" in html and "期刊" in html
    assert "Digest newsroom" not in html
    html = english.get("/admin/").content.decode()
    assert "Digest newsroom" in html and "My email notifications" in html and "Issues" in html


def _po_entries(path: Path) -> list[dict]:
    """Return the entries of a .po file as dicts: msgid, msgstr or msgstr[N], flags."""
    entries, entry, key = [], {"flags": ""}, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        field = re.match(r'(msgid|msgid_plural|msgstr(?:\[\d+\])?) (".*")$', line)
        if line.startswith("#,"):
            entry["flags"] += line
        elif field:
            key = field[1]
            entry[key] = ast.literal_eval(field[2])
        elif line.startswith('"') and key:
            entry[key] += ast.literal_eval(line)
        elif not line.strip():
            if "msgid" in entry:
                entries.append(entry)
            entry, key = {"flags": ""}, None
    return entries


def _is_chinese(msgid: str) -> bool:
    """Whether a source string is Chinese: its first word, past placeholders and marks."""
    text = re.sub(r"^(?:%\(\w+\)[sd]|[\W\d_])+", "", msgid)
    return bool(re.match(r"[\u4e00-\u9fff]", text))


def _translations(entry: dict) -> list[str]:
    return [value for key, value in entry.items() if key.startswith("msgstr")]


@pytest.mark.parametrize("language", CATALOGS)
def test_every_string_in_the_other_language_is_translated(language):
    """zh_Hans translates every English string, en every Chinese one; nothing is fuzzy."""
    entries = _po_entries(CATALOGS[language] / "django.po")
    assert len(entries) > 100
    for entry in entries:
        assert "fuzzy" not in entry["flags"], entry["msgid"]
        if not entry["msgid"]:
            continue
        foreign = _is_chinese(entry["msgid"]) == (language == "en")
        if foreign:
            assert all(_translations(entry)), f"{language}: {entry['msgid']!r} is not translated"


@pytest.mark.parametrize("language", CATALOGS)
def test_the_committed_mo_file_is_compiled_from_the_po_file(language):
    """Running the site needs no gettext, so the .mo must match the .po (`make messages`)."""
    entries = [entry for entry in _po_entries(CATALOGS[language] / "django.po") if entry["msgid"]]
    with open(CATALOGS[language] / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    translated = [entry for entry in entries if all(_translations(entry))]
    for entry in translated:
        if "msgid_plural" in entry:
            for n in (1, 2):
                form = compiled.ngettext(entry["msgid"], entry["msgid_plural"], n)
                assert form in _translations(entry), entry["msgid"]
        else:
            assert compiled.gettext(entry["msgid"]) == entry["msgstr"], entry["msgid"]
    # One message per translated entry (plus the header): no stale strings either.
    assert len({key if isinstance(key, str) else key[0] for key in compiled._catalog}) == (
        len(translated) + 1
    )
