"""Bounded cost for every input: each operation at a size n and at 10 n.

`bench/run.py` calls `run()` once its in-memory database is migrated; on its
own (from the repository root):

    python bench/hardening.py

Each row times an operation on a small input (the baseline, measured in the
same run) and on one ten times larger, and prints the ratio: about 10 is
linear, about 100 would be quadratic. The inputs are the ones that were slow
before issue 9: a 25,000-character @mention (1.4 GB of prefixes), the diff of
a 30,000-character Chinese body (30 s; its 10 n row is past the body limit
and shows the fall back to paragraphs and passages), 20,000 headings with
one title (17 s); plus the importer and the Markdown pipeline on long issues.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GROWTH = 10
# Above this ratio for a tenfold input the operation is not linear.
TARGET_RATIO = 20
REPEAT = 5
COMMON_CHINESE = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年"


def _median_ms(operation, argument, repeat: int = REPEAT) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        operation(argument)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def _chinese(length: int) -> str:
    generator = random.Random(9)  # noqa: S311 - a fixed text, not a secret
    return "".join(generator.choice(COMMON_CHINESE) for _ in range(length))


def _edited(text: str) -> str:
    return "".join("改" if index % 997 == 0 else char for index, char in enumerate(text))


def _issue_text(items: int) -> str:
    return "🆕 专题一 产品新功能/新版本\n" + "".join(
        f"{n}. 标题 {n}\n简介\n- 列表\n正文 https://example.com/{n}\n🎤 点评\n拓展阅读\n- 链接\n"
        for n in range(1, items + 1)
    )


def cases():
    """Return (name, make input of size n, operation, n) for every bounded operation."""
    from editorial.review import mentioned_users
    from editorial.revisions.history import text_diff
    from newsletter.formats.parsing import parse_issue
    from newsletter.markdown import render_markdown

    def body_diff(size: int):
        old = _chinese(size)
        return old, _edited(old)

    return [
        ("mention: '@' + n letters", lambda n: "@" + "a" * n, mentioned_users, 2_500),
        ("diff: n Chinese chars, one line", body_diff, lambda pair: text_diff(*pair), 30_000),
        (
            "diff: n Chinese chars, 40 a line",
            lambda n: tuple(
                "\n".join(t[i : i + 40] for i in range(0, n, 40)) for t in body_diff(n)
            ),
            lambda pair: text_diff(*pair),
            30_000,
        ),
        ("anchors: n headings, one title", lambda n: "# 新功能\n\n" * n, render_markdown, 2_000),
        ("markdown: n-line body", lambda n: "- **要点** `code` 说明\n" * n, render_markdown, 1_000),
        ("import: issue of n items", _issue_text, parse_issue, 100),
    ]


def run() -> None:
    """Print each operation's time at n and 10 n, and their ratio."""
    print(f"\nhardening: time at n (baseline) and at {GROWTH} n; linear is about {GROWTH}x")
    for name, make, operation, size in cases():
        small, large = make(size), make(size * GROWTH)
        baseline = _median_ms(operation, small)
        grown = _median_ms(operation, large)
        ratio = grown / baseline if baseline else float("inf")
        verdict = "ok" if ratio <= TARGET_RATIO else "MISSED"
        print(
            f"{name:36s} n={size:<6d} {baseline:9.2f} ms   {GROWTH}n {grown:9.2f} ms"
            f"   {ratio:6.1f}x  {verdict}"
        )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    os.environ["DATABASE_URL"] = "sqlite://:memory:"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    run()
