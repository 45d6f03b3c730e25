"""import_issue on hostile input: `path[:line]: reason`, exit status 1, no traceback,
nothing imported."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from newsletter.models import Issue

pytestmark = pytest.mark.django_db

ONE_ITEM = "# 云原生月刊\n\n## 🆕 专题一 产品新功能\n\n### 1. 一个条目\n\n{body}\n"


def _import(path, *args):
    call_command("import_issue", str(path), *args, verbosity=0)


def _write(tmp_path, text: str | bytes, name: str = "2031-03.md") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def test_a_directory_is_named_as_one(tmp_path):
    with pytest.raises(CommandError, match=rf"^{tmp_path}: is a directory, not a file"):
        _import(tmp_path)


def test_a_nul_byte_in_the_file_is_refused_with_its_line(tmp_path):
    """NUL is no text: PostgreSQL could not store it, so the file is refused up front."""
    path = _write(tmp_path, ONE_ITEM.format(body="正文\n\n第二段\x00坏了").encode())
    with pytest.raises(CommandError, match=rf"^{path}:9: .*NUL"):
        _import(path)
    assert not Issue.objects.exists()


def test_a_nul_byte_in_the_path_is_refused(tmp_path):
    with pytest.raises(CommandError, match="NUL"):
        _import(f"{tmp_path}/a\x00b.md")


def test_a_huge_figure_id_is_imported_as_an_unknown_figure(tmp_path):
    """A figure id beyond any database integer is a typo shown as its alt text, no overflow."""
    path = _write(tmp_path, ONE_ITEM.format(body="![图](figure:99999999999999999999999)"))
    _import(path)
    item = Issue.objects.get().items.get()
    assert "<img" not in item.body_html


@pytest.mark.parametrize("slug", ["../etc", "带空格 的 slug", "a" * 300])
def test_a_bad_slug_is_refused_naming_it(tmp_path, slug):
    path = _write(tmp_path, ONE_ITEM.format(body="正文"))
    with pytest.raises(CommandError, match=rf"^{path}: --slug"):
        _import(path, "--slug", slug)
    assert not Issue.objects.exists()


def test_deeply_nested_markdown_is_imported_or_refused_without_a_traceback(tmp_path):
    """Ten thousand nested quotes and lists: either stored (flattened) or a line-numbered error."""
    body = ">" * 10_000 + " 深\n\n" + "".join("  " * depth + "- 层\n" for depth in range(3000))
    path = _write(tmp_path, ONE_ITEM.format(body=body))
    try:
        _import(path)
    except CommandError as error:
        assert str(error).startswith(f"{path}:")


def test_the_command_line_exits_non_zero_with_one_line_and_no_traceback(tmp_path):
    """Run as a person would: stderr is `path: reason`, the exit status 1."""
    result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "manage.py", "import_issue", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        env={"DJANGO_SETTINGS_MODULE": "config.test_settings", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{tmp_path}: is a directory" in result.stderr
