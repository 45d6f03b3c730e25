"""A DOM-level check that rendered HTML is inert, shared by the security tests."""

from html.parser import HTMLParser

FORBIDDEN_TAGS = {
    "script", "iframe", "object", "embed", "form", "base", "meta", "style", "link",
    "svg", "math", "input", "button", "details", "video", "audio", "source",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "srcset", "data", "poster"}
FORBIDDEN_SCHEMES = ("javascript:", "vbscript:", "data:")


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag}[{name}]")
            if name == "style":
                self.problems.append(f"{tag}[style]")
            if name in URL_ATTRIBUTES and value:
                # Browsers ignore whitespace and control characters inside schemes.
                squeezed = "".join(ch for ch in value if ch > " ").lower()
                if squeezed.startswith(FORBIDDEN_SCHEMES):
                    self.problems.append(f"{tag}[{name}={value!r}]")


def live_markup(html: str) -> list[str]:
    """Return the executable or dangerous pieces of `html`; empty when inert."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.problems
