"""Which projects of the catalogue an imported item's title names."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable


@functools.lru_cache(maxsize=1024)
def _name_pattern(name: str) -> re.Pattern[str]:
    """Return a pattern for ``name``: whole-word for Latin names, substring for CJK names."""
    words = [re.escape(w) for w in name.split()]
    body = r"\s+".join(words)
    if re.search(r"[A-Za-z0-9]", name):
        # Only ASCII letters/digits glue words together: "runc" must not match "runcmd",
        # while CJK text, spaces, "-" and punctuation count as word boundaries.
        return re.compile(rf"(?<![A-Za-z0-9_]){body}(?![A-Za-z0-9_])", re.IGNORECASE)
    return re.compile(body, re.IGNORECASE)


def match_projects(title: str, projects: Iterable[tuple[str, Iterable[str] | str]]) -> list[str]:
    """Return the slugs of the projects named in ``title``, in order of appearance.

    ``projects`` yields ``(slug, names)`` where ``names`` is a list of names and aliases
    or one comma-separated string. Matching is case-insensitive and whole-word for Latin
    names; longer names win, so "Gateway API" does not also report "API" and
    "Podman Desktop" does not also report "Podman".
    """
    candidates: list[tuple[str, str]] = []
    for slug, names in projects:
        name_list = names.split(",") if isinstance(names, str) else names
        candidates += [(name.strip(), slug) for name in name_list if name.strip()]
    candidates.sort(key=lambda c: len(c[0]), reverse=True)
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, str]] = []
    for name, slug in candidates:
        for match in _name_pattern(name).finditer(title):
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            taken.append(span)
            found.append((span[0], slug))
    slugs: list[str] = []
    for _, slug in sorted(found):
        if slug not in slugs:
            slugs.append(slug)
    return slugs
